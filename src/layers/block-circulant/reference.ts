/**
 * Block-circulant reference face: bcirc_layer.v's arithmetic in its order.
 *   1. each input block x_j (zero-padded), placed << shiftIn, through the
 *      FFT's own bit-exact model (src/fft fftFixed); bins f <= k/2 kept
 *   2. A_i[f] = sum_j H_ij[f] X_j[f] exactly, requantised (aRequant)
 *   3. the conjugated conjugate-symmetric extension
 *        B[f] = conj(A[f]) (f <= k/2; the negation saturates: -(-2^(W-1)) -> 2^(W-1) - 1, ovf),
 *        B[f] = A[k - f]   (f > k/2)
 *      through the same FFT; output position pos holds index bitrev(pos)
 *   4. real part, requantised (yRequant), activation; the first `outputs` kept.
 * The float model is y = W x with the spec's real w (the block-circulant
 * matrix, exactly).
 */
import { identityRaw, maxOf, minOf, requantActivate, requantize, reluRaw, toReal } from '../../fixed/index.ts';
import { bitReverse, fftFixed } from '../../fft/index.ts';
import type { ReferenceResult } from '../types.ts';
import { circularConvolve, type Cplx } from '../circulant-common/spectrum.ts';
import type { BlockCirculantPlan } from './plan.ts';

export interface BcircTrace {
  /** X_j[f], f = 0..k/2, per input block */
  X: Cplx[][];
  /** requantised A_i[f] per output block */
  A: Cplx[][];
}

export function bcircReference(p: BlockCirculantPlan, x: readonly number[], trace?: BcircTrace): ReferenceResult {
  if (x.length !== p.inputs) throw new RangeError(`${p.name}: expected ${p.inputs} inputs, got ${x.length}`);
  const k = p.k;
  let overflow = false;
  const scale = 2 ** p.shiftIn;
  // 1. input blocks
  const X: Cplx[][] = [];
  for (let j = 0; j < p.q; j++) {
    const blk: Cplx[] = Array.from({ length: k }, (_, t) => {
      const e = j * k + t;
      return [e < p.inputs ? x[e] * scale + 0 : 0, 0] as Cplx;
    });
    const r = fftFixed(p.fft, blk);
    overflow ||= r.overflow;
    const bins: Cplx[] = new Array(p.bins);
    r.y.forEach((v, pos) => {
      const f = bitReverse(pos, p.log2k);
      if (f < p.bins) bins[f] = v;
    });
    X.push(bins);
  }
  const fMin = minOf(p.fft.inWidth);
  const fMax = maxOf(p.fft.inWidth);
  const y: number[] = [];
  const As: Cplx[][] = [];
  for (let i = 0; i < p.p; i++) {
    // 2. accumulate in the frequency domain, requantise
    const A: Cplx[] = [];
    for (let f = 0; f < p.bins; f++) {
      let re = 0;
      let im = 0;
      for (let j = 0; j < p.q; j++) {
        const [c, d] = p.H[i][j][f];
        const [a, b] = X[j][f];
        re += a * c - b * d;
        im += a * d + b * c;
      }
      const qr = requantize(re, p.aRequant);
      const qi = requantize(im, p.aRequant);
      overflow ||= qr.overflow || qi.overflow;
      A.push([qr.value + 0, qi.value + 0]);
    }
    As.push(A);
    // 3. conjugated symmetric extension, forward FFT
    const B: Cplx[] = Array.from({ length: k }, (_, f) => {
      if (f > k / 2) return A[k - f];
      const [re, im] = A[f];
      if (im === fMin) {
        overflow = true;
        return [re, fMax] as Cplx;
      }
      return [re, -im + 0] as Cplx;
    });
    const out = fftFixed(p.fft, B);
    overflow ||= out.overflow;
    // 4. real part in natural order, requantised
    for (let t = 0; t < k; t++) {
      const idx = i * k + t;
      const v = out.y[bitReverse(t, p.log2k)][0];
      if (idx < p.outputs) {
        const r = requantActivate(v, p.yRequant, p.activation === 'relu' ? reluRaw : identityRaw);
        overflow ||= r.overflow;
        y.push(r.value);
      }
    }
  }
  if (trace) {
    trace.X = X;
    trace.A = As;
  }
  return { y, overflow };
}

/** y = W x in double precision: W the block-circulant matrix of the real w, x zero-padded. */
export function bcircFloat(p: BlockCirculantPlan, x: readonly number[]): number[] {
  const k = p.k;
  const xr = Array.from({ length: p.q * k }, (_, e) => (e < p.inputs ? toReal(x[e], p.xFormat) : 0));
  const y: number[] = [];
  for (let i = 0; i < p.p; i++) {
    const acc = new Array<number>(k).fill(0);
    for (let j = 0; j < p.q; j++) {
      const c = circularConvolve(p.w[i][j], xr.slice(j * k, (j + 1) * k));
      for (let t = 0; t < k; t++) acc[t] += c[t];
    }
    for (let t = 0; t < k && i * k + t < p.outputs; t++) y.push(p.activation === 'relu' && acc[t] < 0 ? 0 : acc[t]);
  }
  return y;
}
