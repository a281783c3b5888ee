/**
 * Request conformance: for every recorded request in test/fixtures/captures
 * (`*.request.body.json`, `*.request.header.txt`, and the upload policy's `*.header.txt`), the
 * client builds the same request from the equivalent input, and we compare what it really sends
 * (captured by a local HTTP server on 127.0.0.1, answering with the capture's own response):
 * method, path, the headers that matter (Authorization shape, X-DashScope-Async,
 * X-DashScope-Sse / Accept, X-DashScope-OssResourceResolve, content type) and the body key by key.
 *
 * Deliberate differences are listed per case with the reason; the test fails on any other
 * difference AND on a listed difference that no longer occurs, so the list stays true. A capture
 * the client cannot reproduce at all is listed in NOT_REPRODUCED with the reason; a new capture
 * that is in neither list fails the test.
 *
 *   node --import tsx --test test/unit/request-conformance.test.ts
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DashScopeClient } from '../../src/dashscope/client';
import { capture, captureStatus, capturesDir, JumpingClock, makePng, startScriptedServer, type ScriptedServer } from './client-fixtures';

const KEY = 'sk-test-conformance-0001';

/** A recorded request: method, path (with query), headers (lower-case names), body. */
interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** Reads `NAME.request.header.txt` (or the given header file): `METHOD /path HTTP/1.1` or `METHOD https://host/path`, then `Name: value` lines. */
function recordedRequest(headerFile: string, bodyFile?: string): RecordedRequest {
  const lines = capture(headerFile).toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
  const [method, target] = lines[0]!.split(' ');
  const path = target!.startsWith('http') ? target!.replace(/^https?:\/\/[^/]+/, '') : target!;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (m) headers[m[1]!.toLowerCase()] = m[2]!;
  }
  return { method: method!, path: path || '/', headers, body: bodyFile ? capture(bodyFile) : Buffer.alloc(0) };
}

/** The capture's response, replayed as-is: status from the header file, its content type (none if it had none), body bytes. */
function replay(name: string): { status: number; headers: Record<string, string>; body: Buffer } {
  const head = capture(`${name}.response.header.txt`).toString('utf8');
  const ct = /^content-type:\s*(.+)$/im.exec(head)?.[1]?.trim();
  return { status: captureStatus(name), headers: ct ? { 'content-type': ct } : {}, body: capture(`${name}.response.body.txt`) };
}

function parseJson(buf: Buffer): unknown {
  return JSON.parse(buf.toString('utf8').replace(/^\uFEFF/, ''));
}

/**
 * Paths where two JSON values differ, key by key. Objects recurse per key (a key on one side only
 * is a difference at that key); arrays of equal length recurse per index, else differ as a whole.
 */
function jsonDiff(a: unknown, b: unknown, path = ''): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => (k in a && k in b ? jsonDiff(a[k], b[k], path ? `${path}.${k}` : k) : [path ? `${path}.${k}` : k]));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((v, i) => jsonDiff(v, b[i], `${path}.${i}`));
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path || '(root)'];
}

/** Fields of a multipart/form-data body, by name (tolerates the capture's bare-LF framing). */
function formFields(body: Buffer, contentType: string): Record<string, string> {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  assert.ok(boundary, `no boundary in ${contentType}`);
  const text = body.toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').replace(/\r\n/g, '\n');
  const fields: Record<string, string> = {};
  for (const part of text.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break;
    const lines = part.replace(/^\n/, '').split('\n');
    let name: string | undefined;
    let i = 0;
    for (; i < lines.length && /^[A-Za-z-]+:\s/.test(lines[i]!); i++) {
      const m = /name=(?:"([^"]*)"|([^;\s]+))/.exec(lines[i]!);
      if (/^content-disposition/i.test(lines[i]!) && m) name = m[1] ?? m[2];
    }
    if (lines[i] === '') i++;
    if (name !== undefined) fields[name] = lines.slice(i).join('\n').replace(/\n$/, '');
  }
  return fields;
}

