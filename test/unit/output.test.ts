/**
 * src/pipeline naming and provenance: name templates and sanitising, nextFreeName, the PNG
 * provenance chunks (decoded back by walking chunks and by pngjs, which checks every CRC), and the
 * atomic no-overwrite save (saveAtomically) over node:fs (nodeFileSystem).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import { saveAtomically } from '../../src/pipeline/files';
import {
  DEFAULT_NAME_TEMPLATE,
  NAME_MAX_BYTES,
  candidateNumber,
  nextFreeName,
  renderName,
  sanitizeFileName,
  slugifyPrompt,
} from '../../src/pipeline/naming';
import { nodeFileSystem } from '../../src/pipeline/nodeFs';
import {
  buildProvenance,
  crc32,
  embedPngText,
  embedProvenance,
  parametersText,
  readPngChunks,
  readPngText,
  readProvenance,
} from '../../src/pipeline/provenance';
import { listFiles } from './savers';

/** pngjs's independent CRC-32 (not part of its typed API). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pngjsCrc = require('pngjs/lib/crc') as { crc32(buf: Uint8Array): number };

function png(width: number, height: number): Buffer {
  const p = new PNG({ width, height });
  for (let i = 0; i < p.data.length; i += 4) {
    p.data[i] = (i / 4) % 256;
    p.data[i + 1] = 80;
    p.data[i + 2] = 160;
    p.data[i + 3] = 255;
  }
  return PNG.sync.write(p);
}

const FIXED = new Date(2025, 0, 2, 3, 4, 5); // local time 2025-01-02 03:04:05

describe('naming', () => {
  test('prompt slugs: lower-case words, accents folded, CJK kept, punctuation and emoji dropped', () => {
    assert.equal(slugifyPrompt('A Red Fox, in the SNOW!'), 'a-red-fox-in-the-snow');
    assert.equal(slugifyPrompt('Café Über naïve'), 'cafe-uber-naive');
    assert.equal(slugifyPrompt('雪地里的狐狸 in snow 🦊'), '雪地里的狐狸-in-snow');
    assert.equal(slugifyPrompt('   ...!!!  '), '');
    assert.equal(slugifyPrompt('Ｆｕｌｌｗｉｄｔｈ ｔｅｘｔ'), 'fullwidth-text');
  });

  test('prompt slugs stay within 40 characters, cut at a word boundary (or mid-CJK run)', () => {
    const slug = slugifyPrompt('an extremely detailed oil painting of a lighthouse on a cliff at dawn');
    assert.ok(slug.length <= 40, slug);
    assert.equal(slug, 'an-extremely-detailed-oil-painting-of-a');
    // Punctuation separates words; a run that alone is too long is cut by characters.
    assert.equal(slugifyPrompt('一只在雪地里奔跑的红色狐狸，背景是高山和松树林，清晨的阳光洒在雪面上'), '一只在雪地里奔跑的红色狐狸-背景是高山和松树林-清晨的阳光洒在雪面上');
    const cjk = slugifyPrompt('一只在雪地里奔跑的红色狐狸背景是高山和松树林清晨的阳光洒在雪面上画面细腻写实色彩丰富');
    assert.equal([...cjk].length, 40);
  });

  test('sanitizeFileName removes reserved characters, controls, trailing dots and spaces', () => {
    assert.equal(sanitizeFileName('a<b>c:d"e/f\\g|h?i*j'), 'a-b-c-d-e-f-g-h-i-j');
    assert.equal(sanitizeFileName('tab\there\u0000nul'), 'tab-here-nul');
    assert.equal(sanitizeFileName('name. . '), 'name');
    assert.equal(sanitizeFileName('...hidden'), 'hidden');
    assert.equal(sanitizeFileName('-rf'), 'rf');
    assert.equal(sanitizeFileName(''), 'image');
    assert.equal(sanitizeFileName('...'), 'image');
  });

  test('sanitizeFileName prefixes Windows device names, with any case or extension', () => {
    for (const name of ['CON', 'con', 'Prn', 'AUX', 'nul', 'COM1', 'com9', 'LPT3', 'con.png', 'NUL.tar.gz', 'COM¹']) {
      assert.equal(sanitizeFileName(name), `_${name}`, name);
    }
    assert.equal(sanitizeFileName('console'), 'console');
    assert.equal(sanitizeFileName('COM10'), 'COM10');
  });

  test('sanitizeFileName caps UTF-8 length without splitting a character', () => {
    const long = '狐'.repeat(200);
    const s = sanitizeFileName(long);
    assert.ok(Buffer.byteLength(s) <= NAME_MAX_BYTES);
    assert.equal(Buffer.byteLength(s) % 3, 0);
    assert.ok(!s.includes('\uFFFD'));
    const emoji = sanitizeFileName('a' + '😀'.repeat(100));
    assert.ok(Buffer.byteLength(emoji) <= NAME_MAX_BYTES);
    assert.equal(Buffer.from(emoji).toString('utf8'), emoji);
  });

  test('renderName fills the default template', () => {
    const name = renderName(DEFAULT_NAME_TEMPLATE, { model: 'wan2.6-image:interleave', seed: 42, date: FIXED, index: 2, prompt: 'A fox / in the snow' });
    assert.equal(name, '20250102-030405-wan2.6-image-interleave-a-fox-in-the-snow-2');
  });

  test('renderName collapses the separators around empty variables', () => {
    assert.equal(renderName('${model}-${seed}-${index}', { model: 'qwen-image', index: 1 }), 'qwen-image-1');
    assert.equal(renderName('${prompt}-${seed}', { prompt: '!!!' }), 'image');
    assert.equal(renderName('${date}_${prompt}_${index}', { date: FIXED, prompt: '', index: 3 }), '20250102_3');
  });

  test('renderName makes sub-folders from / in the template only, never leaves the folder', () => {
    assert.equal(renderName('${date}/${model}-${index}', { model: 'z-image-turbo', date: FIXED, index: 1 }), '20250102/z-image-turbo-1');
    assert.equal(renderName('../../${model}', { model: 'm' }), 'm');
    assert.equal(renderName('a\\..\\${model}', { model: 'm' }), 'a/m');
    assert.equal(renderName('${prompt}', { prompt: 'a/b' }), 'a-b');
    assert.equal(renderName('con/${model}', { model: 'x' }), '_con/x');
  });

  test('renderName rejects unknown variables and names the known ones', () => {
    assert.throws(() => renderName('${model}-${workspaceFolder}', {}), /\$\{workspaceFolder\}.*\$\{model\}/);
  });

  test('nextFreeName never picks a taken name', async () => {
    const taken = new Set<string>();
    const exists = async (n: string): Promise<boolean> => taken.has(n);
    assert.equal(await nextFreeName('fox', 'png', exists), 'fox.png');
    taken.add('fox.png');
    assert.equal(await nextFreeName('fox', '.PNG', exists), 'fox-2.png');
    taken.add('fox-2.png');
    taken.add('fox-3.png');
    assert.equal(await nextFreeName('fox', 'png', exists), 'fox-4.png');
    assert.equal(await nextFreeName('fox', 'jpeg', exists), 'fox.jpg');
    assert.equal(await nextFreeName('fox', 'png', exists, 10), 'fox-10.png');
    assert.equal(candidateNumber('fox', 'png', 'fox-12.png'), 12);
    assert.equal(candidateNumber('fox', 'png', 'fox.png'), 1);
    assert.equal(candidateNumber('fox', 'png', 'fox-x.png'), undefined);
  });
});

describe('provenance', () => {
  test('crc32 matches the standard check value', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32(new Uint8Array(0)), 0);
    assert.equal(crc32(Buffer.from('IEND')), 0xae426082);
    // Running value: crc(a + b) = crc(b, crc(a)).
    assert.equal(crc32(Buffer.from('6789'), crc32(Buffer.from('12345'))), 0xcbf43926);
  });

  test('the record keeps what regenerates the image and never the key or an expiring URL', () => {
    const r = buildProvenance({
      model: 'wan2.6-image',
      prompt: 'a fox, key sk-abcdef0123456789 by mistake',
      negativePrompt: 'blur',
      actualPrompt: 'a fox in detail',
      width: 1280,
      height: 720,
      seed: 7,
      parameters: { n: 2, api_key: 'sk-secret000000', watermark: false, ref: 'https://x.oss.example.com/r.png?Expires=1&Signature=abc' },
      requestId: 'req-1',
      taskId: 'task-1',
      created: FIXED,
      index: 1,
      sources: ['../in/a.png', 'https://cdn.example.com/b.png?Expires=9&Signature=zzz', 'oss://dashscope-instant/x.png', 'data:image/png;base64,AAAA', 'C:\\in\\c.png'],
    });
    const json = JSON.stringify(r);
    assert.ok(!json.includes('sk-abcdef'), json);
    assert.ok(!json.includes('sk-secret'), json);
    assert.ok(!json.includes('Signature'), json);
    assert.ok(!json.includes('oss://') && !json.includes('data:'), json);
    assert.deepEqual(r.sources, ['../in/a.png', 'https://cdn.example.com/b.png', 'C:/in/c.png']);
    assert.equal(r.size, '1280*720');
    assert.equal(r.seed, 7);
    assert.equal(r.request_id, 'req-1');
    assert.equal(r.task_id, 'task-1');
    assert.equal(r.actual_prompt, 'a fox in detail');
    assert.equal(r.created, FIXED.toISOString());
    assert.deepEqual(Object.keys(r.parameters).sort(), ['n', 'ref', 'watermark']);
    assert.match(parametersText(r), /^a fox.*\nNegative prompt: blur\nSeed: 7, Size: 1280x720, Model: wan2\.6-image, Request id: req-1, Task id: task-1$/);
  });

  test('embedding inserts valid text chunks before IEND; pngjs still decodes the same pixels', () => {
    const original = png(20, 10);
    const record = buildProvenance({ model: 'qwen-image', prompt: '雪地里的狐狸 — a fox', seed: 3, width: 20, height: 10, created: FIXED, requestId: 'r' });
    const { bytes, sidecar } = embedProvenance(original, 'png', record);
    assert.equal(sidecar, undefined);

    const chunks = readPngChunks(bytes);
    assert.ok(chunks.every((c) => c.crcOk), 'every CRC checks out');
    assert.equal(chunks[0]!.type, 'IHDR');
    assert.equal(chunks[chunks.length - 1]!.type, 'IEND');
    const types = chunks.map((c) => c.type);
    const lastIdat = types.lastIndexOf('IDAT');
    const firstText = types.findIndex((t) => t === 'tEXt' || t === 'iTXt');
    assert.ok(firstText > lastIdat, 'text chunks come after the image data, right before IEND');

    const text = Object.fromEntries(readPngText(bytes).map((e) => [e.keyword, e.text]));
    assert.deepEqual(JSON.parse(text.bailian!), record);
    assert.equal(text.Description, '雪地里的狐狸 — a fox');
    assert.match(text.parameters!, /^雪地里的狐狸 — a fox\nSeed: 3, Size: 20x10, Model: qwen-image, Request id: r$/);
    assert.equal(text.Software, 'Bailian Image Studio');
    // Non-Latin-1 text must be iTXt (UTF-8); tEXt is Latin-1 only.
    assert.equal(chunks.find((c) => Buffer.from(c.data).toString('latin1').startsWith('Description\0'))!.type, 'iTXt');
    assert.equal(chunks.find((c) => Buffer.from(c.data).toString('latin1').startsWith('Software\0'))!.type, 'tEXt');
    assert.deepEqual(readProvenance(bytes), record);

    const decoded = PNG.sync.read(Buffer.from(bytes));
    const before = PNG.sync.read(original);
    assert.equal(decoded.width, 20);
    assert.ok(Buffer.from(decoded.data).equals(Buffer.from(before.data)));
  });

  test('every stored CRC matches pngjs\'s own CRC-32, and a corrupted chunk is detected', () => {
    const bytes = Buffer.from(embedProvenance(png(4, 4), 'png', buildProvenance({ model: 'm', prompt: 'ünïcode 文字', created: FIXED })).bytes);
    for (const c of readPngChunks(bytes)) {
      const stored = bytes.readUInt32BE(c.offset + 8 + c.data.length);
      assert.equal(stored, pngjsCrc.crc32(bytes.subarray(c.offset + 4, c.offset + 8 + c.data.length)) >>> 0, c.type);
    }
    const chunk = readPngChunks(bytes).find((c) => c.type === 'tEXt')!;
    bytes[chunk.offset + 8 + 9] ^= 0xff; // a byte of the text
    assert.equal(readPngChunks(bytes).find((c) => c.offset === chunk.offset)!.crcOk, false);
  });

  test('embedding twice replaces the chunks instead of duplicating them', () => {
    const once = embedProvenance(png(4, 4), 'png', buildProvenance({ model: 'a', prompt: 'one', created: FIXED })).bytes;
    const twice = embedProvenance(once, 'png', buildProvenance({ model: 'b', prompt: 'two', created: FIXED })).bytes;
    const entries = readPngText(twice);
    assert.equal(entries.filter((e) => e.keyword === 'bailian').length, 1);
    assert.equal(readProvenance(twice)!.model, 'b');
  });

  test('JPG bytes are left alone and the record goes to a sidecar', () => {
    const jpg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
    const record = buildProvenance({ model: 'qwen-mt-image', created: FIXED, parameters: { target_lang: 'en' } });
    const out = embedProvenance(jpg, 'jpg', record);
    assert.equal(out.bytes, jpg);
    assert.deepEqual(JSON.parse(out.sidecar!), record);
  });

  test('malformed PNGs are refused', () => {
    assert.throws(() => embedPngText(Buffer.from('not a png at all'), []), /signature/);
    const cut = png(4, 4).subarray(0, 40);
    assert.throws(() => readPngChunks(cut), /past the end|Truncated/);
    assert.throws(() => embedPngText(png(2, 2), [{ keyword: ' bad', text: 'x' }]), /keyword/);
  });
});

describe('atomic no-overwrite save over node:fs', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bailian-output-test-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const text = (s: string): Uint8Array => new TextEncoder().encode(s);

  test('creates missing folders and writes the bytes', async () => {
    const target = join(dir, 'a', 'b');
    const name = await saveAtomically(nodeFileSystem(target), { stem: 'sub/fox', ext: 'png', bytes: text('one') });
    assert.equal(name, 'sub/fox.png');
    assert.equal(await readFile(join(target, 'sub', 'fox.png'), 'utf8'), 'one');
    assert.deepEqual(await listFiles(target), ['sub/fox.png']);
  });

  test('an existing file is never overwritten', async () => {
    const d = join(dir, 'keep');
    const fs = nodeFileSystem(d);
    const first = await saveAtomically(fs, { stem: 'x', ext: '.png', bytes: text('first') });
    const second = await saveAtomically(fs, { stem: 'x', ext: '.png', bytes: text('second') });
    assert.equal(first, 'x.png');
    assert.equal(second, 'x-2.png');
    assert.equal(await readFile(join(d, first), 'utf8'), 'first');
    assert.equal(await readFile(join(d, second), 'utf8'), 'second');
    assert.deepEqual(await listFiles(d), ['x-2.png', 'x.png']);
  });

  test('concurrent saves of the same name all land, under distinct names', async () => {
    const d = join(dir, 'race');
    // One FileSystem per save, like separate windows or processes.
    const names = await Promise.all(Array.from({ length: 12 }, (_, i) => saveAtomically(nodeFileSystem(d), { stem: 'same', ext: 'png', bytes: text(`data ${i}`) })));
    assert.equal(new Set(names).size, 12, names.join(' '));
    for (const [i, name] of names.entries()) assert.equal(await readFile(join(d, name), 'utf8'), `data ${i}`);
    assert.equal((await listFiles(d)).length, 12, 'no temporary files left');
  });

  test('a name taken between the check and the link moves on to the next one', async () => {
    const d = join(dir, 'late');
    const fs = nodeFileSystem(d, {
      // Runs after the free-name check, before the temporary is linked to its final name.
      write: async (handle, data) => {
        await handle.writeFile(data);
        await writeFile(join(d, 'late.png'), 'theirs');
      },
    });
    const name = await saveAtomically(fs, { stem: 'late', ext: 'png', bytes: text('mine') });
    assert.equal(name, 'late-2.png');
    assert.equal(await readFile(join(d, 'late.png'), 'utf8'), 'theirs');
    assert.equal(await readFile(join(d, name), 'utf8'), 'mine');
    assert.deepEqual(await listFiles(d), ['late-2.png', 'late.png']);
  });

  test('a failing write leaves neither a partial file nor a temporary one', async () => {
    const d = join(dir, 'fail');
    const fs = nodeFileSystem(d, {
      write: async (handle, data) => {
        await handle.write(data.subarray(0, 100));
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
    });
    await assert.rejects(saveAtomically(fs, { stem: 'broken', ext: 'png', bytes: new Uint8Array(1024) }), /ENOSPC/);
    assert.deepEqual(await listFiles(d), []);
  });

  test('a failing link leaves nothing behind either', async () => {
    const d = join(dir, 'linkfail');
    const fs = nodeFileSystem(d, {
      // The temporary vanishes before it is linked: the link fails with ENOENT.
      write: async (handle, data, path) => {
        await handle.writeFile(data);
        await rm(join(d, path));
      },
    });
    await assert.rejects(saveAtomically(fs, { stem: 'gone', ext: 'png', bytes: text('x') }), /ENOENT/);
    assert.deepEqual(await listFiles(d), []);
  });

  test('refuses names that would leave the folder', async () => {
    await assert.rejects(saveAtomically(nodeFileSystem(dir), { stem: '../escape', ext: 'png', bytes: text('x') }), /outside the output folder/);
  });

  test('a document (the guide\'s .md) is created under the next free name, never replacing one', async () => {
    const d = join(dir, 'md');
    const fs = nodeFileSystem(d);
    const a = await saveAtomically(fs, { stem: 'story', ext: 'md', bytes: text('a') });
    const b = await saveAtomically(fs, { stem: 'story', ext: 'md', bytes: text('b') });
    assert.deepEqual([a, b], ['story.md', 'story-2.md']);
    assert.equal(await readFile(join(d, a), 'utf8'), 'a');
    assert.equal(await readFile(join(d, b), 'utf8'), 'b');
  });
});
