/**
 * The conv2d train face's arithmetic on reals, for training speed: the
 * input is turned into channel planes, and for every kernel offset
 * (ky, kx) the rectangle of output pixels whose tap lands inside the image
 * is computed once per plan (cached); forward and backward then run
 * contiguous row loops over typed arrays, one output channel at a time,
 * with no bounds checks or callbacks. The order of the additions is fixed
 * by the plan, so a run is deterministic.
 */
import type { Conv2dPlan } from './plan.ts';

/** For kernel offset (ky, kx): the output rows/columns whose tap lands inside the image, [oy0, oy1) x [ox0, ox1). */
interface Span {
  oy0: number;
  oy1: number;
  ox0: number;
  ox1: number;
}

const cache = new WeakMap<Conv2dPlan, Span[]>();

/** First o in [0, n) with o*s - pad + kk >= 0, and one past the last with o*s - pad + kk <= size - 1. */
function range(n: number, s: number, pad: number, kk: number, size: number): [number, number] {
  const lo = Math.max(0, Math.ceil((pad - kk) / s));
  const hi = Math.min(n, Math.floor((size - 1 + pad - kk) / s) + 1);
  return [lo, Math.max(lo, hi)];
}

function spans(p: Conv2dPlan): Span[] {
  let t = cache.get(p);
  if (t) return t;
  t = [];
  for (let ky = 0; ky < p.kh; ky++) {
    const [oy0, oy1] = range(p.ho, p.stride, p.padTop, ky, p.h);
    for (let kx = 0; kx < p.k; kx++) {
      const [ox0, ox1] = range(p.wo, p.stride, p.padLeft, kx, p.w);
      t.push({ oy0, oy1, ox0, ox1 });
    }
  }
  cache.set(p, t);
  return t;
}

/** Stream order (pixel-major, channels within a pixel) to channel planes. */
function planar(x: Float64Array, npix: number, c: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let q = 0; q < npix; q++) for (let ch = 0; ch < c; ch++) out[ch * npix + q] = x[q * c + ch];
  return out;
}

/** Pre-activation sums in stream order (pixel-major, channels within a pixel). `bias` null: none. */
export function convForward(p: Conv2dPlan, w: Float64Array, bias: Float64Array | null, x: Float64Array): Float64Array {
  const sp = spans(p);
  const step = p.c * p.kh * p.k;
  const npix = p.ho * p.wo;
  const ipix = p.h * p.w;
  const s = p.stride;
  const xp = planar(x, ipix, p.c);
  const plane = new Float64Array(npix);
  const pre = new Float64Array(npix * p.m);
  for (let o = 0; o < p.m; o++) {
    plane.fill(bias ? bias[o] : 0);
    for (let c = 0; c < p.c; c++) {
      for (let kk = 0; kk < p.kh * p.k; kk++) {
        const wv = w[o * step + c * p.kh * p.k + kk];
        if (wv === 0) continue;
        const ky = Math.floor(kk / p.k);
        const kx = kk - ky * p.k;
        const { oy0, oy1, ox0, ox1 } = sp[kk];
        for (let oy = oy0; oy < oy1; oy++) {
          const ro = oy * p.wo;
          const ri = c * ipix + (oy * s - p.padTop + ky) * p.w - p.padLeft + kx;
          for (let ox = ox0; ox < ox1; ox++) plane[ro + ox] += wv * xp[ri + ox * s];
        }
      }
    }
    for (let q = 0; q < npix; q++) pre[q * p.m + o] = plane[q];
  }
  return pre;
}

/**
 * From d = dLoss/dpre (stream order): adds the weight gradient into gw and
 * returns dx (stream order). `wantDx` false (the first layer): dx is not
 * computed and an empty array is returned; gw is summed in the same order
 * either way, so it is the same to the bit.
 */
export function convBackward(p: Conv2dPlan, w: Float64Array, x: Float64Array, d: Float64Array, gw: Float64Array, wantDx = true): Float64Array {
  const sp = spans(p);
  const step = p.c * p.kh * p.k;
  const npix = p.ho * p.wo;
  const ipix = p.h * p.w;
  const s = p.stride;
  const xp = planar(x, ipix, p.c);
  const dxp = new Float64Array(wantDx ? x.length : 0);
  const plane = new Float64Array(npix);
  for (let o = 0; o < p.m; o++) {
    let any = false;
    for (let q = 0; q < npix; q++) {
      plane[q] = d[q * p.m + o];
      if (plane[q] !== 0) any = true;
    }
    if (!any) continue;
    for (let c = 0; c < p.c; c++) {
      for (let kk = 0; kk < p.kh * p.k; kk++) {
        const wi = o * step + c * p.kh * p.k + kk;
        const wv = w[wi];
        const ky = Math.floor(kk / p.k);
        const kx = kk - ky * p.k;
        const { oy0, oy1, ox0, ox1 } = sp[kk];
        let g = 0;
        for (let oy = oy0; oy < oy1; oy++) {
          const ro = oy * p.wo;
          const ri = c * ipix + (oy * s - p.padTop + ky) * p.w - p.padLeft + kx;
          if (wantDx) {
            for (let ox = ox0; ox < ox1; ox++) {
              const dv = plane[ro + ox];
              g += dv * xp[ri + ox * s];
              dxp[ri + ox * s] += wv * dv;
            }
          } else {
            for (let ox = ox0; ox < ox1; ox++) g += plane[ro + ox] * xp[ri + ox * s];
          }
        }
        gw[wi] += g;
      }
    }
  }
  if (!wantDx) return new Float64Array(0);
  const dx = new Float64Array(x.length);
  for (let q = 0; q < ipix; q++) for (let ch = 0; ch < p.c; ch++) dx[q * p.c + ch] = dxp[ch * ipix + q];
  return dx;
}
