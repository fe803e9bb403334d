/**
 * FFT co-simulation: run complex vectors through the generated RTL
 * (src/sim/stream.ts, Verilator) and through the bit-exact model, and compare
 * value for value, with the overflow flag and the cycle counts.
 */
import { maxOf, minOf } from '../fixed/index.ts';
import { simulateStream, type StreamOptions, type StreamResult } from '../sim/stream.ts';
import { fftCost } from './cost.ts';
import { fftFixed, type Cplx } from './reference.ts';
import type { FftDesign } from './rtl.ts';

export type FftVectorKind = 'all-max' | 'all-min' | 'alternating' | 'zeros' | 'impulse' | 'random';

export interface FftVector {
  kind: FftVectorKind;
  x: Cplx[];
}

/** mulberry32: a small seeded PRNG, enough for test vectors. Returns [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` complex vectors of n samples with w-bit parts: the corner cases
 * first (all-max, all-min, both alternating extremes, zeros, impulses at the
 * start, end and middle), then uniform random over the full w-bit range.
 */
export function makeFftVectors(count: number, n: number, w: number, seed = 1): FftVector[] {
  const hi = maxOf(w);
  const lo = minOf(w);
  const fill = (f: (i: number) => Cplx): Cplx[] => Array.from({ length: n }, (_, i) => f(i));
  const corners: FftVector[] = [
    { kind: 'all-max', x: fill(() => [hi, hi]) },
    { kind: 'all-min', x: fill(() => [lo, lo]) },
    { kind: 'alternating', x: fill((i) => (i % 2 ? [lo, hi] : [hi, lo])) },
    { kind: 'alternating', x: fill((i) => (i % 2 ? [hi, hi] : [lo, lo])) },
    { kind: 'zeros', x: fill(() => [0, 0]) },
    { kind: 'impulse', x: fill((i) => (i === 0 ? [hi, 0] : [0, 0])) },
    { kind: 'impulse', x: fill((i) => (i === n - 1 ? [lo, lo] : [0, 0])) },
    { kind: 'impulse', x: fill((i) => (i === n >> 1 ? [0, hi] : [0, 0])) },
  ];
  const out = corners.slice(0, count);
  const rnd = mulberry32(seed);
  const span = hi - lo + 1;
  const next = (): number => lo + Math.floor(rnd() * span);
  while (out.length < count) out.push({ kind: 'random', x: fill(() => [next(), next()]) });
  return out;
}

export interface FftMismatch {
  vector: number;
  kind: FftVectorKind;
  index: number;
  expected: Cplx | string;
  got: Cplx | string;
}

export interface FftCosimReport {
  vectors: number;
  exact: number;
  mismatches: FftMismatch[];
  overflowExpected: boolean;
  overflowGot: boolean;
  /** per vector: last output cycle - first input cycle */
  measuredLatencyLast: number[];
  /** per vector: first output cycle - first input cycle */
  measuredLatencyFirst: number[];
  predictedLatencyFirst: number;
  predictedLatencyLast: number;
  expected: Cplx[][];
  got: Cplx[][];
  sim: StreamResult;
}

export async function cosimFft(design: FftDesign, vectors: readonly FftVector[], opts: StreamOptions = {}): Promise<FftCosimReport> {
  const expectedRuns = vectors.map((v) => fftFixed(design.plan, v.x));
  const sim = await simulateStream(design, vectors.map((v) => v.x.map((c) => [c[0], c[1]])), opts);
  const mismatches: FftMismatch[] = [];
  const got: Cplx[][] = sim.outputs.map((flat) => Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]] as Cplx));
  let exact = 0;
  vectors.forEach((v, k) => {
    const want = expectedRuns[k].y;
    const have = got[k] ?? [];
    let ok = have.length === want.length;
    if (!ok) mismatches.push({ vector: k, kind: v.kind, index: -1, expected: `${want.length} samples`, got: `${have.length} samples` });
    for (let i = 0; i < Math.min(want.length, have.length); i++) {
      if (want[i][0] !== have[i][0] || want[i][1] !== have[i][1]) {
        ok = false;
        if (mismatches.length < 20) mismatches.push({ vector: k, kind: v.kind, index: i, expected: want[i], got: have[i] });
      }
    }
    // m_last must mark exactly the last beat of each vector
    const beats = sim.beats[k] ?? [];
    beats.forEach((b, i) => {
      if (b.last !== (i === beats.length - 1) && mismatches.length < 20) {
        ok = false;
        mismatches.push({ vector: k, kind: v.kind, index: i, expected: `m_last=${i === beats.length - 1}`, got: `m_last=${b.last}` });
      }
    });
    if (ok) exact++;
  });
  const cost = fftCost(design.plan);
  return {
    vectors: vectors.length,
    exact,
    mismatches,
    overflowExpected: expectedRuns.some((r) => r.overflow),
    overflowGot: sim.overflow,
    measuredLatencyLast: sim.lastOut.map((c, k) => c - sim.firstIn[k]),
    measuredLatencyFirst: sim.beats.map((b, k) => (b.length ? b[0].cycle - sim.firstIn[k] : -1)),
    predictedLatencyFirst: cost.latencyFirst,
    predictedLatencyLast: cost.latencyLast,
    expected: expectedRuns.map((r) => r.y),
    got,
    sim,
  };
}
