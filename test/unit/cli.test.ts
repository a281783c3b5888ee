/**
 * The CLI end to end: the esbuild bundle (as dist/cli.js is built) run as a child process against
 * simulators started here. Every model through its command, the task commands, Ctrl-C, and the
 * error paths (exit codes, messages, hints). Files are checked for what they are: real images of
 * the right size with provenance, Markdown with relative links, never overwritten.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MODELS } from '../../src/dashscope/catalog';
import { readProvenance } from '../../src/pipeline/provenance';
import { startSimulator, type Simulator } from '../sim/index';
import { assertNoKey as assertNoKeyIn, buildCli, describeRun, pngFile, runCli as runCliProcess, sizeOf, type Run, type RunOptions } from './cli-harness';


let work: string;
let cliJs: string;
/** Fast tasks and streams, no rate limits: the happy paths, run concurrently. */
let sim: Simulator;
/** Same timing, for tests that install faults (run one after another). */
let faulty: Simulator;
/** Tasks stay PENDING for a long time: cancel and Ctrl-C. */
let slow: Simulator;

/** Runs the CLI; the Beijing key of `sim` unless `opts.env` says otherwise. */
function runCli(args: string[], opts: Partial<RunOptions> = {}): Promise<Run> {
  return runCliProcess(cliJs, args, { ...opts, cwd: opts.cwd ?? work, env: { DASHSCOPE_API_KEY: sim.keys.beijing, ...opts.env } });
}

/** A fresh working folder for one test (the CLI runs there; output goes to ./bailian-output). */
async function scratch(name: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Asserts no output of a run contains an API key. */
function assertNoKey(run: Run): void {
  assertNoKeyIn(run, [sim.keys.beijing, sim.keys.singapore]);
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'bailian-cli-test-'));
  cliJs = await buildCli(work);
  const timing = { scale: 0.002, pendingMs: 30, runningMs: 60, streamEventMs: 5 };
  [sim, faulty, slow] = await Promise.all([
    startSimulator({ rateLimits: false, timing }),
    startSimulator({ rateLimits: false, timing }),
    startSimulator({ rateLimits: false, timing: { ...timing, pendingMs: 60_000 } }),
  ]);
});

after(async () => {
  await Promise.all([sim?.stop(), faulty?.stop(), slow?.stop()]);
  await rm(work, { recursive: true, force: true });
});

describe('cli: help and models', { concurrency: true }, () => {
  test('models lists every catalog entry with mode, sizes and n', async () => {
    const run = await runCli(['models']);
    assert.equal(run.code, 0, describeRun(run));
    for (const m of MODELS) assert.ok(run.stdout.includes(m.id), m.id);
    assert.match(run.stdout, /qwen-image-plus\s+generate\s+sync\+async\s+1\s/);
    assert.match(run.stdout, /wan2\.2-t2i-flash\s+generate\s+async\s+1-4\s/);
    const json = await runCli(['models', '--json']);
    const list = JSON.parse(json.stdout) as { id: string; n: { min: number; max: number } }[];
    assert.equal(list.length, MODELS.length);
    assert.deepEqual(list.find((m) => m.id === 'qwen-image-edit-plus')!.n, { min: 1, max: 6, default: 1 });
  });

  test('--help per command, and usage errors exit 2', async () => {
    const top = await runCli(['--help']);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /generate.*\n.*edit.*\n.*translate.*\n.*interleave.*\n.*task/);
    for (const cmd of ['generate', 'edit', 'translate', 'interleave', 'task', 'models']) {
      const run = await runCli([cmd, '--help']);
      assert.equal(run.code, 0, cmd);
      assert.match(run.stdout, new RegExp(`Usage: bailian-image ${cmd}`));
    }
    const unknownOption = await runCli(['generate', 'x', '--bogus']);
    assert.equal(unknownOption.code, 2);
    assert.match(unknownOption.stderr, /Unknown option '--bogus'/);
    const unknownCommand = await runCli(['paint']);
    assert.equal(unknownCommand.code, 2);
    const wrongCommand = await runCli(['generate', 'x', '--model', 'qwen-image-edit-plus']);
    assert.equal(wrongCommand.code, 2);
    assert.match(wrongCommand.stderr, /use `bailian-image edit`/);
  });

  test('--base-url: plain http only to this machine, never across a network (the key would travel unencrypted)', async () => {
    const remote = await runCli(['generate', 'x', '--base-url', 'http://192.168.1.10:8080/api/v1'], { env: { DASHSCOPE_API_KEY: 'sk-never-sent-0000' } });
    assert.equal(remote.code, 2, describeRun(remote));
    assert.match(remote.stderr, /--base-url cannot be used: .*unencrypted.*https/);
    assert.ok(!`${remote.stdout}${remote.stderr}`.includes('sk-never-sent'), 'the key is not printed');
    const notUrl = await runCli(['generate', 'x', '--base-url', 'dashscope.aliyuncs.com'], { env: { DASHSCOPE_API_KEY: 'sk-never-sent-0000' } });
    assert.equal(notUrl.code, 2, describeRun(notUrl));
    assert.match(notUrl.stderr, /not a URL/);
  });
});

