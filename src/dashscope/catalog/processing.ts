/**
 * Image processing: wanx2.1-imageedit (ten functions), image-out-painting (extend to a ratio) and
 * wanx-background-generation-v2 (a new background for a cut-out). Facts from
 * ../shared/reference/image-processing.md (§ numbers there); prices and limits from its §7 table.
 *
 * All three are async tasks, served only in Beijing. Local images: wanx2.1-imageedit takes
 * `data:` URIs (§1: "URL or data:{mime};base64"); image-out-painting's Base64 form is
 * unconfirmed and background generation documents URLs only, so those two upload local files
 * (`oss://` + `X-DashScope-OssResourceResolve: enable`).
 */
import { DEFAULT_TASK_QUERY_RPS, type ModelSpec, type ProcessFunctionSpec, type ProcessOptionRule, type ProcessStyle, type Region } from './types.js';
import { MB } from './entry-parts.js';

/** Why the processing models are missing outside Beijing (pickers and validation say it). */
export const PROCESSING_REGION_NOTE = 'These image-processing models are served only in Beijing; use a Beijing (Chinese Mainland) API key and switch bailian.region to beijing.';

const BEIJING_ONLY: Pick<ModelSpec, 'regions' | 'regionNotes'> = {
  regions: ['beijing'],
  regionNotes: { singapore: PROCESSING_REGION_NOTE, us: PROCESSING_REGION_NOTE } satisfies Partial<Record<Region, string>>,
};

const STRENGTH: ProcessOptionRule = { wire: 'strength', kind: 'number', min: 0, max: 1, default: 0.5 };
const sideScale = (wire: string): ProcessOptionRule => ({ wire, kind: 'number', min: 1, max: 2, default: 1 });

/** `stylization_all`: two whole-image styles (§1). */
export const STYLIZATION_ALL_STYLES: readonly ProcessStyle[] = [
  { id: 'french-picture-book', label: { en: 'French picture book', 'zh-cn': '法国绘本' }, prompt: '转换成法国绘本风格' },
  { id: 'gold-foil', label: { en: 'Gold foil art', 'zh-cn': '金箔艺术' }, prompt: '转换成金箔艺术风格' },
];

/** `stylization_local`: eight styles for one object (§1); the prompt names the object when the user gives one. */
export const STYLIZATION_LOCAL_STYLES: readonly ProcessStyle[] = [
  { id: 'ice', label: { en: 'Ice', 'zh-cn': '冰雕' }, prompt: '把主体变成冰雕风格' },
  { id: 'cloud', label: { en: 'Cloud', 'zh-cn': '云朵' }, prompt: '把主体变成云朵风格' },
  { id: 'lantern', label: { en: 'Chinese festive lantern', 'zh-cn': '花灯' }, prompt: '把主体变成花灯风格' },
  { id: 'wooden', label: { en: 'Wooden', 'zh-cn': '木板' }, prompt: '把主体变成木板风格' },
  { id: 'porcelain', label: { en: 'Blue and white porcelain', 'zh-cn': '青花瓷' }, prompt: '把主体变成青花瓷风格' },
  { id: 'fluffy', label: { en: 'Fluffy', 'zh-cn': '毛茸茸' }, prompt: '把主体变成毛茸茸风格' },
  { id: 'weaving', label: { en: 'Weaving', 'zh-cn': '编织' }, prompt: '把主体变成编织风格' },
  { id: 'balloon', label: { en: 'Balloon', 'zh-cn': '气球' }, prompt: '把主体变成气球风格' },
];

const styleRule = (styles: readonly ProcessStyle[]): ProcessOptionRule => ({ kind: 'enum', values: styles.map((s) => s.id), default: styles[0]!.id });

/**
 * wanx2.1-imageedit's ten functions (§1), each with its own options. The SDK refuses an empty
 * prompt and REST acceptance of `""` is unconfirmed, so functions whose guide gives a stock prompt
 * send it when the user gives none (`defaultPrompt`); the others require one.
 */
