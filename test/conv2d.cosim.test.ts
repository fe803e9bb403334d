/**
 * Conv2d layer: RTL against the reference model in Verilator under random
 * stalls (bit-exact value for value, the sticky overflow flag) and at full
 * rate (every vector's cycles equal the timing face's prediction: the line
 * buffer holds its input inside an image, which the model predicts too),
 * and RTL acceptance (Verilator -Wall, Icarus, yosys).
 */
import { describe, expect, it } from 'vitest';
import { loadLayerSpec, type LoadedLayer } from '../src/layers/load.ts';
import { formatMismatch } from '../src/sim/cosim.ts';
import { cosimLayer } from '../src/network/layer-dut.ts';
import { checkRtl } from '../src/sim/lint.ts';
import type { Conv2dPlan } from '../src/layers/conv2d/plan.ts';

function conv(spec: object): LoadedLayer<Conv2dPlan> {
  return loadLayerSpec({ kind: 'conv2d', name: 'dut', weights: { init: 'random', seed: 3, scale: 0.5 }, ...spec }) as LoadedLayer<Conv2dPlan>;
}

async function expectExact(layer: LoadedLayer<Conv2dPlan>, vectors: number) {
  const stalled = await cosimLayer(layer, { vectors, seed: 7, validPct: 70, readyPct: 60 });
  expect(stalled.mismatches.map(formatMismatch)).toEqual([]);
  expect(stalled.exact).toBe(vectors);
  expect(stalled.overflowGot).toBe(stalled.overflowExpected);
  const full = await cosimLayer(layer, { vectors: Math.min(vectors, 12), seed: 8, keepCycles: true });
  expect(full.mismatches.map(formatMismatch)).toEqual([]);
  expect(full.exact).toBe(full.vectors);
  expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: full.vectors });
  expect(full.cycles.predictedPeriod).toBe(layer.kind.cost(layer.plan).cycles.period);
  expect(full.cycles.predictedLatency).toBe(layer.kind.cost(layer.plan).cycles.latency);
  return { stalled, full };
}

describe('conv2d co-simulation', () => {
  it('6 x 7 x 2 -> 4 x 5 x 3, kernel 3, valid, P = 2, relu: bit-exact under stalls, cycles as predicted', { tags: ['tools'] }, async () => {
    const layer = conv({ height: 6, width: 7, channels: 2, outChannels: 3, kernel: 3, lanes: 2, activation: 'relu', output: { format: { int: 1, frac: 6 } } });
    expect([layer.plan.ho, layer.plan.wo, layer.plan.rows]).toEqual([4, 5, 4]);
    await expectExact(layer, 30);
  });

  it('5 x 5 x 3, kernel 3, same, stride 2, one channel per beat, hardtanh', { tags: ['tools'] }, async () => {
    const layer = conv({ height: 5, width: 5, channels: 3, outChannels: 2, kernel: 3, stride: 2, padding: 'same', beat: 1, activation: 'hardtanh' });
    expect([layer.plan.ho, layer.plan.wo, layer.plan.padTop, layer.plan.padLeft]).toEqual([3, 3, 1, 1]);
    await expectExact(layer, 30);
  });

  it('passes Verilator -Wall lint, Icarus and yosys', { tags: ['tools'] }, async () => {
    const layer = conv({ height: 6, width: 5, channels: 4, outChannels: 3, kernel: 3, padding: 'same', beat: 2, lanes: 3 });
    const rtl = layer.kind.rtl(layer.plan);
    const results = await checkRtl(rtl.sources, rtl.top);
    for (const r of results) expect({ tool: r.tool, ok: r.ok, messages: r.messages }).toEqual({ tool: r.tool, ok: true, messages: [] });
  });
});
