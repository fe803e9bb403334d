/**
 * Conv2d reference face: every output pixel is a dense layer over its K x K x C
 * window (zeros outside the image), exactly as the hardware computes it: an
 * exact accumulator from the aligned bias, then one requantisation and the
 * activation. Input and output in the stream order of spec.ts (raster,
 * channels within a pixel).
 */
import { requantActivate, toReal } from '../../fixed/index.ts';
import { activateRaw, activateReal } from '../dense/reference.ts';
import type { ReferenceResult } from '../types.ts';
import type { Conv2dPlan } from './plan.ts';

/**
 * The window of output pixel (oy, ox) in the issue order (ky, kx, c), with
 * zero for a padded position: what one output beat's K*K*C issues read.
 */
export function convWindow<T>(p: Conv2dPlan, x: ArrayLike<T>, oy: number, ox: number, zero: T): T[] {
  const win: T[] = [];
  for (let ky = 0; ky < p.kh; ky++) {
    const iy = oy * p.stride - p.padTop + ky;
    for (let kx = 0; kx < p.k; kx++) {
      const ix = ox * p.stride - p.padLeft + kx;
      const inside = iy >= 0 && iy < p.h && ix >= 0 && ix < p.w;
      const base = (iy * p.w + ix) * p.c;
      for (let c = 0; c < p.c; c++) win.push(inside ? x[base + c] : zero);
    }
  }
  return win;
}

export function conv2dReference(p: Conv2dPlan, x: readonly number[]): ReferenceResult {
  const n = p.h * p.w * p.c;
  if (x.length !== n) throw new RangeError(`conv2d ${p.name}: expected ${n} inputs, got ${x.length}`);
  const y: number[] = [];
  let overflow = false;
  const align = 2 ** p.biasShift;
  for (let oy = 0; oy < p.ho; oy++) {
    for (let ox = 0; ox < p.wo; ox++) {
      const win = convWindow(p, x, oy, ox, 0);
      for (let o = 0; o < p.m; o++) {
        const row = p.weights[o];
        let s = p.bias[o] * align;
        for (let i = 0; i < p.kk; i++) s += row[i] * win[i];
        const r = requantActivate(s, p.requant, (v) => activateRaw(p, v));
        overflow ||= r.overflow;
        y.push(r.value);
      }
    }
  }
  return { y, overflow };
}

/** The real-valued layer on reals (the train face's forward, and float() on the real values of raw inputs). */
export function conv2dFloatReal(p: Conv2dPlan, wReal: ArrayLike<number>[], biasReal: ArrayLike<number>, xr: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let oy = 0; oy < p.ho; oy++) {
    for (let ox = 0; ox < p.wo; ox++) {
      const win = convWindow(p, xr, oy, ox, 0);
      for (let o = 0; o < p.m; o++) {
        const row = wReal[o];
        let s = biasReal[o];
        for (let i = 0; i < p.kk; i++) s += row[i] * win[i];
        out.push(activateReal(p.activation, s));
      }
    }
  }
  return out;
}

export function conv2dFloat(p: Conv2dPlan, x: readonly number[]): number[] {
  return conv2dFloatReal(p, p.wReal, p.biasReal, x.map((v) => toReal(v, p.xFormat)));
}
