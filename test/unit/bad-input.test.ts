/**
 * Bad input, table-driven over EVERY catalog model (src/dashscope/catalog/ MODELS):
 * each parameter just outside its range (size, n, seed, prompt length, negative prompt length,
 * max_images, image count), parameters the model does not take, wrong image formats (SVG; GIF
 * where it is not accepted), a file over the model's size limit, too many references, an empty
 * prompt, unsupported language pairs, a malformed glossary and bad output templates.
 *
 * Each case goes through runImageJob with the real client against the simulator, and must be
 * refused with a clear message that names the limit BEFORE anything is sent: the simulator's
 * request log (its `log` option: one line per request it answered) and its upload counters stay
 * at zero, and nothing is saved.
 *
 * Deliberate exceptions, printed with the summary: prompts of models that count TOKENS are not
 * refused (the service truncates them, API §2.2; the client cannot count tokens exactly).
 *
 *   node --import tsx --test test/unit/bad-input.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MODELS, RequestValidationError, SEED_MAX, type DashScopeClient, type GenerationRequest, type ModelSpec, type SizeRule } from '../../src/dashscope';
import { GlossaryError, parseGlossary } from '../../src/pipeline/glossary';
import { runImageJob } from '../../src/pipeline/images';
import { OutputTemplateError, renderOutputFolder } from '../../src/pipeline/outputTemplate';
import { startSimulator, type Simulator } from '../sim/index';
import { makePng } from './client-fixtures';
import { memorySaver, simClient } from './savers';

let sim: Simulator;
let client: DashScopeClient;
let dir: string;
/** Every request the simulator answered (API hosts). */
const requestLog: string[] = [];
const png = makePng(512, 512);
/** A minimal GIF89a, 512×512 (header and logical screen only: enough for the format check). */
const gif = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.from([0x00, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00]), Buffer.from([0x3b])]);
const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512"><rect width="512" height="512"/></svg>');
/** Sparse files just over each size limit (no 100 MB written for real). */
const bigFiles = new Map<number, string>();

before(async () => {
  sim = await startSimulator({ rateLimits: false, log: (line) => requestLog.push(line) });
  client = simClient(sim);
  dir = await mkdtemp(join(tmpdir(), 'bailian-bad-input-'));
  for (const limit of new Set(MODELS.flatMap((m) => (m.images ? [m.images.maxBytes] : [])))) {
    const path = join(dir, `over-${limit}.png`);
    await writeFile(path, png);
    const handle = await open(path, 'r+');
    await handle.truncate(limit + 1);
    await handle.close();
    bigFiles.set(limit, path);
  }
});

const exceptions: string[] = [];
let refused = 0;
after(async () => {
  await client.close();
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
  const stats = sim.assets.stats();
  console.log(
    `\nBad input: ${refused} requests refused before sending over ${MODELS.length} models; ` +
      `simulator requests: ${requestLog.length}, upload policies: ${stats.uploads.policies}, uploads: ${stats.uploads.items}\n` +
      `not refused on purpose:\n${exceptions.map((e) => `  ${e}`).join('\n')}\n`,
  );
});

/** A request the model accepts (the cases change one thing). */
function validBase(spec: ModelSpec): GenerationRequest {
  const request: GenerationRequest = { model: spec.id };
  if (spec.prompt.required) request.prompt = 'a small red boat';
  if (spec.images && spec.images.min > 0) request.images = Array.from({ length: spec.images.min }, () => ({ kind: 'bytes' as const, bytes: png, name: 'in.png' }));
  if (spec.task === 'translate') request.translation = { sourceLang: 'en', targetLang: 'zh' };
  // Processing models: an operation, and for background generation a cut-out and its description.
  if (spec.id === 'wanx2.1-imageedit') request.process = { function: 'super_resolution' };
  if (spec.images?.alphaRequired) {
    request.prompt = 'a sunny beach';
    request.images = [{ kind: 'bytes' as const, bytes: makePng(512, 512, true, true), name: 'cutout.png' }];
  }
  return request;
}

/** One bad request and what its message must name. */
interface BadCase {
  what: string;
  request: GenerationRequest;
  /** The message must match each of these (the limit, the accepted values). */
  names: readonly (string | RegExp)[];
}

const image = (bytes: Uint8Array, name: string) => ({ kind: 'bytes' as const, bytes, name });
const digits = (n: number) => new RegExp(`\\b${n}\\b`);

