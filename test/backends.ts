/**
 * The two simulator back ends against each other: the same design, the same
 * vectors and the same stall pattern on Verilator and on CXXRTL (WebAssembly)
 * must give the same output beats (values, keep, last, cycle stamps), the
 * same first-input cycles, the same overflow flag and the same cycle count,
 * vector for vector; and both must equal the reference model.
 *
 * Also the random small layer configurations the cross-check tests draw,
 * from a seeded generator per layer kind (sizes kept small: the compile of
 * each design dominates, see the README's sim section).
 */
import { describe, expect, it } from 'vitest';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { type DesignUnderTest } from '../src/sim/cosim.ts';
import { layerDut } from '../src/network/layer-dut.ts';
import { loadLayerSpec } from '../src/layers/load.ts';
import { simulateStream, type StreamResult } from '../src/sim/stream.ts';
import { makeVectors } from '../src/sim/vectors.ts';

export interface CrossCheck { vectors: number; cycles: number; seconds: { verilator: number; cxxrtl: number } }

const rawOf = (r: StreamResult) => ({ outputs: r.outputs, beats: r.beats, firstIn: r.firstIn, lastOut: r.lastOut, overflow: r.overflow, totalCycles: r.totalCycles });

/** Run `dut` on both back ends at full rate and under stalls; assert identical records and bit-exact outputs. */
export async function crossCheck(dut: DesignUnderTest, count: number, seed: number): Promise<CrossCheck> {
  const inputs = dut.vectors?.(count, seed) ?? makeVectors(count, dut.inputs, dut.inWidth, seed);
  const lanes = dut.rtl.io.inLanes;
  const beats = inputs.map((v) => Array.from({ length: Math.ceil(v.x.length / lanes) }, (_, b) => v.x.slice(b * lanes, b * lanes + lanes)));
  const expected = inputs.map((v) => dut.reference(v.x));
  const seconds = { verilator: 0, cxxrtl: 0 };
  let cycles = 0;
  for (const stalls of [{ validPct: 100, readyPct: 100 }, { validPct: 70, readyPct: 60 }]) {
    // both builds at once: Verilator's compiler runs as a child process while clang (WebAssembly) holds this thread
    const [v, c] = await Promise.all([
      simulateStream(dut.rtl, beats, { ...stalls, seed, simulator: 'verilator' }),
      simulateStream(dut.rtl, beats, { ...stalls, seed, simulator: 'cxxrtl' }),
    ]);
    expect(v.simulator).toBe('verilator');
    expect(c.simulator).toBe('cxxrtl');
    seconds.verilator += v.buildSeconds + v.runSeconds;
    seconds.cxxrtl += c.buildSeconds + c.runSeconds;
    // vector for vector, so a failure names the first vector that differs
    for (let k = 0; k < count; k++) {
      expect({ vector: k, outputs: c.outputs[k], beats: c.beats[k], firstIn: c.firstIn[k] }, `${dut.label}: vector ${k}, stalls ${JSON.stringify(stalls)}`)
        .toEqual({ vector: k, outputs: v.outputs[k], beats: v.beats[k], firstIn: v.firstIn[k] });
      expect(c.outputs[k], `${dut.label}: vector ${k} against the reference`).toEqual(expected[k].y);
    }
    expect(rawOf(c)).toEqual(rawOf(v));
    expect(c.overflow).toBe(expected.some((e) => e.overflow));
    cycles += c.totalCycles;
  }
  return { vectors: count, cycles, seconds };
}

type Rng = { int(lo: number, hi: number): number; pick<T>(xs: readonly T[]): T; bool(): boolean };

function rng(seed: number): Rng {
  const g = xoroshiro128plus(seed);
  const int = (lo: number, hi: number) => uniformInt(g, lo, hi);
  return { int, pick: (xs) => xs[int(0, xs.length - 1)], bool: () => int(0, 1) === 1 };
}

const fmt = (r: Rng, width: number) => {
  const int = r.int(0, 2);
  return { int, frac: width - 1 - int };
};

/**
 * A random small spec of each layer kind. Every generator draws the fields
 * that change the hardware (sizes, lanes, formats, rounding, overflow,
 * activations, memories) within ranges that keep the compile short.
 */
