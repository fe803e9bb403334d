/**
 * The dense co-simulations the default suite leaves out (test/dense-cosim.ts
 * holds the shared checks): five wide-beat shapes; 16 -> 10, 187 -> 5,
 * 64 -> 32, the overflow flag and n = 1; one element per beat against wide
 * beats and the timing face beat by beat; SPRAM with 8- and 32-bit words.
 * Bit-exact under stalls, every vector's cycles as predicted, one Verilator
 * build each.
 */
import { describe, expect, it } from 'vitest';
import { runYosys } from '@yowasp/yosys';
import { CircaInputError } from '../src/errors.ts';
import { loadLayerSpec, type LoadedLayer } from '../src/layers/load.ts';
import type { DensePlan } from '../src/layers/dense/plan.ts';
import { formatMismatch } from '../src/sim/cosim.ts';
import { cosimLayer } from '../src/network/layer-dut.ts';
import { checkRtl } from '../src/sim/lint.ts';
import { makeVectors } from '../src/sim/vectors.ts';
import { simulateStream } from '../src/sim/stream.ts';
import { denseLoadWords } from '../src/layers/dense/rtl.ts';
import { dense, expectedOutputs, expectExact, itWideCase, spramSpec, synthCells, wide, WIDE_CASES } from './dense-cosim.ts';
import { cosim } from '../src/sim/cosim.ts';
import { layerDut } from '../src/network/layer-dut.ts';
import { synthesisedRtl } from '../src/sim/netlist.ts';
import { predictResources } from '../src/estimate/resources.ts';
import { designFromPlan } from '../src/network/design.ts';
import { planAny } from '../src/network/plan.ts';

describe('dense wide input beats ("beat": k elements per input beat), every shape', () => {
  for (const c of WIDE_CASES.filter(([n, m]) => !(n === 16 && m === 6))) itWideCase(c);
});

describe('dense co-simulation: the shapes and modes the default suite leaves out', () => {
  it('16 -> 10, P = 1, identity, convergent: bit-exact, cycles as predicted', async () => {
    const layer = dense({
      inputs: 16, outputs: 10, lanes: 1,
      weights: { format: { int: 0, frac: 7 }, init: 'random', seed: 3, scale: 0.5 },
      output: { format: { int: 1, frac: 6 } },
    });
    const { full } = await expectExact(layer, 200);
    expect(full.cycles.predictedLatency).toBe(16 + 10 * 16 + 3);
    // two input buffers: the load of the next vector hides under the 10 x 16 issues
    expect(full.cycles.predictedPeriod).toBe(10 * 16);
  });
  it('187 -> 5, P = 2 (m not a multiple of P), ReLU, truncate', async () => {
    const layer = dense({
      inputs: 187, outputs: 5, lanes: 2,
      weights: { format: { int: 0, frac: 7 }, biasFormat: { int: 1, frac: 6 }, init: 'random', seed: 5, scale: 0.25 },
      output: { format: { int: 1, frac: 6 }, rounding: 'truncate' },
      activation: 'relu',
    });
    expect(layer.plan.groups).toBe(3);
    expect(layer.plan.lastLanes).toBe(1);
    await expectExact(layer, 200);
    const ys = expectedOutputs(layer, 200, 7);
    expect(ys.some((y) => y === 0)).toBe(true);
    expect(ys.every((y) => y >= 0)).toBe(true);
  });
  it('64 -> 32, P = 4, hardtanh, half-up: bit-exact, and the clip is exercised', async () => {
    const layer = dense({
      inputs: 64, outputs: 32, lanes: 4,
      weights: { format: { int: 1, frac: 6 }, init: 'random', seed: 9, scale: 0.9 },
      output: { format: { int: 2, frac: 5 }, rounding: 'half-up' },
      activation: 'hardtanh',
    });
    expect([layer.plan.clipLo, layer.plan.clipHi]).toEqual([-32, 32]);
    await expectExact(layer, 200);
    const ys = expectedOutputs(layer, 200, 7);
    expect(ys.some((y) => y === 32)).toBe(true);
    expect(ys.some((y) => y === -32)).toBe(true);
    expect(ys.some((y) => y > -32 && y < 32 && y !== 0)).toBe(true);
    // Harsh stalls: the consumer takes a beat one cycle in five.
    const harsh = await cosimLayer(layer, { vectors: 40, seed: 11, validPct: 95, readyPct: 20 });
    expect(harsh.mismatches.map(formatMismatch)).toEqual([]);
    expect(harsh.exact).toBe(40);
  });
  it('overflow: wrap, P = m (one group); the sticky flag matches, and stays low when nothing overflows', async () => {
    // Explicit real weights; a Q0.4 output of a Q2.9 accumulator overflows on large inputs.
    const layer = dense({
      inputs: 6, outputs: 3, lanes: 3,
      input: { int: 1, frac: 4 },
      weights: {
        format: { int: 1, frac: 5 },
        values: [
          [0.75, -0.5, 1.25, 0.03125, -1.96875, 0.5],
          [-1, -1, -1, -1, -1, -1],
          [0.1, 0.2, 0.3, -0.4, -0.5, 0.6], // not exactly representable: quantised (convergent)
        ],
        bias: [0.5, -0.25, 0],
      },
      output: { format: { int: 0, frac: 4 }, overflow: 'wrap' },
    });
    expect(layer.plan.w[2]).toEqual([3, 6, 10, -13, -16, 19]);
    const { stalled } = await expectExact(layer, 200);
    expect(stalled.overflowExpected).toBe(true);
    expect(stalled.overflowGot).toBe(true);
    // Small inputs (raw -1..1 in Q1.4): every output fits, the flag stays low.
    const small = Array.from({ length: 30 }, (_, k) => ({
      kind: 'random' as const,
      x: Array.from({ length: 6 }, (_, i) => ((k + i) % 3) - 1),
    }));
    const quiet = await cosimLayer(layer, { inputs: small, validPct: 70, readyPct: 60 });
    expect(quiet.mismatches.map(formatMismatch)).toEqual([]);
    expect(quiet.exact).toBe(30);
    expect(quiet.overflowExpected).toBe(false);
    expect(quiet.overflowGot).toBe(false);
  });
  it('n = 1, raw weights, a bias format of its own, saturate on a narrow output', async () => {
    // One MAC per row: a finished group every cycle, the tightest case for the output stage.
    const layer = dense({
      inputs: 1, outputs: 3, lanes: 2,
      input: { int: 2, frac: 2 },
      weights: {
        format: { int: 0, frac: 2 }, biasFormat: { int: 3, frac: 1 },
        values: [[3], [-4], [1]], bias: [1, -16, 15], raw: true,
      },
      output: { format: { int: 1, frac: 1 } },
    });
    expect(layer.plan.biasShift).toBe(3);
    const { stalled } = await expectExact(layer, 200);
    expect(stalled.overflowExpected).toBe(true);
    const harsh = await cosimLayer(layer, { vectors: 100, seed: 3, validPct: 90, readyPct: 15 });
    expect(harsh.mismatches.map(formatMismatch)).toEqual([]);
    expect(harsh.exact).toBe(100);
  });
});

