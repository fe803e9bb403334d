/**
 * TVSCM reference face: y = W x exactly as the hardware computes it. The
 * accumulator is exact (it is sized for every input and weight in the
 * formats), so the only rounding is the final requantisation, then ReLU.
 */
import { identityRaw, requantActivate, reluRaw, toReal } from '../../fixed/index.ts';
import type { ReferenceResult } from '../types.ts';
import type { TvscmPlan } from './plan.ts';

/** Exact accumulators for weights a, b (raw), before requantisation. */
export function tvscmAccumulate(p: TvscmPlan, x: readonly number[], a = p.a, b = p.b): number[] {
  const n = p.n;
  const acc = new Array<number>(n);
  if (p.placement === 'band') {
    const r = p.radius;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 1; k <= r; k++) {
        const lo = i - k < 0 ? i - k + n : i - k;
        const hi = i + k >= n ? i + k - n : i + k;
        s += x[lo] + x[hi];
      }
      acc[i] = a * x[i] + b * s + 0; // + 0 turns a -0 (0 times a negative) into 0
    }
  } else {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i];
    const bs = b * s;
    const d = a - b;
    for (let i = 0; i < n; i++) acc[i] = d * x[i] + bs + 0; // + 0: no -0 from 0 times a negative
  }
  return acc;
}

export function tvscmReference(p: TvscmPlan, x: readonly number[], a = p.a, b = p.b): ReferenceResult {
  const acc = tvscmAccumulate(p, x, a, b);
  const y = new Array<number>(p.n);
  let overflow = false;
  for (let i = 0; i < p.n; i++) {
    const r = requantActivate(acc[i], p.requant, p.relu ? reluRaw : identityRaw);
    overflow ||= r.overflow;
    y[i] = r.value;
  }
  return { y, overflow };
}

/** The real-valued layer with the spec's real weights, on the real value of the input. */
export function tvscmFloat(p: TvscmPlan, x: readonly number[]): number[] {
  const xr = x.map((v) => toReal(v, p.xFormat));
  const n = p.n;
  const out = new Array<number>(n);
  const total = xr.reduce((s, v) => s + v, 0);
  for (let i = 0; i < n; i++) {
    let y: number;
    if (p.placement === 'band') {
      let s = 0;
      for (let k = 1; k <= p.radius; k++) s += xr[(i - k + n) % n] + xr[(i + k) % n];
      y = p.aReal * xr[i] + p.bReal * s;
    } else {
      y = (p.aReal - p.bReal) * xr[i] + p.bReal * total;
    }
    out[i] = p.relu && y < 0 ? 0 : y;
  }
  return out;
}