export const RANDOM_SPECS: Record<string, (r: Rng, name: string, big: boolean) => Record<string, unknown>> = {
  tvscm: (r, name) => ({
    kind: 'tvscm', name, n: r.int(6, 24), lanes: r.int(1, 3),
    placement: r.bool() ? { type: 'band', radius: r.int(1, 2) } : { type: 'complement' },
    weights: { a: r.pick([0.5, 0.75, -0.25, -1]), b: r.pick([-0.25, 0.125, 0.0625, -0.5]) },
    input: fmt(r, 8),
    output: { format: fmt(r, 8), relu: r.bool(), rounding: r.pick(['convergent', 'half-up', 'truncate']), overflow: r.pick(['saturate', 'wrap']) },
  }),
  dense: (r, name) => {
    const outputs = r.int(1, 8);
    return {
    kind: 'dense', name, inputs: r.int(2, 12), outputs, lanes: r.int(1, Math.min(3, outputs)),
    weights: { init: 'random', seed: r.int(0, 1000) },
    input: fmt(r, 8), activation: r.pick(['identity', 'relu']),
    output: { format: fmt(r, 8), rounding: r.pick(['convergent', 'half-up', 'truncate']), overflow: r.pick(['saturate', 'wrap']) },
    };
  },
  activation: (r, name) => ({ kind: 'activation', name, n: r.int(1, 12), function: r.pick(['identity', 'relu', 'hardtanh']), input: fmt(r, 8) }),
  argmax: (r, name) => ({ kind: 'argmax', name, n: r.int(2, 12), input: fmt(r, 8) }),
  circulant: (r, name, big) => {
    const inputs = r.int(4, big ? 16 : 8);
    return {
      kind: 'circulant', name, inputs, outputs: r.int(2, big ? 16 : 8), input: fmt(r, 8), signs: { seed: r.int(0, 100) },
      weights: { init: 'random', seed: r.int(0, 1000) }, fft: { dataWidth: r.pick([12, 14, 16]), multipliers: r.pick([3, 4]) },
      output: { format: fmt(r, 8) },
    };
  },
  'diag-circulant': (r, name, big) => ({
    kind: 'diag-circulant', name, inputs: r.int(4, big ? 16 : 8), outputs: r.int(2, big ? 16 : 8), input: fmt(r, 8),
    weights: { init: 'random', seed: r.int(0, 1000) }, activation: r.pick(['identity', 'relu']), output: { format: fmt(r, 8) },
  }),
  'block-circulant': (r, name, big) => {
    const blockSize = big ? r.pick([4, 8]) : 4;
    const p = r.int(1, 2);
    return {
      kind: 'block-circulant', name, blockSize, inputs: blockSize * r.int(1, 3), outputs: blockSize * p - r.int(0, 2),
      macs: r.int(1, p), input: fmt(r, 8), weights: { init: 'random', seed: r.int(0, 1000) }, output: { format: fmt(r, 8) },
    };
  },
  fft: (r, name, big) => ({
    kind: 'fft', name, n: r.pick(big ? [4, 8, 16] : [4, 8]), dataWidth: r.int(8, 14), twiddleWidth: r.int(8, 14), multipliers: r.pick([3, 4]),
    inverse: r.bool(), naturalOrder: r.bool(), scaling: r.pick(['unit', 'none']), rounding: r.pick(['convergent', 'truncate']),
  }),
  conv2d: (r, name, big) => {
    const channels = r.int(1, 2);
    const outChannels = r.int(1, 3);
    return {
      kind: 'conv2d', name, height: r.int(3, big ? 8 : 5), width: r.int(3, big ? 8 : 5), channels, outChannels,
      kernel: r.int(1, 3), stride: r.int(1, 2), padding: 'same', lanes: r.int(1, outChannels), beat: r.pick([1, channels]),
      input: fmt(r, 8), weights: { init: 'random', seed: r.int(0, 1000) }, activation: r.pick(['identity', 'relu']),
      output: { format: fmt(r, 8), rounding: r.pick(['convergent', 'half-up', 'truncate']), overflow: r.pick(['saturate', 'wrap']) },
    };
  },
  conv1d: (r, name) => {
    const outChannels = r.int(1, 3);
    return {
      kind: 'conv1d', name, length: r.int(4, 12), channels: r.int(1, 2), outChannels, kernel: r.int(1, 4), stride: r.int(1, 2),
      padding: r.pick(['valid', 'same']), lanes: r.int(1, outChannels), beat: 1,
      input: fmt(r, 8), weights: { init: 'random', seed: r.int(0, 1000) }, activation: r.pick(['identity', 'relu']), output: { format: fmt(r, 8) },
    };
  },
  pool: (r, name) => {
    const channels = r.int(1, 3);
    return {
      kind: 'pool', name, height: r.int(2, 6), width: r.int(2, 6), channels, op: r.pick(['max', 'average']), window: 2, stride: r.int(1, 2),
      beat: r.pick([1, channels]), input: fmt(r, 8),
    };
  },
};

/**
 * `count` random specs of one kind, numbered from `first` (names are Verilog
 * identifiers). `big` widens the FFT-based kinds' sizes (to 16 points): the
 * deep sweep's ranges; the default suite keeps them at 8 points or fewer,
 * since those designs' compiles dominate its time.
 */
export function randomSpecs(kind: string, count: number, seed: number, first = 0, big = false): Record<string, unknown>[] {
  const r = rng(seed);
  const all = Array.from({ length: first + count }, (_, i) => RANDOM_SPECS[kind](r, `x_${kind.replace(/-/g, '_')}_${i}`, big));
  return all.slice(first);
}

/**
 * The CI cross-check of one kind: `count` random small configurations
 * (randomSpecs(kind, count, 12)), 12 vectors each, identical on both back
 * ends. Each sim-backends-<kind> test file (tvscm and dense in the default suite, the other kinds in `npm run test:deep`) calls it once, so that each
 * kind runs in a vitest worker process of its own.
 */
export function crossCheckKind(kind: string, count = 2): void {
  describe('Verilator and CXXRTL give identical results', () => {
    it(`${kind}: two random small configurations`, async () => {
      for (const spec of randomSpecs(kind, count, 12)) {
        const dut = layerDut(loadLayerSpec(spec));
        const r = await crossCheck(dut, 12, 5);
        console.log(`${spec.name} ${JSON.stringify(spec)}: identical over ${r.cycles} cycles; verilator ${r.seconds.verilator.toFixed(1)} s, cxxrtl ${r.seconds.cxxrtl.toFixed(1)} s`);
      }
    });
  });
}