export const IMAGEEDIT_FUNCTION_SPECS: readonly ProcessFunctionSpec[] = [
  {
    id: 'super_resolution',
    label: { en: 'Upscale', 'zh-cn': '图像超分' },
    prompt: 'default',
    defaultPrompt: '图像超分',
    options: { upscaleFactor: { wire: 'upscale_factor', kind: 'number', min: 1, max: 4, default: 1, integer: true } },
  },
  {
    id: 'expand',
    label: { en: 'Extend by side scales', 'zh-cn': '扩图' },
    prompt: 'default',
    defaultPrompt: '扩展图像画面',
    options: { topScale: sideScale('top_scale'), bottomScale: sideScale('bottom_scale'), leftScale: sideScale('left_scale'), rightScale: sideScale('right_scale') },
  },
  { id: 'description_edit_with_mask', label: { en: 'Inpaint with a mask', 'zh-cn': '局部重绘' }, prompt: 'required', options: {}, mask: 'required' },
  { id: 'remove_watermark', label: { en: 'Remove text', 'zh-cn': '去文字水印' }, prompt: 'default', defaultPrompt: '去除图像中的文字', options: {} },
  { id: 'colorization', label: { en: 'Colorize', 'zh-cn': '图像上色' }, prompt: 'default', defaultPrompt: '图像上色', options: {} },
  {
    id: 'stylization_all',
    label: { en: 'Restyle the whole image', 'zh-cn': '全局风格化' },
    prompt: 'default',
    options: { strength: STRENGTH, style: styleRule(STYLIZATION_ALL_STYLES) },
    styles: STYLIZATION_ALL_STYLES,
  },
  {
    id: 'stylization_local',
    label: { en: 'Restyle one object', 'zh-cn': '局部风格化' },
    prompt: 'default',
    options: { style: styleRule(STYLIZATION_LOCAL_STYLES) },
    styles: STYLIZATION_LOCAL_STYLES,
  },
  { id: 'description_edit', label: { en: 'Edit by description', 'zh-cn': '指令编辑' }, prompt: 'required', options: { strength: STRENGTH } },
  { id: 'doodle', label: { en: 'Sketch to image', 'zh-cn': '线稿生图' }, prompt: 'required', options: { isSketch: { wire: 'is_sketch', kind: 'boolean', default: false } } },
  { id: 'control_cartoon_feature', label: { en: 'Cartoon character scene', 'zh-cn': '参考卡通形象生图' }, prompt: 'required', options: {} },
];

/** Input images of the processing models (§1, §2, §7): each side 512–4096 px, ≤ 10 MB. */
const PROCESS_INPUT = { min: 1, max: 1, minSide: 512, maxSide: 4096, maxBytes: 10 * MB } as const;

const offset = (wire: string): ProcessOptionRule => ({ wire, kind: 'number', min: 0, max: 3 * 4096, default: 0, integer: true });

