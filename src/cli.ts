/**
 * `bailian-image`: the command line over the shared DashScope client (built to dist/cli.js).
 *
 *   bailian-image generate "a red fox in snow" --model wan2.6-t2i --n 2
 *   bailian-image edit --image in.png "make it night" --out shots
 *   bailian-image translate --image poster.png --from zh --to en
 *   bailian-image interleave "a 3-step recipe for dumplings" --max-images 3
 *   bailian-image task status|wait|cancel <task-id> [--model m]
 *   bailian-image models
 *
 * Contract: saved paths (or one JSON object with --json) on stdout, everything else (progress,
 * retries, warnings, errors with their hint) on stderr. Exit 0 on success, 1 on a failure of the
 * service or the disk, 2 on a usage or validation problem (nothing was sent), 130 on Ctrl-C.
 * The key comes from DASHSCOPE_API_KEY only and is never printed; results are downloaded at once
 * (URLs expire after 24 h), verified, and saved without ever overwriting a file.
 */
import { randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, relative, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  DashScopeClient,
  DashScopeError,
  MODELS,
  MT_LANGUAGES,
  MT_SOURCE_LANGUAGES,
  MT_TARGET_LANGUAGES,
  RequestValidationError,
  SEED_MAX,
  describeRetry,
  findModel,
  isAbortError,
  modelsForTask,
  redactSecrets,
  type GenerationRequest,
  type GenerationResult,
  type ModelSpec,
  type ProgressEvent,
  type Region,
  type ResultImage,
  describeSizeRule,
  type Task,
  type TranslationOptions,
} from './dashscope/index.js';
import { DEFAULT_NAME_TEMPLATE, renderName, unknownTemplateVariables } from './output/naming.js';
import { createNoOverwrite, saveNoOverwrite, type SavedFile } from './output/nodeFs.js';
import { buildProvenance, embedProvenance, sourceReference, type ProvenanceRecord } from './output/provenance.js';
import pkg from '../package.json';

/** Exit codes (documented in `--help`). */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

const PROGRAM = 'bailian-image';
const DEFAULT_OUT = 'bailian-output';
const KEY_ENV = 'DASHSCOPE_API_KEY';
/** Multiplies every model's typical duration in the poll schedule; for simulators with scaled timing. */
const POLL_SCALE_ENV = 'BAILIAN_POLL_SCALE';

/** A problem with the command line itself: exit 2, nothing was sent. */
class UsageError extends Error {
  constructor(message: string, readonly command?: string, readonly showUsage = true) {
    super(message);
  }
}

/** The reason the run's AbortController carries after Ctrl-C. */
class InterruptedError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('Interrupted.');
  }
}

