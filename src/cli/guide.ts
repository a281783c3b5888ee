/**
 * `interleave`: wan2.6-image's interleaved text and images streamed into a Markdown file through
 * the pipeline's guide runner (the one the editor uses): text appended as it arrives, images saved
 * into `<name>-images/` and linked with relative paths; a stream that stops early keeps what
 * arrived, marked incomplete.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { saveAtomically } from '../pipeline/files.js';
import { runGuide, type GuideResult } from '../pipeline/guide.js';
import { failedFacts, guideFacts } from '../pipeline/history.js';
import { renderName } from '../pipeline/naming.js';
import { nodeFileSystem } from '../pipeline/nodeFs.js';
import { bool, seconds, type Values } from './args.js';
import { EXIT, cliOutput, createClient, progressPrinter, recordHistory, type CliSavedFile, type Io, type RunState } from './context.js';
import { sourcesOf, templateOf } from './generate.js';
import { requestOfVerb } from './presets.js';

/** Runs `interleave`. */
export async function runInterleave(flags: Values, positionals: string[], io: Io, state: RunState): Promise<number> {
  const { spec, request, nameText, preset, values } = await requestOfVerb('interleave', flags, positionals, io.cwd);
  const template = templateOf(values);
  const quiet = bool(values, 'quiet') === true;
  const json = bool(values, 'json') === true;
  const timeoutMs = seconds(values, 'timeout');
  state.timeoutMs = timeoutMs;
  const client = createClient(values, io);
  client.validate(request);
  const output = await cliOutput(values, io);
  const signal = timeoutMs !== undefined ? AbortSignal.any([state.signal, AbortSignal.timeout(timeoutMs)]) : state.signal;
  const started = new Date();
  const sources = sourcesOf(request, output);
  let handle: FileHandle | undefined;
  let mdPath: string | undefined;
  let result: GuideResult<CliSavedFile> | undefined;
  let failure: unknown;
  try {
    result = await runGuide(request, {
      client,
      saver: output.saver,
      signal,
      started,
      sources,
      onClientProgress: progressPrinter(io, quiet, state),
      openDocument: async (header) => {
        const fs = nodeFileSystem(resolve(io.cwd, output.outDir));
        const name = await saveAtomically(fs, { stem: renderName(template, { model: spec.id, seed: request.seed, date: started, prompt: nameText }), ext: 'md', bytes: new TextEncoder().encode(header) });
        mdPath = join(output.outDir, ...name.split('/'));
        handle = await open(resolve(io.cwd, mdPath), 'a');
        if (!json) io.out(mdPath);
        const file = handle;
        return { name, sink: { append: async (text) => void (await file.write(text)) } };
      },
      onImage: (image) => {
        if (!json) io.out(image.file.path);
      },
    });
    const done = result;
    const summary = { model: spec.id, markdown: mdPath ?? null, paths: done.images.map((i) => i.file.path), seeds: done.images.map((i) => i.seed ?? null), request_id: done.requestId ?? null, task_id: null, complete: done.outcome === 'succeeded' };
    if (json) io.out(JSON.stringify(summary));
    if (done.outcome === 'succeeded') {
      if (!quiet) io.err(`done: ${done.images.length} image${done.images.length === 1 ? '' : 's'}, ${done.textLength} characters of text`);
      return EXIT.ok;
    }
    if (!quiet) io.err(`kept the partial result: ${mdPath} (${done.images.length} image${done.images.length === 1 ? '' : 's'}, ${done.textLength} characters)`);
    throw done.error;
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    await handle?.close().catch(() => undefined);
    await client.close();
    const context = { source: 'cli' as const, model: spec.id, request, ...(preset ? { preset } : {}), inputs: sources, started, region: client.region ?? 'beijing' };
    await recordHistory(
      output,
      io,
      result ? guideFacts(context, result, (file) => output.historyPath(file.path), mdPath ? output.historyPath(mdPath) : undefined) : failedFacts({ ...context, kind: 'guide' }, failure, state.interrupted()),
    );
  }
}