/** Expected output size per text-to-image case. */
const GENERATE_CASES: { model: string; args: string[]; n: number; size: [number, number]; mode: string; noNegative?: boolean }[] = [
  { model: 'qwen-image-max', args: [], n: 1, size: [1664, 928], mode: 'sync' },
  { model: 'qwen-image-plus', args: ['--size', '1328*1328'], n: 1, size: [1328, 1328], mode: 'sync' },
  { model: 'qwen-image', args: ['--size', '928x1664'], n: 1, size: [928, 1664], mode: 'sync' },
  { model: 'qwen-image-plus', args: ['--async', '--size', '1472*1104'], n: 1, size: [1472, 1104], mode: 'async' },
  { model: 'wan2.6-t2i', args: ['--n', '2', '--size', '1280*1280'], n: 2, size: [1280, 1280], mode: 'sync' },
  { model: 'wan2.6-t2i', args: ['--async', '--n', '1', '--size', '1200*1440'], n: 1, size: [1200, 1440], mode: 'async' },
  { model: 'wan2.5-t2i-preview', args: ['--n', '2'], n: 2, size: [1280, 1280], mode: 'async' },
  { model: 'wan2.2-t2i-flash', args: ['--n', '3', '--size', '768*512'], n: 3, size: [768, 512], mode: 'async' },
  { model: 'z-image-turbo', args: ['--size', '1024*1024', '--prompt-extend'], n: 1, size: [1024, 1024], mode: 'sync', noNegative: true },
];

