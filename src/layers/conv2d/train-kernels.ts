/**
 * The conv2d train face's arithmetic on reals, for training speed: the
 * taps of a plan are listed once (per plan, cached) as, for every weight
 * position (c, ky, kx), the pairs (output pixel, input index) that meet
 * inside the image; forward and backward then run flat loops over typed
 * arrays, one output channel at a time, with no bounds checks or
 * callbacks. The order of the additions is fixed by the plan, so a run is
 * deterministic.
 */
import type { Conv2dPlan } from './plan.ts';

/** Tap lists of a plan: for weight offset t (PyTorch order within one output channel: (c*kh + ky)*k + kx), pairs start[t] .. start[t+1]. */
interface Taps {
  start: Int32Array;
  outPix: Int32Array;
  inIdx: Int32Array;
}

const cache = new WeakMap<Conv2dPlan, Taps>();

function taps(p: Conv2dPlan): Taps {
  let t = cache.get(p);
  if (t) return t;
  const step = p.c * p.kh * p.k;
  const pairs: number[][] = Array.from({ length: step }, () => []);
  for (let oy = 0; oy < p.ho; oy++) {
    for (let ox = 0; ox < p.wo; ox++) {
      const pix = oy * p.wo + ox;
      for (let ky = 0; ky < p.kh; ky++) {
        const iy = oy * p.stride - p.padTop + ky;
        if (iy < 0 || iy >= p.h) continue;
        for (let kx = 0; kx < p.k; kx++) {
          const ix = ox * p.stride - p.padLeft + kx;
          if (ix < 0 || ix >= p.w) continue;
          for (let c = 0; c < p.c; c++) pairs[(c * p.kh + ky) * p.k + kx].push(pix, (iy * p.w + ix) * p.c + c);
        }
      }
    }
  }
  const start = new Int32Array(step + 1);
  for (let i = 0; i < step; i++) start[i + 1] = start[i] + pairs[i].length / 2;
  const outPix = new Int32Array(start[step]);
  const inIdx = new Int32Array(start[step]);
  for (let i = 0; i < step; i++) {
    for (let j = 0; j < pairs[i].length / 2; j++) {
      outPix[start[i] + j] = pairs[i][2 * j];
      inIdx[start[i] + j] = pairs[i][2 * j + 1];
    }
  }
  t = { start, outPix, inIdx };
  cache.set(p, t);
  return t;
}

/** Pre-activation sums in stream order (pixel-major, channels within a pixel). `bias` null: none. */
export function convForward(p: Conv2dPlan, w: Float64Array, bias: Float64Array | null, x: Float64Array): Float64Array {
  const { start, outPix, inIdx } = taps(p);
  const step = p.c * p.kh * p.k;
  const npix = p.ho * p.wo;
  const plane = new Float64Array(npix);
  const pre = new Float64Array(npix * p.m);
  for (let o = 0; o < p.m; o++) {
    plane.fill(bias ? bias[o] : 0);
    for (let t = 0; t < step; t++) {
      const wv = w[o * step + t];
      if (wv === 0) continue;
      for (let j = start[t], e = start[t + 1]; j < e; j++) plane[outPix[j]] += wv * x[inIdx[j]];
    }
    for (let q = 0; q < npix; q++) pre[q * p.m + o] = plane[q];
  }
  return pre;
}

/** From d = dLoss/dpre (stream order): adds the weight gradient into gw and returns dx. */
export function convBackward(p: Conv2dPlan, w: Float64Array, x: Float64Array, d: Float64Array, gw: Float64Array): Float64Array {
  const { start, outPix, inIdx } = taps(p);
  const step = p.c * p.kh * p.k;
  const npix = p.ho * p.wo;
  const plane = new Float64Array(npix);
  const dx = new Float64Array(x.length);
  for (let o = 0; o < p.m; o++) {
    let any = false;
    for (let q = 0; q < npix; q++) {
      plane[q] = d[q * p.m + o];
      if (plane[q] !== 0) any = true;
    }
    if (!any) continue;
    for (let t = 0; t < step; t++) {
      const wv = w[o * step + t];
      let g = 0;
      for (let j = start[t], e = start[t + 1]; j < e; j++) {
        const dv = plane[outPix[j]];
        g += dv * x[inIdx[j]];
        dx[inIdx[j]] += wv * dv;
      }
      gw[o * step + t] += g;
    }
  }
  return dx;
}
