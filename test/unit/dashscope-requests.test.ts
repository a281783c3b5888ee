/**
 * Pure parts of the DashScope client: request validation against the catalog (messages that say
 * what to change), wire bodies per input shape, response normalization edge cases, error
 * classification and hints, Retry-After and backoff.
 *
 *   node --import tsx --test test/unit/dashscope-requests.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MODELS, getModel } from '../../src/dashscope/catalog';
import { DashScopeError, RequestValidationError, errorFromEnvelope, hintFor, isRetriable, networkError, redactSecrets } from '../../src/dashscope/errors';
import { buildWireBody, validateRequest, type GenerationRequest } from '../../src/dashscope/requests';
import { ResponseEnvelopeSchema, TaskResponseSchema, normalizeResponse, parseServiceTime } from '../../src/dashscope/schemas';
import { DEFAULT_RETRY, backoffDelay, parseRetryAfter } from '../../src/dashscope/transport';

function issuesOf(req: unknown, opts: Parameters<typeof validateRequest>[1] = {}): { path: string; message: string }[] {
  try {
    validateRequest(req, opts);
  } catch (e) {
    assert.ok(e instanceof RequestValidationError, String(e));
    return [...e.issues];
  }
  assert.fail('expected a RequestValidationError');
}

describe('validateRequest', () => {
  test('n out of range says the range and what was given', () => {
    const [i] = issuesOf({ model: 'wan2.2-t2i-flash', prompt: 'cat', n: 6 });
    assert.deepEqual(i, { path: 'n', message: 'wan2.2-t2i-flash accepts n from 1 to 4; you gave 6.' });
  });
  test('fixed n', () => {
    const [i] = issuesOf({ model: 'qwen-image-max', prompt: 'cat', n: 2 });
    assert.match(i!.message, /qwen-image-max makes exactly 1 image per call \(n=1\); you gave 2/);
  });
  test('sizes use the catalog sentences', () => {
    assert.match(issuesOf({ model: 'qwen-image-plus', prompt: 'x', size: '1024*1024' })[0]!.message, /accepts only these sizes: 1664\*928, 1472\*1104/);
    assert.match(issuesOf({ model: 'wan2.6-t2i', prompt: 'x', size: '512*512' })[0]!.message, /total pixel count between 1104\*1472 \(1625088 px\) and 1440\*1440/);
    assert.match(issuesOf({ model: 'wan2.6-t2i', prompt: 'x', size: '3000*600' })[0]!.message, /total pixel count|aspect ratio/);
    assert.match(issuesOf({ model: 'wan2.2-t2i-flash', prompt: 'x', size: 'big' })[0]!.message, /not of the form WIDTH\*HEIGHT/);
    assert.doesNotThrow(() => validateRequest({ model: 'wan2.6-image', prompt: 'x', size: '2k', images: ['https://e.com/a.png'] }));
    assert.doesNotThrow(() => validateRequest({ model: 'qwen-image', prompt: 'x', size: '1328x1328' }));
  });
  test('reference image counts', () => {
    const four = ['https://e.com/1.png', 'https://e.com/2.png', 'https://e.com/3.png', 'https://e.com/4.png'];
    assert.equal(issuesOf({ model: 'qwen-image-edit-plus', prompt: 'x', images: four })[0]!.message, 'qwen-image-edit-plus takes 1–3 reference images; you gave 4.');
    assert.match(issuesOf({ model: 'qwen-image-edit-plus', prompt: 'x' })[0]!.message, /takes 1–3 reference images; you gave 0/);
    assert.match(issuesOf({ model: 'wan2.6-image:interleave', prompt: 'x', images: four.slice(0, 2) })[0]!.message, /takes at most 1 image; you gave 2/);
    assert.match(issuesOf({ model: 'wan2.6-t2i', prompt: 'x', images: four.slice(0, 1) })[0]!.message, /takes no input images; to edit images use an image-edit model such as qwen-image-edit-plus, /);
  });
  test('parameters a model does not take are reported, not dropped', () => {
    const issues = issuesOf({ model: 'z-image-turbo', prompt: 'x', negativePrompt: 'y', watermark: true });
    assert.deepEqual(issues.map((i) => i.path).sort(), ['negativePrompt', 'watermark']);
    assert.match(issues[0]!.message, /z-image-turbo does not take/);
  });
  test('seed range, prompt presence and length, unknown model and fields', () => {
    assert.match(issuesOf({ model: 'qwen-image', prompt: 'x', seed: -1 })[0]!.message, /seed must be a whole number from 0 to 2147483647/);
    assert.match(issuesOf({ model: 'qwen-image', prompt: '   ' })[0]!.message, /qwen-image needs a prompt/);
    assert.match(issuesOf({ model: 'wan2.2-t2i-flash', prompt: 'a'.repeat(501) })[0]!.message, /up to 500 characters; yours has 501/);
    assert.match(issuesOf({ model: 'dall-e', prompt: 'x' })[0]!.message, /Unknown model "dall-e"\. Known models: qwen-image-3\.0-pro, .*qwen-image-max/);
    assert.match(issuesOf({ model: 'qwen-image', prompt: 'x', negative: 'y' })[0]!.message, /Unknown field "negative"; check the spelling/);
  });
  test('every problem is reported at once', () => {
    const issues = issuesOf({ model: 'wan2.2-t2i-flash', prompt: '', n: 9, size: '10*10', seed: 1.5 });
    assert.deepEqual(issues.map((i) => i.path).sort(), ['n', 'prompt', 'seed', 'size']);
  });
  test('qwen-mt-image languages, region and URL rules', () => {
    const base = { model: 'qwen-mt-image', images: ['https://e.com/a.png'] };
    assert.match(issuesOf(base)[0]!.message, /needs translation options: sourceLang and targetLang/);
    assert.match(issuesOf({ ...base, translation: { sourceLang: 'klingon', targetLang: 'en' } })[0]!.message, /translates from Chinese \(zh\), English \(en\).* or auto; "klingon"/);
    assert.match(issuesOf({ ...base, translation: { sourceLang: 'zh', targetLang: 'de' } })[0]!.message, /translates into .*; "de" is not one of them/);
    assert.match(issuesOf({ ...base, translation: { sourceLang: 'ja', targetLang: 'ko' } })[0]!.message, /Chinese or English on one side/);
    assert.match(issuesOf({ ...base, translation: { sourceLang: 'en', targetLang: 'English' } })[0]!.message, /must differ from the source/);
    assert.match(issuesOf({ ...base, translation: { sourceLang: 'zh', targetLang: 'en' } }, { region: 'singapore' })[0]!.message, /served only in Beijing/);
    assert.match(issuesOf({ ...base, images: ['https://e.com/图片.png'], translation: { sourceLang: 'zh', targetLang: 'en' } })[0]!.message, /Chinese characters/);
    assert.match(issuesOf({ ...base, prompt: 'hi', translation: { sourceLang: 'zh', targetLang: 'en' } })[0]!.message, /takes no prompt/);
    const v = validateRequest({ ...base, translation: { sourceLang: 'Chinese', targetLang: 'ENGLISH' } });
    assert.equal(v.sourceLang, 'zh');
    assert.equal(v.targetLang, 'en');
  });
  test('translation options on other models, async variant on a model without one', () => {
    assert.match(issuesOf({ model: 'qwen-image', prompt: 'x', translation: { sourceLang: 'zh', targetLang: 'en' } })[0]!.message, /does not translate/);
    assert.match(issuesOf({ model: 'z-image-turbo', prompt: 'x' }, { useAsyncVariant: true })[0]!.message, /has no async task variant/);
  });
  test('a minimal request for every catalog model validates', () => {
    for (const m of MODELS) {
      const req: GenerationRequest = { model: m.id };
      if (m.prompt.required) req.prompt = 'a red fox';
      if (m.images && m.images.min > 0) req.images = Array.from({ length: m.images.min }, (_, i) => `https://e.com/${i}.png`);
      if (m.task === 'translate') req.translation = { sourceLang: 'zh', targetLang: 'en' };
      if (m.processing?.functionOnWire) req.process = { function: 'super_resolution' };
      if (m.id === 'wanx-background-generation-v2') req.prompt = 'a sunny beach';
      assert.doesNotThrow(() => validateRequest(req), m.id);
    }
  });
});

describe('buildWireBody', () => {
  test('messages: images first, one text, negative_prompt in parameters, only set parameters', () => {
    const v = validateRequest({ model: 'qwen-image-edit-plus', prompt: 'make it blue', negativePrompt: 'blur', n: 2, size: '1024x1024', images: ['https://e.com/a.png'] });
    assert.deepEqual(buildWireBody(v, ['https://e.com/a.png']), {
      model: 'qwen-image-edit-plus',
      input: { messages: [{ role: 'user', content: [{ image: 'https://e.com/a.png' }, { text: 'make it blue' }] }] },
      parameters: { size: '1024*1024', n: 2, negative_prompt: 'blur' },
    });
  });
  test('prompt shape: negative_prompt in input (§4.1)', () => {
    const v = validateRequest({ model: 'wan2.5-t2i-preview', prompt: 'flower shop', negativePrompt: 'people', seed: 7, promptExtend: false, watermark: true });
    assert.deepEqual(buildWireBody(v, []), {
      model: 'wan2.5-t2i-preview',
      input: { prompt: 'flower shop', negative_prompt: 'people' },
      parameters: { prompt_extend: false, watermark: true, seed: 7 },
    });
  });
  test('image_url shape: languages and ext in input, no parameters (§4.3)', () => {
    const v = validateRequest({
      model: 'qwen-mt-image',
      images: ['https://e.com/a.webp'],
      translation: { sourceLang: 'zh', targetLang: 'en', domainHint: 'ecommerce', sensitives: ['基础'], terminologies: [{ src: '一体化', tgt: 'unified' }], imageSegment: false },
    });
    assert.deepEqual(buildWireBody(v, ['https://e.com/a.webp']), {
      model: 'qwen-mt-image',
      input: {
        image_url: 'https://e.com/a.webp',
        source_lang: 'zh',
        target_lang: 'en',
        ext: { domainHint: 'ecommerce', sensitives: ['基础'], terminologies: [{ src: '一体化', tgt: 'unified' }], config: { imageSegment: false } },
      },
    });
  });
  test('interleave: stream and enable_interleave; the async variant of wan2.6-image has no stream', () => {
    const s = buildWireBody(validateRequest({ model: 'wan2.6-image:interleave', prompt: 'recipe', maxImages: 3 }), []);
    assert.deepEqual(s.parameters, { max_images: 3, enable_interleave: true, stream: true });
    const a = buildWireBody(validateRequest({ model: 'wan2.6-image', prompt: 'edit', images: ['https://e.com/a.png'] }, { useAsyncVariant: true }), ['https://e.com/a.png']);
    assert.deepEqual(a.parameters, { enable_interleave: false });
  });
});

describe('normalizeResponse edge cases', () => {
  test('partial failure and actual_prompt (§5.3)', () => {
    const body = TaskResponseSchema.parse({
      request_id: 'r',
      output: {
        task_id: 't',
        task_status: 'SUCCEEDED',
        results: [{ url: 'https://r/a.png', orig_prompt: 'p', actual_prompt: 'rewritten p' }, { code: 'InternalError.Timeout', message: 'timeout' }],
        task_metrics: { TOTAL: 2, SUCCEEDED: 1, FAILED: 1 },
      },
      usage: { image_count: 1 },
    });
    const r = normalizeResponse(body, { spec: getModel('wan2.5-t2i-preview'), family: 'results', seed: 10 });
    assert.equal(r.images.length, 1);
    assert.deepEqual(r.failures, [{ index: 1, code: 'InternalError.Timeout', message: 'timeout' }]);
    assert.equal(r.rewrittenPrompt, 'rewritten p');
    assert.equal(r.images[0]!.seed, 10);
  });
  test('z-image: the text item is the (rewritten) prompt, reasoning kept', () => {
    const body = ResponseEnvelopeSchema.parse({
      output: { choices: [{ finish_reason: 'stop', message: { role: 'assistant', reasoning_content: 'thinking', content: [{ image: 'https://r/z.png' }, { text: 'a fox, cinematic' }] } }] },
      usage: { width: 1120, height: 1440, image_count: 1 },
      request_id: 'z',
    });
    const spec = getModel('z-image-turbo');
    const r = normalizeResponse(body, { spec, family: 'z-image', prompt: 'a fox', promptExtend: true });
    assert.equal(r.rewrittenPrompt, 'a fox, cinematic');
    assert.equal(r.reasoning, 'thinking');
    assert.equal(r.text, '');
    assert.deepEqual([r.images[0]!.width, r.images[0]!.height], [1120, 1440]);
    const same = normalizeResponse(ResponseEnvelopeSchema.parse({ output: { choices: [{ message: { content: [{ image: 'u' }, { text: 'a fox' }] } }] } }), { spec, family: 'z-image', prompt: 'a fox' });
    assert.equal(same.rewrittenPrompt, undefined);
  });
  test('wan usage.size, interleave async choices keep order, qwen-mt message', () => {
    const wan = ResponseEnvelopeSchema.parse({
      output: { choices: [{ message: { content: [{ type: 'text', text: 'Step 1' }, { type: 'image', image: 'u1' }, { type: 'text', text: 'Step 2' }, { type: 'image', image: 'u2' }] } }], finished: true },
      usage: { size: '1280*1280', image_count: 2, input_tokens: 29, output_tokens: 477, total_tokens: 506 },
    });
    const r = normalizeResponse(wan, { spec: getModel('wan2.6-image'), family: 'choices' });
    assert.deepEqual(r.parts, [{ type: 'text', text: 'Step 1' }, { type: 'image', imageIndex: 0 }, { type: 'text', text: 'Step 2' }, { type: 'image', imageIndex: 1 }]);
    assert.equal(r.images[1]!.width, 1280);
    assert.deepEqual(r.usage, { imageCount: 2, inputTokens: 29, outputTokens: 477, totalTokens: 506 });
    const mt = TaskResponseSchema.parse({ output: { task_id: 't', task_status: 'SUCCEEDED', image_url: 'http://r/x.jpg', message: 'No text detected for translation' }, usage: { image_count: 1 } });
    const m = normalizeResponse(mt, { spec: getModel('qwen-mt-image'), family: 'image_url' });
    assert.equal(m.images[0]!.url, 'http://r/x.jpg');
    assert.equal(m.message, 'No text detected for translation');
  });
  test('service times are UTC+8 wall clock', () => {
    assert.equal(parseServiceTime('2024-03-01 17:38:24.817'), Date.parse('2024-03-01T09:38:24.817Z'));
    assert.equal(parseServiceTime('2024-03-02 22:22:21'), Date.parse('2024-03-02T14:22:21Z'));
    assert.equal(parseServiceTime('garbage'), undefined);
  });
});

describe('errors', () => {
  test('hints per code', () => {
    assert.match(hintFor('InvalidApiKey', 'Invalid API-key provided.'), /keys of Beijing, Singapore and US \(Virginia\) are not interchangeable/);
    assert.match(hintFor('InvalidApiKey', 'No API-key provided.'), /Set a DashScope API key/);
    assert.match(hintFor('Throttling.RateQuota'), /refused this request for its rate limit and it was given up: wait a minute/);
    assert.match(hintFor('Arrearage'), /overdue/);
    assert.match(hintFor('DataInspectionFailed'), /moderation/);
    assert.match(hintFor('InvalidParameter', 'num_images_per_prompt must be 1'), /num_images_per_prompt must be 1/);
    assert.match(hintFor('AccessDenied.Unpurchased'), /activate/);
    assert.match(hintFor('ModelNotFound'), /region/);
    assert.match(hintFor('TaskUnknown'), /24 h/);
    assert.match(hintFor('ResultExpired'), /expired \(DashScope keeps results 24 h\)/);
  });
  test('every code of the reference table (§1.6) gets a specific hint and the right retry class', () => {
    // [status, code, retriable]: throttling and 5xx are worth waiting for; quota, billing and 4xx are not.
    const table: [number, string, boolean][] = [
      [400, 'InvalidParameter', false], [400, 'invalid_parameter_error', false], [400, 'InvalidParameter.DataInspection', false],
      [400, 'DataInspectionFailed', false], [400, 'data_inspection_failed', false], [400, 'IPInfringementSuspect', false],
      [400, 'Arrearage', false], [400, 'BadRequest.EmptyInput', false], [400, 'BadRequest.EmptyParameters', false],
      [400, 'BadRequest.EmptyModel', false], [400, 'BadRequest.IllegalInput', false], [400, 'BadRequest.InputDownloadFailed', false],
      [400, 'InvalidURL', false], [400, 'InvalidURL.ConnectionRefused', false], [400, 'InvalidURL.Timeout', false],
      [400, 'InvalidImage.FileFormat', false], [400, 'InvalidImageFormat', false], [400, 'InvalidImageResolution', false],
      [400, 'InvalidImage.ImageSize', false], [400, 'InvalidFile.Size', false], [400, 'UnsupportedOperation', false],
      [400, 'BadRequest.TooLarge', false], [413, 'BadRequest.TooLarge', false],
      [401, 'InvalidApiKey', false], [401, 'invalid_api_key', false], [401, 'NOT AUTHORIZED', false],
      [403, 'AccessDenied', false], [403, 'AccessDenied.Unpurchased', false], [403, 'Model.AccessDenied', false],
      [403, 'Workspace.AccessDenied', false], [403, 'App.AccessDenied', false], [403, 'AllocationQuota.FreeTierOnly', false],
      [404, 'ModelNotFound', false], [404, 'model_not_found', false], [404, 'WorkSpaceNotFound', false], [404, 'NotFound', false],
      [408, 'RequestTimeOut', true],
      [429, 'Throttling', true], [429, 'Throttling.RateQuota', true], [429, 'LimitRequests', true], [429, 'limit_requests', true],
      [429, 'Throttling.BurstRate', true], [429, 'limit_burst_rate', true],
      [429, 'Throttling.AllocationQuota', false], [429, 'insufficient_quota', false], [429, 'CommodityNotPurchased', false],
      [429, 'PrepaidBillOverdue', false], [429, 'PostpaidBillOverdue', false],
      [500, 'InternalError', true], [500, 'InternalError.Algo', true], [500, 'InternalError.Timeout', true],
      [500, 'InternalError.Upload', true], [500, 'InternalError.FileUpload', true], [500, 'SystemError', true],
      [500, 'ModelServiceFailed', true], [500, 'RequestTimeOut', true],
      [503, 'ModelUnavailable', true], [503, 'ModelServingError', true],
    ];
    for (const [status, code, retriable] of table) {
      const e = errorFromEnvelope(status, { code, message: 'the service text', request_id: 'r' });
      assert.equal(e.retriable, retriable, `${status} ${code}: retriable`);
      // The generic fallback only repeats the service's message; every listed code deserves a next step.
      assert.doesNotMatch(e.hint, /^DashScope (said|returned)/, `${status} ${code}: hint "${e.hint}"`);
    }
  });
  test('retriable classification', () => {
    assert.equal(isRetriable('Throttling.RateQuota', 429), true);
    assert.equal(isRetriable('Throttling.AllocationQuota', 429), false);
    assert.equal(isRetriable('InternalError', 500), true);
    assert.equal(isRetriable('HTTP502', 502), true);
    assert.equal(isRetriable('ModelUnavailable', 503), true);
    assert.equal(isRetriable('InvalidApiKey', 401), false);
    assert.equal(isRetriable('InvalidParameter', 400), false);
    assert.equal(isRetriable('AccessDenied', 403), false);
  });
  test('envelopes with msg, without anything, and network errors', () => {
    assert.equal(errorFromEnvelope(400, { code: 'X', msg: 'via msg' }).message, 'via msg');
    const bare = errorFromEnvelope(502, undefined, { requestId: 'hdr' });
    assert.equal(bare.code, 'HTTP502');
    assert.equal(bare.requestId, 'hdr');
    assert.equal(bare.retriable, true);
    const reset = networkError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    assert.ok(reset instanceof DashScopeError);
    assert.equal(reset.code, 'NetworkError');
    assert.equal(reset.retriable, true);
    assert.equal(networkError(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))?.code, 'Timeout');
    assert.equal(networkError(new TypeError('a bug')), undefined);
  });
  test('redaction never lets a key or a whole base64 payload through', () => {
    const text = `Authorization: Bearer sk-abcdef1234567890 and data:image/png;base64,${'A'.repeat(500)} key=sk-zzzzzzzzzzzz`;
    const out = redactSecrets(text, 'sk-zzzzzzzzzzzz');
    assert.doesNotMatch(out, /sk-abcdef|sk-zzzz|AAAAAAAAAAAAAAAAAAAA/);
    assert.match(out, /data:image\/png;base64,…/);
  });
  test('describe() and toJSON() carry code, message, request id', () => {
    const e = new DashScopeError({ httpStatus: 429, code: 'Throttling', message: 'Requests throttling triggered.', requestId: 'r1' });
    assert.equal(e.describe(), 'Throttling: Requests throttling triggered. · HTTP 429 · request_id r1');
    assert.deepEqual(Object.keys(e.toJSON()).sort(), ['code', 'hint', 'httpStatus', 'message', 'name', 'requestId', 'retriable']);
  });
});

describe('Retry-After and backoff', () => {
  test('Retry-After in seconds and as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('4', now), 4000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:07 GMT', now), 7000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
  test('full jitter within an exponential cap', () => {
    const at = (r: number, attempt: number) => backoffDelay(attempt, { ...DEFAULT_RETRY, random: () => r });
    assert.equal(at(0, 1), 0);
    assert.equal(at(0.999999, 1), 500);
    assert.equal(at(0.999999, 2), 1000);
    assert.equal(at(0.999999, 3), 2000);
    assert.equal(at(0.999999, 10), 8000, 'capped');
  });
});