describe('cli: generate, every text-to-image model', { concurrency: true }, () => {
  for (const c of GENERATE_CASES) {
    test(`${c.model} ${c.args.join(' ')}`, async () => {
      const cwd = await scratch(`gen-${c.model}-${c.mode}-${c.n}`);
      const run = await runCli(['generate', `a lighthouse at dawn, ${c.model}`, '--model', c.model, '--seed', '1234', ...(c.noNegative ? [] : ['--negative', 'blurry']), ...c.args, '--base-url', sim.urls.beijing, '--json'], { cwd });
      assert.equal(run.code, 0, describeRun(run));
      assertNoKey(run);
      const out = JSON.parse(run.stdout) as { paths: string[]; seeds: (number | null)[]; request_id: string | null; task_id: string | null };
      assert.equal(out.paths.length, c.n);
      assert.equal(out.seeds[0], 1234);
      assert.ok(out.request_id, 'request id reported');
      if (c.mode === 'async') {
        assert.ok(out.task_id, 'task id reported');
        assert.match(run.stderr, /task \S+ submitted/);
        assert.match(run.stderr, /SUCCEEDED/);
      }
      for (const [i, p] of out.paths.entries()) {
        const file = resolve(cwd, p);
        assert.ok(file.startsWith(join(cwd, 'bailian-output')), p);
        assert.match(p, new RegExp(`${c.model.replace(/\./g, '\\.')}-a-lighthouse-at-dawn.*-${i + 1}\\.png$`));
        const dim = sizeOf(file);
        assert.deepEqual([dim.type, dim.width, dim.height], ['png', ...c.size]);
        const record = readProvenance(readFileSync(file))!;
        assert.equal(record.model, c.model);
        assert.equal(record.prompt, `a lighthouse at dawn, ${c.model}`);
        assert.equal(record.negative_prompt, c.noNegative ? undefined : 'blurry');
        assert.equal(record.size, `${c.size[0]}*${c.size[1]}`);
        assert.equal(record.request_id, out.request_id);
        if (i === 0) assert.equal(record.seed, 1234);
        if (c.mode === 'async') assert.equal(record.task_id, out.task_id);
        assert.ok(!JSON.stringify(record).includes('http'), 'no URL in the provenance');
      }
    });
  }

  test('prompt from stdin, one path per line, a second run never overwrites', async () => {
    const cwd = await scratch('gen-stdin');
    const args = ['generate', '-', '--model', 'z-image-turbo', '--seed', '5', '--template', '${model}-${seed}', '--base-url', sim.urls.beijing];
    const first = await runCli(args, { cwd, input: '一只狐狸 in the snow\n' });
    assert.equal(first.code, 0, describeRun(first));
    assert.deepEqual(first.lines, [join('bailian-output', 'z-image-turbo-5.png')]);
    const firstBytes = readFileSync(join(cwd, first.lines[0]!));
    assert.equal(readProvenance(firstBytes)!.prompt, '一只狐狸 in the snow');
    const second = await runCli(args, { cwd, input: 'another fox' });
    assert.equal(second.code, 0, describeRun(second));
    assert.deepEqual(second.lines, [join('bailian-output', 'z-image-turbo-5-2.png')]);
    assert.ok(readFileSync(join(cwd, first.lines[0]!)).equals(firstBytes), 'the first file is untouched');
    assert.deepEqual((await readdir(join(cwd, 'bailian-output'))).sort(), ['z-image-turbo-5-2.png', 'z-image-turbo-5.png']);
  });
});