/** Where output goes; tests run the real process, so this is just stdout/stderr with the key redacted. */
interface Io {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** State of one run, for Ctrl-C: what to cancel and what to clean up. */
interface RunState {
  signal: AbortSignal;
  interrupted: () => boolean;
  /** A task this process submitted, with its last known status. */
  task?: { taskId: string; model: string; status: string };
  tmpDir?: string;
  /** Runs after Ctrl-C: cancels a PENDING task of this run, releases the client. */
  interruptCleanup?: () => Promise<void>;
  /** --timeout in ms, for the message when it fires. */
  timeoutMs?: number;
}

/** Download folders to remove even if the process exits abruptly (second Ctrl-C). */
const tmpDirs = new Set<string>();
let exitHookInstalled = false;

async function makeTmpDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bailian-cli-'));
  tmpDirs.add(dir);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

// ─── Options ─────────────────────────────────────────────────────────────────────────────────

type Options = NonNullable<ParseArgsConfig['options']>;

const CONNECTION: Options = {
  region: { type: 'string' },
  'base-url': { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};
const OUTPUT: Options = {
  out: { type: 'string', short: 'o' },
  template: { type: 'string' },
};
const PROMPTED: Options = {
  model: { type: 'string', short: 'm' },
  prompt: { type: 'string', short: 'p' },
  size: { type: 'string', short: 's' },
  seed: { type: 'string' },
  negative: { type: 'string' },
  watermark: { type: 'boolean' },
};

const COMMAND_OPTIONS: Record<string, Options> = {
  generate: { ...CONNECTION, ...OUTPUT, ...PROMPTED, n: { type: 'string', short: 'n' }, 'prompt-extend': { type: 'boolean' }, async: { type: 'boolean' } },
  edit: {
    ...CONNECTION,
    ...OUTPUT,
    ...PROMPTED,
    n: { type: 'string', short: 'n' },
    'prompt-extend': { type: 'boolean' },
    async: { type: 'boolean' },
    image: { type: 'string', short: 'i', multiple: true },
  },
  translate: {
    ...CONNECTION,
    ...OUTPUT,
    model: { type: 'string', short: 'm' },
    image: { type: 'string', short: 'i', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    'domain-hint': { type: 'string' },
    sensitive: { type: 'string', multiple: true },
    term: { type: 'string', multiple: true },
    glossary: { type: 'string' },
    'keep-subjects': { type: 'boolean' },
  },
  interleave: { ...CONNECTION, ...OUTPUT, ...PROMPTED, image: { type: 'string', short: 'i', multiple: true }, 'max-images': { type: 'string' } },
  task: { ...CONNECTION, ...OUTPUT, model: { type: 'string', short: 'm' } },
  models: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
};

const TASK_OF_COMMAND: Record<string, Task> = { generate: 'text-to-image', edit: 'image-edit', translate: 'translate', interleave: 'interleave' };
const COMMAND_OF_TASK: Record<Task, string> = { 'text-to-image': 'generate', 'image-edit': 'edit', translate: 'translate', interleave: 'interleave' };

/** Maps request field paths (from RequestValidationError) to the flag the user should change. */
function flagOf(path: string): string {
  const map: Record<string, string> = {
    size: '--size',
    n: '--n',
    seed: '--seed',
    negativePrompt: '--negative',
    promptExtend: '--prompt-extend',
    watermark: '--watermark',
    maxImages: '--max-images',
    images: '--image',
    model: '--model',
    translation: '--from/--to',
    'translation.sourceLang': '--from',
    'translation.targetLang': '--to',
    'translation.domainHint': '--domain-hint',
  };
  const m = /^images\.(\d+)$/.exec(path);
  if (m) return `--image #${Number(m[1]) + 1}`;
  return map[path] ?? path;
}

// ─── Help ────────────────────────────────────────────────────────────────────────────────────

function modelList(task: Task): string {
  return modelsForTask(task)
    .map((m) => `${m.id}${m.asyncVariant ? ' (--async available)' : m.mode === 'async' ? ' (async task)' : ''}`)
    .join(', ');
}

const COMMON_HELP = `Connection and output:
  --region beijing|singapore  service region of your key (default beijing)
  --base-url <url>            custom API base URL ending in /api/v1 (overrides --region)
  --out, -o <dir>             output folder (default ./${DEFAULT_OUT}); created when missing
  --template <t>              file name template (default ${DEFAULT_NAME_TEMPLATE})
                              variables: \${model} \${seed} \${date} \${time} \${index} \${prompt}
  --timeout <seconds>         give up after this long (an async task keeps running; resume it with \`task wait\`)
  --json                      print one JSON object instead of one path per line
  --quiet, -q                 no progress on stderr
  --help, -h                  this help`;

const ENV_HELP = `Environment:
  ${KEY_ENV}   your DashScope API key (required; never printed)
  HTTPS_PROXY         proxy for all requests (NO_PROXY honoured)
  ${POLL_SCALE_ENV}  scale the task poll schedule (for simulators with scaled timing)

Exit codes: 0 ok, 1 service/network/disk failure, 2 usage or validation error (nothing sent), 130 interrupted.`;

function helpFor(command: string | undefined): string {
  switch (command) {
    case 'generate':
      return `Usage: ${PROGRAM} generate [prompt…] [options]

Generates images from a text prompt and saves them (PNG, with the prompt and parameters embedded).
The prompt is the positional text, --prompt <text>, or "-" to read it from stdin.

Options:
  --model, -m <id>            ${modelList('text-to-image')}
                              (default ${modelsForTask('text-to-image')[0]!.id})
  --size, -s <W*H>            image size; run \`${PROGRAM} models\` for what each model accepts
  --n, -n <count>             number of images
  --seed <int>                0–${SEED_MAX} (default: random, recorded in the file)
  --negative <text>           negative prompt
  --prompt-extend / --no-prompt-extend   let the service rewrite the prompt (model default otherwise)
  --watermark / --no-watermark
  --async                     use the model's async task variant (resumable with \`task wait\`)

${COMMON_HELP}

${ENV_HELP}`;
    case 'edit':
      return `Usage: ${PROGRAM} edit --image <path-or-url> [--image …] [prompt…] [options]

Edits images (or composes several reference images) following the prompt.

Options:
  --image, -i <path|url>      input image, repeatable (qwen-image-edit-plus 1–3, wan2.6-image 1–4);
                              local files are inlined or uploaded automatically
  --model, -m <id>            ${modelList('image-edit')} (default ${modelsForTask('image-edit')[0]!.id})
  --size, -s <W*H>  --n <count>  --seed <int>  --negative <text>
  --prompt-extend / --no-prompt-extend  --watermark / --no-watermark  --async

${COMMON_HELP}

${ENV_HELP}`;
    case 'translate':
      return `Usage: ${PROGRAM} translate --image <path-or-url> --to <lang> [--from <lang>] [options]

Translates the text inside an image with qwen-mt-image (Beijing region). Local files go through
DashScope's temporary upload. The result (JPG, same size as the input) gets a .json sidecar with
its provenance.

Options:
  --image, -i <path|url>      the image to translate (exactly one)
  --from <lang>               source: auto (default), ${MT_SOURCE_LANGUAGES.join(', ')}
  --to <lang>                 target: ${MT_TARGET_LANGUAGES.join(', ')} (codes or names, e.g. en / English)
  --domain-hint <text>        English description of the domain ("e-commerce product poster")
  --sensitive <word>          word to remove before translating, repeatable
  --term <src=tgt>            glossary entry, repeatable
  --glossary <file.json>      glossary file: {"src": "tgt", …} or [{"src": …, "tgt": …}, …]
  --keep-subjects             leave text on people, products and logos untranslated

${COMMON_HELP}

${ENV_HELP}`;
    case 'interleave':
      return `Usage: ${PROGRAM} interleave [prompt…] [options]

Streams wan2.6-image's interleaved text and images into a Markdown file: text is appended as it
arrives, each image is saved into <name>-images/ and linked with a relative path (never the
expiring DashScope URL). If the stream stops early, what arrived is kept and marked incomplete.

Options:
  --image, -i <path|url>      optional reference image (at most one)
  --max-images <1–5>          upper bound of images (default 5)
  --size, -s <W*H>  --seed <int>  --negative <text>  --watermark / --no-watermark
  --model, -m <id>            ${modelList('interleave')}

${COMMON_HELP}

${ENV_HELP}`;
    case 'task':
      return `Usage: ${PROGRAM} task status|wait|cancel <task-id> [--model <id>] [options]

  status   query a task once and print its state
  wait     wait for a task (submitted here or elsewhere, within 24 h) and save its images
  cancel   cancel a task that is still PENDING

Options:
  --model, -m <id>            the task's model: paces polling and names the files

${COMMON_HELP}

${ENV_HELP}`;
    case 'models':
      return `Usage: ${PROGRAM} models [--json]

Lists the models this tool knows: id, call mode, sizes, n range, input images, regions.`;
    default:
      return `Usage: ${PROGRAM} <command> [options]

Alibaba Cloud Model Studio (Bailian / DashScope) image models from the command line.

Commands:
  generate     text to image (${modelsForTask('text-to-image').map((m) => m.id).join(', ')})
  edit         edit or compose images (${modelsForTask('image-edit').map((m) => m.id).join(', ')})
  translate    translate the text in an image (qwen-mt-image)
  interleave   stream text and images into a Markdown file (wan2.6-image)
  task         status | wait | cancel <task-id>
  models       list the models, their sizes and limits

Run \`${PROGRAM} <command> --help\` for the options of a command.

${ENV_HELP}`;
  }
}

// ─── Parsing helpers ─────────────────────────────────────────────────────────────────────────

type Values = Record<string, string | boolean | string[] | undefined>;

function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

function list(values: Values, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

function bool(values: Values, name: string): boolean | undefined {
  const v = values[name];
  return typeof v === 'boolean' ? v : undefined;
}

function integer(values: Values, name: string): number | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  if (!/^\s*-?\d+\s*$/.test(raw)) throw new UsageError(`--${name} must be a whole number; got "${raw}".`);
  return Number(raw);
}

function seconds(values: Values, name: string): number | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} takes a number of seconds greater than 0; got "${raw}".`);
  return Math.round(n * 1000);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function promptOf(values: Values, positionals: string[]): Promise<string | undefined> {
  const flag = str(values, 'prompt');
  if (flag !== undefined && positionals.length) throw new UsageError('Give the prompt either as text or with --prompt, not both.');
  const text = flag ?? (positionals.length ? positionals.join(' ') : undefined);
  if (text === '-') return (await readStdin()).trim();
  return text;
}

/** Resolves --model for a command: catalog id or wire name; checks it fits the command. */
function resolveModel(command: string, raw: string | undefined): ModelSpec {
  const task = TASK_OF_COMMAND[command]!;
  const candidates = modelsForTask(task);
  if (!raw) return candidates[0]!;
  let spec = findModel(raw.trim());
  if (spec && task === 'interleave' && spec.task !== 'interleave') spec = findModel(`${spec.model}:interleave`) ?? spec;
  if (!spec) throw new UsageError(`Unknown model "${raw}". Models for ${command}: ${candidates.map((m) => m.id).join(', ')} (see \`${PROGRAM} models\`).`);
  if (spec.task !== task) {
    throw new UsageError(`${spec.id} is a ${spec.task} model; use \`${PROGRAM} ${COMMAND_OF_TASK[spec.task]}\`, or for ${command} one of: ${candidates.map((m) => m.id).join(', ')}.`);
  }
  return spec;
}

function parseTerm(raw: string): { src: string; tgt: string } {
  const at = raw.indexOf('=');
  if (at <= 0 || at === raw.length - 1) throw new UsageError(`--term takes src=tgt (e.g. --term 千问=Qwen); got "${raw}".`);
  return { src: raw.slice(0, at).trim(), tgt: raw.slice(at + 1).trim() };
}

async function readGlossary(path: string): Promise<{ src: string; tgt: string }[]> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`Cannot read the glossary ${path}: ${(err as Error).message}`);
  }
  const bad = (): never => {
    throw new UsageError(`The glossary ${path} must be {"source": "target", …} or [{"src": "…", "tgt": "…"}, …].`);
  };
  if (Array.isArray(data)) {
    return data.map((e) => {
      const o = e as { src?: unknown; tgt?: unknown };
      if (typeof o?.src !== 'string' || typeof o?.tgt !== 'string' || !o.src || !o.tgt) return bad();
      return { src: o.src, tgt: o.tgt };
    });
  }
  if (data && typeof data === 'object') {
    const source = (data as { terminologies?: unknown }).terminologies ?? data;
    if (Array.isArray(source)) return source.map((e) => (typeof e?.src === 'string' && typeof e?.tgt === 'string' ? { src: e.src, tgt: e.tgt } : bad()));
    return Object.entries(source as Record<string, unknown>).map(([src, tgt]) => (typeof tgt === 'string' && src && tgt ? { src, tgt } : bad()));
  }
  return bad();
}

