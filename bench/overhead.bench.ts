/**
 * Benchmark (not a test): the client's own cost per sync request. The same z-image-turbo request
 * (built once with the client's own buildWireBody, so both send identical bytes) goes to the same
 * simulator endpoint through `DashScopeClient.generate` (validation, transport, zod parsing,
 * normalization) and as a bare undici `request` + `body.json()` on a keep-alive Agent. The
 * simulator answers at once (time scale 0, cached render) in its own process, so the difference
 * is the client. A third variant, the client's Transport alone (`transport.json`), separates the
 * HTTP layer from validation and parsing. Rounds rotate the order; figures are medians per request.
 *
 *   npm run bench -- overhead
 */
import { Agent, request } from 'undici';
import { DashScopeClient, buildWireBody, routeOf, validateRequest, type GenerationRequest } from '../src/dashscope/index';
import { ResponseEnvelopeSchema } from '../src/dashscope/schemas';
import { Transport, createDispatcher } from '../src/dashscope/transport';
import { figure, fmt, header, mean, quantile } from './lib/figures';
import { startSimProcess } from './lib/sim-process';

const WARMUP = 50;
const ROUNDS = Number(process.env.BENCH_OVERHEAD_ROUNDS ?? 600);
const TARGET_RATIO = 1.1;

async function main(): Promise<void> {
  header('overhead', 'client cost per sync request vs a bare undici request');
  const sim = await startSimProcess({ scale: 0 });
  const client = new DashScopeClient({ apiKey: sim.key, baseUrl: sim.url, region: 'beijing' });
  const agent = new Agent();
  try {
    const req: GenerationRequest = { model: 'z-image-turbo', prompt: 'a lighthouse in fog, ink drawing', size: '1024*1024', seed: 7 };
    const v = validateRequest(req, { region: 'beijing' });
    const url = sim.url + routeOf(v).path;
    const body = JSON.stringify(buildWireBody(v, []));
    const headers = { 'user-agent': 'bench', accept: 'application/json', authorization: `Bearer ${sim.key}`, 'content-type': 'application/json' };

    const viaClient = async (): Promise<number> => {
      const t = process.hrtime.bigint();
      const r = await client.generate(req);
      if (r.images.length !== 1) throw new Error('client: no image');
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    const transport = new Transport({ apiKey: sim.key, baseUrl: sim.url, dispatcher: createDispatcher() });
    const wire = buildWireBody(v, []);
    const viaTransport = async (): Promise<number> => {
      const t = process.hrtime.bigint();
      const r = await transport.json({ method: 'POST', path: routeOf(v).path, json: wire });
      if (r.status !== 200) throw new Error('transport: not 200');
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    const bare = async (): Promise<number> => {
      const t = process.hrtime.bigint();
      const res = await request(url, { method: 'POST', headers, body, dispatcher: agent });
      const json = (await res.body.json()) as { output?: { choices?: unknown[] } };
      if (res.statusCode !== 200 || !json.output?.choices?.length) throw new Error(`bare: HTTP ${res.statusCode}`);
      return Number(process.hrtime.bigint() - t) / 1e6;
    };

    // The client's own CPU steps, timed in the same rounds (so with the same cache and JIT state).
    const envelope = (await transport.json({ method: 'POST', path: routeOf(v).path, json: wire })).body;
    const step = (f: () => unknown): number => {
      const t = process.hrtime.bigint();
      f();
      return Number(process.hrtime.bigint() - t) / 1e3;
    };
    const validateUs: number[] = [];
    const parseUs: number[] = [];
    const variants = [viaClient, viaTransport, bare];
    for (let i = 0; i < WARMUP; i++) for (const f of variants) await f();
    const times: number[][] = [[], [], []];
    for (let i = 0; i < ROUNDS; i++) {
      for (let k = 0; k < 3; k++) {
        const which = (i + k) % 3;
        times[which]!.push(await variants[which]!());
      }
      validateUs.push(step(() => validateRequest(req, { region: 'beijing' })));
      parseUs.push(step(() => ResponseEnvelopeSchema.safeParse(envelope)));
    }
    await transport.close();
    const [c, tr, b] = times as [number[], number[], number[]];
    const line = (name: string, xs: number[]) => `${name} median ${fmt(quantile(xs, 0.5))} ms (mean ${fmt(mean(xs))}, p90 ${fmt(quantile(xs, 0.9))})`;
    console.log(`  ${ROUNDS} requests each after ${WARMUP} warm-up; ${line('client', c)}, ${line('transport', tr)}, ${line('bare', b)}`);
    console.log(`  client CPU steps in the same rounds (medians): request validation ${fmt(quantile(validateUs, 0.5))} µs, response envelope parse ${fmt(quantile(parseUs, 0.5))} µs`);
    const baseline = quantile(b, 0.5);
    const measured = quantile(c, 0.5);
    figure({
      bench: 'overhead',
      name: 'sync request through DashScopeClient (median)',
      unit: 'ms',
      measured,
      baselines: [{ label: 'bare undici request', value: baseline }],
      target: `≤ ${TARGET_RATIO}× bare`,
      met: measured / baseline <= TARGET_RATIO,
      note: `client adds ${fmt(measured - baseline)} ms per request`,
    });
    const trMedian = quantile(tr, 0.5);
    figure({
      bench: 'overhead',
      name: 'same request through the client Transport only (median)',
      unit: 'ms',
      measured: trMedian,
      baselines: [{ label: 'bare undici request', value: baseline }],
      note: 'the HTTP layer alone; the rest of the client cost is request validation and response parsing',
    });
  } finally {
    await client.close();
    await agent.close();
    await sim.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
