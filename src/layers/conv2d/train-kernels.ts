/**
 * The conv2d train face's arithmetic on reals, for training speed
 * (im2col). Per plan (cached): an index map giving, for every output pixel
 * q = oy*WO + ox and tap r = (c*KH + ky)*K + kx (the PyTorch weight order),
 * the input element the tap reads (a tap in the padding reads a zero); and
 * its inverse, for every input pixel the (kernel offset, output pixel)
 * pairs that read it. Each image's taps are gathered into a scratch matrix
 * X[q][r] (Q x R, row-major), and the loops run over typed arrays and
 * scratch buffers kept per plan, several independent sums at a time.
 *
 * Every sum is made in the same order as the direct loops over (ky, kx)
 * rectangles these replaced, so the trained weights are the same to the bit
 * (test/train.test.ts checks them against plain nested loops):
 *   - pre[q][o] = bias[o] + sum over r (ascending) of w[o][r] * X[q][r];
 *   - dL/dw[o][r] += (sum over q, ascending, of d[q][o] * X[q][r]);
 *   - dx[i][c] = sum over o (ascending), then kernel offset (ascending) of
 *     w[o][c][ky][kx] * d[q][o], for each output pixel q whose tap at
 *     (ky, kx) reads input pixel i.
 * A padding tap adds w * 0 or d * 0, which changes no sum.
 */
import type { Conv2dPlan } from './plan.ts';

interface Kernels {
  /** taps per output channel (C*KH*K), kernel offsets (KH*K), output pixels (HO*WO) */
  R: number;
  KK: number;
  Q: number;
  /** idx[q*R + r]: the stream-order input element tap r of output pixel q reads; `zero` (the input length) in the padding */
  idx: Int32Array;
  zero: number;
  /** input pixel i's readers: entries from[i] .. from[i+1]-1 of offsetOf (kernel offset ky*K + kx, ascending) and pixelOf (output pixel) */
  from: Int32Array;
  offsetOf: Int32Array;
  pixelOf: Int32Array;
  /** scratch: the taps X (Q x R, one image); the weights as [o][ky*K + kx][c] */
  cols: Float64Array;
  wByOffset: Float64Array;
}

const cache = new WeakMap<Conv2dPlan, Kernels>();

function kernels(p: Conv2dPlan): Kernels {
  let t = cache.get(p);
  if (t) return t;
  const { c: C, kh: KH, k: K, ho: HO, wo: WO, h: H, w: W, stride: S, padTop, padLeft } = p;
  const KK = KH * K;
  const R = C * KK;
  const Q = HO * WO;
  const zero = H * W * C;
  const idx = new Int32Array(Q * R);
  /** input pixel each (kernel offset, output pixel) reads, -1 in the padding */
  const reads = new Int32Array(KK * Q);
  for (let ky = 0; ky < KH; ky++) {
    for (let kx = 0; kx < K; kx++) {
      for (let oy = 0; oy < HO; oy++) {
        const iy = oy * S - padTop + ky;
        for (let ox = 0; ox < WO; ox++) {
          const ix = ox * S - padLeft + kx;
          const q = oy * WO + ox;
          const pix = iy >= 0 && iy < H && ix >= 0 && ix < W ? iy * W + ix : -1;
          reads[(ky * K + kx) * Q + q] = pix;
          for (let ch = 0; ch < C; ch++) idx[q * R + (ch * KH + ky) * K + kx] = pix < 0 ? zero : pix * C + ch;
        }
      }
    }
  }
  const from = new Int32Array(H * W + 1);
  for (const pix of reads) if (pix >= 0) from[pix + 1]++;
  for (let i = 0; i < H * W; i++) from[i + 1] += from[i];
  const fill = from.slice(0, H * W);
  const offsetOf = new Int32Array(from[H * W]);
  const pixelOf = new Int32Array(from[H * W]);
  for (let kk = 0; kk < KK; kk++) {
    for (let q = 0; q < Q; q++) {
      const pix = reads[kk * Q + q];
      if (pix < 0) continue;
      offsetOf[fill[pix]] = kk;
      pixelOf[fill[pix]++] = q;
    }
  }
  t = { R, KK, Q, idx, zero, from, offsetOf, pixelOf, cols: new Float64Array(Q * R), wByOffset: new Float64Array(p.m * R) };
  cache.set(p, t);
  return t;
}

/** Gathers the image's taps into t.cols (zeros where a tap is in the padding). */
function gather(t: Kernels, x: Float64Array): Float64Array {
  const { idx, cols, zero } = t;
  const n = idx.length;
  for (let i = 0; i < n; i++) {
    const j = idx[i];
    cols[i] = j === zero ? 0 : x[j];
  }
  return cols;
}