// ─── Client and progress ─────────────────────────────────────────────────────────────────────

function apiKeyOf(io: Io): string {
  const key = io.env[KEY_ENV]?.trim();
  if (!key) {
    throw new UsageError(
      `${KEY_ENV} is not set. Create a key in the Model Studio console (Beijing or Singapore; keys are region-bound) and set it:\n` +
        `  export ${KEY_ENV}=sk-…          (bash/zsh)\n` +
        `  $env:${KEY_ENV} = "sk-…"       (PowerShell)\n` +
        `  set ${KEY_ENV}=sk-…             (cmd.exe)`,
      undefined,
      false,
    );
  }
  return key;
}

function createClient(values: Values, io: Io): DashScopeClient {
  const apiKey = apiKeyOf(io);
  const rawRegion = str(values, 'region');
  let region: Region | undefined;
  if (rawRegion !== undefined) {
    const r = rawRegion.trim().toLowerCase();
    if (r !== 'beijing' && r !== 'singapore') throw new UsageError(`--region must be beijing or singapore; got "${rawRegion}".`);
    region = r;
  }
  const baseUrl = str(values, 'base-url');
  if (baseUrl !== undefined && !/^https?:\/\/[^/]+/i.test(baseUrl)) throw new UsageError(`--base-url must be an http(s) URL ending in /api/v1; got "${baseUrl}".`);
  const scale = Number(io.env[POLL_SCALE_ENV] ?? '1');
  const quiet = bool(values, 'quiet') === true;
  return new DashScopeClient({
    apiKey,
    ...(region ? { region } : {}),
    ...(baseUrl ? { baseUrl } : {}),
    useEnvProxy: Boolean(io.env.HTTPS_PROXY || io.env.https_proxy),
    userAgent: `${PROGRAM}/${pkg.version}`,
    ...(Number.isFinite(scale) && scale > 0 && scale !== 1 ? { poll: { durationScale: scale } } : {}),
    onRetry: (e) => {
      if (!quiet) io.err(describeRetry(e));
    },
  });
}

