/** What validation turns a request into: the normalized job each endpoint works from. */
import type { MtLanguage, SimModel } from './models.js';

/** The sync response families of the messages endpoint. */
export type SyncFamily = 'qwen' | 'wan' | 'z-image' | 'qwen3';

/** One `color_palette` entry (W27). */
export interface PaletteColour {
  hex: string;
  ratio: string;
}

/** A validated request on the messages input shape (sync, SSE, or image-generation async). */
export interface MessagesJob {
  kind: 'messages';
  spec: SimModel;
  family: SyncFamily;
  interleave: boolean;
  maxImages: number;
  prompt: string;
  negativePrompt?: string;
  imageRefs: string[];
  /** The `size` parameter as sent, normalized (undefined: the model's default rule applies). */
  sizeParam?: string;
  /** Images to produce. */
  n: number;
  seed?: number;
  promptExtend: boolean;
  watermark: boolean;
  /** wan2.7 image set (`enable_sequential`). */
  sequential: boolean;
  /** wan2.7 `thinking_mode` as it takes effect (only without images and without a set, W27). */
  thinking: boolean;
  colorPalette?: PaletteColour[];
  /** wan2.7 `bbox_list`, one list of boxes per input image; bounds are checked once the images are known. */
  bboxList?: number[][][];
  /** qwen-image-3.0 `prompt_extend_mode`. */
  promptExtendMode?: 'direct' | 'agent';
  /** qwen-image-3.0 `enable_thinking` as it takes effect (only with prompt_extend). */
  enableThinking?: boolean;
}

/** A validated text2image request (`input.prompt`). */
export interface PromptJob {
  kind: 'prompt';
  spec: SimModel;
  prompt: string;
  negativePrompt?: string;
  width: number;
  height: number;
  n: number;
  seed?: number;
  promptExtend: boolean;
  watermark: boolean;
}

/** A validated qwen-mt-image request. */
export interface TranslateJob {
  kind: 'translate';
  spec: SimModel;
  imageRef: string;
  sourceLang: MtLanguage | 'auto';
  targetLang: MtLanguage;
}
