/**
 * The streaming circulant core shared by the `circulant` (Cheng et al. 2015)
 * and `diag-circulant` (Araujo et al. 2020) kinds: one K x K circulant
 * product z = C(w) s of a real vector s, as
 *
 *   s (real, zero-padded to K) -> FFT (forward, DIF, bit-reversed out)
 *     -> pointwise complex multiply by H = FFT(w) (quantised, half spectrum
 *        in ROM), requantised to the inverse transform's input width
 *     -> IFFT (inverse, DIT, bit-reversed in, natural out) -> real part z.
 *
 * The kinds put their own stage in front (circulant: the +-1 sign flip D)
 * or behind (diag-circulant: the learned diagonal and bias).
 *
 * Formats (all raw values are integers; "frac" = fraction bits):
 *   s      the input x (xWidth bits, frac xf), sign-flipped (one more bit),
 *          placed at the FFT input shifted left by shiftIn:  F_X = xf + shiftIn
 *   X      forward output, fwd.outWidth bits, frac F_X; real value DFT(s) 2^-S_f
 *   H      spectrum, hWidth bits, frac hf (integer bits chosen so it fits)
 *   A      H X exactly (product width), frac hf + F_X; requantised by
 *          shift hf + F_X - F_A to the inverse input width W_I, where A
 *          holds aInt = zInt + log2 K - S_f integer bits: |A| <= K 2^-S_f max|z|
 *   z      inverse output, inv.outWidth bits, frac F_O = F_A + log2 K - S_f - S_i
 * S_f, S_i are the total shifts of the forward and inverse scaling schedules.
 * The default inverse schedule shifts only the last butterflies, as many as
 * leave F_O >= (what the output stage needs) + GUARD_BITS: the rounding noise
 * is added late, and the widths grow only as far as needed.
 */
import { CircaInputError } from '../../errors.ts';
import {
  formatName, rangeAdd, rangeMul, rangeOfWidth, width, widthOfRange,
  type QFormat, type Requant,
} from '../../fixed/index.ts';
import type { FftPlan } from '../../fft/index.ts';
import { fftCost } from '../../fft/index.ts';
import { layerFftPlan, lastShifts, checkTransformLength, type FftOptions } from './fft-options.ts';
import { halfSpectrum, quantizeSpectrum, spectrumFormat, type Cplx } from './spectrum.ts';

/** Extra fraction bits the inverse transform keeps beyond what the output stage needs. */
export const GUARD_BITS = 3;

export interface StreamCoreRequest {
  /** the layer's name: module names derive from it */
  name: string;
  inputs: number;
  outputs: number;
  /** the circulant size K when the spec fixes it (a power of two >= max(inputs, outputs)); default the smallest */
  size: number | undefined;
  xFormat: QFormat;
  /** +-1 per input (circulant's D), or null */
  signs: number[] | null;
  /** first column of the K x K circulant, real values, length K */
  column: number[];
  spectrumWidth: number;
  spectrumInt: number | undefined;
  fft: FftOptions;
  /** integer bits of z = C s that the spectral product must hold */
  zInt: number;
  /** fraction bits of z the output stage needs (at least) */
  zFracNeeded: number;
}

export interface StreamCorePlan {
  arch: 'streaming';
  name: string;
  inputs: number;
  outputs: number;
  /** transform length: next power of two >= max(inputs, outputs) */
  k: number;
  log2k: number;
  /** zero-padded input positions: k - inputs */
  pad: number;
  xFormat: QFormat;
  xWidth: number;
  signs: number[] | null;
  /** left shift of s into the FFT input */
  shiftIn: number;
  fwd: FftPlan;
  inv: FftPlan;
  /** fraction bits of X (forward output) */
  xFrac: number;
  /** the circulant's first column (real), and its quantised half spectrum H[0..k/2] */
  column: number[];
  hFormat: QFormat;
  hWidth: number;
  hHalf: Cplx[];
  /** width of the exact complex product re/im: ac - bd */
  prodWidth: number;
  /** integer and fraction bits of A (the inverse transform's input) */
  aInt: number;
  aFrac: number;
  /** requantisation of the exact product to the inverse input (saturating, sticky ovf) */
  pmulRequant: Requant;
  /** width and fraction bits of z (the inverse output, real part) */
  zWidth: number;
  zFrac: number;
  /** latencies (cycles) of the stages, for the timing model (see stream-rtl.ts) */
  fwdLatency: number;
  invLatency: number;
}

function bad(field: string, msg: string): never {
  throw new CircaInputError(`${field}: ${msg}`);
}

export function nextPow2(n: number): number {
  let k = 1;
  while (k < n) k *= 2;
  return k;
}

/**
 * The spectral product's format and the inverse transform's scaling, shared
 * by the streaming and the folded cores: the product goes into Q(aInt.aFrac)
 * samples of w bits (pmulShift drops the extra fraction bits of spectrum x
 * forward output), and the inverse scaling is the one given or as few shifts
 * (all at the end) as keep GUARD_BITS extra fraction bits. Errors name the field.
 */