/** One capture reproduced by the client. */
interface ConformanceCase {
  /** The capture's base name (and its request header / body files). */
  name: string;
  headerFile?: string;
  bodyFile?: string;
  /** What the client is asked to do: the equivalent input of the recorded request. */
  run: (client: DashScopeClient, ctx: { dir: string }) => Promise<unknown>;
  /** Which request of the run is compared (upload flows send two). */
  requestIndex?: number;
  /** Body paths (key by key) that differ on purpose, each with the reason. */
  bodyDifferences?: Record<string, string>;
  /** The query string differs on purpose (the reason). */
  queryDifference?: string;
  /** Compare a multipart form instead of JSON. */
  form?: boolean;
  /** An extra check of the client's body against the capture's. */
  extra?: (client: RecordedRequest, recorded: RecordedRequest) => void;
}

/** Captures the client cannot reproduce, with the reason (their responses are tested in dashscope-captures.test.ts). */
const NOT_REPRODUCED: Record<string, string> = {
  'auth-error-nosse': 'qwen-max on text-generation/generation: an LLM call the image client never makes; the capture is kept for its 401 InvalidApiKey response.',
  'parameter-error-nosse': 'qwen-max on text-generation/generation with a contradictory prompt+messages input: not an image request; kept for its 400 InvalidParameter response.',
  'parameter-error-sse': 'the same LLM request as parameter-error-nosse with incremental output; kept for its SSE event:error framing.',
};