describe('cli: edit, translate, interleave', { concurrency: true }, () => {
  test('qwen-image-edit-plus with two local images', async () => {
    const cwd = await scratch('edit-qwen');
    await mkdir(join(cwd, 'in'));
    await writeFile(join(cwd, 'in', 'a.png'), pngFile(512, 512));
    await writeFile(join(cwd, 'in', 'b.png'), pngFile(640, 400));
    const run = await runCli(['edit', '--image', 'in/a.png', '--image', 'in/b.png', 'put the cat from image 1 into image 2', '--n', '2', '--size', '1024*768', '--out', 'edits', '--base-url', sim.urls.beijing], { cwd });
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.lines.length, 2);
    for (const line of run.lines) {
      assert.ok(line.startsWith(`edits${'/'}`), line);
      const file = join(cwd, line);
      assert.deepEqual(sizeOf(file), { width: 1024, height: 768, type: 'png' });
      const record = readProvenance(readFileSync(file))!;
      assert.equal(record.model, 'qwen-image-edit-plus');
      assert.deepEqual(record.sources, ['../in/a.png', '../in/b.png'], 'inputs relative to the saved file');
    }
  });

  test('wan2.6-image edit with one local image', async () => {
    const cwd = await scratch('edit-wan');
    await writeFile(join(cwd, 'photo.png'), pngFile(600, 450));
    const run = await runCli(['edit', '-i', 'photo.png', 'make it a watercolour', '-m', 'wan2.6-image', '--n', '1', '--size', '1280*960', '--base-url', sim.urls.beijing], { cwd });
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.lines.length, 1);
    assert.deepEqual(sizeOf(join(cwd, run.lines[0]!)), { width: 1280, height: 960, type: 'png' });
  });

  test('edit with too many images for the model: exit 2, says how many it takes', async () => {
    const cwd = await scratch('edit-too-many');
    for (const n of [1, 2, 3, 4]) await writeFile(join(cwd, `${n}.png`), pngFile(400, 400));
    const run = await runCli(['edit', '-i', '1.png', '-i', '2.png', '-i', '3.png', '-i', '4.png', 'x', '--base-url', sim.urls.beijing], { cwd });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /--image: qwen-image-edit-plus takes 1–3 reference images; you gave 4/);
    assert.ok(!existsSync(join(cwd, 'bailian-output')));
  });

  test('qwen-mt-image translates a local image: upload, task, JPG of the input size, sidecar', async () => {
    const cwd = await scratch('translate');
    await writeFile(join(cwd, 'poster.png'), pngFile(300, 200));
    await writeFile(join(cwd, 'glossary.json'), JSON.stringify({ 千问: 'Qwen', 百炼: 'Bailian' }));
    const run = await runCli(
      ['translate', '--image', 'poster.png', '--from', 'zh', '--to', 'en', '--term', '通义=Tongyi', '--glossary', 'glossary.json', '--sensitive', 'secret', '--domain-hint', 'product poster', '--base-url', sim.urls.beijing, '--json'],
      { cwd },
    );
    assert.equal(run.code, 0, describeRun(run));
    assert.match(run.stderr, /uploading poster\.png/);
    const out = JSON.parse(run.stdout) as { paths: string[]; images: { sidecar?: string }[]; task_id: string };
    assert.equal(out.paths.length, 1);
    assert.match(out.paths[0]!, /qwen-mt-image-poster-en-1\.jpg$/);
    assert.deepEqual(sizeOf(join(cwd, out.paths[0]!)), { width: 300, height: 200, type: 'jpg' });
    const sidecar = JSON.parse(await readFile(join(cwd, `${out.paths[0]}.json`), 'utf8')) as Record<string, unknown>;
    assert.equal(out.images[0]!.sidecar, `${out.paths[0]}.json`);
    assert.equal(sidecar.model, 'qwen-mt-image');
    assert.equal(sidecar.task_id, out.task_id);
    assert.deepEqual(sidecar.sources, ['../poster.png']);
    assert.deepEqual((sidecar.parameters as Record<string, unknown>).terminologies, [
      { src: '通义', tgt: 'Tongyi' },
      { src: '千问', tgt: 'Qwen' },
      { src: '百炼', tgt: 'Bailian' },
    ]);
    assert.ok(!JSON.stringify(sidecar).includes('oss://') && !JSON.stringify(sidecar).includes('http'));
  });

  test('wan2.6-image interleave: Markdown with relative links, images saved beside it', async () => {
    const cwd = await scratch('interleave');
    const run = await runCli(['interleave', 'a recipe for dumplings in three steps', '--max-images', '3', '--size', '1024*1024', '--base-url', sim.urls.beijing], { cwd });
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.lines.length, 4, run.stdout);
    const [mdPath, ...imagePaths] = run.lines;
    assert.match(mdPath!, /wan2\.6-image-interleave-a-recipe-for-dumplings-in-three-steps\.md$/);
    const md = await readFile(join(cwd, mdPath!), 'utf8');
    assert.ok(!/https?:\/\//.test(md), 'no DashScope URL in the document');
    const links = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => decodeURIComponent(m[1]!));
    assert.equal(links.length, 3);
    for (const [i, link] of links.entries()) {
      assert.ok(!link.startsWith('/') && !link.includes('..'), link);
      const file = join(cwd, 'bailian-output', link);
      assert.equal(resolve(file), resolve(cwd, imagePaths[i]!));
      assert.deepEqual(sizeOf(file), { width: 1024, height: 1024, type: 'png' });
    }
    assert.match(md, /Step 1[\s\S]*!\[image 1\][\s\S]*Step 2[\s\S]*!\[image 2\]/);
    assert.match(md, /<!-- bailian: \{"model":"wan2\.6-image:interleave","request_id":"[0-9a-f-]+"/);
    assert.ok(!md.includes('Incomplete'));
  });
});

