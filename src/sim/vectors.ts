/**
 * Test vectors for a layer: the corner cases first (all-max, all-min,
 * alternating extremes, zeros, single impulses), then seeded random ones.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { maxOf, minOf } from '../fixed/index.ts';

export type VectorKind = 'all-max' | 'all-min' | 'alternating' | 'zeros' | 'impulse' | 'random' | 'dataset';

export interface LabelledVector {
  kind: VectorKind;
  x: number[];
}

/** A seeded generator of uniform raw values in a w-bit signed range. */
export function rawGenerator(seed: number, w: number): () => number {
  // pure-rand 8 generators are mutable: each call advances `rng`.
  const rng = xoroshiro128plus(seed);
  const lo = minOf(w);
  const hi = maxOf(w);
  return () => uniformInt(rng, lo, hi);
}

/**
 * `count` vectors of length n with w-bit raw values. The first ones are the
 * corner cases (as many as fit), the rest uniform random from `seed`.
 */
export function makeVectors(count: number, n: number, w: number, seed = 1): LabelledVector[] {
  return [...vectorStream(count, n, w, seed)];
}

/** The vectors of makeVectors, one at a time (a large set never holds them all as arrays). */
export function* vectorStream(count: number, n: number, w: number, seed = 1): Generator<LabelledVector> {
  const hi = maxOf(w);
  const lo = minOf(w);
  const corners: (() => LabelledVector)[] = [
    () => ({ kind: 'all-max', x: new Array(n).fill(hi) }),
    () => ({ kind: 'all-min', x: new Array(n).fill(lo) }),
    () => ({ kind: 'alternating', x: Array.from({ length: n }, (_, i) => (i % 2 ? lo : hi)) }),
    () => ({ kind: 'alternating', x: Array.from({ length: n }, (_, i) => (i % 2 ? hi : lo)) }),
    () => ({ kind: 'zeros', x: new Array(n).fill(0) }),
    // impulses at both ends (where the circulant wraps) and in the middle
    () => ({ kind: 'impulse', x: Array.from({ length: n }, (_, i) => (i === 0 ? hi : 0)) }),
    () => ({ kind: 'impulse', x: Array.from({ length: n }, (_, i) => (i === n - 1 ? lo : 0)) }),
    () => ({ kind: 'impulse', x: Array.from({ length: n }, (_, i) => (i === n >> 1 ? hi : 0)) }),
  ];
  let made = 0;
  for (; made < Math.min(count, corners.length); made++) yield corners[made]();
  const next = rawGenerator(seed, w);
  for (; made < count; made++) {
    const x = new Array<number>(n);
    for (let i = 0; i < n; i++) x[i] = next();
    yield { kind: 'random', x };
  }
}