export const PROCESSING_MODELS: readonly ModelSpec[] = [
  {
    id: 'wanx2.1-imageedit',
    model: 'wanx2.1-imageedit',
    label: { en: 'Wanx 2.1 Image Edit (upscale, extend, inpaint, colorize, restyle…)', 'zh-cn': '通用图像编辑 2.1' },
    task: 'process',
    tasks: ['process'],
    mode: 'async',
    endpoint: 'image2image',
    input: 'imageedit',
    response: 'results',
    // Required per function (see IMAGEEDIT_FUNCTION_SPECS); longer text is truncated by the service, refused here.
    prompt: { required: false, maxLength: 800, unit: 'chars' },
    size: { kind: 'none' },
    n: { min: 1, max: 4, default: 1 },
    params: ['n', 'seed', 'watermark'],
    images: { ...PROCESS_INPUT, formats: ['jpg', 'png', 'bmp', 'tiff', 'webp'], accepts: ['url', 'oss', 'data'] },
    // §1: example results are .png (the format itself is unconfirmed; the saver reads the bytes).
    outputFormat: 'png',
    ...BEIJING_ONLY,
    // §1 / §7: submit 2/s, 2 tasks at once (root and RAM users combined).
    rateLimits: { requestsPerSecond: 2, concurrent: 2, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: false },
    prices: { beijing: { perImage: 0.14 } },
    // §1: a task takes about 5–15 s.
    typicalDurationMs: 10_000,
    processing: {
      functionOnWire: true,
      functions: IMAGEEDIT_FUNCTION_SPECS,
      watermark: { wire: 'watermark', serviceDefault: false, sendDefault: false },
    },
  },
  {
    id: 'image-out-painting',
    model: 'image-out-painting',
    label: { en: 'Image Out-painting (extend to an aspect ratio)', 'zh-cn': '图像画面扩展' },
    task: 'process',
    tasks: ['process'],
    mode: 'async',
    endpoint: 'outPainting',
    input: 'outpainting',
    response: 'output_image_url',
    prompt: { required: false, maxLength: 0, unit: 'chars' },
    size: { kind: 'none' },
    n: { min: 1, max: 1, default: 1 },
    params: ['watermark'],
    // §2: Base64 form unconfirmed, so local files go through the temporary upload.
    images: { ...PROCESS_INPUT, formats: ['jpg', 'png', 'heif', 'webp'], accepts: ['url', 'oss'] },
    outputFormat: 'png',
    ...BEIJING_ONLY,
    // §2: QPS 2, concurrency 5.
    rateLimits: { requestsPerSecond: 2, concurrent: 5, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: false },
    prices: { beijing: { perImage: 0.18 } },
    typicalDurationMs: 15_000,
    processing: {
      functionOnWire: false,
      functions: [
        {
          id: 'outpaint',
          label: { en: 'Extend to an aspect ratio', 'zh-cn': '画面扩展' },
          prompt: 'none',
          options: {
            outputRatio: { wire: 'output_ratio', kind: 'enum', values: ['', '1:1', '3:4', '4:3', '9:16', '16:9'], default: '' },
            xScale: { wire: 'x_scale', kind: 'number', min: 1, max: 3, default: 1 },
            yScale: { wire: 'y_scale', kind: 'number', min: 1, max: 3, default: 1 },
            topOffset: offset('top_offset'),
            bottomOffset: offset('bottom_offset'),
            leftOffset: offset('left_offset'),
            rightOffset: offset('right_offset'),
            angle: { wire: 'angle', kind: 'number', min: 0, max: 359, default: 0, integer: true },
            bestQuality: { wire: 'best_quality', kind: 'boolean', default: false },
            limitImageSize: { wire: 'limit_image_size', kind: 'boolean', default: true },
          },
        },
      ],
      // §2: add_watermark defaults to TRUE on the service; we send false unless the user asks.
      watermark: { wire: 'add_watermark', serviceDefault: true, sendDefault: false },
    },
  },
  {
    id: 'wanx-background-generation-v2',
    model: 'wanx-background-generation-v2',
    label: { en: 'Wanx Background Generation', 'zh-cn': '图像背景生成' },
    task: 'process',
    tasks: ['process'],
    mode: 'async',
    endpoint: 'backgroundGeneration',
    input: 'background',
    response: 'results',
    // `ref_prompt`: no documented limit; wanx2.1-imageedit's 800 characters is assumed.
    prompt: { required: false, maxLength: 800, unit: 'chars' },
    size: { kind: 'none' },
    n: { min: 1, max: 4, default: 1 },
    params: ['n'],
    // §4: an RGBA PNG with a transparent background, long side ≤ 2048; the output keeps its resolution.
    // The short-side floor and the 10 MB cap are the other processing models' (not stated for this one).
    images: { ...PROCESS_INPUT, maxSide: 2048, formats: ['png'], accepts: ['url', 'oss'], alphaRequired: true },
    outputFormat: 'png',
    ...BEIJING_ONLY,
    // §4: QPS 2, concurrency 1.
    rateLimits: { requestsPerSecond: 2, concurrent: 1, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: false },
    prices: { beijing: { perImage: 0.08 } },
    typicalDurationMs: 15_000,
    processing: {
      functionOnWire: false,
      functions: [
        {
          id: 'background',
          label: { en: 'Replace the background', 'zh-cn': '背景生成' },
          prompt: 'optional',
          options: {
            refImage: { wire: 'ref_image_url', where: 'input', kind: 'image' },
            negativeRefPrompt: { wire: 'neg_ref_prompt', where: 'input', kind: 'text' },
            modelVersion: { wire: 'model_version', kind: 'enum', values: ['v2', 'v3'], default: 'v2' },
            noiseLevel: { wire: 'noise_level', kind: 'number', min: 0, max: 999, default: 300, integer: true },
            refPromptWeight: { wire: 'ref_prompt_weight', kind: 'number', min: 0, max: 1, default: 0.5 },
          },
        },
      ],
    },
  },
];
