/**
 * src/pipeline/markdown.ts (links, block separation, the guide writer) and src/pipeline/posixPath.ts.
 *
 *   node --import tsx --test test/unit/pipeline-markdown.test.ts
 */
import assert from 'node:assert/strict';
import { posix as nodePosix } from 'node:path';
import { describe, test } from 'node:test';
import { MarkdownWriter, blockSeparator, guideHeader, markdownLink } from '../../src/pipeline/markdown';
import { posix } from '../../src/pipeline/posixPath';

describe('posixPath', () => {
  test('relative: the path from a folder to a file, both relative to one root, like node:path posix', () => {
    const cases: [string, string, string][] = [
      ['', 'x/y.png', 'x/y.png'],
      ['.', 'x.png', 'x.png'],
      ['docs', 'docs/guide-images/image-1.png', 'guide-images/image-1.png'],
      ['docs/a', 'docs/b/c.png', '../b/c.png'],
      ['docs/a/b', 'img/x.png', '../../../img/x.png'],
      ['a', 'a', ''],
      ['my notes', 'my notes/煎饼 指南-images/1.png', '煎饼 指南-images/1.png'],
    ];
    for (const [from, to, expected] of cases) {
      assert.equal(posix.relative(from, to), expected, `${from} → ${to}`);
      assert.equal(posix.relative(from, to), nodePosix.relative(nodePosix.join('/r', from), nodePosix.join('/r', to)), `same as node for ${from} → ${to}`);
    }
    assert.equal(posix.relative('a//b/', 'a/b/c'), 'c', 'empty and trailing segments are ignored');
    assert.equal(posix.relative('./a', 'a/b'), 'b');
  });

  test('dirname: "." for a bare name, "/" for the root, the folder otherwise', () => {
    assert.equal(posix.dirname('guide.md'), '.');
    assert.equal(posix.dirname('/guide.md'), '/');
    assert.equal(posix.dirname('docs/2026/guide.md'), 'docs/2026');
  });
});

describe('markdownLink', () => {
  test('relative to the document\'s folder, through sub-folders', () => {
    assert.equal(markdownLink('guide.md', 'guide-images/image-1.png'), 'guide-images/image-1.png');
    assert.equal(markdownLink('docs/guide.md', 'docs/guide-images/image-1.png'), 'guide-images/image-1.png');
    assert.equal(markdownLink('docs/2026/guide.md', 'assets/logo.png'), '../../assets/logo.png');
    assert.equal(markdownLink('docs/guide.md', 'docs/sub/deeper/x.png'), 'sub/deeper/x.png');
  });

  test('spaces, CJK and URL-special characters are percent-encoded per segment, "/" and ".." kept', () => {
    assert.equal(markdownLink('my notes/煎饼 指南.md', 'my notes/煎饼 指南-images/image 1.png'), '%E7%85%8E%E9%A5%BC%20%E6%8C%87%E5%8D%97-images/image%201.png');
    assert.equal(markdownLink('a b/doc.md', 'c d/e f.png'), '../c%20d/e%20f.png');
    assert.equal(markdownLink('doc.md', '50%#?.png'), '50%25%23%3F.png');
    assert.equal(decodeURIComponent(markdownLink('文档/说明.md', '图片/猫.png')), '../图片/猫.png');
  });

  test('parentheses are encoded, so a name with an unbalanced ")" cannot end the link early', () => {
    const link = markdownLink('doc.md', 'shot).png');
    assert.equal(link, 'shot%29.png');
    assert.equal(markdownLink('doc.md', 'screenshot (1).png'), 'screenshot%20%281%29.png');
    assert.equal(/!\[x\]\(([^)]*)\)/.exec(`![x](${link})`)![1], link, 'the whole target is inside the parentheses');
  });
});

describe('blockSeparator', () => {
  test('what starts a new block after the text written so far', () => {
    assert.equal(blockSeparator(''), '', 'nothing written: nothing to separate');
    assert.equal(blockSeparator('a paragraph'), '\n\n');
    assert.equal(blockSeparator('a line\n'), '\n');
    assert.equal(blockSeparator('a block\n\n'), '');
    assert.equal(blockSeparator('\n'), '\n');
  });
});

describe('MarkdownWriter', () => {
  function sink(): { text: string; appends: number; append(t: string): Promise<void> } {
    return {
      text: '',
      appends: 0,
      async append(t: string) {
        this.text += t;
        this.appends++;
      },
    };
  }

  test('text as it streams, images as their own blocks with relative links, a closing comment', async () => {
    const s = sink();
    const w = new MarkdownWriter(s, 'docs/guide.md');
    await w.text('Step 1: mix');
    await w.text(' the batter.');
    await w.image('docs/guide-images/image-1.png', 1);
    await w.text('Step 2: fry.\n');
    await w.image('docs/guide-images/image-2.png', 2);
    await w.text('');
    await w.finish({ model: 'wan2.6-image:interleave', images: 2 });
    assert.equal(
      s.text,
      'Step 1: mix the batter.\n\n![image 1](guide-images/image-1.png)\n\nStep 2: fry.\n\n![image 2](guide-images/image-2.png)\n\n<!-- bailian: {"model":"wan2.6-image:interleave","images":2} -->\n',
    );
    assert.equal(w.imageCount, 2);
    assert.equal(s.appends, 6, 'empty text is not written');
  });

  test('a missing image leaves a visible note; a stop leaves the incomplete notice after everything', async () => {
    const s = sink();
    const w = new MarkdownWriter(s, 'g.md');
    await w.text('Intro');
    await w.missingImage(1, 'ENOSPC: no space left on device');
    await w.stopped('stopped before the model finished');
    assert.equal(
      s.text,
      'Intro\n\n> **⚠ Image 1 could not be saved:** ENOSPC: no space left on device\n\n---\n\n> **⚠ Incomplete:** stopped before the model finished. Everything above arrived and was kept; run the guide again for a complete result.\n',
    );
    assert.equal(w.imageCount, 0);
  });

  test('comments stay comments: "--" and newlines in the metadata or the prompt cannot close them', async () => {
    const s = sink();
    await new MarkdownWriter(s, 'g.md').finish({ note: 'a -- b -->\nc' });
    assert.equal((s.text.match(/-->/g) ?? []).length, 1);
    assert.ok(s.text.startsWith('<!-- bailian: ') && s.text.endsWith(' -->\n'), s.text);
    assert.ok(!s.text.slice('<!--'.length, -' -->\n'.length).includes('--'), s.text);
    assert.equal(s.text.split('\n').length, 2, 'one line');
    const header = guideHeader({ model: 'wan2.6-image:interleave', started: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), seed: 7, prompt: 'a --> b\nc' });
    assert.equal(header, '<!-- Generated by Bailian Image Studio with wan2.6-image:interleave on 2026-01-02T03:04:05.000Z, seed 7. Prompt: a —> b c -->\n\n');
    assert.equal(guideHeader({ model: 'm', started: new Date(0) }), '<!-- Generated by Bailian Image Studio with m on 1970-01-01T00:00:00.000Z. Prompt:  -->\n\n');
  });
});
