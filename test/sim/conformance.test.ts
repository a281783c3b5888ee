/**
 * Conformance: replays every request in ../shared/reference/captures against the simulator and
 * checks the response has the captured status, headers of note, JSON key shape (recursive key
 * set with value types; extra keys allowed) and SSE framing.
 *
 * Every case in the folder must be listed in CASES (the test fails on an unlisted one). Cases
 * replayed unchanged (host rewritten, sim key added): auth-error (with a wrong key: the capture's
 * key was stripped), parameter-error-nosse / -sse (the sim serves text-generation only for these
 * gateway checks; the -sse capture lost the SSE header the SDK sends, so it is added),
 * multimodal-generation-image, get-task-unknown, get-upload-policy (any model name is accepted).
 *
 * MAPPED cases (models outside the model table, or external URLs):
 *   - multimodal-generation-vl-sse: qwen-vl-plus → wan2.6-image interleave on the same endpoint
 *     (single user message, stream + enable_interleave); compares SSE framing and the union of the
 *     event key shapes, ignoring `usage.image_tokens` (a VL-model field).
 *   - image-synthesis: wanx-v1 → wan2.2-t2i-flash, same body (size 1024*1024, n 4, `style` tolerated).
 *   - get-task-running / get-task-image-synthesis-success: the task of that replay, when RUNNING / SUCCEEDED.
 *   - image-generation: wanx-style-repaint-v1 → wan2.6-t2i on image-generation/generation (messages body).
 *   - get-task-image-generation-success: wanx-style-repaint-v1's old `results[]` shape, compared with
 *     the text2image task above, ignoring that model's extra keys error_message, start_time,
 *     style_index, error_code (§5.3: "output may contain model-specific extra keys").
 *   - cancel-completed-task: cancels the SUCCEEDED task above.
 *   - image2image-synthesis-translation: the body as captured, image_url → an image on the sim host.
 *   - upload-temporary-file: the captured form fields, in order, with the values of a sim policy.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FormData, fetch as ufetch } from 'undici';
import type { Simulator } from './index.js';
import { parseSse, png, start, type SseEvent } from './calls.js';
import { CAPTURES_DIR } from '../fixtures/captures';

const CAPTURES = CAPTURES_DIR;

const stripBom = (s: string) => s.replace(/^\uFEFF/, '');
const read = (name: string): string | undefined => {
  const p = resolve(CAPTURES, name);
  return existsSync(p) ? stripBom(readFileSync(p, 'utf8')) : undefined;
};

interface Capture {
  name: string;
  method: string;
  path: string;
  reqHeaders: Record<string, string>;
  reqBody?: string;
  status?: number;
  resHeaders: Record<string, string>;
  resBody?: string;
}

function parseHead(text: string): { first: string; headers: Record<string, string> } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return { first: lines[0] ?? '', headers };
}

function loadCapture(name: string): Capture {
  const reqHead = read(`${name}.request.header.txt`) ?? read(`${name}.header.txt`);
  assert.ok(reqHead, `${name}: request header file`);
  const rq = parseHead(reqHead);
  const [method, target] = rq.first.split(/\s+/);
  const url = new URL(target, 'https://dashscope.aliyuncs.com');
  const cap: Capture = {
    name,
    method,
    path: url.pathname + url.search,
    reqHeaders: rq.headers,
    reqBody: read(`${name}.request.body.json`) ?? read(`${name}.request.body.txt`),
    resHeaders: {},
  };
  const resHead = read(`${name}.response.header.txt`);
  if (resHead) {
    const rs = parseHead(resHead);
    cap.status = Number(rs.first.split(/\s+/)[1]);
    cap.resHeaders = rs.headers;
  }
  cap.resBody = read(`${name}.response.body.txt`);
  return cap;
}

/** path → set of JSON value types, arrays as `[]`. */
function shape(v: unknown, prefix = '', out = new Map<string, Set<string>>()): Map<string, Set<string>> {
  const type = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
  if (prefix) {
    if (!out.has(prefix)) out.set(prefix, new Set());
    out.get(prefix)!.add(type);
  }
  if (Array.isArray(v)) for (const e of v) shape(e, `${prefix}[]`, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) shape(x, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

function assertShape(ours: unknown, captured: unknown, ignore: string[] = [], label = ''): void {
  const want = captured instanceof Map ? (captured as Map<string, Set<string>>) : shape(captured);
  const got = ours instanceof Map ? (ours as Map<string, Set<string>>) : shape(ours);
  const missing: string[] = [];
  for (const [path, types] of want) {
    if (ignore.some((i) => path === i || path.startsWith(i + '.') || path.startsWith(i + '['))) continue;
    const g = got.get(path);
    if (!g) missing.push(path);
    else if (![...types].some((t) => g.has(t))) missing.push(`${path} (type ${[...types]} vs ${[...g]})`);
  }
  assert.deepEqual(missing, [], `${label}: captured keys missing from the simulator response`);
}

function mergeShapes(values: unknown[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const v of values) shape(v, '', out);
  return out;
}

interface Sent {
  status: number;
  headers: Headers;
  text: string;
}

let sim: Simulator;
let imageUrl: string;
const state: { t2iTask?: string; running?: Sent; succeeded?: Sent } = {};

async function send(cap: Capture, over: { body?: string; path?: string; headers?: Record<string, string>; key?: string } = {}): Promise<Sent> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(cap.reqHeaders)) {
    if (['host', 'content-length', 'connection', 'request-start-time', 'cache-control'].includes(k)) continue;
    headers[k] = v;
  }
  headers.authorization = `Bearer ${over.key ?? sim.keys.beijing}`;
  Object.assign(headers, over.headers);
  const path = (over.path ?? cap.path).replace(/^\/api\/v1/, '');
  const body = over.body ?? cap.reqBody;
  const res = await fetch(sim.urls.beijing + path, { method: cap.method, headers, body: cap.method === 'GET' ? undefined : body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const norm = (s: string | null | undefined) => (s ?? '').toLowerCase().replace(/\s+/g, '');

/** Status, headers of note, and (JSON or SSE) body shape. */
function compare(cap: Capture, ours: Sent, ignore: string[] = []): void {
  assert.equal(ours.status, cap.status, `${cap.name}: status (body ${ours.text.slice(0, 300)})`);
  const ch = cap.resHeaders;
  if (ch['content-type']) assert.equal(norm(ours.headers.get('content-type')), norm(ch['content-type']), `${cap.name}: content-type`);
  if (ch['x-request-id']) assert.ok(ours.headers.get('x-request-id'), `${cap.name}: x-request-id`);
  if (ch['x-dashscope-call-gateway']) assert.equal(ours.headers.get('x-dashscope-call-gateway'), 'true', `${cap.name}: x-dashscope-call-gateway`);
  if (ch['x-dashscope-finished']) assert.equal(ours.headers.get('x-dashscope-finished'), ch['x-dashscope-finished'], `${cap.name}: x-dashscope-finished`);
  if (ch['x-dashscope-timeout']) assert.ok(ours.headers.get('x-dashscope-timeout'), `${cap.name}: x-dashscope-timeout`);
  if (!cap.resBody) return;
  const capturedSse = /^id:\d+\n/.test(cap.resBody.replace(/\r/g, ''));
  if (capturedSse) {
    const want = parseSse(cap.resBody.replace(/\r/g, '').replace(/\n?$/, '\n\n'));
    const got = parseSse(ours.text);
    compareSse(cap.name, want, got, ignore);
    return;
  }
  const body = JSON.parse(ours.text);
  assertShape(body, JSON.parse(cap.resBody), ignore, cap.name);
  if (body.request_id && ours.headers.get('x-request-id')) assert.equal(ours.headers.get('x-request-id'), body.request_id);
}

function compareSse(name: string, want: SseEvent[], got: SseEvent[], ignore: string[]): void {
  assert.ok(got.length > 0, `${name}: events`);
  got.forEach((e, i) => assert.equal(e.id, String(i + 1), `${name}: id sequence`));
  assert.deepEqual([...new Set(got.map((e) => e.event))], [...new Set(want.map((e) => e.event))], `${name}: event names`);
  assert.deepEqual([...new Set(got.flatMap((e) => e.comments))], [...new Set(want.flatMap((e) => e.comments))], `${name}: :HTTP_STATUS comments`);
  assertShape(mergeShapes(got.map((e) => JSON.parse(e.data))), mergeShapes(want.map((e) => JSON.parse(e.data))), ignore, name);
  const finish = (e: SseEvent) => JSON.parse(e.data).output?.choices?.[0]?.finish_reason;
  if (want.some((e) => finish(e))) {
    assert.deepEqual(got.slice(0, -1).map(finish).filter((f) => f !== 'null'), [], `${name}: finish_reason "null" until the last event`);
    assert.equal(finish(got.at(-1)!), 'stop', `${name}: last finish_reason`);
  }
}

async function pollOurs(id: string, want: string): Promise<Sent> {
  // A safety net counted in 5 ms polls (about 15 s), not read from the wall clock.
  for (let polls = 3000; ; polls--) {
    const res = await fetch(`${sim.urls.beijing}/tasks/${id}`, { headers: { authorization: `Bearer ${sim.keys.beijing}` } });
    const sent = { status: res.status, headers: res.headers, text: await res.text() };
    const st = JSON.parse(sent.text).output.task_status;
    if (st === want) return sent;
    if (polls <= 0 || ['SUCCEEDED', 'FAILED', 'UNKNOWN'].includes(st)) throw new Error(`task ${id}: ${st}, wanted ${want}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const CASES: Record<string, () => Promise<void>> = {
  'auth-error-nosse': async () => {
    const cap = loadCapture('auth-error-nosse');
    compare(cap, await send(cap, { key: 'sk-sim-not-a-key-0000' }));
  },
  'parameter-error-nosse': async () => {
    const cap = loadCapture('parameter-error-nosse');
    compare(cap, await send(cap));
  },
  'parameter-error-sse': async () => {
    const cap = loadCapture('parameter-error-sse');
    compare(cap, await send(cap, { headers: { 'X-DashScope-Sse': 'enable' } }));
  },
  'multimodal-generation-image-nosse': async () => {
    const cap = loadCapture('multimodal-generation-image-nosse');
    compare(cap, await send(cap));
  },
  'multimodal-generation-vl-sse': async () => {
    const cap = loadCapture('multimodal-generation-vl-sse');
    const orig = JSON.parse(cap.reqBody!);
    const userText = orig.input.messages.at(-1).content.find((c: { text?: string }) => c.text).text;
    const body = {
      model: 'wan2.6-image',
      input: { messages: [{ role: 'user', content: [{ text: userText }] }] },
      parameters: { ...orig.parameters, enable_interleave: true, stream: true, max_images: 2, size: '768*768' },
    };
    compare(cap, await send(cap, { body: JSON.stringify(body) }), ['usage.image_tokens']);
  },
  'image-synthesis-nosse': async () => {
    const cap = loadCapture('image-synthesis-nosse');
    const body = JSON.parse(cap.reqBody!);
    body.model = 'wan2.2-t2i-flash';
    const ours = await send(cap, { body: JSON.stringify(body) });
    compare(cap, ours);
    state.t2iTask = JSON.parse(ours.text).output.task_id;
  },
  'get-task-running-nosse': async () => {
    const cap = loadCapture('get-task-running-nosse');
    state.running = await pollOurs(state.t2iTask!, 'RUNNING');
    compare(cap, state.running);
  },
  'get-task-image-synthesis-success-nosse': async () => {
    const cap = loadCapture('get-task-image-synthesis-success-nosse');
    state.succeeded = await pollOurs(state.t2iTask!, 'SUCCEEDED');
    compare(cap, state.succeeded);
    assert.equal(JSON.parse(state.succeeded.text).output.results.length, 4);
  },
  'get-task-image-generation-success-nosse': async () => {
    const cap = loadCapture('get-task-image-generation-success-nosse');
    compare(cap, state.succeeded!, ['output.error_message', 'output.start_time', 'output.style_index', 'output.error_code']);
  },
  'cancel-completed-task-nosse': async () => {
    const cap = loadCapture('cancel-completed-task-nosse');
    const ours = await send(cap, { path: `/api/v1/tasks/${state.t2iTask}/cancel` });
    compare(cap, ours);
    assert.deepEqual(Object.keys(JSON.parse(ours.text)), Object.keys(JSON.parse(cap.resBody!)), 'key order as captured');
    assert.equal(JSON.parse(ours.text).message, JSON.parse(cap.resBody!).message);
  },
  'image-generation-nosse': async () => {
    const cap = loadCapture('image-generation-nosse');
    const body = { model: 'wan2.6-t2i', input: { messages: [{ role: 'user', content: [{ text: 'repaint in style 3' }] }] }, parameters: { n: 1, size: '1280*1280' } };
    compare(cap, await send(cap, { body: JSON.stringify(body) }));
  },
  'get-task-unknown-nosse': async () => {
    const cap = loadCapture('get-task-unknown-nosse');
    const ours = await send(cap);
    compare(cap, ours);
    assert.equal(JSON.parse(ours.text).output.task_status, 'UNKNOWN');
  },
  'get-upload-policy-nosse': async () => {
    const cap = loadCapture('get-upload-policy-nosse');
    const ours = await send(cap);
    compare(cap, ours);
    assert.deepEqual(Object.keys(JSON.parse(ours.text).data).sort(), Object.keys(JSON.parse(cap.resBody!).data).sort(), 'exactly the captured policy keys');
  },
  'upload-temporary-file-nosse': async () => {
    const cap = loadCapture('upload-temporary-file-nosse');
    const policyRes = await fetch(`${sim.urls.beijing}/uploads?action=getPolicy&model=qwen-vl-plus`, { headers: { authorization: `Bearer ${sim.keys.beijing}` } });
    const d = (await policyRes.json()).data;
    const names = [...cap.reqBody!.matchAll(/Content-Disposition: form-data; name=([^\r\n;]+)/g)].map((m) => m[1].replace(/"/g, ''));
    assert.deepEqual(names, ['OSSAccessKeyId', 'policy', 'Signature', 'key', 'x-oss-object-acl', 'x-oss-forbid-overwrite', 'file']);
    const value: Record<string, string> = {
      OSSAccessKeyId: d.oss_access_key_id,
      policy: d.policy,
      Signature: d.signature,
      key: `${d.upload_dir}/Lenna.jpg`,
      'x-oss-object-acl': d.x_oss_object_acl,
      'x-oss-forbid-overwrite': d.x_oss_forbid_overwrite,
    };
    const form = new FormData();
    for (const n of names) {
      if (n === 'file') form.append('file', new Blob([new Uint8Array(png(64, 64))]), 'Lenna.jpg');
      else form.append(n, value[n]);
    }
    const res = await ufetch(d.upload_host, { method: 'POST', body: form });
    // The captured form has no success_action_status field, so OSS answers its default 204
    // (the SDKs send success_action_status=200 and get 200; upload.test.ts covers that).
    assert.equal(res.status, 204, await res.text());
    assert.ok(sim.assets.getUpload(value.key), 'stored under the key');
  },
  'image2image-synthesis-translation-nosse': async () => {
    const cap = loadCapture('image2image-synthesis-translation-nosse');
    const body = JSON.parse(cap.reqBody!);
    body.input.image_url = imageUrl;
    const ours = await send(cap, { body: JSON.stringify(body) });
    compare(cap, ours);
  },
};

describe('conformance with the real captures', () => {
  before(async () => {
    if (!existsSync(CAPTURES)) {
      throw new Error(`Captures not found at ${CAPTURES}: the repository's copy in test/fixtures/captures is missing.`);
    }
    sim = await start({ timing: { pendingMs: 50, runningMs: 150 } });
    imageUrl = sim.assets.putStatic('ordhsk-1.png', png(320, 240), 'image/png');
  });
  after(() => sim?.stop());

  it('every capture case in the folder is covered by this test', () => {
    const names = new Set(
      readdirSync(CAPTURES)
        .filter((f) => f !== 'README.md')
        .map((f) => f.replace(/\.(request|response)\.(header|body)\.(txt|json)$/, '').replace(/\.header\.txt$/, '')),
    );
    assert.deepEqual([...names].sort(), Object.keys(CASES).sort());
  });

  for (const [name, fn] of Object.entries(CASES)) it(name, fn);
});
