// A UI flow with the UI in Simplified Chinese: the window asks for zh-CN (the runner gives this
// flow's browser context that locale, and the stand-in language pack makes VS Code honour it), so
// the extension host runs with vscode.env.language 'zh-cn' and every Bailian string, from the
// palette titles to the studio's labels, validation, cards and notifications, comes from
// package.nls.zh-cn.json and l10n/bundle.l10n.zh-cn.json. The workbench's own strings stay
// English: the stand-in pack carries no translations of them.
import assert from 'node:assert/strict';
import { notification, pickQuickItem, runCommand, answerInput } from './lib/workbench.mjs';
import { finishedCard, imagesLoaded, mode, pickOption, studioFrame, typePrompt } from './lib/studio.mjs';

/** @type {{ name: string, locale?: string, run: (page: import('playwright-core').Page, context: any) => Promise<void> }[]} */
export const flows = [
  {
    name: 'Chinese UI: the palette, the studio form, inline validation, a generated card and the saved notification in Simplified Chinese',
    locale: 'zh-CN',
    async run(page, { screenshot, sim }) {
      // The palette lists the commands under their Chinese titles.
      await runCommand(page, 'Bailian: 打开工作室');
      const studio = studioFrame(page);
      await studio.locator('vscode-button#run').waitFor({ state: 'visible', timeout: 60_000 });
      await page.locator('.tabs-container .tab', { hasText: '百炼工作室' }).waitFor();
      assert.equal((await studio.locator('#tab-generate').innerText()).trim(), '生成');
      assert.equal((await studio.locator('#tab-translate').innerText()).trim(), '翻译');

      await mode(studio, 'generate');
      await pickOption(studio, 'model', 'wan2.2-t2i-flash');
      await pickOption(studio, 'count', '2');
      await typePrompt(page, studio, '晨雾中的西湖，一盏红灯笼');
      // Inline validation speaks Chinese too, and says what to change.
      await studio.locator('vscode-text-field#seed').click();
      await page.keyboard.type('7x');
      const problem = studio.locator('#problems li').first();
      await problem.waitFor();
      assert.match(await problem.innerText(), /种子必须是 0 到 2147483647 之间的整数/);
      await screenshot('zh-studio-form-with-problem');
      await page.keyboard.press('Backspace');
      await studio.locator('#problems li').waitFor({ state: 'detached' });
      await studio.locator('vscode-button#run:not([disabled])').click();
      // The estimate shown before a run of two images is in Chinese too, basis included.
      const estimate = await page.locator('.statusbar-item', { hasText: '百炼：2 张图像' }).first().innerText({ timeout: 10_000 });
      assert.match(estimate, /约 CNY 0\.28（按 \d{4}-\d{2}-\d{2} 的标价估算）/);

      const card = await finishedCard(studio);
      assert.equal(await card.getAttribute('data-status'), 'succeeded', await card.innerText());
      assert.match(await card.locator('.card-text').innerText(), /已将 2 张图像保存到/);
      assert.deepEqual(await card.locator('figcaption .seed').allInnerTexts(), ['种子 7', '种子 8']);
      await imagesLoaded(card);
      await card.scrollIntoViewIfNeeded();
      await screenshot('zh-studio-card');

      // An error from the service: its hint, the next step, is in Chinese too (the code and the service's message stay as sent).
      sim.faults.add({ model: 'wan2.2-t2i-flash', kind: 'taskFail', code: 'DataInspectionFailed', message: 'Input data may contain inappropriate content.', times: 1 });
      await studio.locator('vscode-button#run:not([disabled])').click();
      await studio.locator('#cards > article.card:nth-of-type(2)').waitFor();
      const failed = await finishedCard(studio);
      assert.equal(await failed.getAttribute('data-status'), 'failed', await failed.innerText());
      assert.match(await failed.locator('.error .hint').innerText(), /^内容审核拒绝了提示词、输入图像或结果；请改写提示词或换用其他图像。$/);
      assert.match(await failed.locator('.error .error-message').innerText(), /\(DataInspectionFailed\)/);
      await failed.scrollIntoViewIfNeeded();
      await screenshot('zh-studio-error-hint');

      // A palette command end to end: its questions and its notification.
      await runCommand(page, 'Bailian: 生成图像…');
      await answerInput(page, '一只纸鹤', { hint: '描述' });
      await pickQuickItem(page, 'z-image-turbo', { hint: '文生图模型' });
      await pickQuickItem(page, '1024', { hint: '图像尺寸' });
      await screenshot('zh-palette-seed-question');
      await answerInput(page, '', { hint: '种子' });
      const saved = await notification(page, '已保存');
      assert.match(await saved.innerText(), /已保存 generated-images\/.*一只纸鹤.*\.png。/);
      for (const button of ['打开', '在资源管理器中显示', '复制路径']) await saved.locator('.monaco-button', { hasText: button }).first().waitFor();
      await screenshot('zh-palette-saved');
    },
  },
];
