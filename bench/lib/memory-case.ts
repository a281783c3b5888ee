/**
 * One memory measurement in a fresh process (bench/memory.bench.ts starts it with --expose-gc):
 * warm up with a tiny file, collect garbage, then run the case once and report the peak RSS
 * growth over the RSS just before it (the larger of 1 ms sampling and the kernel's maxRSS).
 * With `collect`, a minor GC runs every 1 ms during the case: garbage (chunks already written)
 * then dies at once, so the growth is what the code keeps alive, not when the GC happens to run.
 *
 * Besides RSS it reports the peak growth of the V8 heap in use, `external` and `arrayBuffers`
 * (1 ms sampling), which say where a copy lives (a base64 string is heap; a Buffer is external).
 *
 * Kinds: `upload` / `bare-upload` (the temporary upload, and bare undici streaming the file);
 * `download` / `bare-download` (a result saved, and bare undici piping it to a file); `process`
 * (a whole image-processing job as the CLI runs it: `runImageJob` validates and checks the
 * pixels, inlines or uploads the image, submits, polls, downloads and saves atomically);
 * `bare-data-uri` (the lean way to send an image inline: the JSON body streamed, the file
 * base64-encoded chunk by chunk from disk, submitted with bare undici).
 *
 * argv[2]: JSON { kind, url, key, file?, warmFile?, resultUrl?, warmUrl?, dir, collect?, request? }
 */
import { createReadStream, createWriteStream, openAsBlob } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, FormData, request } from 'undici';
import { ENDPOINT_PATHS } from '../../src/dashscope/catalog/index';
import { DashScopeClient, type GenerationRequest } from '../../src/dashscope/index';
import { getUploadPolicy } from '../../src/dashscope/upload';
import { Transport, createDispatcher } from '../../src/dashscope/transport';
import { saveAtomically } from '../../src/pipeline/files';
import { runImageJob, type ImageSaver } from '../../src/pipeline/images';
import { nodeFileSystem } from '../../src/pipeline/nodeFs';

interface Args {
  kind: 'upload' | 'bare-upload' | 'download' | 'bare-download' | 'process' | 'bare-data-uri';
  url: string;
  key: string;
  file?: string;
  warmFile?: string;
  resultUrl?: string;
  warmUrl?: string;
  dir: string;
  collect?: boolean;
  /** `process`: the request, its first image replaced by `file` (or `warmFile` for the warm-up). */
  request?: GenerationRequest;
}

const args = JSON.parse(process.argv[2]!) as Args;
const gc = (globalThis as { gc?: (options?: { type: 'minor' | 'major' }) => void }).gc;

async function main(): Promise<void> {
  // Polls scaled like the simulator's tasks (which end at once), so a job waits milliseconds.
  const client = new DashScopeClient({ apiKey: args.key, baseUrl: args.url, region: 'beijing', poll: { durationScale: 0.001 } });
  const fs = nodeFileSystem(args.dir);
  const saver: ImageSaver<{ name: string }> = { save: async (file) => ({ name: await saveAtomically(fs, file) }) };
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
      case 'process': {
        const request = { ...args.request!, images: [small ? args.warmFile! : args.file!] };
        const result = await runImageJob(request, { client, saver, name: () => `out-${process.pid}-${n++}` });
        if (result.images.length === 0) throw new Error('process: nothing saved');
        return;
      }
      case 'bare-data-uri': {
        // The lean way: the JSON body streamed, the file base64-encoded from disk in chunks of a
        // multiple of 3 bytes (so the pieces join into one valid base64 text).
        const path = small ? args.warmFile! : args.file!;
        const head = Buffer.from('{"model":"wanx2.1-imageedit","input":{"function":"super_resolution","prompt":"图像超分","base_image_url":"data:image/png;base64,');
        const tail = Buffer.from('"},"parameters":{"upscale_factor":2,"n":1}}');
        const bytes = (await stat(path)).size;
        const body = Readable.from(
          (async function* () {
            yield head;
            for await (const chunk of createReadStream(path, { highWaterMark: 3 * 21_846 })) yield Buffer.from((chunk as Buffer).toString('base64'));
            yield tail;
          })(),
        );
        const res = await request(args.url + ENDPOINT_PATHS.image2image, {
          method: 'POST',
          headers: { authorization: `Bearer ${args.key}`, 'content-type': 'application/json', 'x-dashscope-async': 'enable', 'content-length': String(head.length + Math.ceil(bytes / 3) * 4 + tail.length) },
          body,
          dispatcher: agent,
        });
        const text = await res.body.text();
        if (res.statusCode !== 200) throw new Error(`bare data: URI submit: HTTP ${res.statusCode} ${text.slice(0, 200)}`);
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
  const start = process.memoryUsage();
  const before = start.rss;
  const maxBefore = process.resourceUsage().maxRSS * 1024;
  let peak = before;
  const peaks = { heap: start.heapUsed, external: start.external, arrayBuffers: start.arrayBuffers };
  const sample = (): void => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    peaks.heap = Math.max(peaks.heap, m.heapUsed);
    peaks.external = Math.max(peaks.external, m.external);
    peaks.arrayBuffers = Math.max(peaks.arrayBuffers, m.arrayBuffers);
  };
  const timer = setInterval(() => {
    if (args.collect) gc?.({ type: 'minor' });
    sample();
  }, 1);
  await op(false);
  clearInterval(timer);
  sample();
  const maxAfter = process.resourceUsage().maxRSS * 1024;
  // maxRSS is a lifetime high-water mark: it says something only if this case raised it.
  if (maxAfter > maxBefore) peak = Math.max(peak, maxAfter);
  await client.close();
  await transport.close();
  await agent.close();
  const growths = { heap: peaks.heap - start.heapUsed, external: peaks.external - start.external, arrayBuffers: peaks.arrayBuffers - start.arrayBuffers };
  process.stdout.write(`${JSON.stringify({ before, peak, growth: peak - before, ...growths })}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
