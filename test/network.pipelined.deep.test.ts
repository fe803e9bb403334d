/**
 * Every example network (examples/*.json and examples/trained/*.json) under
 * the pipelined schedule, as written and with every layer that has input
 * buffers given two: bit-exact under random stalls, and at full rate every
 * vector's latency and period equal the composed timeline. Slow (one
 * Verilator build per network and variant, mnist-dense's ~2 minutes each):
 * `npm run test:deep`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planNetwork } from '../src/network/plan.ts';
import { designFromPlan } from '../src/network/design.ts';
import { networkDut } from '../src/network/cosim.ts';
import { cosim, formatMismatch } from '../src/sim/cosim.ts';
import { readJsonFile } from '../src/layers/load.ts';

const networks = ['examples', 'examples/trained'].flatMap((dir) =>
  readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f)))
  .filter((f) => 'layers' in (readJsonFile(f) as object));

describe('every example network, pipelined: bit-exact, cycles == the composed timeline', { tags: ['tools'] }, () => {
  for (const file of networks) {
    for (const buffers of ['as written', 'two input buffers'] as const) {
      it(`${file}, ${buffers}`, async () => {
        const raw = readJsonFile(file) as { layers: Record<string, unknown>[]; weights?: string };
        const layers = buffers === 'as written' ? raw.layers : raw.layers.map((l) => ('buffers' in l ? { ...l, buffers: 2 } : l));
        const net = planNetwork({ ...raw, schedule: 'pipelined', layers }, '', { baseDir: file.slice(0, file.lastIndexOf('/')) });
        const vectors = net.layers.some((l) => l.shape.inputs * l.shape.outputs > 100_000) ? 3 : 6;
        const dut = networkDut(net);
        const stalled = await cosim(dut, { vectors, seed: 31, validPct: 70, readyPct: 60 });
        expect(stalled.mismatches.map(formatMismatch)).toEqual([]);
        expect(stalled.exact).toBe(vectors);
        const full = await cosim(dut, { vectors, seed: 32 });
        expect(full.exact).toBe(vectors);
        // every vector's latency and period checked against the prediction as its stamps arrived
        expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: full.vectors });
        // pipelined is never slower than sequential
        const seq = designFromPlan(planNetwork({ ...raw, schedule: 'sequential', layers }, '', { baseDir: file.slice(0, file.lastIndexOf('/')) }), true).cost();
        expect(full.cycles.predictedPeriod).toBeLessThanOrEqual(seq.period);
      });
    }
  }
});
