/**
 * Dense reference face: y = act(requant(W x + bias)) exactly as the hardware
 * computes it. The accumulator is exact (sized in plan.ts for any input and
 * weight of the formats, and below 2^48, so JavaScript numbers are exact), so
 * the only rounding is the final requantisation; the activation follows it.
 */
import { requantActivate, toReal } from '../../fixed/index.ts';
import type { ReferenceResult } from '../types.ts';
import type { Activation } from './spec.ts';
import type { DensePlan } from './plan.ts';

/** Exact accumulators: bias_i * 2^biasShift + sum_j w_ij x_j, before requantisation. */
export function denseAccumulate(p: DensePlan, x: readonly number[]): number[] {
  if (x.length !== p.n) throw new RangeError(`dense ${p.name}: expected ${p.n} inputs, got ${x.length}`);
  const acc = new Array<number>(p.m);
  const align = 2 ** p.biasShift;
  for (let i = 0; i < p.m; i++) {
    const row = p.w[i];
    let s = p.bias[i] * align;
    for (let j = 0; j < p.n; j++) s += row[j] * x[j];
    acc[i] = s;
  }
  return acc;
}

/** The activation on a raw output value (hardtanh limits from the plan). */
export function activateRaw(p: Pick<DensePlan, 'activation' | 'clipLo' | 'clipHi'>, v: number): number {
  switch (p.activation) {
    case 'relu':
      return v < 0 ? 0 : v;
    case 'hardtanh':
      return v < p.clipLo ? p.clipLo : v > p.clipHi ? p.clipHi : v;
    default:
      return v;
  }
}

export function denseReference(p: DensePlan, x: readonly number[]): ReferenceResult {
  const acc = denseAccumulate(p, x);
  const y = new Array<number>(p.m);
  let overflow = false;
  for (let i = 0; i < p.m; i++) {
    const r = requantActivate(acc[i], p.requant, (v) => activateRaw(p, v));
    overflow ||= r.overflow;
    y[i] = r.value;
  }
  return { y, overflow };
}

export function activateReal(a: Activation, v: number): number {
  if (a === 'relu') return v < 0 ? 0 : v;
  if (a === 'hardtanh') return v < -1 ? -1 : v > 1 ? 1 : v;
  return v;
}

/** The real-valued layer with the spec's real weights and biases, on the real value of the input. */
export function denseFloat(p: DensePlan, x: readonly number[]): number[] {
  const xr = x.map((v) => toReal(v, p.xFormat));
  const out = new Array<number>(p.m);
  for (let i = 0; i < p.m; i++) {
    const row = p.wReal[i];
    let s = p.biasReal[i];
    for (let j = 0; j < p.n; j++) s += row[j] * xr[j];
    out[i] = activateReal(p.activation, s);
  }
  return out;
}