describe('cli: tasks and Ctrl-C', () => {
  test('task status / wait on a finished task; wait saves its images', async () => {
    const cwd = await scratch('task-wait');
    const gen = await runCli(['generate', 'a fox', '--model', 'wan2.2-t2i-flash', '--n', '1', '--base-url', sim.urls.beijing, '--json'], { cwd });
    assert.equal(gen.code, 0, describeRun(gen));
    const taskId = (JSON.parse(gen.stdout) as { task_id: string }).task_id;
    const status = await runCli(['task', 'status', taskId, '--base-url', sim.urls.beijing], { cwd });
    assert.equal(status.code, 0, describeRun(status));
    assert.match(status.stdout, new RegExp(`task_id: ${taskId}\\nstatus: SUCCEEDED`));
    const wait = await runCli(['task', 'wait', taskId, '--model', 'wan2.2-t2i-flash', '--base-url', sim.urls.beijing, '--out', 'again'], { cwd });
    assert.equal(wait.code, 0, describeRun(wait));
    assert.equal(wait.lines.length, 1);
    assert.deepEqual(sizeOf(join(cwd, wait.lines[0]!)), { width: 1024, height: 1024, type: 'png' });
    assert.equal(readProvenance(readFileSync(join(cwd, wait.lines[0]!)))!.task_id, taskId);
    const unknown = await runCli(['task', 'wait', 'no-such-task', '--model', 'wan2.2-t2i-flash', '--base-url', sim.urls.beijing], { cwd });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /error: TaskUnknown: .*task expired or not found/);
  });

  test('task status and cancel on a PENDING task; the waiting generate then reports the cancellation', async () => {
    const cwd = await scratch('task-cancel');
    const env = { DASHSCOPE_API_KEY: slow.keys.beijing };
    let taskId: string | undefined;
    let resolveSubmitted!: () => void;
    const submitted = new Promise<void>((r) => (resolveSubmitted = r));
    const genRun = runCli(['generate', 'a slow fox', '--model', 'wan2.5-t2i-preview', '--n', '1', '--base-url', slow.urls.beijing], {
      cwd,
      env,
      onStderr: (_child, stderr) => {
        const m = /task (\S+) submitted/.exec(stderr);
        if (m && !taskId) {
          taskId = m[1];
          resolveSubmitted();
        }
      },
    });
    await submitted;
    const status = await runCli(['task', 'status', taskId!, '--base-url', slow.urls.beijing, '--json'], { cwd, env });
    assert.equal(status.code, 0, describeRun(status));
    assert.equal((JSON.parse(status.stdout) as { status: string }).status, 'PENDING');
    const cancel = await runCli(['task', 'cancel', taskId!, '--base-url', slow.urls.beijing], { cwd, env });
    assert.equal(cancel.code, 0, describeRun(cancel));
    assert.equal(cancel.stdout.trim(), `cancelled ${taskId}`);
    const gen = await genRun;
    assert.equal(gen.code, 1, describeRun(gen));
    assert.match(gen.stderr, new RegExp(`error: TaskCanceled: Task ${taskId} was cancelled\\. \\(request_id: [0-9a-f-]+, task_id: ${taskId}\\)`));
    assert.ok(!existsSync(join(cwd, 'bailian-output')), 'nothing saved');
  });

  test('Ctrl-C while a task is PENDING cancels it upstream, exits 130, saves nothing', async () => {
    const cwd = await scratch('ctrl-c');
    let taskId: string | undefined;
    const run = await runCli(['generate', 'interrupted fox', '--model', 'wan2.2-t2i-flash', '--base-url', slow.urls.beijing], {
      cwd,
      env: { DASHSCOPE_API_KEY: slow.keys.beijing },
      onStderr: (child, stderr) => {
        const m = /task (\S+) submitted/.exec(stderr);
        if (m && !taskId) {
          taskId = m[1];
          child.kill('SIGINT');
        }
      },
    });
    assert.equal(run.code, 130, describeRun(run));
    assert.match(run.stderr, new RegExp(`cancelled pending task ${taskId}`));
    assert.equal((slow.tasks.get(taskId!) as { status: string }).status, 'CANCELED', 'cancelled upstream');
    assert.ok(!existsSync(join(cwd, 'bailian-output')), 'no files');
    assert.equal(run.stdout, '');
  });
});

