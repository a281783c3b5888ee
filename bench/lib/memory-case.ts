/**
 * One memory measurement in a fresh process (bench/memory.bench.ts starts it with --expose-gc):
 * warm up with a tiny file, collect garbage, then run the case once and report the peak RSS
 * growth over the RSS just before it (the larger of 1 ms sampling and the kernel's maxRSS).
 * With `collect`, a minor GC runs every 1 ms during the case: garbage (chunks already written)
 * then dies at once, so the growth is what the code keeps alive, not when the GC happens to run.
 *
 * argv[2]: JSON { kind, url, key, file?, warmFile?, resultUrl?, warmUrl?, dir, collect? }
 */
import { openAsBlob } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Agent, FormData, request } from 'undici';
import { DashScopeClient } from '../../src/dashscope/index';
import { getUploadPolicy } from '../../src/dashscope/upload';
import { Transport, createDispatcher } from '../../src/dashscope/transport';

interface Args {
  kind: 'upload' | 'bare-upload' | 'download' | 'bare-download';
  url: string;
  key: string;
  file?: string;
  warmFile?: string;
  resultUrl?: string;
  warmUrl?: string;
  dir: string;
  collect?: boolean;
}

const args = JSON.parse(process.argv[2]!) as Args;
const gc = (globalThis as { gc?: (options?: { type: 'minor' | 'major' }) => void }).gc;

async function main(): Promise<void> {
  const client = new DashScopeClient({ apiKey: args.key, baseUrl: args.url, region: 'beijing' });
  const transport = new Transport({ apiKey: args.key, baseUrl: args.url, dispatcher: createDispatcher() });
  const agent = new Agent();
  let n = 0;
  const op = async (small: boolean): Promise<void> => {
    switch (args.kind) {
      case 'upload':
        await client.uploadLocalImage('qwen-mt-image', { kind: 'file', path: small ? args.warmFile! : args.file! }, { forceUpload: true });
        return;
      case 'bare-upload': {
        // The lean way: policy, then a multipart POST streaming the file from disk.
        const policy = await getUploadPolicy(transport, 'qwen-mt-image');
        const form = new FormData();
        form.append('OSSAccessKeyId', policy.oss_access_key_id);
        form.append('Signature', policy.signature);
        form.append('policy', policy.policy);
        form.append('key', `${policy.upload_dir}/bare-${n++}.png`);
        form.append('x-oss-object-acl', policy.x_oss_object_acl);
        form.append('x-oss-forbid-overwrite', policy.x_oss_forbid_overwrite);
        form.append('success_action_status', '200');
        form.append('file', await openAsBlob(small ? args.warmFile! : args.file!, { type: 'image/png' }), 'bare.png');
        const res = await request(policy.upload_host, { method: 'POST', body: form, dispatcher: agent });
        await res.body.text();
        if (res.statusCode !== 200) throw new Error(`bare upload: HTTP ${res.statusCode}`);
        return;
      }
      case 'download':
        await client.download(small ? args.warmUrl! : args.resultUrl!, { dir: args.dir });
        return;
      case 'bare-download': {
        // The lean way: stream the body to a file, nothing else.
        const res = await request(small ? args.warmUrl! : args.resultUrl!, { dispatcher: agent });
        await pipeline(res.body, createWriteStream(join(args.dir, `bare-${process.pid}-${n++}.png`)));
        return;
      }
    }
  };
  await op(true);
  await op(true);
  // Touch the file once so the page cache, not this process, holds it.
  if (args.file) await readFile(args.file).then(() => undefined);
  gc?.();
  gc?.();
  await new Promise((r) => setTimeout(r, 50));
  gc?.();
  const before = process.memoryUsage().rss;
  const maxBefore = process.resourceUsage().maxRSS * 1024;
  let peak = before;
  const timer = setInterval(() => {
    if (args.collect) gc?.({ type: 'minor' });
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 1);
  await op(false);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const maxAfter = process.resourceUsage().maxRSS * 1024;
  // maxRSS is a lifetime high-water mark: it says something only if this case raised it.
  if (maxAfter > maxBefore) peak = Math.max(peak, maxAfter);
  await client.close();
  await transport.close();
  await agent.close();
  process.stdout.write(`${JSON.stringify({ before, peak, growth: peak - before })}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
