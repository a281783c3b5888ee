/**
 * runGuide (src/pipeline/guide.ts) against the simulator's wan2.6-image interleave stream, over
 * both savers: text collected by a document sink, images saved next to the document and linked
 * relatively, a stream cut midway or stopped by the user keeps what arrived and says the
 * document is incomplete, and the document never holds an (expiring) http URL.
 *
 *   node --import tsx --test test/unit/pipeline-guide.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DashScopeError, RequestValidationError, type DashScopeClient } from '../../src/dashscope';
import { saveAtomically } from '../../src/pipeline/files';
import { runGuide, type GuideDocument, type GuideOptions } from '../../src/pipeline/guide';
import type { SavedFileRef, SavedImage } from '../../src/pipeline/images';
import { posix } from '../../src/pipeline/posixPath';
import { isPng, readProvenance } from '../../src/pipeline/provenance';
import { startSimulator, type Simulator } from '../sim/index';
import { interleavePlan, textDeltas } from '../sim/sse';
import { SAVERS, SCALE, simClient, type SaverUnderTest } from './pipeline-helpers';

const MODEL = 'wan2.6-image:interleave';
const PROMPT = 'a three-step pancake recipe';
const SEED = 11;

let sim: Simulator;
let client: DashScopeClient;
before(async () => {
  sim = await startSimulator({ timing: { scale: SCALE, streamEventMs: 1 }, rateLimits: false });
  client = simClient(sim);
});
after(async () => {
  await client.close();
  await sim.stop();
});

/** What the simulator will stream for (PROMPT, maxImages, SEED): its paragraphs and how many deltas precede each image. */
function expectedStream(maxImages: number): { text: string; eventsBeforeImage: number[] } {
  const { plan } = interleavePlan(PROMPT, maxImages, SEED);
  let events = 0;
  let text = '';
  const eventsBeforeImage: number[] = [];
  plan.forEach((item, k) => {
    if (item.type === 'text') {
      events += textDeltas(item.text, SEED + k).length;
      text += item.text;
    } else {
      eventsBeforeImage.push(events);
      events += 1;
    }
  });
  return { text, eventsBeforeImage };
}

/** A document that collects the text it is sent, created (never overwriting) like the CLI does. */
class CollectingDocument {
  name = '';
  text = '';
  opened = 0;
  constructor(
    private readonly s: SaverUnderTest,
    private readonly stem: string,
  ) {}
  readonly open = async (header: string): Promise<GuideDocument> => {
    this.opened++;
    this.name = await saveAtomically(this.s.fs, { stem: this.stem, ext: 'md', bytes: new TextEncoder().encode(header) });
    this.text = header;
    return { name: this.name, sink: { append: async (text) => void (this.text += text) } };
  };
  /** The image links of the document, resolved to names relative to the saver's folder. */
  links(): { index: number; target: string; file: string }[] {
    return [...this.text.matchAll(/!\[image (\d+)\]\(([^)]+)\)/g)].map((m) => {
      const target = m[2]!;
      const folder = posix.dirname(this.name);
      const decoded = target.split('/').map(decodeURIComponent).join('/');
      return { index: Number(m[1]), target, file: folder === '.' ? decoded : `${folder}/${decoded}` };
    });
  }
}

/** Runs `body` with each saver, disposing of it afterwards. */
async function withEachSaver(body: (s: SaverUnderTest) => Promise<void>): Promise<void> {
  for (const { label, make } of SAVERS) {
    const s = await make();
    try {
      await body(s);
    } catch (error) {
      if (error instanceof Error) error.message = `[${label} saver] ${error.message}`;
      throw error;
    } finally {
      await s.dispose();
    }
  }
}

function guideOptions(s: SaverUnderTest, doc: CollectingDocument, extra: Partial<GuideOptions<SavedFileRef>> = {}): GuideOptions<SavedFileRef> {
  return { client, saver: s.saver, openDocument: doc.open, started: new Date(2026, 2, 4, 5, 6, 7), ...extra };
}

