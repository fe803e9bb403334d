/**
 * FFT reference face: a bit-exact model of the pipeline in plan.ts (same
 * stage order, same rounding and saturation points, same twiddle tables, same
 * output order) and float models for error statistics.
 *
 * Samples are [re, im] pairs of raw integers. Every intermediate is an integer
 * below 2^46 (spec.ts bounds sample width + twiddle width), so JS numbers are
 * exact.
 */
import FFT from 'fft.js';
import { requantize, type Rounding, type Overflow } from '../fixed/index.ts';
import { bitReverse, planFft, unitRoot, type ButterflyStage, type FftPlan, type TwiddleStage } from './plan.ts';
import type { FftSpec, FftSpecInput } from './spec.ts';

export type Cplx = [number, number];

export interface FixedResult {
  /** output samples in the design's output order */
  y: Cplx[];
  /** a butterfly or complex multiplier saturated or wrapped (the RTL's sticky ovf) */
  overflow: boolean;
}

function asPlan(p: FftPlan | FftSpecInput | FftSpec): FftPlan {
  return 'stages' in p ? p : planFft(p);
}

/** Permute a block into bit-reversed order: out[j] = x[bitrev(j)] (an involution). */
export function bitReversePermute<T>(x: readonly T[]): T[] {
  const bits = Math.round(Math.log2(x.length));
  return x.map((_, j) => x[bitReverse(j, bits)]);
}

/** Multiply by -j or +j exactly: (a + jb)(-j) = b - ja; (a + jb)(+j) = -b + ja. */
function rotate(x: Cplx, rot: ButterflyStage['rot']): Cplx {
  if (rot === '-j') return [x[1], -x[0]];
  if (rot === '+j') return [-x[1], x[0]];
  return x;
}

function rotates(st: ButterflyStage, position: number): boolean {
  if (st.rot === 'none') return false;
  const len = 2 ** st.rotLog2;
  return position % len >= (3 * len) / 4;
}

/**
 * One SDF butterfly in block semantics (see fft_sdf_bf.v): sums and
 * differences in full precision, then shift, round and fit. Only a scaled
 * difference max - min can overflow (it rounds up to 2^(w-1)).
 */
function butterflyFixed(st: ButterflyStage, x: Cplx[], rounding: Rounding, overflow: Overflow, flag: { ovf: boolean }): Cplx[] {
  const d = st.delay;
  const y: Cplx[] = new Array(x.length);
  const req = { shift: st.shift, outWidth: st.wOut, rounding, overflow };
  const rq = (v: number): number => {
    const f = requantize(v, req);
    if (f.overflow) flag.ovf = true;
    return f.value;
  };
  for (let b = 0; b < x.length; b += 2 * d) {
    for (let i = 0; i < d; i++) {
      const a = x[b + i];
      const c = rotates(st, b + d + i) ? rotate(x[b + d + i], st.rot) : x[b + d + i];
      y[b + i] = [rq(a[0] + c[0]), rq(a[1] + c[1])];
      y[b + d + i] = [rq(a[0] - c[0]), rq(a[1] - c[1])];
    }
  }
  return y;
}

/** One twiddle stage: exact complex product, shift by TW-2 with rounding, fit into the width. */
function twiddleFixed(st: TwiddleStage, x: Cplx[], tw: number, rounding: Rounding, overflow: Overflow, flag: { ovf: boolean }): Cplx[] {
  const req = { shift: tw - 2, outWidth: st.width, rounding, overflow };
  return x.map(([a, b], t) => {
    const c = st.re[t % st.len];
    const d = st.im[t % st.len];
    const re = requantize(a * c - b * d, req);
    const im = requantize(a * d + b * c, req);
    if (re.overflow || im.overflow) flag.ovf = true;
    return [re.value, im.value];
  });
}