describe('dense wide input beats: one element per beat against beats, and the timing face beat by beat', () => {
  it('the same values as one element per beat (the reference does not know the beat)', { tags: ['tools'] }, async () => {
    const narrow = await cosimLayer(wide(12, 5, 2, 1, 1, 'relu'), { vectors: 40, seed: 3 });
    const layer = wide(12, 5, 2, 1, 1, 'relu');
    const widened = dense({ ...(layer.spec as object), beat: 4 });
    const got = await cosimLayer(widened, { vectors: 40, seed: 3 });
    expect(got.mismatches.map(formatMismatch)).toEqual([]);
    expect(got.exact).toBe(40);
    expect(narrow.exact).toBe(40);
    // the load shrinks from 12 beats to 3: the one-buffer period and the latency lose 9 cycles each
    expect(narrow.cycles.predictedPeriod - got.cycles.predictedPeriod).toBe(9);
    expect(narrow.cycles.predictedLatency - got.cycles.predictedLatency).toBe(9);
  });
  for (const buffers of [1, 2]) {
    it(`24 -> 5, P = 2, beat 4, ${buffers} buffer(s): every output beat and the next first input land where the timing face says`, { tags: ['tools'] }, async () => {
      const layer = wide(24, 5, 2, 4, buffers, 'identity');
      const vectors = makeVectors(5, 24, layer.plan.xWidth, 4);
      // full rate: input beat i (elements 4i..4i+3) of vector k is taken at firstIn[k] + i
      const res = await simulateStream(layer.kind.rtl(layer.plan), vectors.map((v) => Array.from({ length: 6 }, (_, b) => v.x.slice(4 * b, 4 * b + 4))));
      const timing = layer.kind.timing(layer.plan);
      let prev: { inputs: number[]; outputs: number[] } | undefined;
      for (let k = 0; k < vectors.length; k++) {
        const inputs = Array.from({ length: 6 }, (_, i) => res.firstIn[k] + i);
        const outs = timing.outputs(inputs, prev);
        expect(res.beats[k].map((b) => b.cycle)).toEqual(outs);
        expect(res.outputs[k]).toEqual(layer.kind.reference(layer.plan, vectors[k].x).y);
        if (k + 1 < vectors.length) expect(res.firstIn[k + 1]).toBe(timing.nextReady(inputs, outs, prev));
        prev = { inputs, outputs: outs };
      }
    });
  }
});

describe('dense weights in SPRAM: 8-bit and 32-bit words', () => {
  it('12 -> 3, P = 1 (8-bit words), ReLU, and 9 -> 8, P = 4 (32-bit words, the widest a load write carries), hardtanh', async () => {
    await expectExact(dense(spramSpec(1, { inputs: 12, outputs: 3, activation: 'relu' })), 100);
    const wide = dense(spramSpec(4, { inputs: 9, outputs: 8, activation: 'hardtanh' }));
    expect(wide.plan.wordWidth).toBe(32);
    // a word whose top lane is negative is above 2^31 as an unsigned load value
    expect(denseLoadWords(wide.plan).some((w) => w >= 2 ** 31)).toBe(true);
    await expectExact(wide, 100);
  });
});
