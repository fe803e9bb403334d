/**
 * The dense co-simulation checks shared by test/dense.cosim.test.ts and
 * test/dense.cosim.deep.test.ts.
 */
import { expect, it } from 'vitest';
import { runYosys } from '@yowasp/yosys';
import { loadLayerSpec, type LoadedLayer } from '../src/layers/load.ts';
import { formatMismatch } from '../src/sim/cosim.ts';
import { cosimLayer } from '../src/network/layer-dut.ts';
import { makeVectors } from '../src/sim/vectors.ts';
import type { DensePlan } from '../src/layers/dense/plan.ts';
import type { SourceFile } from '../src/verilog/index.ts';

/** yosys synth_ice40 -device u -dsp (YoWASP, what `circa build` runs) on the sources: cell counts from `stat`. */
export async function synthCells(sources: SourceFile[], top: string): Promise<(cell: string) => number> {
  const tree: Record<string, string> = {};
  for (const s of sources) tree[s.name] = s.text;
  let log = '';
  const sink = (b: Uint8Array | null) => {
    if (b) log += new TextDecoder().decode(b);
  };
  await runYosys(['-p', `read_verilog -DSYNTHESIS ${Object.keys(tree).join(' ')}; synth_ice40 -device u -dsp -top ${top}; stat`], tree, {
    stdout: sink, stderr: sink,
  });
  const stat = log.slice(log.lastIndexOf('Printing statistics'));
  return (cell: string) => Number(new RegExp(`${cell}\\s+(\\d+)`).exec(stat)?.[1] ?? 0);
}

export function dense(spec: object): LoadedLayer<DensePlan> {
  return loadLayerSpec({ kind: 'dense', name: 'dut', ...spec }) as LoadedLayer<DensePlan>;
}

export async function expectExact(layer: LoadedLayer<DensePlan>, vectors: number) {
  // Random stalls on both sides: results must not depend on timing.
  const stalled = await cosimLayer(layer, { vectors, seed: 7, validPct: 70, readyPct: 60 });
  expect(stalled.mismatches.map(formatMismatch)).toEqual([]);
  expect(stalled.exact).toBe(vectors);
  expect(stalled.overflowGot).toBe(stalled.overflowExpected);
  // Full rate: every vector's cycles equal the prediction exactly.
  const full = await cosimLayer(layer, { vectors: Math.min(vectors, 20), seed: 8, keepCycles: true });
  expect(full.mismatches.map(formatMismatch)).toEqual([]);
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

/**
 * A hardware variant of a layer (a split ROM, two multiplies per DSP) against
 * its base: bit-exact under backpressure with cycles as predicted
 * (expectExact), and the same outputs and measured latencies as the base on
 * the same vectors.
 */
export async function expectSameAsBase(variant: LoadedLayer<DensePlan>, base: LoadedLayer<DensePlan>, exactVectors: number, sameVectors: number) {
  await expectExact(variant, exactVectors);
  const a = await cosimLayer(variant, { vectors: sameVectors, seed: 12, keepOutputs: true });
  const b = await cosimLayer(base, { vectors: sameVectors, seed: 12, keepOutputs: true });
  expect(a.outputs).toEqual(b.outputs);
  expect(a.cycles.latency.measured).toEqual(b.cycles.latency.measured);
}

/** Every expected output over the vectors cosimLayer generates (same seed). */
export function expectedOutputs(layer: LoadedLayer<DensePlan>, vectors: number, seed: number): number[] {
  const { kind, plan } = layer;
  return makeVectors(vectors, plan.n, plan.xWidth, seed).flatMap((v) => kind.reference(plan, v.x).y);
}


export const wide = (n: number, m: number, lanes: number, beat: number, buffers: number, activation: string) => dense({
  inputs: n, outputs: m, lanes, beat, buffers, activation,
  input: { int: 1, frac: 6 },
  weights: { format: { int: 0, frac: 7 }, init: 'random', seed: n * 31 + beat, scale: 0.75 },
  output: { format: { int: 1, frac: 5 }, rounding: 'convergent', overflow: 'saturate' },
});

// n, m, lanes, beat, buffers, activation
export const WIDE_CASES: [number, number, number, number, number, string][] = [
  [16, 5, 1, 2, 2, 'identity'],   // 8 beats of 2
  [16, 6, 3, 4, 1, 'relu'],       // 4 beats of 4, one buffer
  [12, 5, 2, 4, 2, 'hardtanh'],   // 3 beats, last group padded
  [12, 3, 1, 2, 1, 'identity'],   // 6 beats, one buffer
  [4, 3, 3, 4, 1, 'relu'],        // the whole vector in one beat, one group
  [8, 2, 2, 4, 2, 'identity'],    // one group: the run (8) is barely longer than the load (2)
];

/** One wide-beat shape: bit-exact, and the load of n/beat beats in every vector's cycles. */
export function itWideCase([n, m, lanes, beat, buffers, activation]: [number, number, number, number, number, string]): void {
  it(`${n} -> ${m}, P = ${lanes}, beat ${beat}, ${buffers} buffer(s), ${activation}: bit-exact, every vector's cycles as predicted`, { tags: ['tools'] }, async () => {
    const layer = wide(n, m, lanes, beat, buffers, activation);
    expect(layer.plan).toMatchObject({ beat, beats: n / beat });
    expect(layer.kind.io(layer.plan)).toMatchObject({ inLanes: beat, inBeats: n / beat });
    const { full } = await expectExact(layer, 120);
    const run = layer.plan.groups * n;
    // the load is n/beat beats; the run is unchanged
    expect(full.cycles.predictedLatency).toBe(n / beat + run + 3);
    expect(full.cycles.predictedPeriod).toBe(buffers > 1 ? run : n / beat + run);
  });
}

/** The SPRAM test layer: 20 -> 5, weights in SPRAM, with P lanes and any other fields. */
export const spramSpec = (lanes: number, extra: object = {}) => ({
  inputs: 20, outputs: 5, lanes, memory: 'spram',
  weights: { format: { int: 0, frac: 7 }, init: 'random', seed: 3, scale: 0.5 },
  output: { format: { int: 1, frac: 6 } },
  ...extra,
});