/** The bit-exact model of one vector (N samples, in the design's input order). */
export function fftFixed(p: FftPlan | FftSpecInput | FftSpec, x: readonly Cplx[]): FixedResult {
  const plan = asPlan(p);
  if (x.length !== plan.n) throw new RangeError(`fftFixed: vector has ${x.length} samples, the plan takes ${plan.n}`);
  const lo = -(2 ** (plan.inWidth - 1));
  const hi = 2 ** (plan.inWidth - 1) - 1;
  for (const [re, im] of x) {
    if (!Number.isInteger(re) || !Number.isInteger(im) || re < lo || re > hi || im < lo || im > hi) {
      throw new RangeError(`fftFixed: sample (${re}, ${im}) is not a ${plan.inWidth}-bit integer pair`);
    }
  }
  const { rounding, overflow, twiddleWidth } = plan.spec;
  const flag = { ovf: false };
  let s: Cplx[] = plan.reorder === 'input' ? bitReversePermute(x) : x.map((c) => [c[0], c[1]]);
  for (const st of plan.stages) {
    s = st.kind === 'bf' ? butterflyFixed(st, s, rounding, overflow, flag) : twiddleFixed(st, s, twiddleWidth, rounding, overflow, flag);
  }
  if (plan.reorder === 'output') s = bitReversePermute(s);
  // (+ 0 turns the -0 a negation of 0 can leave into 0, so results compare equal to RTL values)
  return { y: s.map(([re, im]) => [re + 0, im + 0]), overflow: flag.ovf };
}

/**
 * The same operator pipeline in floating point with exact twiddles and no
 * rounding: equals the ideal transform exactly (up to float error). Used to
 * check the schedule itself.
 */
export function fftPipelineFloat(p: FftPlan | FftSpecInput | FftSpec, x: readonly Cplx[]): Cplx[] {
  const plan = asPlan(p);
  let s: Cplx[] = plan.reorder === 'input' ? bitReversePermute(x) : x.map((c) => [c[0], c[1]]);
  for (const st of plan.stages) {
    if (st.kind === 'bf') {
      const d = st.delay;
      const k = 2 ** -st.shift;
      const y: Cplx[] = new Array(s.length);
      for (let b = 0; b < s.length; b += 2 * d) {
        for (let i = 0; i < d; i++) {
          const a = s[b + i];
          const c = rotates(st, b + d + i) ? rotate(s[b + d + i], st.rot) : s[b + d + i];
          y[b + i] = [(a[0] + c[0]) * k, (a[1] + c[1]) * k];
          y[b + d + i] = [(a[0] - c[0]) * k, (a[1] - c[1]) * k];
        }
      }
      s = y;
    } else {
      s = s.map(([a, b], t) => {
        const [c, sn] = unitRoot(st.exponents[t % st.len], st.len);
        const d = plan.inverse ? sn : -sn;
        return [a * c - b * d, a * d + b * c];
      });
    }
  }
  if (plan.reorder === 'output') s = bitReversePermute(s);
  return s;
}

const floatFfts = new Map<number, FFT>();
/** A double-precision radix-4 FFT of size n from fft.js, kept per size (its twiddle table). */
export function floatFft(n: number): FFT {
  let f = floatFfts.get(n);
  if (!f) floatFfts.set(n, (f = new FFT(n)));
  return f;
}

/**
 * The ideal transform (fft.js, double precision) with the pipeline's scaling
 * and orders: forward DFT(x) * 2^-totalShift, inverse N * IDFT(X) *
 * 2^-totalShift, each in the design's input and output order.
 */
export function fftIdeal(p: FftPlan | FftSpecInput | FftSpec, x: readonly Cplx[]): Cplx[] {
  return idealTransform(asPlan(p), x);
}

/** What the ideal transform needs of a plan: the streaming and the folded engines' plans both have it. */
export interface IdealShape {
  n: number;
  inverse: boolean;
  totalShift: number;
  inputOrder: 'natural' | 'bitrev' | string;
  outputOrder: 'natural' | 'bitrev' | string;
}

