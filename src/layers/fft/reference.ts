/**
 * FFT reference face: the bit-exact model (src/fft/reference.ts fftFixed for
 * the pipeline, src/fft/folded.ts foldedFftFixed for the folded engine) and
 * the ideal transform (fft.js, with the design's scaling and orders), on flat
 * vectors: sample i is elements 2i (re) and 2i + 1 (im).
 */
import { fftFixed, fftIdeal, foldedFftFixed, foldedFftIdeal, makeFftVectors, type Cplx } from '../../fft/index.ts';
import type { LabelledVector } from '../../sim/vectors.ts';
import type { ReferenceResult } from '../types.ts';
import { isFolded, type FftLayerPlan } from './plan.ts';

export function toSamples(x: readonly number[]): Cplx[] {
  if (x.length % 2) throw new RangeError(`fft: a flat vector of ${x.length} elements is not whole complex samples`);
  return Array.from({ length: x.length / 2 }, (_, i) => [x[2 * i], x[2 * i + 1]] as Cplx);
}

export const flatten = (s: readonly Cplx[]): number[] => s.flatMap(([re, im]) => [re, im]);

export function fftLayerReference(p: FftLayerPlan, x: readonly number[]): ReferenceResult {
  const r = isFolded(p) ? foldedFftFixed(p, toSamples(x)) : fftFixed(p, toSamples(x));
  return { y: flatten(r.y), overflow: r.overflow };
}

export function fftLayerFloat(p: FftLayerPlan, x: readonly number[]): number[] {
  return flatten(isFolded(p) ? foldedFftIdeal(p, toSamples(x)) : fftIdeal(p, toSamples(x)));
}

/**
 * Test vectors with the corner cases per complex sample (both parts at the
 * extremes, impulses as single samples), then uniform random samples.
 */
export function fftLayerVectors(p: FftLayerPlan, count: number, seed: number): LabelledVector[] {
  return makeFftVectors(count, p.n, p.inWidth, seed).map((v) => ({ kind: v.kind, x: flatten(v.x) }));
}