/** Sizes just outside a rule, with what the message must name. */
function badSizes(rule: SizeRule): { size: string; names: (string | RegExp)[] }[] {
  switch (rule.kind) {
    case 'none':
      return [{ size: '1024*1024', names: ['takes no size'] }];
    case 'list': {
      const [w, h] = rule.sizes[0]!.split('*').map(Number) as [number, number];
      return [{ size: `${w}*${h + 1}`, names: [...rule.sizes] }];
    }
    case 'sides':
      return [
        { size: `${rule.minSide - 1}*${rule.minSide}`, names: [digits(rule.minSide), digits(rule.maxSide)] },
        { size: `${rule.maxSide}*${rule.maxSide + 1}`, names: [digits(rule.minSide), digits(rule.maxSide)] },
      ];
    case 'pixels': {
      const out: { size: string; names: (string | RegExp)[] }[] = [];
      const pixelsNamed = (n: number): RegExp => {
        const side = Math.round(Math.sqrt(n));
        return side * side === n ? new RegExp(`${side}\\*${side}|\\b${n}\\b`) : new RegExp(`\\b${n}\\b|\\d+\\*\\d+ \\(${n} px\\)`);
      };
      // Just under the pixel floor, square (inside any aspect bound).
      const under = Math.floor(Math.sqrt(rule.minPixels - 1));
      out.push({ size: `${under}*${under}`, names: [pixelsNamed(rule.minPixels), pixelsNamed(rule.maxPixels)] });
      const over = Math.ceil(Math.sqrt(rule.maxPixels + 1));
      out.push({ size: `${over}*${over}`, names: [pixelsNamed(rule.minPixels), pixelsNamed(rule.maxPixels)] });
      if (rule.maxAspect !== undefined) {
        // Wider than allowed, with the pixel count inside the range.
        const pixels = Math.sqrt(rule.minPixels * rule.maxPixels);
        const h = Math.round(Math.sqrt(pixels / (rule.maxAspect * 1.1)));
        const w = Math.round(h * rule.maxAspect * 1.1);
        out.push({ size: `${w}*${h}`, names: [/aspect ratio/, rule.maxAspect >= 1 ? `${rule.maxAspect}:1` : ''] });
      }
      if (rule.presets?.length) out.push({ size: '9K', names: [...rule.presets] });
      return out;
    }
  }
}