function assertNoUrl(text: string): void {
  assert.ok(!/https?:\/\//i.test(text), `no http URL in the document:\n${text}`);
}

describe('runGuide: a complete guide', () => {
  for (const stem of ['guide', 'docs/2026/pancakes', 'my notes/煎饼 指南']) {
    test(`text and relative image links in order, images saved next to "${stem}.md"`, async () => {
      await withEachSaver(async (s) => {
        const doc = new CollectingDocument(s, stem);
        const texts: string[] = [];
        const saved: SavedImage<SavedFileRef>[] = [];
        const result = await runGuide(
          { model: MODEL, prompt: PROMPT, maxImages: 2, seed: SEED },
          guideOptions(s, doc, { onText: (t) => texts.push(t), onImage: (i) => saved.push(i) }),
        );
        const expected = expectedStream(2);
        assert.equal(result.outcome, 'completed');
        assert.equal(doc.opened, 1);
        assert.equal(result.document.name, `${stem}.md`);
        assert.equal(result.textLength, expected.text.length);
        assert.equal(texts.join(''), expected.text, 'onText saw every delta in order');
        assert.ok(result.requestId);

        // The header, the model's text (images as their own blocks), then the closing comment.
        assert.match(doc.text, /^<!-- Generated by Bailian Image Studio with wan2\.6-image:interleave on .*, seed 11\. Prompt: a three-step pancake recipe -->\n\n/);
        assert.equal(doc.text.replace(/^<!--.*?-->\n\n/, '').replace(/!\[image \d\]\([^)]+\)|<!-- bailian: .* -->\n$/g, '').replace(/\n/g, ''), expected.text.replace(/\n/g, ''));
        assert.match(doc.text, new RegExp(`<!-- bailian: \\{"model":"wan2\\.6-image:interleave","request_id":"${result.requestId}","seed":11,"images":2\\} -->\\n$`));
        assertNoUrl(doc.text);

        const links = doc.links();
        assert.deepEqual(links.map((l) => l.index), [1, 2]);
        const base = stem.slice(stem.lastIndexOf('/') + 1);
        assert.deepEqual(links.map((l) => decodeURIComponent(l.target)), [`${base}-images/image-1.png`, `${base}-images/image-2.png`], 'relative to the document');
        for (const l of links) assert.ok(!/[ \u4e00-\u9fff]/.test(l.target), `link target encoded: ${l.target}`);
        assert.deepEqual(links.map((l) => l.file), result.images.map((i) => i.file.name));
        assert.deepEqual(await s.list(), [...links.map((l) => l.file), doc.name].sort());
        assert.deepEqual(saved.map((i) => i.index), [1, 2]);

        for (const image of result.images) {
          const bytes = await s.read(image.file.name);
          assert.ok(isPng(bytes));
          const record = readProvenance(bytes);
          assert.equal(record?.model, MODEL);
          assert.equal(record?.prompt, PROMPT);
          assert.equal(record?.index, image.index);
          assertNoUrl(JSON.stringify(record));
        }
        assert.equal(result.images[0]!.seed, SEED, 'the first image has the request seed');
      });
    });
  }

  test('an invalid request throws before any document is opened', async () => {
    const s = await SAVERS[0]!.make();
    const doc = new CollectingDocument(s, 'guide');
    await assert.rejects(runGuide({ model: MODEL, prompt: PROMPT, maxImages: 9 }, guideOptions(s, doc)), RequestValidationError);
    assert.equal(doc.opened, 0);
    assert.deepEqual(await s.list(), []);
  });

  test('a stream that fails before its first delta throws and writes nothing', async () => {
    await withEachSaver(async (s) => {
      const remove = sim.faults.add({ kind: 'status', status: 500, model: 'wan2.6-image', times: 1 });
      try {
        const doc = new CollectingDocument(s, 'guide');
        await assert.rejects(runGuide({ model: MODEL, prompt: PROMPT, maxImages: 2, seed: SEED }, guideOptions(s, doc)), (error: unknown) => error instanceof DashScopeError && error.httpStatus === 500);
        assert.equal(doc.opened, 0);
        assert.deepEqual(await s.list(), []);
      } finally {
        remove();
      }
    });
  });
});