/** Turns client progress into short stderr lines; status lines only on change. */
function progressPrinter(io: Io, quiet: boolean, state: RunState): (e: ProgressEvent) => void {
  let lastStatus = '';
  return (e) => {
    if (e.type === 'status' && state.task && state.task.taskId === e.taskId) state.task.status = e.status;
    if (quiet) return;
    switch (e.type) {
      case 'upload':
        if (e.phase === 'upload') io.err(`uploading ${e.name} (${Math.max(1, Math.round(e.bytes / 1024))} kB)…`);
        break;
      case 'request':
        io.err(`${e.mode === 'async' ? 'submitting' : 'requesting'} ${e.model} (${e.mode})…`);
        break;
      case 'submitted':
        io.err(`task ${e.taskId} submitted`);
        break;
      case 'status':
        if (e.status !== lastStatus) {
          lastStatus = e.status;
          io.err(`task ${e.taskId}: ${e.status} (${(e.elapsedMs / 1000).toFixed(1)} s)`);
        }
        break;
      case 'delta':
        if (e.delta.type === 'image') io.err(`image ${e.delta.index + 1} received`);
        break;
      case 'retry':
        // Printed by the client-wide onRetry (covers downloads too).
        break;
    }
  };
}

// ─── Saving ──────────────────────────────────────────────────────────────────────────────────

/** What the CLI knows about one run, for names and provenance. */
interface SaveContext {
  spec: ModelSpec | undefined;
  /** Model id for names and provenance (`task` when unknown). */
  modelName: string;
  request?: GenerationRequest;
  /** Source images as the user gave them (paths relative to cwd, or URLs). */
  sources: string[];
  started: Date;
  outDir: string;
  template: string;
  /** The text `${prompt}` is made of. */
  nameText?: string;
  parameters: Record<string, unknown>;
}

/** One saved image. */
interface SavedImage {
  path: string;
  index: number;
  seed?: number;
  width: number;
  height: number;
  format: string;
  sidecar?: string;
}

