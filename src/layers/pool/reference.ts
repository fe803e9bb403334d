/**
 * Pool reference face: per output pixel and channel, the largest value of
 * the window (max) or its exact sum (average), requantised to the output
 * (the sum's shift includes the division by window²). Stream order in and
 * out: raster, channels within a pixel.
 */
import { requantize, toReal } from '../../fixed/index.ts';
import type { ReferenceResult } from '../types.ts';
import type { PoolPlan } from './plan.ts';

/** Input indices of the window of output pixel (oy, ox), channel c, in the issue order (ky, kx). */
export function poolWindow(p: PoolPlan, oy: number, ox: number, c: number): number[] {
  const idx: number[] = [];
  for (let ky = 0; ky < p.kh; ky++) {
    for (let kx = 0; kx < p.k; kx++) idx.push(((oy * p.stride + ky) * p.w + ox * p.stride + kx) * p.c + c);
  }
  return idx;
}

function each(p: PoolPlan, f: (win: number[]) => void): void {
  for (let oy = 0; oy < p.ho; oy++) for (let ox = 0; ox < p.wo; ox++) for (let c = 0; c < p.c; c++) f(poolWindow(p, oy, ox, c));
}

export function poolReference(p: PoolPlan, x: readonly number[]): ReferenceResult {
  const n = p.h * p.w * p.c;
  if (x.length !== n) throw new RangeError(`pool ${p.name}: expected ${n} inputs, got ${x.length}`);
  const y: number[] = [];
  let overflow = false;
  each(p, (win) => {
    const acc = p.op === 'max' ? Math.max(...win.map((i) => x[i])) : win.reduce((s, i) => s + x[i], 0);
    const r = requantize(acc, p.requant);
    overflow ||= r.overflow;
    y.push(r.value);
  });
  return { y, overflow };
}

/** The real-valued pooling (max, or the mean) on reals. */
export function poolReal(p: PoolPlan, xr: ArrayLike<number>): number[] {
  const y: number[] = [];
  each(p, (win) => {
    const v = win.map((i) => xr[i]);
    y.push(p.op === 'max' ? Math.max(...v) : v.reduce((s, a) => s + a, 0) / v.length);
  });
  return y;
}

export function poolFloat(p: PoolPlan, x: readonly number[]): number[] {
  return poolReal(p, x.map((v) => toReal(v, p.xFormat)));
}