describe('cli: errors', () => {
  test('missing key: exit 2, says how to set it', async () => {
    const run = await runCli(['generate', 'x', '--base-url', sim.urls.beijing], { env: { DASHSCOPE_API_KEY: undefined } });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /DASHSCOPE_API_KEY is not set/);
    assert.match(run.stderr, /export DASHSCOPE_API_KEY=sk-…/);
  });

  test('a Beijing key on the Singapore endpoint: InvalidApiKey with the region hint, key not printed', async () => {
    const run = await runCli(['generate', 'x', '--model', 'qwen-image', '--base-url', sim.urls.singapore]);
    assert.equal(run.code, 1, describeRun(run));
    assert.match(run.stderr, /error: InvalidApiKey: Invalid API-key provided\. \(request_id: [0-9a-f-]+\)/);
    assert.match(run.stderr, /hint: .*region/);
    assertNoKey(run);
  });

  test('a size the model does not accept: exit 2, lists the sizes, nothing sent', async () => {
    const run = await runCli(['generate', 'x', '--model', 'qwen-image-max', '--size', '1024*1024', '--base-url', sim.urls.beijing]);
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /--size: qwen-image-max accepts only these sizes: 1664\*928, 1472\*1104, 1328\*1328, 1104\*1472, 928\*1664\./);
    assert.match(run.stderr, /nothing was sent/);
  });

  test('a model the region does not serve: exit 2 before anything is sent', async () => {
    const cwd = await scratch('wrong-region');
    await writeFile(join(cwd, 'p.png'), pngFile(100, 100));
    const run = await runCli(['translate', '-i', 'p.png', '--to', 'en', '--region', 'singapore'], { cwd });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /qwen-mt-image/);
    assert.match(run.stderr, /Beijing/);
  });

  test('429 is retried with a message, then succeeds', async () => {
    const cwd = await scratch('throttled');
    const remove = faulty.faults.add({ model: 'qwen-image-plus', kind: 'throttle', retryAfter: 1, times: 1 });
    try {
      const run = await runCli(['generate', 'x', '--model', 'qwen-image-plus', '--base-url', faulty.urls.beijing], { cwd, env: { DASHSCOPE_API_KEY: faulty.keys.beijing } });
      assert.equal(run.code, 0, describeRun(run));
      assert.match(run.stderr, /rate limited, retrying in 1 s \(attempt 1 of 3\)/);
      assert.equal(run.lines.length, 1);
    } finally {
      remove();
    }
  });

  test('a FAILED task prints its code, message, request id and task id', async () => {
    const cwd = await scratch('failed-task');
    const remove = faulty.faults.add({ model: 'wan2.2-t2i-flash', kind: 'taskFail', code: 'DataInspectionFailed', message: 'Output data may contain inappropriate content.', times: 1 });
    try {
      const run = await runCli(['generate', 'x', '--model', 'wan2.2-t2i-flash', '--base-url', faulty.urls.beijing], { cwd, env: { DASHSCOPE_API_KEY: faulty.keys.beijing } });
      assert.equal(run.code, 1, describeRun(run));
      assert.match(run.stderr, /error: DataInspectionFailed: Output data may contain inappropriate content\. \(request_id: [0-9a-f-]+, task_id: [0-9a-f-]+\)/);
      assert.match(run.stderr, /hint: Content moderation/);
      assert.ok(!existsSync(join(cwd, 'bailian-output')));
    } finally {
      remove();
    }
  });

  test('an interleave stream cut mid-way keeps what arrived, marked incomplete, exit 1', async () => {
    const cwd = await scratch('interleave-cut');
    const remove = faulty.faults.add({ model: 'wan2.6-image', kind: 'resetMidStream', afterEvents: 6, times: 1 });
    try {
      const run = await runCli(['interleave', 'a story in pictures', '--max-images', '3', '--size', '1024*1024', '--base-url', faulty.urls.beijing], { cwd, env: { DASHSCOPE_API_KEY: faulty.keys.beijing } });
      assert.equal(run.code, 1, describeRun(run));
      assert.match(run.stderr, /^error: (StreamIncomplete|NetworkError): /m);
      assert.match(run.stderr, /kept the partial result/);
      const md = await readFile(join(cwd, run.lines[0]!), 'utf8');
      assert.match(md, /> \*\*⚠ Incomplete:\*\* the stream stopped before the model finished/);
      const links = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => decodeURIComponent(m[1]!));
      assert.equal(links.length, run.lines.length - 1, 'every saved image is linked');
      for (const link of links) assert.ok(existsSync(join(cwd, 'bailian-output', link)), link);
      const leftovers = (await readdir(join(cwd, 'bailian-output'), { recursive: true })).map(String).filter((f) => f.includes('.tmp-'));
      assert.deepEqual(leftovers, []);
    } finally {
      remove();
    }
  });
});