export function spectralProduct(
  r: Pick<StreamCoreRequest, 'zInt' | 'zFracNeeded' | 'fft'>, k: number, sF: number, w: number, hFrac: number, xFrac: number,
): { aInt: number; aFrac: number; pmulShift: number; invScaling: NonNullable<StreamCoreRequest['fft']['inverseScaling']> } {
  const log2k = Math.log2(k);
  const aInt = r.zInt + log2k - sF;
  const aFrac = w - 1 - aInt;
  if (aFrac < 0) {
    bad('fft.dataWidth', `the spectrum of the product needs ${aInt} integer bits (${r.zInt} + log2 ${k} - ${sF} forward shifts), ` +
      `more than a ${w}-bit sample holds: use a wider fft.dataWidth (at least ${aInt + 1}) or more forward scaling`);
  }
  const pmulShift = hFrac + xFrac - aFrac;
  if (pmulShift < 0) {
    bad('fft.dataWidth', `the spectral product has ${hFrac + xFrac} fraction bits, fewer than the ${aFrac} the inverse input format ` +
      `Q${aInt}.${aFrac} needs; use a narrower fft.dataWidth or a wider weights.spectrumWidth`);
  }
  let invScaling = r.fft.inverseScaling;
  if (invScaling === undefined) {
    const s = Math.max(0, Math.min(log2k, aFrac + log2k - sF - (r.zFracNeeded + GUARD_BITS)));
    invScaling = lastShifts(log2k, s);
  }
  return { aInt, aFrac, pmulShift, invScaling };
}

export function planStreamCore(r: StreamCoreRequest): StreamCorePlan {
  if (r.fft.butterflies !== undefined) bad('fft.butterflies', 'only with "architecture": "folded" (the streaming pipelines have one butterfly per stage)');
  const least = Math.max(4, nextPow2(Math.max(r.inputs, r.outputs)));
  if (r.size !== undefined) {
    checkTransformLength(r.size, 'size', 'the circulant size');
    if (r.size < Math.max(r.inputs, r.outputs)) bad('size', `must be at least max(inputs, outputs) = ${Math.max(r.inputs, r.outputs)}, got ${r.size}`);
  } else {
    checkTransformLength(least, r.inputs >= r.outputs ? 'inputs' : 'outputs', `the circulant size (next power of two >= max(inputs, outputs) = ${least})`);
  }
  const k = r.size ?? least;
  const log2k = Math.round(Math.log2(k));
  if (r.column.length !== k) bad('weights', `the circulant needs ${k} values (its first column), got ${r.column.length}`);
  const xWidth = width(r.xFormat);
  const w = r.fft.dataWidth;
  // the sign flip needs one more bit: -(-2^(w-1)) = 2^(w-1)
  const sWidth = xWidth + (r.signs ? 1 : 0);
  if (w < sWidth) {
    bad('fft.dataWidth', `must be at least ${sWidth} (the input is ${xWidth} bits${r.signs ? ', plus one for the sign flip' : ''}), got ${w}`);
  }
  const shiftIn = w - sWidth;
  const fwd = layerFftPlan(r.fft, k, false, w, r.fft.scaling, `${r.name}_fft`);
  const sF = fwd.totalShift;
  const xFrac = r.xFormat.frac + shiftIn;

  // spectrum of the circulant: half of it, quantised
  const hReal = halfSpectrum(r.column);
  const hFormat = spectrumFormat([hReal], r.spectrumWidth, r.spectrumInt, 'weights.spectrumInt');
  const hWidth = width(hFormat);
  const hHalf = quantizeSpectrum(hReal, hFormat);

  // spectral product: exact, then requantised into the inverse input
  const pr = rangeMul(rangeOfWidth(fwd.outWidth), rangeOfWidth(hWidth));
  const prodWidth = widthOfRange(rangeAdd(pr, pr));
  const wI = w;
  const { aInt, aFrac, pmulShift, invScaling } = spectralProduct(r, k, sF, wI, hFormat.frac, xFrac);
  const inv = layerFftPlan(r.fft, k, true, wI, invScaling, `${r.name}_ifft`, 'fft.inverseScaling');
  const zFrac = aFrac + log2k - sF - inv.totalShift;
  if (zFrac < r.zFracNeeded) {
    bad('fft.inverseScaling', `leaves ${zFrac} fraction bits after the inverse transform, fewer than the ${r.zFracNeeded} the output needs; shift fewer butterflies`);
  }
  return {
    arch: 'streaming',
    name: r.name,
    inputs: r.inputs,
    outputs: r.outputs,
    k,
    log2k,
    pad: k - r.inputs,
    xFormat: r.xFormat,
    xWidth,
    signs: r.signs,
    shiftIn,
    fwd,
    inv,
    xFrac,
    column: r.column,
    hFormat,
    hWidth,
    hHalf,
    prodWidth,
    aInt,
    aFrac,
    pmulRequant: { shift: pmulShift, outWidth: wI, rounding: r.fft.rounding, overflow: 'saturate' },
    zWidth: inv.outWidth,
    zFrac,
    fwdLatency: fftCost(fwd).latencyFirst,
    invLatency: fftCost(inv).latencyFirst,
  };
}

export function describeStreamCore(c: StreamCorePlan): string {
  return `circulant ${c.k} x ${c.k} (FFT ${c.fwd.inWidth} -> ${c.fwd.outWidth} bits, spectrum ${formatName(c.hFormat)} ` +
    `(${c.k / 2 + 1} bins), product -> Q${c.aInt}.${c.aFrac}, IFFT ${c.inv.inWidth} -> ${c.inv.outWidth} bits ` +
    `(shifts ${c.inv.shifts.join('')}), z frac ${c.zFrac}; twiddles ${c.fwd.spec.twiddleWidth} bits, ${c.fwd.spec.rounding})`;
}