/** Pre-activation sums in stream order (pixel-major, channels within a pixel). `bias` null: none. */
export function convForward(p: Conv2dPlan, w: Float64Array, bias: Float64Array | null, x: Float64Array): Float64Array {
  const t = kernels(p);
  const { R, Q } = t;
  const M = p.m;
  const X = gather(t, x);
  const pre = new Float64Array(Q * M);
  for (let q = 0; q < Q; q++) {
    const xb = q * R;
    const ob = q * M;
    let o = 0;
    for (; o + 4 <= M; o += 4) {
      const w0 = o * R;
      const w1 = w0 + R;
      const w2 = w1 + R;
      const w3 = w2 + R;
      let s0 = bias ? bias[o] : 0;
      let s1 = bias ? bias[o + 1] : 0;
      let s2 = bias ? bias[o + 2] : 0;
      let s3 = bias ? bias[o + 3] : 0;
      for (let r = 0; r < R; r++) {
        const v = X[xb + r];
        s0 += w[w0 + r] * v;
        s1 += w[w1 + r] * v;
        s2 += w[w2 + r] * v;
        s3 += w[w3 + r] * v;
      }
      pre[ob + o] = s0;
      pre[ob + o + 1] = s1;
      pre[ob + o + 2] = s2;
      pre[ob + o + 3] = s3;
    }
    for (; o < M; o++) {
      const w0 = o * R;
      let s = bias ? bias[o] : 0;
      for (let r = 0; r < R; r++) s += w[w0 + r] * X[xb + r];
      pre[ob + o] = s;
    }
  }
  return pre;
}

/** Adds dL/dw (the sum over output pixels, ascending, per weight) into gw. */
function weightGrad(t: Kernels, M: number, X: Float64Array, d: Float64Array, gw: Float64Array): void {
  const { R, Q } = t;
  for (let o = 0; o < M; o++) {
    let any = false;
    for (let q = 0, j = o; q < Q; q++, j += M) if (d[j] !== 0) { any = true; break; }
    if (!any) continue;
    const gb = o * R;
    let r = 0;
    for (; r + 4 <= R; r += 4) {
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let q = 0, j = o, b = r; q < Q; q++, j += M, b += R) {
        const dv = d[j];
        t0 += dv * X[b];
        t1 += dv * X[b + 1];
        t2 += dv * X[b + 2];
        t3 += dv * X[b + 3];
      }
      gw[gb + r] += t0;
      gw[gb + r + 1] += t1;
      gw[gb + r + 2] += t2;
      gw[gb + r + 3] += t3;
    }
    for (; r < R; r++) {
      let s = 0;
      for (let q = 0, j = o, b = r; q < Q; q++, j += M, b += R) s += d[j] * X[b];
      gw[gb + r] += s;
    }
  }
}

/** dx in stream order: per input pixel and channel, the sum over o, then kernel offset, both ascending. */
function inputGrad(p: Conv2dPlan, t: Kernels, w: Float64Array, d: Float64Array): Float64Array {
  const { R, KK, from, offsetOf, pixelOf } = t;
  const M = p.m;
  const C = p.c;
  const wt = t.wByOffset;
  for (let o = 0; o < M; o++) for (let c = 0; c < C; c++) for (let kk = 0; kk < KK; kk++) wt[o * R + kk * C + c] = w[o * R + c * KK + kk];
  const npix = from.length - 1;
  const dx = new Float64Array(npix * C);
  for (let i = 0; i < npix; i++) {
    const e0 = from[i];
    const e1 = from[i + 1];
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let o = 0; o < M; o++) {
        const wb = o * R + c;
        for (let e = e0; e < e1; e++) {
          const dv = d[pixelOf[e] * M + o];
          const b = wb + offsetOf[e] * C;
          a0 += wt[b] * dv;
          a1 += wt[b + 1] * dv;
          a2 += wt[b + 2] * dv;
          a3 += wt[b + 3] * dv;
        }
      }
      dx[i * C + c] = a0;
      dx[i * C + c + 1] = a1;
      dx[i * C + c + 2] = a2;
      dx[i * C + c + 3] = a3;
    }
    for (; c < C; c++) {
      let a = 0;
      for (let o = 0; o < M; o++) {
        const wb = o * R + c;
        for (let e = e0; e < e1; e++) a += wt[wb + offsetOf[e] * C] * d[pixelOf[e] * M + o];
      }
      dx[i * C + c] = a;
    }
  }
  return dx;
}

/**
 * From d = dLoss/dpre (stream order): adds the weight gradient into gw and
 * returns dx (stream order). `wantDx` false (the first layer): dx is not
 * computed and an empty array is returned; gw is the same either way.
 */
export function convBackward(p: Conv2dPlan, w: Float64Array, x: Float64Array, d: Float64Array, gw: Float64Array, wantDx = true): Float64Array {
  const t = kernels(p);
  weightGrad(t, p.m, gather(t, x), d, gw);
  return wantDx ? inputGrad(p, t, w, d) : new Float64Array(0);
}
