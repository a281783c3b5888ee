/** `models`: what the catalog offers, for people (a table) and scripts (--json). */
import { MODELS, describeSizeRule } from '../dashscope/index.js';
import { COMMAND_OF_TASK, bool, type Values } from './args.js';
import { EXIT, type Io } from './context.js';

/** Runs `models`: the catalog as a table, or JSON. */
export function runModels(values: Values, io: Io): number {
  if (bool(values, 'json')) {
    io.out(
      JSON.stringify(
        MODELS.map((m) => ({
          id: m.id,
          model: m.model,
          task: m.task,
          command: COMMAND_OF_TASK[m.task],
          commands: m.tasks.map((t) => COMMAND_OF_TASK[t]),
          versions: (m.versions ?? []).map((v) => v.model),
          ...(m.access ? { access: m.access.en } : {}),
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
    m.tasks.map((t) => COMMAND_OF_TASK[t]).join('/'),
    m.mode + (m.asyncVariant ? '+async' : ''),
    m.n.min === m.n.max ? String(m.n.min) : `${m.n.min}-${m.n.max}`,
    m.images ? (m.images.min === m.images.max ? String(m.images.min) : `${m.images.min}-${m.images.max}`) : '-',
    m.regions.join(','),
    describeSizeRule(m.size),
  ]);
  const header = ['MODEL', 'COMMAND', 'MODE', 'N', 'IMAGES', 'REGIONS', 'SIZES'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) io.out(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
  return EXIT.ok;
}