/** Every bad case of one model. */
function casesOf(spec: ModelSpec): BadCase[] {
  const base = validBase(spec);
  const id = spec.id;
  const cases: BadCase[] = [];
  const add = (what: string, change: Partial<GenerationRequest>, names: readonly (string | RegExp)[]): void => {
    cases.push({ what, request: { ...base, ...change }, names });
  };

  // n
  add(`n = ${spec.n.max + 1}`, { n: spec.n.max + 1 }, [digits(spec.n.max)]);
  add('n = 0', { n: 0 }, [digits(spec.n.min)]);
  add('n = 1.5', { n: 1.5 }, [/whole number/]);
  // seed
  if (spec.params.includes('seed')) {
    add('seed = -1', { seed: -1 }, [String(SEED_MAX)]);
    add(`seed = ${SEED_MAX + 1}`, { seed: SEED_MAX + 1 }, [String(SEED_MAX)]);
  } else {
    add('a seed it does not take', { seed: 1 }, [/does not take a seed/]);
  }
  // size
  if (spec.params.includes('size')) {
    for (const bad of badSizes(spec.size)) add(`size ${bad.size}`, { size: bad.size }, bad.names);
    add('size "big"', { size: 'big' }, spec.size.kind === 'list' ? spec.size.sizes : [/WIDTH\*HEIGHT/]);
    if (spec.editSize && spec.images) {
      for (const bad of badSizes(spec.editSize).slice(0, 2)) add(`edit size ${bad.size}`, { size: bad.size, images: [image(png, 'in.png')] }, bad.names);
    }
  } else {
    add('a size it does not take', { size: '1024*1024' }, [/does not take a size/]);
  }
  // prompt
  if (spec.prompt.required) {
    add('an empty prompt', { prompt: '' }, [/needs a prompt/]);
    add('a blank prompt', { prompt: '  \n\t ' }, [/needs a prompt/]);
    if (spec.prompt.unit === 'chars') {
      add(`a prompt of ${spec.prompt.maxLength + 1} characters`, { prompt: '字'.repeat(spec.prompt.maxLength + 1) }, [digits(spec.prompt.maxLength), /characters/]);
    } else {
      exceptions.push(`${id}: a prompt over ${spec.prompt.maxLength} tokens (the service truncates, API §2.2)`);
    }
  } else if (spec.task === 'process' && spec.prompt.maxLength > 0) {
    // Processing models take an optional prompt (a stock one is sent when none is given).
    add(`a prompt of ${spec.prompt.maxLength + 1} characters`, { prompt: '字'.repeat(spec.prompt.maxLength + 1) }, [digits(spec.prompt.maxLength), /characters/]);
  } else {
    add('a prompt it does not take', { prompt: 'translate this' }, [/takes no prompt/]);
  }
  // negative prompt
  if (spec.negativePromptMaxLength !== undefined && spec.params.includes('negative_prompt')) {
    add(`a negative prompt of ${spec.negativePromptMaxLength + 1} characters`, { negativePrompt: 'n'.repeat(spec.negativePromptMaxLength + 1) }, [digits(spec.negativePromptMaxLength)]);
  } else if (!spec.params.includes('negative_prompt')) {
    add('a negative prompt it does not take', { negativePrompt: 'blurry' }, [/does not take a negative prompt/]);
  }
  // max_images
  if (spec.maxImages) {
    add(`maxImages = ${spec.maxImages.max + 1}`, { maxImages: spec.maxImages.max + 1 }, [digits(spec.maxImages.min), digits(spec.maxImages.max)]);
    add(`maxImages = ${spec.maxImages.min - 1}`, { maxImages: spec.maxImages.min - 1 }, [digits(spec.maxImages.min), digits(spec.maxImages.max)]);
  } else {
    add('maxImages it does not take', { maxImages: 2 }, [/does not take maxImages/]);
  }
  // images
  if (spec.images) {
    const r = spec.images;
    add(`${r.max + 1} images (too many references)`, { images: Array.from({ length: r.max + 1 }, (_, i) => image(png, `in-${i}.png`)) }, [digits(r.max), digits(r.max + 1)]);
    if (r.min > 0) add('no image', { images: [] }, [digits(r.min), /you gave 0/]);
    const formats = r.formats.map((f) => f.toUpperCase());
    add('an SVG image', { images: [image(svg, 'vector.svg'), ...(base.images ?? []).slice(1)] }, [/SVG|not an image/, ...formats]);
    if (!r.formats.includes('gif')) add('a GIF image', { images: [image(gif, 'anim.gif'), ...(base.images ?? []).slice(1)] }, [/GIF/, ...formats]);
    const big = bigFiles.get(r.maxBytes)!;
    const mb = `${(r.maxBytes / 1024 / 1024).toFixed(1)} MB`;
    add(`a file over ${mb}`, { images: [{ kind: 'file', path: big }, ...(base.images ?? []).slice(1)] }, [mb]);
    add('a missing file', { images: [{ kind: 'file', path: join(dir, 'no-such-file.png') }, ...(base.images ?? []).slice(1)] }, [/no such file/]);
    add('a tiny image', { images: [image(makePng(8, 8), 'tiny.png'), ...(base.images ?? []).slice(1)] }, [digits(r.minSide), digits(r.maxSide)]);
  } else {
    add('an input image it does not take', { images: [image(png, 'in.png')] }, [/takes no input images/]);
  }
  // translation
  if (spec.task === 'translate') {
    const t = (sourceLang: string, targetLang: string) => ({ translation: { sourceLang, targetLang } });
    add('Korean → Japanese (neither side Chinese or English)', t('ko', 'ja'), [/Chinese or English/, /Korean/, /Japanese/]);
    add('English → English', t('en', 'en'), [/must differ/]);
    add('an unknown source language', t('xx', 'zh'), [/"xx"/, /auto/]);
    add('auto as the target', t('en', 'auto'), [/"auto"/]);
    add('Thai as the source (target only)', t('th', 'en'), [/"th"/]);
    add('a glossary term with an empty side', { translation: { sourceLang: 'en', targetLang: 'zh', terminologies: [{ src: 'Qwen', tgt: '' }] } }, [/terminologies/]);
    add('no translation options', { translation: undefined }, [/sourceLang and targetLang/]);
  } else {
    add('translation options it does not take', { translation: { sourceLang: 'en', targetLang: 'zh' } }, [/does not translate/]);
  }
  return cases;
}