const CASES: ConformanceCase[] = [
  {
    name: 'multimodal-generation-image-nosse',
    // The real qwen-image-max request: every key must match.
    run: (c) => {
      const body = parseJson(capture('multimodal-generation-image-nosse.request.body.json')) as { input: { messages: { content: { text: string }[] }[] }; parameters: Record<string, never> };
      const p = body.parameters as unknown as { negative_prompt: string; n: number; prompt_extend: boolean; watermark: boolean; size: string; seed: number };
      return c.generate({ model: 'qwen-image-max', prompt: body.input.messages[0]!.content[0]!.text, negativePrompt: p.negative_prompt, n: p.n, promptExtend: p.prompt_extend, watermark: p.watermark, size: p.size, seed: p.seed });
    },
  },
  {
    name: 'image2image-synthesis-translation-nosse',
    run: (c) =>
      c.submitTask({
        model: 'qwen-mt-image',
        images: ['https://help-static-aliyun-doc.aliyuncs.com/file-manage-files/zh-CN/20250916/ordhsk/1.webp'],
        translation: {
          sourceLang: 'zh',
          targetLang: 'en',
          domainHint:
            'These sentences are from seller-buyer conversations on a B2C ecommerce platform. Translate them into clear, engaging customer service language, ensuring the translation is appropriate for handling potential issues or disputes.',
          sensitives: ['基础'],
          terminologies: [{ src: '一体化', tgt: 'unified' }],
          imageSegment: false,
        },
      }),
  },
  {
    name: 'image-synthesis-nosse',
    // wanx-v1 is not in the catalog; wan2.2-t2i-flash is the text2image model with the same body shape.
    run: (c) => c.submitTask({ model: 'wan2.2-t2i-flash', prompt: '一只奔跑的猫', size: '1024*1024', n: 4, seed: 42 }),
    bodyDifferences: {
      model: 'wanx-v1 (2023) is not in the catalog; wan2.2-t2i-flash is the text2image model the client sends instead.',
      'parameters.style': 'style is a wanx-v1-only parameter; no catalog model takes it.',
    },
  },
  {
    name: 'image-generation-nosse',
    // wanx-style-repaint-v1 takes image_url + style_index; the image-generation models in the catalog take messages (§4.2).
    run: (c) => c.submitTask({ model: 'wan2.6-t2i', prompt: 'repaint in style 3' }),
    bodyDifferences: {
      model: 'wanx-style-repaint-v1 is not in the catalog; wan2.6-t2i (async variant) uses the same endpoint.',
      'input.image_url': 'repaint input; the catalog models on image-generation/generation take input.messages (§4.2).',
      'input.style_index': 'repaint-only parameter.',
      'input.messages': 'the messages input of the catalog models (§4.2).',
      parameters: 'the client always sends a parameters object on the messages endpoints (empty here: no options set).',
    },
  },
  {
    name: 'multimodal-generation-vl-sse',
    // The same endpoint streamed: wan2.6-image interleave is the client's SSE call; the user message is the capture's.
    run: async (c) => {
      const deltas = c.stream({ model: 'wan2.6-image:interleave', prompt: '这个图片是哪里，请用简短的语言回答', images: ['https://dashscope.oss-cn-beijing.aliyuncs.com/images/dog_and_girl.jpeg'], seed: 1234 });
      for await (const _ of deltas) void _;
    },
    bodyDifferences: {
      model: 'qwen-vl-plus is a chat model; wan2.6-image is the catalog model that streams on this endpoint.',
      'input.messages': 'the capture starts with a system message; image models take exactly one user message (§2.1), compared separately below.',
      'parameters.incremental_output': 'an LLM option; image streams are incremental without it (§3).',
      'parameters.top_k': 'LLM sampling option.',
      'parameters.top_p': 'LLM sampling option.',
      'parameters.enable_interleave': 'wan2.6-image interleave mode (§2.2).',
      'parameters.stream': 'interleave needs parameters.stream=true besides the SSE header (§3.1).',
    },
    extra: (client, recorded) => {
      const user = (parseJson(recorded.body) as { input: { messages: { role: string }[] } }).input.messages.find((m) => m.role === 'user');
      assert.deepEqual((parseJson(client.body) as { input: { messages: unknown[] } }).input.messages, [user]);
    },
  },
  ...['get-task-running-nosse', 'get-task-image-synthesis-success-nosse', 'get-task-image-generation-success-nosse', 'get-task-unknown-nosse'].map(
    (name): ConformanceCase => ({
      name,
      run: (c) => c.getTask(decodeURIComponent(recordedRequest(`${name}.request.header.txt`).path.split('/').pop()!)),
    }),
  ),
  {
    name: 'cancel-completed-task-nosse',
    run: (c) => c.cancelTask('6075262c-b56d-4968-9abf-2a9784a90f3e').catch(() => undefined),
    extra: (client) => assert.equal(client.headers['content-length'] ?? '0', '0'),
  },
  {
    name: 'get-upload-policy-nosse',
    headerFile: 'get-upload-policy-nosse.header.txt',
    run: (c, { dir }) => c.uploadLocalImage('qwen-image-edit-plus', join(dir, 'Lenna.png'), { forceUpload: true }),
    requestIndex: 0,
    queryDifference: 'the policy is bound to the model: qwen-image-edit-plus here, qwen-vl-plus in the capture (§7).',
  },
  {
    name: 'upload-temporary-file-nosse',
    bodyFile: 'upload-temporary-file-nosse.request.body.txt',
    run: (c, { dir }) => c.uploadLocalImage('qwen-image-edit-plus', join(dir, 'Lenna.png'), { forceUpload: true }),
    requestIndex: 1,
    form: true,
    bodyDifferences: {
      key: 'the object key is upload_dir + the file name: the test uploads Lenna.png (a PNG it made), the capture Lenna.jpg; the directory is compared below.',
      file: 'the file bytes (and their part headers) are the uploaded image.',
      success_action_status: 'the client asks OSS for 200 instead of the default 204, so the upload answers like every other call.',
      'x-oss-content-type': 'the client stores the MIME type with the object.',
    },
    extra: (client) => {
      const fields = formFields(client.body, client.headers['content-type']!);
      const policy = (parseJson(capture('get-upload-policy-nosse.response.body.txt')) as { data: { upload_dir: string } }).data;
      assert.equal(fields.key, `${policy.upload_dir}/Lenna.png`);
      // OSS ignores fields after the file: it must come last (§7).
      const names = [...client.body.toString('latin1').matchAll(/form-data; name="([^"]+)"/g)].map((m) => m[1]);
      assert.equal(names[names.length - 1], 'file');
    },
  },
];

