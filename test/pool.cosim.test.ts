/**
 * Pool layer (conv_layer.v in MODE 1 max / 2 average): RTL against the
 * reference in Verilator under random stalls (bit-exact, overflow flag) and
 * at full rate (every vector's cycles as the shared engine's timing face
 * predicts), RTL acceptance (Verilator -Wall, Icarus, yosys), and the conv
 * template still passing lint in its conv mode beside it.
 */
import { describe, expect, it } from 'vitest';
import { loadLayerSpec, type LoadedLayer } from '../src/layers/load.ts';
import { formatMismatch } from '../src/sim/cosim.ts';
import { cosimLayer } from '../src/network/layer-dut.ts';
import { checkRtl, verilatorLint } from '../src/sim/lint.ts';
import type { PoolPlan } from '../src/layers/pool/plan.ts';

function pool(spec: object): LoadedLayer<PoolPlan> {
  return loadLayerSpec({ kind: 'pool', name: 'dut', ...spec }) as LoadedLayer<PoolPlan>;
}

async function expectExact(layer: LoadedLayer<PoolPlan>, vectors: number) {
  const stalled = await cosimLayer(layer, { vectors, seed: 7, validPct: 70, readyPct: 60 });
  expect(stalled.mismatches.map(formatMismatch)).toEqual([]);
  expect(stalled.exact).toBe(vectors);
  expect(stalled.overflowGot).toBe(stalled.overflowExpected);
  const full = await cosimLayer(layer, { vectors: Math.min(vectors, 12), seed: 8, keepCycles: true });
  expect(full.mismatches.map(formatMismatch)).toEqual([]);
  expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: full.vectors });
  expect(full.cycles.predictedPeriod).toBe(layer.kind.cost(layer.plan).cycles.period);
}

describe('pool co-simulation', { tags: ['tools'] }, () => {
  it('max 2 x 2 stride 2 on 6 x 7 x 3 (one pixel per beat): bit-exact under stalls, cycles as predicted', async () => {
    const layer = pool({ height: 6, width: 7, channels: 3, op: 'max', window: 2 });
    expect([layer.plan.ho, layer.plan.wo, layer.plan.lanes, layer.plan.groups]).toEqual([3, 3, 3, 1]);
    await expectExact(layer, 30);
  });

  it('average 2 x 2 stride 1 on 5 x 5 x 4, two channels per beat, requantised to a narrower format', async () => {
    const layer = pool({ height: 5, width: 5, channels: 4, op: 'average', window: 2, stride: 1, beat: 2,
      input: { int: 1, frac: 6 }, output: { format: { int: 1, frac: 4 }, rounding: 'half-up' } });
    expect([layer.plan.ho, layer.plan.lanes, layer.plan.groups, layer.plan.requant.shift]).toEqual([4, 2, 2, 4]);
    await expectExact(layer, 30);
  });

  it('passes Verilator -Wall lint, Icarus and yosys (max and average)', async () => {
    for (const spec of [{ height: 4, width: 6, channels: 2, op: 'max', window: 3, stride: 1, beat: 1 }, { height: 4, width: 4, channels: 4, op: 'average', beat: 2 }]) {
      const layer = pool(spec);
      const rtl = layer.kind.rtl(layer.plan);
      for (const r of await checkRtl(rtl.sources, rtl.top)) expect({ tool: r.tool, ok: r.ok, messages: r.messages }).toEqual({ tool: r.tool, ok: true, messages: [] });
    }
  });

  it('conv_layer.v sizes w_data by P when an instance leaves SLOTS out (SLOTS defaults to the lanes, not 1)', async () => {
    const layer = pool({ height: 4, width: 4, channels: 4, op: 'max', window: 2, beat: 2 });
    expect(layer.plan.lanes).toBe(2);
    const rtl = layer.kind.rtl(layer.plan);
    const top = rtl.sources.find((f) => f.name === `${rtl.top}.v`)!;
    const withoutSlots = top.text.replace(/^\s*\.SLOTS\s*\(\d+\),\n/m, '');
    expect(withoutSlots).not.toBe(top.text);
    const sources = rtl.sources.map((f) => (f === top ? { ...f, text: withoutSlots } : f));
    const lint = await verilatorLint(sources, rtl.top);
    expect({ ok: lint.ok, messages: lint.messages }).toEqual({ ok: true, messages: [] });
  });
});
