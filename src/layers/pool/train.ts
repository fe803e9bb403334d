/**
 * Pool train face: no learnable tensors; max passes the gradient to the
 * first largest element of each window, average to every element / window².
 */
import type { TrainFace } from '../types.ts';
import type { PoolSpec } from './spec.ts';
import type { PoolPlan } from './plan.ts';
import { poolWindow } from './reference.ts';

const windowCache = new WeakMap<PoolPlan, Int32Array>();

/** Every output's window (input indices, the issue order), output after output in stream order; cached per plan. */
function windows(p: PoolPlan): Int32Array {
  let w = windowCache.get(p);
  if (!w) {
    const all: number[] = [];
    for (let oy = 0; oy < p.ho; oy++) for (let ox = 0; ox < p.wo; ox++) for (let c = 0; c < p.c; c++) all.push(...poolWindow(p, oy, ox, c));
    w = Int32Array.from(all);
    windowCache.set(p, w);
  }
  return w;
}

export const poolTrain: TrainFace<PoolSpec, PoolPlan> = {
  tensors: () => [],
  values: () => ({}),
  acceptsRaw: true,
  inject: (spec) => spec,
  forward(p, _prm, x) {
    const win = windows(p);
    const n = p.kh * p.k;
    const y = new Float64Array(win.length / n);
    for (let o = 0, j = 0; o < y.length; o++) {
      if (p.op === 'max') {
        let best = x[win[j++]];
        for (let e = 1; e < n; e++, j++) if (x[win[j]] > best) best = x[win[j]];
        y[o] = best;
      } else {
        let s = 0;
        for (let e = 0; e < n; e++, j++) s += x[win[j]];
        y[o] = s / n;
      }
    }
    return { y, cache: x };
  },
  backward(p, _prm, r, dy) {
    const x = r.cache as Float64Array;
    const win = windows(p);
    const n = p.kh * p.k;
    const dx = new Float64Array(x.length);
    for (let o = 0; o < dy.length; o++) {
      const j = o * n;
      if (p.op === 'max') {
        let best = win[j];
        for (let e = 1; e < n; e++) if (x[win[j + e]] > x[best]) best = win[j + e];
        dx[best] += dy[o];
      } else {
        for (let e = 0; e < n; e++) dx[win[j + e]] += dy[o] / n;
      }
    }
    return dx;
  },
};