/** Downloads one result image, embeds provenance, saves it without overwriting. */
async function saveImage(
  client: DashScopeClient,
  io: Io,
  state: RunState,
  ctx: SaveContext,
  image: ResultImage,
  meta: { requestId?: string; taskId?: string; actualPrompt?: string; base?: string; quiet: boolean },
): Promise<SavedImage> {
  state.tmpDir ??= await makeTmpDir();
  const downloaded = await client.download(image.url, { dir: state.tmpDir, signal: state.signal });
  try {
    if (image.width && image.height && (image.width !== downloaded.width || image.height !== downloaded.height) && !meta.quiet) {
      io.err(`warning: image ${image.index + 1} is ${downloaded.width}*${downloaded.height}, the service said ${image.width}*${image.height}`);
    }
    const bytes = await readFile(downloaded.path);
    const base = meta.base ?? renderName(ctx.template, { model: ctx.modelName, seed: image.seed, date: ctx.started, index: image.index + 1, prompt: ctx.nameText });
    const targetDir = resolve(io.cwd, ctx.outDir, posix.dirname(base));
    const record: ProvenanceRecord = buildProvenance({
      model: ctx.modelName,
      prompt: ctx.request?.prompt,
      negativePrompt: ctx.request?.negativePrompt,
      actualPrompt: meta.actualPrompt,
      width: downloaded.width,
      height: downloaded.height,
      seed: image.seed,
      parameters: ctx.parameters,
      requestId: meta.requestId,
      taskId: meta.taskId,
      created: ctx.started,
      index: image.index + 1,
      sources: ctx.sources.map((s) => (sourceReference(s) && !/^[a-z]+:\/\//i.test(s) ? relative(targetDir, resolve(io.cwd, s)) : s)),
    });
    const embedded = embedProvenance(bytes, downloaded.format, record);
    const saved = await saveNoOverwrite({ dir: ctx.outDir, base, ext: downloaded.format, data: embedded.bytes });
    const out: SavedImage = { path: saved.path, index: image.index, width: downloaded.width, height: downloaded.height, format: downloaded.format };
    if (image.seed !== undefined) out.seed = image.seed;
    if (embedded.sidecar) {
      const side = await saveNoOverwrite({ dir: ctx.outDir, base: saved.name, ext: 'json', data: embedded.sidecar });
      out.sidecar = side.path;
    }
    return out;
  } finally {
    await rm(downloaded.path, { force: true });
  }
}

/** Saves every image of a result (downloads in parallel, saves in order), then prints. */
async function saveResult(client: DashScopeClient, io: Io, state: RunState, ctx: SaveContext, result: GenerationResult, values: Values): Promise<number> {
  const quiet = bool(values, 'quiet') === true;
  const meta = { requestId: result.requestId, taskId: result.taskId ?? state.task?.taskId, actualPrompt: result.rewrittenPrompt, quiet };
  const saved: SavedImage[] = [];
  const settled = await Promise.allSettled(result.images.map((img) => saveImage(client, io, state, ctx, img, meta)));
  let firstError: unknown;
  for (const s of settled) {
    if (s.status === 'fulfilled') saved.push(s.value);
    else firstError ??= s.reason;
  }
  saved.sort((a, b) => a.index - b.index);
  if (!quiet) {
    if (result.rewrittenPrompt && result.rewrittenPrompt !== ctx.request?.prompt) io.err(`actual prompt (prompt_extend): ${result.rewrittenPrompt}`);
    if (result.message) io.err(`note from the service: ${result.message}`);
  }
  for (const f of result.failures) io.err(`warning: image ${f.index + 1} failed: ${f.code}: ${f.message}`);
  if (bool(values, 'json')) {
    io.out(
      JSON.stringify({
        model: ctx.modelName,
        paths: saved.map((s) => s.path),
        seeds: saved.map((s) => s.seed ?? null),
        images: saved.map((s) => ({ path: s.path, index: s.index + 1, seed: s.seed ?? null, width: s.width, height: s.height, format: s.format, ...(s.sidecar ? { sidecar: s.sidecar } : {}) })),
        request_id: result.requestId ?? null,
        task_id: meta.taskId ?? null,
        ...(result.rewrittenPrompt ? { actual_prompt: result.rewrittenPrompt } : {}),
        failures: result.failures,
      }),
    );
  } else {
    for (const s of saved) io.out(s.path);
  }
  if (firstError !== undefined) throw firstError;
  if (result.images.length === 0) {
    throw new DashScopeError({ code: 'NoImages', message: 'The service returned no images.', requestId: result.requestId, taskId: meta.taskId, retriable: false, hint: result.failures.length ? 'Every image failed; see the warnings above.' : 'Try again, or with another prompt.' });
  }
  return result.failures.length ? EXIT.failure : EXIT.ok;
}

function saveContextOf(values: Values, spec: ModelSpec | undefined, request: GenerationRequest | undefined, nameText: string | undefined): SaveContext {
  const template = str(values, 'template') ?? DEFAULT_NAME_TEMPLATE;
  const unknown = unknownTemplateVariables(template);
  if (unknown.length) throw new UsageError(`--template: unknown variable(s) ${unknown.map((u) => '${' + u + '}').join(', ')}; use \${model} \${seed} \${date} \${time} \${index} \${prompt}.`);
  const parameters: Record<string, unknown> = {};
  if (request) {
    if (request.size !== undefined) parameters.size = request.size;
    if (request.n !== undefined) parameters.n = request.n;
    if (request.promptExtend !== undefined) parameters.prompt_extend = request.promptExtend;
    if (request.watermark !== undefined) parameters.watermark = request.watermark;
    if (request.maxImages !== undefined) parameters.max_images = request.maxImages;
    if (request.seed !== undefined) parameters.seed = request.seed;
    if (request.translation) {
      const t = request.translation;
      parameters.source_lang = t.sourceLang;
      parameters.target_lang = t.targetLang;
      if (t.domainHint) parameters.domain_hint = t.domainHint;
      if (t.terminologies?.length) parameters.terminologies = t.terminologies;
      if (t.sensitives?.length) parameters.sensitives = t.sensitives;
      if (t.imageSegment !== undefined) parameters.image_segment = t.imageSegment;
    }
  }
  const ctx: SaveContext = {
    spec,
    modelName: spec?.id ?? 'task',
    sources: (request?.images ?? []).filter((i): i is string => typeof i === 'string'),
    started: new Date(),
    outDir: str(values, 'out') ?? DEFAULT_OUT,
    template,
    parameters,
  };
  if (request) ctx.request = request;
  if (nameText) ctx.nameText = nameText;
  return ctx;
}

// ─── Commands ────────────────────────────────────────────────────────────────────────────────

async function buildRequest(command: string, values: Values, positionals: string[]): Promise<{ spec: ModelSpec; request: GenerationRequest; nameText?: string }> {
  const spec = resolveModel(command, str(values, 'model'));
  const request: GenerationRequest = { model: spec.id };
  if (command === 'translate') {
    if (positionals.length) throw new UsageError(`translate takes no prompt; unexpected "${positionals.join(' ')}".`);
    const to = str(values, 'to');
    if (!to) throw new UsageError(`translate needs --to <lang>: one of ${MT_TARGET_LANGUAGES.map((c) => `${c} (${MT_LANGUAGES[c]})`).join(', ')}.`);
    const terms = list(values, 'term').map(parseTerm);
    const glossary = str(values, 'glossary');
    if (glossary) terms.push(...(await readGlossary(glossary)));
    const translation: TranslationOptions = { sourceLang: str(values, 'from') ?? 'auto', targetLang: to };
    const hint = str(values, 'domain-hint');
    if (hint) translation.domainHint = hint;
    const sensitives = list(values, 'sensitive');
    if (sensitives.length) translation.sensitives = sensitives;
    if (terms.length) translation.terminologies = terms;
    if (bool(values, 'keep-subjects')) translation.imageSegment = true;
    request.translation = translation;
    const inputs = list(values, 'image');
    request.images = inputs;
    const first = inputs[0];
    const stem = first ? posix.basename(first.replace(/\\/g, '/').replace(/[?#].*$/, '')).replace(/\.[^.]+$/, '') : 'image';
    return { spec, request, nameText: `${stem} ${to}` };
  }
  const prompt = await promptOf(values, positionals);
  if (prompt !== undefined) request.prompt = prompt;
  else if (spec.prompt.required) throw new UsageError(`${command} needs a prompt: \`${PROGRAM} ${command} "a red fox in the snow"\`, --prompt <text>, or - to read stdin.`);
  const negative = str(values, 'negative');
  if (negative !== undefined) request.negativePrompt = negative;
  const size = str(values, 'size');
  if (size !== undefined) request.size = size;
  const n = integer(values, 'n');
  if (n !== undefined) request.n = n;
  const extend = bool(values, 'prompt-extend');
  if (extend !== undefined) request.promptExtend = extend;
  const watermark = bool(values, 'watermark');
  if (watermark !== undefined) request.watermark = watermark;
  const maxImages = integer(values, 'max-images');
  if (maxImages !== undefined) request.maxImages = maxImages;
  const images = list(values, 'image');
  if (images.length) request.images = images;
  const seed = integer(values, 'seed');
  // A seed the user did not choose is still worth knowing: pick one, so it lands in the file.
  if (seed !== undefined) request.seed = seed;
  else if (spec.params.includes('seed')) request.seed = randomInt(0, SEED_MAX);
  return { spec, request, nameText: prompt };
}

async function runGeneration(command: string, values: Values, positionals: string[], io: Io, state: RunState): Promise<number> {
  const { spec, request, nameText } = await buildRequest(command, values, positionals);
  const useAsync = bool(values, 'async') === true;
  if (useAsync && spec.mode !== 'async' && !spec.asyncVariant) {
    const withAsync = MODELS.filter((m) => m.asyncVariant || m.mode === 'async').map((m) => m.id);
    throw new UsageError(`${spec.id} has no async variant; models that run as tasks: ${withAsync.join(', ')}.`);
  }
  const ctx = saveContextOf(values, spec, request, nameText);
  const timeoutMs = seconds(values, 'timeout');
  state.timeoutMs = timeoutMs;
  const client = createClient(values, io);
  state.interruptCleanup = async () => {
    await cancelOwnTask(client, io, state);
    await client.close();
  };
  try {
    // Validate before anything is uploaded or sent (exit 2 with what to change).
    client.validate(request, { async: useAsync });
    const asyncRun = useAsync || spec.mode === 'async';
    const signal = timeoutMs !== undefined && !asyncRun ? AbortSignal.any([state.signal, AbortSignal.timeout(timeoutMs)]) : state.signal;
    const quiet = bool(values, 'quiet') === true;
    const result = await client.generate(request, {
      async: useAsync,
      signal,
      ...(timeoutMs !== undefined && asyncRun ? { waitTimeoutMs: timeoutMs } : {}),
      onProgress: progressPrinter(io, quiet, state),
      onSubmitted: (task) => {
        state.task = { taskId: task.taskId, model: task.model, status: task.status };
        if (!quiet) io.err(`resume later with: ${PROGRAM} task wait ${task.taskId} --model ${task.model}`);
      },
    });
    if (state.task) state.task.status = 'SUCCEEDED';
    return await saveResult(client, io, state, ctx, result, values);
  } finally {
    if (!state.interrupted()) await client.close();
  }
}

/** After Ctrl-C: cancel a task this run submitted if it is still PENDING (§5.4), else say how to resume it. */
async function cancelOwnTask(client: DashScopeClient, io: Io, state: RunState): Promise<void> {
  const task = state.task;
  if (!task || ['SUCCEEDED', 'FAILED', 'CANCELED', 'UNKNOWN'].includes(task.status)) return;
  if (task.status === 'PENDING') {
    try {
      await client.cancelTask(task.taskId, { signal: AbortSignal.timeout(10_000) });
      io.err(`cancelled pending task ${task.taskId}`);
      return;
    } catch (err) {
      const why = err instanceof DashScopeError ? `${err.code}: ${err.message}` : (err as Error).message;
      io.err(`could not cancel task ${task.taskId} (${why})`);
    }
  }
  io.err(`task ${task.taskId} may still finish on the service; fetch it within 24 h with: ${PROGRAM} task wait ${task.taskId} --model ${task.model}`);
}

/** Text that starts a Markdown block after whatever was written last. */
function blockSeparator(lastText: string): string {
  if (!lastText) return '';
  if (lastText.endsWith('\n\n')) return '';
  return lastText.endsWith('\n') ? '\n' : '\n\n';
}

function markdownLink(fromMdName: string, toName: string): string {
  const rel = posix.relative(posix.dirname(fromMdName), toName);
  return rel.split('/').map(encodeURIComponent).join('/');
}

async function runInterleave(values: Values, positionals: string[], io: Io, state: RunState): Promise<number> {
  const { spec, request, nameText } = await buildRequest('interleave', values, positionals);
  const ctx = saveContextOf(values, spec, request, nameText);
  const quiet = bool(values, 'quiet') === true;
  const json = bool(values, 'json') === true;
  const timeoutMs = seconds(values, 'timeout');
  state.timeoutMs = timeoutMs;
  const client = createClient(values, io);
  const signal = timeoutMs !== undefined ? AbortSignal.any([state.signal, AbortSignal.timeout(timeoutMs)]) : state.signal;
  const onProgress = progressPrinter(io, quiet, state);
  let md: (SavedFile & { handle: import('node:fs/promises').FileHandle }) | undefined;
  let written = '';
  let requestId: string | undefined;
  const images: SavedImage[] = [];
  let textChars = 0;
  const write = async (text: string): Promise<void> => {
    if (!md) {
      const base = renderName(ctx.template, { model: spec.id, seed: request.seed, date: ctx.started, prompt: nameText });
      md = await createNoOverwrite(ctx.outDir, base, 'md');
      const header = `<!-- Generated by Bailian Image Studio with ${spec.id} on ${ctx.started.toISOString()}${request.seed !== undefined ? `, seed ${request.seed}` : ''}. Prompt: ${(request.prompt ?? '').replace(/--/g, '—')} -->\n\n`;
      await md.handle.write(header);
      if (!json) io.out(md.path);
    }
    if (!text) return;
    await md.handle.write(text);
    written = (written + text).slice(-4);
  };
  try {
    client.validate(request);
    for await (const delta of client.stream(request, { signal, onProgress })) {
      onProgress({ type: 'delta', delta });
      if (delta.type === 'text') {
        textChars += delta.text.length;
        await write(delta.text);
      } else if (delta.type === 'image') {
        await write('');
        const mdStem = md!.name.replace(/\.md$/, '');
        const image: ResultImage = { index: delta.index, url: delta.url, ...(delta.width && delta.height ? { width: delta.width, height: delta.height } : {}), ...(delta.index === 0 && request.seed !== undefined ? { seed: request.seed } : {}) };
        const saved = await saveImage(client, io, state, ctx, image, { base: `${mdStem}-images/image-${delta.index + 1}`, quiet });
        images.push(saved);
        const savedName = relative(resolve(io.cwd, ctx.outDir), resolve(io.cwd, saved.path)).split(/[\\/]/).join('/');
        await write(`${blockSeparator(written)}![image ${delta.index + 1}](${markdownLink(md!.name, savedName)})\n\n`);
        if (!json) io.out(saved.path);
      } else if (delta.type === 'done') {
        requestId = delta.requestId;
      }
    }
    await write(`${blockSeparator(written)}<!-- bailian: ${JSON.stringify({ model: spec.id, request_id: requestId ?? null, seed: request.seed ?? null, images: images.length })} -->\n`);
    if (!quiet) io.err(`done: ${images.length} image(s), ${textChars} characters of text`);
    if (json) io.out(JSON.stringify({ model: spec.id, markdown: md?.path ?? null, paths: images.map((i) => i.path), seeds: images.map((i) => i.seed ?? null), request_id: requestId ?? null, task_id: null, complete: true }));
    return EXIT.ok;
  } catch (err) {
    if (md) {
      const why = state.interrupted()
        ? 'interrupted (Ctrl-C) before the model finished'
        : err instanceof DashScopeError
          ? `the stream stopped before the model finished (${err.code}: ${err.message}${err.requestId ? `, request_id ${err.requestId}` : ''})`
          : `stopped by an error (${(err as Error).message})`;
      await md.handle.write(`${blockSeparator(written)}---\n\n> **⚠ Incomplete:** ${why}. Everything above arrived and was kept; run the command again for a complete result.\n`).catch(() => undefined);
      if (!quiet) io.err(`kept the partial result: ${md.path} (${images.length} image(s), ${textChars} characters)`);
      if (json) io.out(JSON.stringify({ model: spec.id, markdown: md.path, paths: images.map((i) => i.path), seeds: images.map((i) => i.seed ?? null), request_id: (err as DashScopeError).requestId ?? requestId ?? null, task_id: null, complete: false }));
    }
    throw err;
  } finally {
    await md?.handle.close().catch(() => undefined);
    await client.close();
  }
}

async function runTask(values: Values, positionals: string[], io: Io, state: RunState): Promise<number> {
  const [action, taskId, ...rest] = positionals;
  if (!action || !['status', 'wait', 'cancel'].includes(action)) throw new UsageError(`task needs an action: status, wait or cancel (e.g. \`${PROGRAM} task wait <task-id>\`).`, 'task');
  if (!taskId) throw new UsageError(`task ${action} needs a task id.`, 'task');
  if (rest.length) throw new UsageError(`Unexpected argument(s): ${rest.join(' ')}.`, 'task');
  const rawModel = str(values, 'model');
  const spec = rawModel ? findModel(rawModel) : undefined;
  if (rawModel && !spec) throw new UsageError(`Unknown model "${rawModel}"; run \`${PROGRAM} models\`.`, 'task');
  const json = bool(values, 'json') === true;
  const quiet = bool(values, 'quiet') === true;
  const client = createClient(values, io);
  try {
    if (action === 'status') {
      const snap = await client.getTask(taskId, { signal: state.signal });
      if (json) {
        io.out(JSON.stringify({ task_id: snap.taskId, status: snap.status, request_id: snap.requestId ?? null, code: snap.code ?? null, message: snap.message ?? null, submit_time: snap.submitTime ?? null, end_time: snap.endTime ?? null }));
      } else {
        io.out(`task_id: ${snap.taskId}`);
        io.out(`status: ${snap.status}`);
        if (snap.code) io.out(`code: ${snap.code}`);
        if (snap.message) io.out(`message: ${snap.message}`);
        if (snap.submitTime) io.out(`submitted: ${snap.submitTime}`);
        if (snap.endTime) io.out(`ended: ${snap.endTime}`);
        if (snap.requestId) io.out(`request_id: ${snap.requestId}`);
        if (snap.status === 'UNKNOWN') io.err('hint: task expired or not found: task ids live 24 h and belong to one region.');
      }
      return EXIT.ok;
    }
    if (action === 'cancel') {
      const r = await client.cancelTask(taskId, { signal: state.signal });
      if (json) io.out(JSON.stringify({ task_id: taskId, status: 'CANCELED', request_id: r.requestId ?? null }));
      else io.out(`cancelled ${taskId}`);
      return EXIT.ok;
    }
    // wait: the model paces polling; without it a generic pace is used and names say "task".
    const waitModel = spec?.id ?? MODELS.find((m) => m.mode === 'async' && m.task === 'text-to-image')!.id;
    if (!spec && !quiet) io.err(`no --model given: polling at a generic pace, files named "task"`);
    const ctx = saveContextOf(values, spec, undefined, undefined);
    const timeoutMs = seconds(values, 'timeout');
    const result = await client.resumeTask(taskId, waitModel, {
      signal: state.signal,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      onProgress: progressPrinter(io, quiet, state),
    });
    return await saveResult(client, io, state, ctx, result, values);
  } finally {
    await client.close();
  }
}

function runModels(values: Values, io: Io): number {
  if (bool(values, 'json')) {
    io.out(
      JSON.stringify(
        MODELS.map((m) => ({
          id: m.id,
          model: m.model,
          task: m.task,
          command: COMMAND_OF_TASK[m.task],
          mode: m.mode,
          async_variant: Boolean(m.asyncVariant),
          sizes: describeSizeRule(m.size),
          ...(m.size.kind === 'list' ? { size_list: m.size.sizes } : {}),
          n: { min: m.n.min, max: m.n.max, default: m.n.default },
          images: m.images ? { min: m.images.min, max: m.images.max } : null,
          regions: m.regions,
          output: m.outputFormat,
        })),
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  const rows = MODELS.map((m) => [
    m.id,
    COMMAND_OF_TASK[m.task],
    m.mode + (m.asyncVariant ? '+async' : ''),
    m.n.min === m.n.max ? String(m.n.min) : `${m.n.min}-${m.n.max}`,
    m.images ? (m.images.min === m.images.max ? String(m.images.min) : `${m.images.min}-${m.images.max}`) : '-',
    m.regions.length === 2 ? 'both' : m.regions.join(','),
    describeSizeRule(m.size),
  ]);
  const header = ['MODEL', 'COMMAND', 'MODE', 'N', 'IMAGES', 'REGIONS', 'SIZES'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) io.out(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
  return EXIT.ok;
}

// ─── Errors ──────────────────────────────────────────────────────────────────────────────────

function reportError(err: unknown, io: Io, command: string | undefined, timeoutMs?: number): number {
  if (err instanceof UsageError) {
    io.err(`error: ${err.message}`);
    const cmd = err.command ?? command;
    if (err.showUsage) io.err(`(run \`${PROGRAM}${cmd ? ` ${cmd}` : ''} --help\` for usage)`);
    return EXIT.usage;
  }
  if (err instanceof RequestValidationError) {
    io.err(`error: the request${err.model ? ` for ${err.model}` : ''} would be rejected; nothing was sent. Change:`);
    for (const issue of err.issues) io.err(`  ${issue.path ? `${flagOf(issue.path)}: ` : ''}${issue.message}`);
    return EXIT.usage;
  }
  if (err instanceof DashScopeError) {
    const ids = [err.requestId ? `request_id: ${err.requestId}` : '', err.taskId ? `task_id: ${err.taskId}` : ''].filter(Boolean).join(', ');
    io.err(`error: ${err.code}: ${err.message}${ids ? ` (${ids})` : ''}`);
    if (err.hint) io.err(`hint: ${err.hint}`);
    return EXIT.failure;
  }
  if (err instanceof Error && err.name === 'TimeoutError') {
    io.err(`error: Timeout: no result within --timeout ${timeoutMs !== undefined ? `${timeoutMs / 1000} s` : ''}; nothing was saved.`);
    io.err('hint: raise --timeout, or use --async where the model has it and fetch the result later with `task wait`.');
    return EXIT.failure;
  }
  io.err(`error: ${err instanceof Error ? err.message : String(err)}`);
  return EXIT.failure;
}

// ─── Entry ───────────────────────────────────────────────────────────────────────────────────

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[], io: Io, controller = new AbortController()): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.out(helpFor(command === 'help' ? args[0] : undefined));
    return EXIT.ok;
  }
  if (command === '--version' || command === '-v') {
    io.out(pkg.version);
    return EXIT.ok;
  }
  const options = COMMAND_OPTIONS[command];
  if (!options) {
    io.err(`error: unknown command "${command}". Commands: generate, edit, translate, interleave, task, models.`);
    io.err(`(run \`${PROGRAM} --help\` for usage)`);
    return EXIT.usage;
  }
  let interrupted = false;
  controller.signal.addEventListener('abort', () => (interrupted = true), { once: true });
  const state: RunState = { signal: controller.signal, interrupted: () => interrupted };
  try {
    let parsed: { values: Values; positionals: string[] };
    try {
      parsed = parseArgs({ args, options, allowPositionals: true, allowNegative: true, strict: true }) as { values: Values; positionals: string[] };
    } catch (err) {
      throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, '.'), command);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.out(helpFor(command));
      return EXIT.ok;
    }
    switch (command) {
      case 'models':
        if (positionals.length) throw new UsageError(`models takes no arguments.`, command);
        return runModels(values, io);
      case 'task':
        return await runTask(values, positionals, io, state);
      case 'interleave':
        return await runInterleave(values, positionals, io, state);
      default:
        return await runGeneration(command, values, positionals, io, state);
    }
  } catch (err) {
    if (interrupted && (isAbortError(err) || err instanceof InterruptedError || controller.signal.aborted)) {
      io.err('interrupted.');
      await state.interruptCleanup?.();
      return EXIT.interrupted;
    }
    return reportError(err, io, command, state.timeoutMs);
  } finally {
    if (state.tmpDir) {
      await rm(state.tmpDir, { recursive: true, force: true }).catch(() => undefined);
      tmpDirs.delete(state.tmpDir);
    }
  }
}

function processIo(): Io {
  const key = process.env[KEY_ENV]?.trim();
  // Belt and braces: nothing printed may contain the key, whatever produced the text.
  const clean = (s: string): string => redactSecrets(s, key);
  return {
    out: (line) => process.stdout.write(`${clean(line)}\n`),
    err: (line) => process.stderr.write(`${clean(line)}\n`),
    env: process.env,
    cwd: process.cwd(),
  };
}

if (require.main === module) {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    // Second Ctrl-C: leave now (the exit hook still removes download folders).
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write('interrupting… (Ctrl-C again to quit at once)\n');
    controller.abort(new InterruptedError());
  });
  const io = processIo();
  main(process.argv.slice(2), io, controller).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // Through the same redacting writer as everything else.
      io.err(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = EXIT.failure;
    },
  );
}
