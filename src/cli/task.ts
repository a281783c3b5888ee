/** `task status|wait|cancel <task-id>`: async tasks submitted here or elsewhere, within 24 h. */
import { MODELS, findModel } from '../dashscope/index.js';
import { keepResult } from '../pipeline/images.js';
import { renderName } from '../pipeline/naming.js';
import { bool, seconds, str, type Values } from './args.js';
import { EXIT, PROGRAM, UsageError, cliOutput, createClient, progressPrinter, type Io, type RunState } from './context.js';
import { printImageResult, templateOf } from './generate.js';

/** Runs `task status|wait|cancel`. */
export async function runTask(values: Values, positionals: string[], io: Io, state: RunState): Promise<number> {
  const [action, taskId, ...rest] = positionals;
  if (!action || !['status', 'wait', 'cancel'].includes(action)) throw new UsageError(`task needs an action: status, wait or cancel (e.g. \`${PROGRAM} task wait <task-id>\`).`, 'task');
  if (!taskId) throw new UsageError(`task ${action} needs a task id.`, 'task');
  if (rest.length) throw new UsageError(`Unexpected argument${rest.length === 1 ? '' : 's'}: ${rest.join(' ')}.`, 'task');
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
    const template = templateOf(values);
    const output = await cliOutput(values, io);
    const timeoutMs = seconds(values, 'timeout');
    const result = await client.resumeTask(taskId, waitModel, {
      signal: state.signal,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      onProgress: progressPrinter(io, quiet, state),
    });
    const kept = await keepResult(result, {
      client,
      saver: output.saver,
      rescue: output.rescue,
      model: spec?.id ?? 'task',
      request: { model: waitModel },
      ...(spec ? { outputFormat: spec.outputFormat } : {}),
      started: new Date(),
      taskId,
      name: (image) => renderName(template, image),
    });
    return printImageResult(io, values, kept, undefined);
  } finally {
    await client.close();
  }
}

