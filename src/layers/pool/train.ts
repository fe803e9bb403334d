/**
 * Pool train face: no learnable tensors; max passes the gradient to the
 * first largest element of each window, average to every element / window².
 */
import type { TrainFace } from '../types.ts';
import type { PoolSpec } from './spec.ts';
import type { PoolPlan } from './plan.ts';
import { poolReal, poolWindow } from './reference.ts';

export const poolTrain: TrainFace<PoolSpec, PoolPlan> = {
  tensors: () => [],
  values: () => ({}),
  acceptsRaw: true,
  inject: (spec) => spec,
  forward: (p, _prm, x) => ({ y: Float64Array.from(poolReal(p, x)), cache: x }),
  backward(p, _prm, r, dy) {
    const x = r.cache as Float64Array;
    const dx = new Float64Array(x.length);
    let o = 0;
    for (let oy = 0; oy < p.ho; oy++) {
      for (let ox = 0; ox < p.wo; ox++) {
        for (let c = 0; c < p.c; c++, o++) {
          const win = poolWindow(p, oy, ox, c);
          if (p.op === 'max') {
            let best = win[0];
            for (const i of win) if (x[i] > x[best]) best = i;
            dx[best] += dy[o];
          } else {
            for (const i of win) dx[i] += dy[o] / win.length;
          }
        }
      }
    }
    return dx;
  },
};
