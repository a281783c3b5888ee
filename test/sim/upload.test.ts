/**
 * Temporary upload (reference §7): getPolicy → OSS form POST (undici FormData) → `oss://` inputs,
 * accepted only with X-DashScope-OssResourceResolve: enable, for the same model and account;
 * size limits; and expiring result URLs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FormData, fetch as ufetch } from 'undici';
import { FakeClock, type Simulator } from './index.js';
import { I2I, SYNC, api, assertError, asyncHeaders, download, jpgSize, msgBody, png, pollTask, start } from './calls.js';

let sim: Simulator;
before(async () => {
  sim = await start();
});
after(() => sim.stop());

const POLICY_KEYS = ['policy', 'signature', 'upload_dir', 'upload_host', 'expire_in_seconds', 'max_file_size_mb', 'capacity_limit_mb', 'oss_access_key_id', 'x_oss_object_acl', 'x_oss_forbid_overwrite'];
const OSS_HEADER = { 'X-DashScope-OssResourceResolve': 'enable' };

async function upload(model: string, bytes: Buffer, filename: string, key?: string): Promise<string> {
  const p = await api(sim, `/uploads?action=getPolicy&model=${encodeURIComponent(model)}`, { key });
  assert.equal(p.status, 200, p.text);
  const d = p.json.data;
  const objectKey = `${d.upload_dir}/${filename}`;
  const form = new FormData();
  form.append('OSSAccessKeyId', d.oss_access_key_id);
  form.append('Signature', d.signature);
  form.append('policy', d.policy);
  form.append('key', objectKey);
  form.append('x-oss-object-acl', d.x_oss_object_acl);
  form.append('x-oss-forbid-overwrite', d.x_oss_forbid_overwrite);
  form.append('success_action_status', '200');
  form.append('file', new Blob([new Uint8Array(bytes)]), filename);
  const res = await ufetch(d.upload_host, { method: 'POST', body: form });
  assert.equal(res.status, 200, await res.text());
  return `oss://${objectKey}`;
}

describe('getPolicy', () => {
  it('answers the captured shape, bound to the simulator upload host', async () => {
    const r = await api(sim, '/uploads?action=getPolicy&model=qwen-image-edit-plus');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.deepEqual(Object.keys(r.json), ['data', 'request_id']);
    assert.deepEqual(Object.keys(r.json.data).sort(), [...POLICY_KEYS].sort());
    assert.equal(r.json.data.upload_host, sim.uploadHostUrl);
    assert.ok(r.json.data.upload_dir.startsWith('dashscope-instant/'));
    assert.ok(r.json.data.upload_dir.endsWith(r.json.request_id), 'upload_dir ends in the request id, as in the capture');
    assert.equal(r.json.data.expire_in_seconds, 300);
    assert.equal(r.json.data.x_oss_object_acl, 'private');
    assert.equal(r.json.data.x_oss_forbid_overwrite, 'true');
  });

  it('needs action=getPolicy and a model', async () => {
    assertError(await api(sim, '/uploads?action=nope&model=x'), 400, 'InvalidParameter', /action/);
    assertError(await api(sim, '/uploads?action=getPolicy'), 400, 'InvalidParameter', /model/);
  });
});

describe('oss:// inputs', () => {
  it('accepted with X-DashScope-OssResourceResolve: enable, for the same model', async () => {
    const ref = await upload('qwen-image-edit-plus', png(512, 512), 'cat.png');
    const r = await api(sim, SYNC, { body: msgBody('qwen-image-edit-plus', 'edit', [ref], { size: '512*512' }), headers: OSS_HEADER });
    assert.equal(r.status, 200, r.text);
  });

  it('refused without the header → 400 InvalidParameter "The provided URL does not appear to be valid…"', async () => {
    const ref = await upload('qwen-image-edit-plus', png(512, 512), 'dog.png');
    const r = await api(sim, SYNC, { body: msgBody('qwen-image-edit-plus', 'edit', [ref], { size: '512*512' }) });
    assertError(r, 400, 'InvalidParameter', /The provided URL does not appear to be valid\. Ensure it is correctly formatted\.$/);
  });

  it('refused for another model and for another account', async () => {
    const ref = await upload('qwen-image-edit-plus', png(512, 512), 'bird.png');
    const other = await api(sim, SYNC, { body: msgBody('wan2.6-image', 'edit', [ref], { size: '768*768', n: 1 }), headers: OSS_HEADER });
    assert.equal(other.status, 400, other.text);
    assert.match(other.json.code, /^InvalidParameter/);
    const otherKey = await api(sim, SYNC, { body: msgBody('qwen-image-edit-plus', 'edit', [ref], { size: '512*512' }), headers: OSS_HEADER, key: 'sk-sim-beijing-0002' });
    assert.equal(otherKey.status, 400, otherKey.text);
  });

  it('qwen-mt-image translates an uploaded file: a JPG of the input size', async () => {
    const ref = await upload('qwen-mt-image', png(333, 222), 'menu.png');
    const r = await api(sim, I2I, { body: { model: 'qwen-mt-image', input: { image_url: ref, source_lang: 'zh', target_lang: 'en' } }, headers: { ...asyncHeaders, ...OSS_HEADER } });
    assert.equal(r.status, 200, r.text);
    const b = (await pollTask(sim, r.json.output.task_id)).at(-1);
    assert.equal(b.output.task_status, 'SUCCEEDED');
    assert.deepEqual(jpgSize((await download(b.output.image_url)).bytes), { width: 333, height: 222 });
  });

  it('the model file-size limit applies to uploaded files (10 MB for qwen-image-edit-plus)', async () => {
    const big = Buffer.concat([png(512, 512), Buffer.alloc(10 * 1024 * 1024)]);
    const ref = await upload('qwen-image-edit-plus', big, 'big.png');
    const r = await api(sim, SYNC, { body: msgBody('qwen-image-edit-plus', 'edit', [ref], { size: '512*512' }), headers: OSS_HEADER });
    // Code and wording belong to the assets module (inputs.ts); the rule is: 400, "too large".
    assert.equal(r.status, 400, r.text);
    assert.match(r.json.message, /too large/i);
  });
});

describe('expiring result URLs', () => {
  it('a result URL works until resultTtlMs, then answers 403 with an OSS XML error', async () => {
    // The sync call's own wait passes at once; after it, time moves only when advanced here.
    const clock = new FakeClock({ autoAdvance: true });
    const s = await start({ clock, resultTtlMs: 1200 });
    try {
      const r = await api(s, SYNC, { body: msgBody('z-image-turbo', 'brief', [], { size: '512*512' }) });
      const url = r.json.output.choices[0].message.content[0].image;
      const made = clock.now();
      const fresh = await download(url);
      assert.equal(fresh.status, 200);
      assert.equal(fresh.contentType, 'image/png');
      await clock.advance(1199);
      assert.equal((await download(url)).status, 200, '1 ms before resultTtlMs');
      await clock.advance(1);
      assert.equal(clock.now() - made, 1200);
      const last = await download(url);
      assert.equal(last.status, 403);
      assert.match(last.contentType ?? '', /xml/);
      assert.match(last.text, /<Code>AccessDenied<\/Code>/);
      assert.match(last.text, /expired/i);
    } finally {
      await s.stop();
    }
  });

  it('a tampered signature → 403', async () => {
    const r = await api(sim, SYNC, { body: msgBody('z-image-turbo', 'sig', [], { size: '512*512' }) });
    const url = new URL(r.json.output.choices[0].message.content[0].image);
    url.searchParams.set('Signature', 'AAAA');
    assert.equal((await download(url.toString())).status, 403);
  });
});
