/**
 * `bailian.outputFolder` as a template: where in the workspace a job saves its files.
 *
 * Variables: `${workspaceFolder}` (the folder's root), `${fileDirname}` (the source image's folder,
 * for edit and translate), `${fileBasenameNoExtension}`, `${date}` (YYYY-MM-DD), `${model}` and
 * `${lang}` (the translation's target language), `${preset}` (the preset the job came from; empty
 * without one) and `${jobId}` (the job's history id). `${seed}` and `${index}` differ from image
 * to image of a job, so they belong in the file name template, not in the folder. A relative template is relative to the workspace
 * folder, so the default `generated-images` means `${workspaceFolder}/generated-images`. The
 * result must stay inside the workspace folder.
 *
 * Pure: works on workspace-relative `/` paths; the host maps them to Uris (multi-root aware: the
 * workspace folder is the one of the source image, else the one chosen).
 */

/** The variables an output-folder template may use. */
export const OUTPUT_TEMPLATE_VARIABLES = ['workspaceFolder', 'fileDirname', 'fileBasenameNoExtension', 'date', 'model', 'lang', 'preset', 'jobId'] as const;

/** Variables of the file name template, which a folder (one per job) cannot use. */
const PER_IMAGE_VARIABLES = ['seed', 'index'];
/** One output-folder template variable. */
export type OutputTemplateVariable = (typeof OUTPUT_TEMPLATE_VARIABLES)[number];

/** Values of the variables; missing ones make a template that uses them invalid for that job. */
export interface OutputTemplateValues {
  /** Workspace-relative folder of the source image (`''` for the root), for edit and translate. */
  fileDirname?: string | undefined;
  fileBasenameNoExtension?: string | undefined;
  date: Date;
  model: string;
  lang?: string | undefined;
  /** The preset's name, when the job came from one. */
  preset?: string | undefined;
  /** The job's history id. */
  jobId?: string | undefined;
}

/** A template that cannot be used, with what to change. */
export class OutputTemplateError extends Error {
  override readonly name = 'OutputTemplateError';
}

const VARIABLE = /\$\{([^}]*)\}/g;

/** Problems of a template regardless of the job (unknown variables, absolute paths, `..`). */
export function checkOutputTemplate(template: string): string[] {
  const problems: string[] = [];
  const used = [...template.matchAll(VARIABLE)].map((m) => m[1]!);
  const perImage = used.filter((v) => PER_IMAGE_VARIABLES.includes(v));
  if (perImage.length) problems.push(`${perImage.map((v) => '${' + v + '}').join(' and ')} differ${perImage.length > 1 ? '' : 's'} from image to image, and the folder is one per job: put ${perImage.length > 1 ? 'them' : 'it'} in the file name template instead (the CLI's --template)`);
  const unknown = used.filter((v) => !(OUTPUT_TEMPLATE_VARIABLES as readonly string[]).includes(v) && !PER_IMAGE_VARIABLES.includes(v));
  if (unknown.length) problems.push(`unknown variable${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => '${' + u + '}').join(', ')}; use ${OUTPUT_TEMPLATE_VARIABLES.map((v) => '${' + v + '}').join(' ')}`);
  const rest = template.replace(/^\s*\$\{workspaceFolder\}/, '').replace(VARIABLE, 'x');
  if (/^\s*([a-z]:|[\\/]|~)/i.test(rest) && !/^\s*\$\{workspaceFolder\}/.test(template)) problems.push('it must be a folder inside the workspace (a relative path or one starting with ${workspaceFolder}), not an absolute path');
  if (rest.replace(/\\/g, '/').split('/').some((s) => s.trim() === '..')) problems.push('it must not leave the workspace folder ("..")');
  if ((template.match(/\$\{workspaceFolder\}/g) ?? []).length > 1 || /.\$\{workspaceFolder\}/.test(template.trim())) problems.push('${workspaceFolder} may only start the template');
  return problems;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Folder-name-safe text for a variable's value (one path segment; `/` kept only for fileDirname). */
function segmentSafe(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[<>:"\\|?*\u0000-\u001f]/g, '-').replace(/\//g, '-');
}

/**
 * Renders a template to a workspace-relative folder (`''` = the workspace root), or throws an
 * {@link OutputTemplateError} saying what to change.
 */
export function renderOutputFolder(template: string, values: OutputTemplateValues, settingName = 'bailian.outputFolder'): string {
  const problems = checkOutputTemplate(template);
  const needsSource = [...template.matchAll(VARIABLE)].map((m) => m[1]!).filter((v) => (v === 'fileDirname' || v === 'fileBasenameNoExtension') && values[v] === undefined);
  if (needsSource.length) problems.push(`${needsSource.map((v) => '${' + v + '}').join(' and ')} only work${needsSource.length > 1 ? '' : 's'} for jobs with a source image (edit, translate)`);
  if (/\$\{lang\}/.test(template) && values.lang === undefined) problems.push('${lang} only works for translations');
  if (problems.length) throw new OutputTemplateError(`The setting ${settingName} ("${template}") cannot be used: ${problems.join('; ')}.`);
  const date = values.date;
  const rendered = template
    .trim()
    .replace(/^\$\{workspaceFolder\}/, '')
    .replace(VARIABLE, (_, name: OutputTemplateVariable) => {
      switch (name) {
        case 'fileDirname':
          return values.fileDirname ?? '';
        case 'fileBasenameNoExtension':
          return segmentSafe(values.fileBasenameNoExtension ?? '');
        case 'date':
          return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
        case 'model':
          return segmentSafe(values.model.replace(/:/g, '-'));
        case 'lang':
          return segmentSafe(values.lang ?? '');
        case 'preset':
          return segmentSafe(values.preset ?? '');
        case 'jobId':
          return segmentSafe(values.jobId ?? '');
        default:
          return '';
      }
    });
  const segments = rendered.replace(/\\/g, '/').split('/').map((s) => s.trim()).filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) throw new OutputTemplateError(`The setting ${settingName} ("${template}") leaves the workspace folder.`);
  return segments.join('/');
}
