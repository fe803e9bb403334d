/**
 * The TVSCM co-simulation check shared by test/tvscm.cosim.test.ts and
 * test/tvscm.cosim.deep.test.ts: bit-exact value for value under random
 * stalls, the sticky overflow flag, and every vector's cycles at full rate
 * equal to the cost face's prediction.
 */
import { expect } from 'vitest';
import { loadLayerSpec } from '../src/layers/load.ts';
import { formatMismatch } from '../src/sim/cosim.ts';
import { cosimLayer } from '../src/network/layer-dut.ts';

export function spec(n: number, lanes: number, placement: object, extra: object = {}) {
  return loadLayerSpec({
    kind: 'tvscm', name: 'dut', n, lanes, placement,
    weights: { format: { int: 1, frac: 6 }, a: 0.75, b: -0.3125 },
    output: { format: { int: 1, frac: 6 } },
    ...extra,
  });
}

export async function expectExact(layer: ReturnType<typeof spec>, vectors: number) {
  // Random stalls on both sides: results must not depend on timing.
  const stalled = await cosimLayer(layer, { vectors, seed: 7, validPct: 70, readyPct: 60 });
  expect(stalled.mismatches.map(formatMismatch)).toEqual([]);
  expect(stalled.exact).toBe(vectors);
  expect(stalled.overflowGot).toBe(stalled.overflowExpected);
  // Full rate: every vector's cycles equal the prediction exactly.
  const full = await cosimLayer(layer, { vectors: Math.min(vectors, 20), seed: 8, keepCycles: true });
  expect(full.exact).toBe(full.vectors);
  // (the next vector loads while this one computes, so a vector's latency
  // depends on the one before: each is compared with its own prediction)
  // every vector's latency and period checked against the prediction as its stamps arrived
  expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: full.vectors });
  expect(full.cycles.predictedLatencies![0]).toBe(full.cycles.predictedLatency);
  // the steady period back to back is the cost face's
  expect(full.cycles.predictedPeriod).toBe(layer.kind.cost(layer.plan).cycles.period);
  return { stalled, full };
}