/** The ideal transform (fft.js, double precision) with a plan's scaling and orders. */
export function idealTransform(plan: IdealShape, x: readonly Cplx[]): Cplx[] {
  const natural = plan.inputOrder === 'natural' ? x : bitReversePermute(x);
  const input = natural.flatMap(([re, im]) => [re, im]);
  const scale = 2 ** -plan.totalShift * (plan.inverse ? plan.n : 1);
  const fft = floatFft(plan.n);
  const out = fft.createComplexArray() as number[];
  // fft.js: forward X_k = sum x_j e^(-2 pi i jk/N); inverse divides by N (as an IDFT does)
  if (plan.inverse) fft.inverseTransform(out, input);
  else fft.transform(out, input);
  const y: Cplx[] = Array.from({ length: plan.n }, (_, k) => [out[2 * k] * scale, out[2 * k + 1] * scale]);
  return plan.outputOrder === 'natural' ? y : bitReversePermute(y);
}

export interface ErrorStats {
  /** 10 log10(sum |ideal|^2 / sum |fixed - ideal|^2) over all samples */
  sqnrDb: number;
  /** largest error of one real or imaginary part, in output LSBs */
  maxAbsError: number;
  signalPower: number;
  noisePower: number;
}

export function errorStats(ideal: readonly (readonly Cplx[])[], got: readonly (readonly Cplx[])[]): ErrorStats {
  let sig = 0;
  let noise = 0;
  let maxAbs = 0;
  for (let v = 0; v < ideal.length; v++) {
    for (let i = 0; i < ideal[v].length; i++) {
      const [ir, ii] = ideal[v][i];
      const er = got[v][i][0] - ir;
      const ei = got[v][i][1] - ii;
      sig += ir * ir + ii * ii;
      noise += er * er + ei * ei;
      maxAbs = Math.max(maxAbs, Math.abs(er), Math.abs(ei));
    }
  }
  return { sqnrDb: 10 * Math.log10(sig / noise), maxAbsError: maxAbs, signalPower: sig, noisePower: noise };
}

/**
 * A worst-case bound on the error of any output part against fftIdeal, in
 * output LSBs, for inputs on which no complex multiplier saturates.
 *
 * Track E, a bound on the complex magnitude of the error, and M, a bound on
 * the magnitude of the ideal value, both in units of the current LSB:
 * - input: E = 0, M = sqrt(2) 2^(W-1).
 * - butterfly with shift s: (a +- b) / 2^s adds the two errors and rounds each
 *   part once: E' = 2 E / 2^s + sqrt(2) r_s with r_s = 1 - 2^-s (truncate) or
 *   1/2 (nearest), 0 when s = 0; M' = 2 M / 2^s. The -j / +j rotation is exact.
 * - twiddle: x_q w_q - x w = (x_q - x) w_q + x (w_q - w), |w_q - w| <= dw =
 *   sqrt(2) 2^-(TW-1) (each part rounded to nearest), |w_q| <= 1 + dw, then one
 *   rounding by 2^-(TW-2): E' = E (1 + dw) + M dw + sqrt(2) r with r = 1
 *   (truncate) or 1/2; M' = M.
 * The error of each part is at most the complex magnitude E at the output.
 */
export function errorBound(p: FftPlan | FftSpecInput | FftSpec): number {
  const plan = asPlan(p);
  const trunc = plan.spec.rounding === 'truncate';
  const dw = Math.SQRT2 * 2 ** -(plan.spec.twiddleWidth - 1);
  let e = 0;
  let m = Math.SQRT2 * 2 ** (plan.inWidth - 1);
  for (const st of plan.stages) {
    if (st.kind === 'bf') {
      const r = st.shift === 0 ? 0 : trunc ? 1 - 2 ** -st.shift : 0.5;
      e = (2 * e) / 2 ** st.shift + Math.SQRT2 * r;
      m = (2 * m) / 2 ** st.shift;
    } else {
      e = e * (1 + dw) + m * dw + Math.SQRT2 * (trunc ? 1 : 0.5);
    }
  }
  return e;
}

export { bitReverse };