describe('runGuide: incomplete guides keep what arrived', () => {
  test('a stream cut midway (resetMidStream): the text and image that arrived are kept, the document says it is incomplete', async () => {
    await withEachSaver(async (s) => {
      const expected = expectedStream(3);
      // Image 1, then three deltas of the second paragraph, then the connection is cut.
      const afterEvents = expected.eventsBeforeImage[0]! + 1 + 3;
      const remove = sim.faults.add({ kind: 'resetMidStream', afterEvents, model: 'wan2.6-image', times: 1 });
      try {
        const doc = new CollectingDocument(s, 'cut');
        const result = await runGuide({ model: MODEL, prompt: PROMPT, maxImages: 3, seed: SEED }, guideOptions(s, doc));
        assert.equal(result.outcome, 'failed');
        assert.ok(result.error instanceof DashScopeError, String(result.error));
        assert.deepEqual(result.images.map((i) => i.index), [1]);
        assert.deepEqual(doc.links().map((l) => l.file), ['cut-images/image-1.png']);
        assert.deepEqual(await s.list(), ['cut-images/image-1.png', 'cut.md']);
        const firstParagraph = interleavePlan(PROMPT, 3, SEED).paragraphs[0]!;
        assert.ok(doc.text.includes(firstParagraph), 'the first paragraph is kept');
        assert.ok(result.textLength > firstParagraph.length, 'and the start of the second');
        assert.match(doc.text, /\n---\n\n> \*\*⚠ Incomplete:\*\* the stream stopped before the model finished \(NetworkError: .+\)\. Everything above arrived and was kept; run the guide again for a complete result\.\n$/);
        assert.ok(!doc.text.includes('<!-- bailian:'), 'no completion footer');
        assertNoUrl(doc.text);
      } finally {
        remove();
      }
    });
  });

  test('an abort mid-stream: outcome "stopped", an image already announced is still saved and linked', async () => {
    await withEachSaver(async (s) => {
      const controller = new AbortController();
      // Abort the moment the second image has been handed over: it is announced (billed) but not downloaded yet.
      const stopping = Object.create(client) as DashScopeClient;
      stopping.stream = async function* (request, options) {
        for await (const delta of client.stream(request, options)) {
          yield delta;
          if (delta.type === 'image' && delta.index === 1) controller.abort(new Error('user stopped'));
        }
      };
      const doc = new CollectingDocument(s, 'stopped');
      const result = await runGuide({ model: MODEL, prompt: PROMPT, maxImages: 5, seed: SEED }, guideOptions(s, doc, { client: stopping, signal: controller.signal }));
      assert.equal(result.outcome, 'stopped');
      assert.equal((result.error as Error).message, 'user stopped');
      assert.deepEqual(result.images.map((i) => i.index), [1, 2]);
      assert.deepEqual(doc.links().map((l) => l.file), ['stopped-images/image-1.png', 'stopped-images/image-2.png']);
      assert.deepEqual(await s.list(), ['stopped-images/image-1.png', 'stopped-images/image-2.png', 'stopped.md']);
      assert.match(doc.text, /\n---\n\n> \*\*⚠ Incomplete:\*\* stopped before the model finished\. Everything above arrived and was kept; run the guide again for a complete result\.\n$/);
      assertNoUrl(doc.text);
    });
  });

  test('a document that stops accepting text (disk full, editor closed): every saved image is still reported, the guide fails', async () => {
    await withEachSaver(async (s) => {
      const expected = expectedStream(3);
      let appends = 0;
      const texts: string[] = [];
      const reported: number[] = [];
      // The sink fails from the second paragraph on; the stream and the image saves go on.
      const failFrom = expected.eventsBeforeImage[0]! + 3;
      const result = await runGuide(
        { model: MODEL, prompt: PROMPT, maxImages: 3, seed: SEED },
        {
          client,
          saver: s.saver,
          openDocument: async () => ({
            name: 'closed.md',
            sink: {
              append: async (text) => {
                if (++appends > failFrom) throw new Error('the document was closed');
                texts.push(text);
              },
            },
          }),
          onImage: (image) => reported.push(image.index),
        },
      );
      assert.equal(result.outcome, 'failed');
      assert.match(String(result.error), /the document was closed/);
      assert.deepEqual(result.images.map((i) => i.index), [1, 2, 3]);
      assert.deepEqual(reported, [1, 2, 3]);
      assert.deepEqual(result.lost, []);
      assert.deepEqual(await s.list(), ['closed-images/image-1.png', 'closed-images/image-2.png', 'closed-images/image-3.png']);
      assert.ok(texts.join('').includes('![image 1](closed-images/image-1.png)'));
    });
  });

  test('a document that cannot be opened: runGuide rejects with that error', async () => {
    const s = await SAVERS[0]!.make();
    await assert.rejects(
      runGuide({ model: MODEL, prompt: PROMPT, maxImages: 1, seed: SEED }, { client, saver: s.saver, openDocument: async () => Promise.reject(new Error('EACCES: read-only folder')) }),
      /EACCES: read-only folder/,
    );
  });

  test('an image that cannot be saved leaves a visible note in its place; the others are kept', async () => {
    await withEachSaver(async (s) => {
      s.failWritesOf(/image-1\.png\.tmp-/);
      const doc = new CollectingDocument(s, 'partial');
      const result = await runGuide({ model: MODEL, prompt: PROMPT, maxImages: 2, seed: SEED }, guideOptions(s, doc));
      assert.equal(result.outcome, 'completed');
      assert.deepEqual(result.lost.map((l) => l.index), [1]);
      assert.deepEqual(result.images.map((i) => i.index), [2]);
      assert.match(doc.text, /> \*\*⚠ Image 1 could not be saved:\*\* ENOSPC/);
      assert.deepEqual(doc.links().map((l) => l.index), [2]);
      assert.deepEqual(await s.list(), ['partial-images/image-2.png', 'partial.md']);
      assert.ok(doc.text.indexOf('Image 1 could not be saved') < doc.text.indexOf('![image 2]'), 'the note stands where image 1 was');
    });
  });
});
