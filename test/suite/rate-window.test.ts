// A model's per-minute window in the editor: qwen-image-max allows 2 requests a minute. When
// another client (the CLI, another window) has used the window, a generation from the palette
// meets a 429 with no Retry-After. It must wait the documented window out, counting down in the
// job's progress (what Show Jobs and the progress notification show), and then save the image,
// not fail. This suite starts a simulator of its own with rate limits on (the runner's has them
// off) on the real clock, so the wait is the real minute a user sees.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands, ConfigKeys, ENV_API_KEY } from '../../src/constants';
import { DashScopeClient } from '../../src/dashscope';
import type { JobInfo } from '../../src/jobs/manager';
import type { CommandOutcome } from '../../src/workflows/outcome';
import type { BailianExtensionApi } from '../../src/extension';
import { startSimulator, type Simulator } from '../sim/index';
import { activateExtension, saved, withTimeout } from './workbench';

const MODEL = 'qwen-image-max';
const COUNTDOWN = /Waiting for the rate limit \((\d+) s\)/;

suite('Rate windows in the editor (against a simulator with rate limits on)', () => {
  let api: BailianExtensionApi;
  let sim: Simulator;
  let previousBaseUrl: string | undefined;
  let previousRegion: string | undefined;

  suiteSetup(async () => {
    api = await activateExtension();
    const key = process.env[ENV_API_KEY];
    assert.ok(key, 'the runner gives the suite a key');
    // The same key as the runner's simulator, so the custom region's key (DASHSCOPE_API_KEY) is accepted here too.
    sim = await startSimulator({ keys: { beijing: [key] }, rateLimits: true, timing: { scale: 0.02 } });
    const config = vscode.workspace.getConfiguration(ConfigKeys.section);
    previousBaseUrl = config.inspect<string>(ConfigKeys.customBaseUrl)?.globalValue;
    previousRegion = config.inspect<string>(ConfigKeys.region)?.globalValue;
    // The custom region, at this suite's simulator (whatever another suite left the region at).
    await config.update(ConfigKeys.region, 'custom', vscode.ConfigurationTarget.Global);
    await config.update(ConfigKeys.customBaseUrl, sim.urls.beijing, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    const config = vscode.workspace.getConfiguration(ConfigKeys.section);
    await config.update(ConfigKeys.customBaseUrl, previousBaseUrl, vscode.ConfigurationTarget.Global);
    await config.update(ConfigKeys.region, previousRegion, vscode.ConfigurationTarget.Global);
    await sim?.stop();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a full window is waited out with a countdown in the job, then the image is saved', async function () {
    this.timeout(120_000);
    // Another client of the same account uses the minute's two requests.
    const other = new DashScopeClient({ apiKey: process.env[ENV_API_KEY]!, baseUrl: sim.urls.beijing });
    try {
      for (const prompt of ['first of the minute', 'second of the minute']) {
        const result = await other.generate({ model: MODEL, prompt, size: '1328*1328' });
        assert.equal(result.images.length, 1);
      }
    } finally {
      await other.close();
    }

    const started = Date.now();
    const run = Promise.resolve(vscode.commands.executeCommand<CommandOutcome>(Commands.generateImage, { prompt: 'a lighthouse after the window', model: MODEL, size: '1328*1328' }));
    const finished = run.then(() => undefined);
    const seconds: number[] = [];
    let job: JobInfo | undefined;
    // Every change of the window's jobs, until the command resolves: the countdown is the job's progress text.
    for (;;) {
      const jobs = await withTimeout(Promise.race([api.whenJobsChange(), finished]), 90_000, 'a change of the generation job');
      if (!jobs) break;
      job = jobs.find((j) => j.model === MODEL && j.label.includes('lighthouse')) ?? job;
      const match = job?.progress?.match(COUNTDOWN);
      if (match && seconds.at(-1) !== Number(match[1])) seconds.push(Number(match[1]));
    }
    const outcome = saved(await run);
    const waited = Date.now() - started;

    assert.equal(outcome.files.length, 1, 'the image is saved after the wait');
    assert.ok(seconds.length >= 10, `the countdown was shown and went on (${seconds.join(', ')})`);
    assert.ok(seconds[0]! >= 55 && seconds[0]! <= 61, `it starts at the documented window, 60 s + 1 s (${seconds[0]})`);
    assert.ok(seconds.at(-1)! <= 3, `it counts down to the end (${seconds.at(-1)})`);
    for (let i = 1; i < seconds.length; i++) assert.ok(seconds[i]! < seconds[i - 1]!, `it only counts down (${seconds.join(', ')})`);
    assert.ok(waited >= 55_000, `the retry went out after the window, not every second (${waited} ms)`);
    const final = (await api.jobs()).find((j) => j.label.includes('lighthouse'));
    assert.equal(final?.state, 'succeeded');
  });
});