/** Runs one case through the pipeline and checks it was refused before anything was sent. */
async function assertRefused(spec: ModelSpec, c: BadCase): Promise<void> {
  const before = requestLog.length;
  const saver = memorySaver();
  const error = await runImageJob(c.request, { client, saver: saver.saver, async: spec.mode === 'async' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof RequestValidationError, `${spec.id}, ${c.what}: refused with a RequestValidationError, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  for (const name of c.names) {
    if (name === '') continue;
    const ok = typeof name === 'string' ? error.message.includes(name) : name.test(error.message);
    assert.ok(ok, `${spec.id}, ${c.what}: the message names ${String(name)}: "${error.message}"`);
  }
  assert.equal(requestLog.length, before, `${spec.id}, ${c.what}: nothing was sent (${requestLog.slice(before).join('; ')})`);
  assert.deepEqual(await saver.list(), [], `${spec.id}, ${c.what}: nothing saved`);
  refused++;
}

describe('every model refuses bad input before sending anything', () => {
  for (const spec of MODELS) {
    test(spec.id, async () => {
      // The base request is fine: the client accepts it, so each case fails for its one change.
      assert.doesNotThrow(() => client.validate(validBase(spec), { async: spec.mode === 'async' }), `${spec.id}: the base request is valid`);
      const cases = casesOf(spec);
      assert.ok(cases.length >= 8, `${spec.id}: ${cases.length} cases`);
      for (const c of cases) await assertRefused(spec, c);
    });
  }
});

describe('a malformed glossary is refused with its line', () => {
  const glossaries: { what: string; text: string; line?: number; names: RegExp[] }[] = [
    { what: 'a line without "="', text: '# terms\nQwen = 通义千问\njust words\n', line: 3, names: [/Line 3/, /source = target/] },
    { what: 'an empty target', text: 'Qwen =\n', line: 1, names: [/Line 1/] },
    { what: 'an empty source', text: 'Qwen = 千问\n = Bailian\n', line: 2, names: [/Line 2/] },
    { what: 'broken JSON', text: '{\n  "Qwen": "千问",\n  "Bailian" "百炼"\n}\n', line: 3, names: [/Line 3/, /not valid JSON/] },
    { what: 'a JSON entry that is not a term', text: '[\n  {"src": "Qwen", "tgt": "千问"},\n  {"src": "Bailian"}\n]\n', line: 3, names: [/entry 2/, /not a term/] },
    { what: 'a JSON value that is not text', text: '{"Qwen": 7}', line: 1, names: [/"Qwen"/, /not a term/] },
  ];
  for (const g of glossaries) {
    test(g.what, () => {
      const error = (() => {
        try {
          parseGlossary(g.text);
          return undefined;
        } catch (e) {
          return e;
        }
      })();
      assert.ok(error instanceof GlossaryError, `${g.what}: a GlossaryError, got ${String(error)}`);
      for (const name of g.names) assert.match(error.message, name);
      if (g.line !== undefined) assert.equal(error.line, g.line);
      refused++;
    });
  }
});

describe('a bad output template is refused with what to change', () => {
  const values = { date: new Date('2026-12-01T10:00:00Z'), model: 'qwen-image-plus' };
  const templates: { template: string; names: RegExp[]; values?: Partial<typeof values & { lang: string; fileDirname: string }> }[] = [
    { template: '/tmp/out', names: [/inside the workspace/] },
    { template: 'C:\\images', names: [/inside the workspace/] },
    { template: '~/images', names: [/inside the workspace/] },
    { template: '../outside', names: [/must not leave/] },
    { template: 'images/../../x', names: [/must not leave/] },
    { template: 'images/${colour}', names: [/unknown variable \$\{colour\}/, /\$\{model\}/] },
    { template: 'a/${workspaceFolder}/b', names: [/may only start/] },
    { template: 'images/${lang}', names: [/only works for translations/] },
    { template: '${fileDirname}/edits', names: [/source image/] },
  ];
  for (const t of templates) {
    test(t.template, () => {
      assert.throws(
        () => renderOutputFolder(t.template, { ...values, ...t.values }),
        (error: unknown) => {
          assert.ok(error instanceof OutputTemplateError, `an OutputTemplateError, got ${String(error)}`);
          assert.match(error.message, /bailian\.outputFolder/, 'names the setting');
          for (const name of t.names) assert.match(error.message, name);
          return true;
        },
      );
      refused++;
    });
  }
});

test('nothing reached the simulator', () => {
  assert.deepEqual(requestLog, []);
  const stats = sim.assets.stats();
  assert.equal(stats.uploads.policies, 0);
  assert.equal(stats.uploads.items, 0);
});
