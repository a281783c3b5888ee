/** `--help` texts of the CLI, generated from the catalog so they never drift from it. */
import { MT_SOURCE_LANGUAGES, MT_TARGET_LANGUAGES, SEED_MAX, modelsForTask, type Task } from '../dashscope/index.js';
import { HISTORY_PATH } from '../pipeline/history.js';
import { DEFAULT_NAME_TEMPLATE } from '../pipeline/naming.js';
import { PRESETS_PATH } from '../pipeline/presets/schema.js';
import { DEFAULT_OUT, KEY_ENV, POLL_SCALE_ENV, PROGRAM } from './context.js';

function modelList(task: Task): string {
  return modelsForTask(task)
    .map((m) => `${m.id}${m.asyncVariant ? ' (--async available)' : m.mode === 'async' ? ' (async task)' : ''}`)
    .join(', ');
}

const COMMON_HELP = `Connection and output:
  --region beijing|singapore|us  service region of your key (default beijing; us serves wan2.6 only)
  --base-url <url>            custom API base URL ending in /api/v1 (overrides --region)
  --out, -o <dir>             output folder (default ./${DEFAULT_OUT}); created when missing
  --template <t>              file name template (default ${DEFAULT_NAME_TEMPLATE})
                              variables: \${model} \${seed} \${date} \${time} \${index} \${prompt} \${preset} \${jobId}
                              with --n above 1 it must hold \${index}, so the images get names of their own
  --timeout <seconds>         give up after this long (an async task keeps running; resume it with \`task wait\`)
  --json                      print one JSON object instead of one path per line
  --quiet, -q                 no progress on stderr
  --help, -h                  this help`;

const PRESET_HELP = `Presets (${PRESETS_PATH} in this folder or one above it):
  --preset <name>             take the mode, model, prompt template and options from the preset
  --set <blank>=<value>       fill a blank of the preset's prompt, repeatable: --set subject="a teapot"
                              (--size, --n, --seed and the inputs may still be given)`;

const MODEL_OPTIONS_HELP = `Model-specific options (wan2.7-image*, qwen-image-3.0*):
  --image-set                 wan2.7: one run makes a set of related images (n up to 12)
  --thinking / --no-thinking  wan2.7 thinking_mode
  --palette <#hex:pct,…>      wan2.7 colour palette: 3–10 colours whose shares add up to 100
  --prompt-extend-mode direct|agent   qwen-image-3.0
  --enable-thinking           qwen-image-3.0`;

const ENV_HELP = `Environment:
  ${KEY_ENV}   your DashScope API key (required; never printed)
  HTTPS_PROXY         proxy for all requests (NO_PROXY honoured)
  ${POLL_SCALE_ENV}  scale the task poll schedule (for simulators with scaled timing)

Exit codes: 0 ok, 1 service/network/disk failure, 2 usage or validation error (nothing sent), 130 interrupted.`;

