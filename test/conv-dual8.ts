/**
 * Shared by test/conv-dual8.test.ts and test/conv-dual8.deep.test.ts: conv2d
 * and conv1d layers with 6-bit inputs in "single" and "dual8" mode, and the
 * co-simulation check (bit-exact under stalls, cycles as predicted at full
 * rate, the outputs of "single").
 */
import { expect } from 'vitest';
import { loadLayerSpec, type LoadedLayer } from '../src/layers/load.ts';
import { formatMismatch } from '../src/sim/cosim.ts';
import { cosimLayer } from '../src/network/layer-dut.ts';
import type { Conv2dPlan } from '../src/layers/conv2d/plan.ts';

export const base = { name: 'dut', weights: { init: 'random', seed: 3, scale: 0.5 }, input: { int: 0, frac: 5 }, activation: 'relu', output: { format: { int: 1, frac: 6 } } };
export const conv2 = (extra: object) => loadLayerSpec({ kind: 'conv2d', height: 6, width: 5, channels: 2, outChannels: 5, kernel: 3, lanes: 3, ...base, ...extra }) as LoadedLayer<Conv2dPlan>;
export const conv1 = (extra: object) => loadLayerSpec({ kind: 'conv1d', length: 20, channels: 2, outChannels: 4, kernel: 5, stride: 2, padding: 'same', lanes: 4, ...base, ...extra }) as LoadedLayer<Conv2dPlan>;

export async function expectExact(layer: LoadedLayer<Conv2dPlan>, single: LoadedLayer<Conv2dPlan>, vectors: number) {
  const stalled = await cosimLayer(layer, { vectors, seed: 7, validPct: 70, readyPct: 60 });
  expect(stalled.mismatches.map(formatMismatch)).toEqual([]);
  expect(stalled.exact).toBe(vectors);
  const full = await cosimLayer(layer, { vectors: 8, seed: 8, keepCycles: true, keepOutputs: true });
  expect(full.exact).toBe(8);
  expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: 8 });
  const s = await cosimLayer(single, { vectors: 8, seed: 8, keepOutputs: true });
  expect(full.outputs).toEqual(s.outputs);
}