describe('request conformance with the real captures', () => {
  let server: ScriptedServer;
  let dir: string;
  /** Which capture the server is currently answering for. */
  let answering: string | undefined;
  const clients: DashScopeClient[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'conformance-'));
    await writeFile(join(dir, 'Lenna.png'), makePng(400, 400));
    server = await startScriptedServer((req, res) => {
      // The upload flow: the policy points the OSS POST back at this server.
      if (req.url?.startsWith('/api/v1/uploads')) {
        const policy = parseJson(capture('get-upload-policy-nosse.response.body.txt')) as { data: Record<string, unknown> };
        policy.data.upload_host = `${server.url}/oss`;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(policy));
        return;
      }
      if (req.url === '/oss' || req.url === '/oss/') {
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end();
        return;
      }
      const r = replay(answering!);
      res.writeHead(r.status, { ...r.headers, 'x-request-id': 'conformance' });
      res.end(r.body);
    });
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('every request capture is reproduced or listed with a reason', () => {
    const files = readdirSync(capturesDir());
    const requestCaptures = new Set(
      files
        .filter((f) => /\.request\.(body\.json|body\.txt|header\.txt)$/.test(f) || /^[^.]+\.header\.txt$/.test(f))
        .map((f) => f.replace(/\.(request\.)?(body\.json|body\.txt|header\.txt)$/, '')),
    );
    const covered = new Set([...CASES.map((c) => c.name), ...Object.keys(NOT_REPRODUCED)]);
    assert.deepEqual([...requestCaptures].sort(), [...covered].sort());
  });

  for (const c of CASES) {
    test(c.name, async () => {
      answering = c.name;
      const recorded = recordedRequest(c.headerFile ?? `${c.name}.request.header.txt`, c.bodyFile ?? (files().has(`${c.name}.request.body.json`) ? `${c.name}.request.body.json` : undefined));
      const client = new DashScopeClient({ apiKey: KEY, baseUrl: `${server.url}/api/v1`, clock: new JumpingClock(), retry: { maxRetries: 0 } });
      clients.push(client);
      const start = server.requests.length;
      await c.run(client, { dir });
      const sent = server.requests[start + (c.requestIndex ?? 0)];
      assert.ok(sent, `the client sent no request #${c.requestIndex ?? 0}`);
      const mine: RecordedRequest = { method: sent.method, path: sent.url, headers: flatten(sent.headers), body: sent.body };

      // Method and path (the OSS host is this server's /oss; the capture's is the bucket root).
      assert.equal(mine.method, recorded.method);
      const [myPath, myQuery] = mine.path.replace(/^\/oss\/?/, '/').split('?');
      const [recPath, recQuery] = recorded.path.split('?');
      assert.equal(myPath, recPath);
      if (c.queryDifference) assert.notEqual(myQuery, recQuery, `no longer different: ${c.queryDifference}`);
      else assert.equal(myQuery, recQuery);
      if (c.queryDifference) assert.deepEqual([...new URLSearchParams(myQuery).keys()], [...new URLSearchParams(recQuery).keys()]);

      // Headers that matter.
      const toApi = !c.form;
      if (toApi) assert.match(mine.headers.authorization ?? '', /^Bearer sk-[A-Za-z0-9_-]+$/, 'Authorization: Bearer sk-…');
      else assert.equal(mine.headers.authorization, undefined, 'the key never goes to the upload host');
      assert.equal(mine.headers['x-dashscope-async'], recorded.headers['x-dashscope-async'], 'X-DashScope-Async');
      assert.equal(mine.headers['x-dashscope-ossresourceresolve'], recorded.headers['x-dashscope-ossresourceresolve'], 'X-DashScope-OssResourceResolve');
      const sse = (h: Record<string, string>): boolean => h['x-dashscope-sse'] === 'enable' || (h.accept ?? '').includes('text/event-stream');
      assert.equal(sse(mine.headers), sse(recorded.headers), 'SSE requested (X-DashScope-Sse or Accept: text/event-stream)');
      if (sse(recorded.headers)) {
        // Deliberate: the client sends BOTH; either enables SSE, and wan2.6-image interleave documents the header (§1.3, §2.2).
        assert.equal(mine.headers['x-dashscope-sse'], 'enable');
        assert.equal(mine.headers.accept, 'text/event-stream');
      }
      const mediaType = (h: Record<string, string>): string | undefined => h['content-type']?.split(';')[0]!.trim().toLowerCase();
      assert.equal(mediaType(mine.headers), mediaType(recorded.headers), 'content type');

      // Body, key by key.
      const differences = c.bodyDifferences ?? {};
      let diff: string[];
      if (c.form) {
        diff = jsonDiff(formFields(mine.body, mine.headers['content-type']!), formFields(recorded.body, recorded.headers['content-type']!));
      } else if (recorded.body.length > 0) {
        diff = jsonDiff(parseJson(mine.body), parseJson(recorded.body));
      } else {
        assert.equal(mine.body.length, 0, 'no body, like the capture');
        diff = [];
      }
      assert.deepEqual(diff, Object.keys(differences).sort(), `unexpected body differences (listed: ${JSON.stringify(differences, null, 1)})`);
      c.extra?.(mine, recorded);
    });
  }
});

function files(): Set<string> {
  return new Set(readdirSync(capturesDir()));
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
