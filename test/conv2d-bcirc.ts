/** Shared by the block-circulant conv2d co-simulation tests (default and deep). */
import { expect } from 'vitest';
import { loadLayerSpec, type LoadedLayer } from '../src/layers/load.ts';
import { formatMismatch } from '../src/sim/cosim.ts';
import { cosimLayer } from '../src/network/layer-dut.ts';
import type { Conv2dPlan } from '../src/layers/conv2d/plan.ts';

/** A block-circulant conv2d layer (random weights) with the given fields. */
export function conv(spec: object): LoadedLayer<Conv2dPlan> {
  return loadLayerSpec({ kind: 'conv2d', name: 'dut', weights: { init: 'random', seed: 3, scale: 0.5 }, structure: 'block-circulant', ...spec }) as LoadedLayer<Conv2dPlan>;
}

/** Bit-exact under stalls; at full rate, measured cycles equal the timing face's for every vector. */
export async function expectExactCycles(layer: LoadedLayer<Conv2dPlan>, vectors: number) {
  const stalled = await cosimLayer(layer, { vectors, seed: 7, validPct: 70, readyPct: 60 });
  expect(stalled.mismatches.map(formatMismatch)).toEqual([]);
  expect(stalled.exact).toBe(vectors);
  expect(stalled.overflowGot).toBe(stalled.overflowExpected);
  const full = await cosimLayer(layer, { vectors: Math.min(vectors, 8), seed: 8, keepCycles: true });
  expect(full.mismatches.map(formatMismatch)).toEqual([]);
  expect(full.exact).toBe(full.vectors);
  expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: full.vectors });
  expect(full.cycles.predictedLatency).toBe(layer.kind.cost(layer.plan).cycles.latency);
}