/** The help text of a command (or the overview). */
export function helpFor(command: string | undefined): string {
  switch (command) {
    case 'generate':
      return `Usage: ${PROGRAM} generate [prompt…] [options]

Generates images from a text prompt and saves them (PNG, with the prompt and parameters embedded).
The prompt is the positional text, --prompt <text>, or "-" to read it from stdin.

Options:
  --model, -m <id>            ${modelList('text-to-image')}
                              (default ${modelsForTask('text-to-image')[0]!.id})
  --size, -s <W*H>            image size; run \`${PROGRAM} models\` for what each model accepts
  --n, -n <count>             number of images
  --seed <int>                0–${SEED_MAX} (default: random, recorded in the file)
  --negative <text>           negative prompt
  --prompt-extend / --no-prompt-extend   let the service rewrite the prompt (model default otherwise)
  --watermark / --no-watermark
  --async                     use the model's async task variant (resumable with \`task wait\`)
${MODEL_OPTIONS_HELP}

${PRESET_HELP}

${COMMON_HELP}

${ENV_HELP}`;
    case 'edit':
      return `Usage: ${PROGRAM} edit --image <path-or-url> [--image …] [prompt…] [options]

Edits images (or composes several reference images) following the prompt.

Options:
  --image, -i <path|url>      input image, repeatable (qwen-image-edit-plus 1–3, wan2.6-image 1–4);
                              local files are inlined or uploaded automatically
  --model, -m <id>            ${modelList('image-edit')} (default ${modelsForTask('image-edit')[0]!.id})
  --size, -s <W*H>  --n <count>  --seed <int>  --negative <text>
  --prompt-extend / --no-prompt-extend  --watermark / --no-watermark  --async
${MODEL_OPTIONS_HELP}
  --box <n:x1,y1,x2,y2>       wan2.7 box edit: a box on input image n in its own pixels (at most 2 per image), repeatable

${PRESET_HELP}

${COMMON_HELP}

${ENV_HELP}`;
    case 'upscale':
    case 'extend':
    case 'retouch':
    case 'background':
      return `Usage:
  ${PROGRAM} upscale --image photo.png [--factor 1-4]              wanx2.1-imageedit super_resolution
  ${PROGRAM} extend --image banner.png --ratio 16:9|9:16|4:3|3:4|1:1     image-out-painting
  ${PROGRAM} extend --image banner.png --top 1.2 --bottom 1.2 --left 1.5 --right 1.5   wanx2.1-imageedit expand (1.0-2.0)
  ${PROGRAM} retouch "<what to paint>" --image street.png --mask mask.png      inpaint (white edits, black keeps)
  ${PROGRAM} retouch --image scan.jpg --op colorize|remove-text|restyle|restyle-object|edit|sketch|cartoon [--style <id>] [--strength 0-1] [--is-sketch]
  ${PROGRAM} background "<new background>" --image cutout.png [--ref <image>] [--model-version v2|v3]
  ${PROGRAM} upscale|extend|retouch|background --preset <name> [--set <blank>=<value>] --image <file> [--mask mask.png]

Image processing (Beijing region only). Images: each side 512-4096 px, up to 10 MB (background:
an RGBA PNG with transparency, long side up to 2048). Results are saved next to the original,
named for the operation (photo.x2.png, banner.16x9.png, scan.color.png), never overwriting,
unless --out names a folder.

Options:
  --image, -i <path|url>      the image to work on
  --n <1-4>, --seed <n>       images per call and seed (not for extend --ratio)
  --watermark                 add the service's "AI generated" mark (off by default)
  --async                     submit and print the task id; fetch it with \`task wait\`
  --preset <name>             run an image-processing preset of ${PRESETS_PATH} (its operation, options and
                              prompt template) with the verb of its operation; a preset that paints
                              where a mask says (inpaint) takes --mask <png>
  --set <blank>=<value>       fill a blank of the preset's prompt, repeatable

${COMMON_HELP}

${ENV_HELP}`;
    case 'translate':
      return `Usage: ${PROGRAM} translate --image <path-or-url> --to <lang> [--from <lang>] [options]

Translates the text inside an image with qwen-mt-image (Beijing region). Local files go through
DashScope's temporary upload. The result (JPG, same size as the input) gets a .json sidecar with
its provenance.

Options:
  --image, -i <path|url>      the image to translate (exactly one)
  --from <lang>               source: auto (default), ${MT_SOURCE_LANGUAGES.join(', ')}
  --to <lang>                 target: ${MT_TARGET_LANGUAGES.join(', ')} (codes or names, e.g. en / English)
  --domain-hint <text>        English description of the domain ("e-commerce product poster")
  --sensitive <word>          word to remove before translating, repeatable
  --term <src=tgt>            glossary entry, repeatable
  --glossary <file>           glossary: one "source = target" per line (# comments), or JSON {"src": "tgt", …}
  --keep-subjects             leave text on people, products and logos untranslated

${PRESET_HELP}

${COMMON_HELP}

${ENV_HELP}`;
    case 'interleave':
      return `Usage: ${PROGRAM} interleave [prompt…] [options]

Streams wan2.6-image's interleaved text and images into a Markdown file: text is appended as it
arrives, each image is saved into <name>-images/ and linked with a relative path (never the
expiring DashScope URL). If the stream stops early, what arrived is kept and marked incomplete.

Options:
  --image, -i <path|url>      optional reference image (at most one)
  --max-images <1–5>          upper bound of images (default 5)
  --size, -s <W*H>  --seed <int>  --negative <text>  --watermark / --no-watermark
  --model, -m <id>            ${modelList('interleave')}

${PRESET_HELP}

${COMMON_HELP}

${ENV_HELP}`;
    case 'task':
      return `Usage: ${PROGRAM} task status|wait|cancel <task-id> [--model <id>] [options]

  status   query a task once and print its state
  wait     wait for a task (submitted here or elsewhere, within 24 h) and save its images
  cancel   cancel a task that is still PENDING

Options:
  --model, -m <id>            the task's model: paces polling and names the files

${COMMON_HELP}

${ENV_HELP}`;
    case 'history':
      return `Usage: ${PROGRAM} history [options]

Lists the jobs recorded in the workspace history (${HISTORY_PATH}, written by the extension and by
this tool), newest first: id, start time, kind, model, outcome, first output, prompt. The manifest
is looked up in --out (or the current folder) and every folder above it.

Options:
  --model, -m <id>            only this model
  --kind <k>                  generate, edit, translate, guide or process
  --outcome <o>               succeeded, partial, failed, cancelled, stopped or expired
  --since <when>              a date (2026-05-01), a time, or an age (12h, 7d)
  --grep <text>               prompt, id, task id or path contains the text
  --limit <n>                 at most n entries
  --out, -o <dir>             where to start looking (default: the current folder)
  --json                      one JSON object with every matching entry`;
    case 'regenerate':
      return `Usage: ${PROGRAM} regenerate <file | history-entry-id> [options]
       ${PROGRAM} regenerate --all-changed [--dry-run] [options]

Runs a job again with the same model, prompt, negative prompt, seed, size, parameters and input
images, and writes a new file (never over the original).
  <file>       a PNG with embedded provenance, or a JPG with its .json sidecar: that one image
               (its own seed, one image)
  <entry-id>   an id from \`${PROGRAM} history\` (or a unique prefix): the whole job as recorded
               (Variations: one request a recorded seed, each its own new line)
Input images are found relative to the workspace root (the folder holding ${HISTORY_PATH})
or to the original file's folder. Output goes next to the original unless --out is given.

--all-changed re-runs every asset made from a preset whose preset now gives another model, prompt
or parameters (${PRESETS_PATH} against ${HISTORY_PATH}): the newest job of each asset, with
the preset as it is now, the blanks, inputs and seed it had, into a new file next to it. A
translation whose glossary file's terms changed since (the history line records the file and a
digest of its terms) is re-run too, with the terms as they are now, preset or not; a glossary
file that is gone is reported with its path, and a job whose line did not record its glossary
is listed as unknown and left alone. Other jobs without a preset are left alone. For a CI step
that keeps assets in step with the presets and the glossary.

Options:
  --async                     use the model's async task variant
  --all-changed               regenerate every asset whose preset or glossary file changed
  --dry-run                   with --all-changed: list them (id, preset, model, what changed,
                              estimated cost) and send nothing
  --region <r>                also whose list prices --dry-run uses (default beijing)

${COMMON_HELP}

${ENV_HELP}`;
    case 'models':
      return `Usage: ${PROGRAM} models [--json]

Lists the models this tool knows: id, call mode, sizes, n range, input images, regions.`;
    default:
      return `Usage: ${PROGRAM} <command> [options]

Alibaba Cloud Model Studio (Bailian / DashScope) image models from the command line.

Commands:
  generate     text to image (${modelsForTask('text-to-image').map((m) => m.id).join(', ')})
  edit         edit or compose images (${modelsForTask('image-edit').map((m) => m.id).join(', ')})
  translate    translate the text in an image (qwen-mt-image)
  interleave   stream text and images into a Markdown file (wan2.6-image)
  task         status | wait | cancel <task-id>
  models       list the models, their sizes and limits
  history      list and filter the workspace history (${HISTORY_PATH})
  regenerate   re-run a job from a file's provenance or a history entry, or every job whose preset changed

Run \`${PROGRAM} <command> --help\` for the options of a command.

${ENV_HELP}`;
  }
}
