/**
 * Spectra of circulant blocks, shared by the three circulant layer kinds
 * (circulant, block-circulant, diag-circulant).
 *
 * A circulant matrix C = circ(w) is defined here by its FIRST COLUMN w:
 * (C x)_i = sum_j w_{(i - j) mod k} x_j, the circular convolution w * x, so
 * C x = IDFT(DFT(w) o DFT(x)) (docs/references.md: Cheng et al. 2015, CirCNN).
 * For real w the spectrum is conjugate symmetric, H[k - f] = conj(H[f]), so
 * the hardware stores only the k/2 + 1 bins f = 0..k/2 (the "half spectrum")
 * and reads H[f] for f > k/2 as conj(H[k - f]).
 *
 * The spectra are computed once here in double precision (exact cos/sin at
 * the multiples of pi/4, src/fft unitRoot), quantised with the same
 * quantiser (src/fixed quantize, convergent, saturate-free by choice of
 * format) whose raw values the RTL stores in ROM; the reference model reads
 * the same raw values.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { unitRoot, bitReverse, type Cplx } from '../../fft/index.ts';
import { formatName, maxOf, minOf, quantize, type QFormat } from '../../fixed/index.ts';
import { CircaInputError } from '../../errors.ts';

export type { Cplx };

/** A seeded source of reals: uniform in [-1, 1] (2^24 + 1 evenly spaced levels) and standard normal. */
export interface RealSource {
  uniform(): number;
  normal(): number;
  /** +1 or -1 with equal probability */
  sign(): number;
}

export function realSource(seed: number): RealSource {
  const rng = xoroshiro128plus(seed);
  const half = 2 ** 23;
  const uniform = () => uniformInt(rng, -half, half) / half;
  // (0, 1]: never 0, so the logarithm below is finite
  const open01 = () => (uniformInt(rng, 0, 2 ** 24 - 1) + 1) / 2 ** 24;
  return {
    uniform,
    // Box-Muller (one of the pair; simple and reproducible)
    normal: () => Math.sqrt(-2 * Math.log(open01())) * Math.cos(2 * Math.PI * open01()),
    sign: () => (uniformInt(rng, 0, 1) === 0 ? -1 : 1),
  };
}

/** DFT of a real vector, H[f] = sum_n w[n] exp(-2 pi j f n / k), all k bins, double precision. */
export function dftReal(w: readonly number[]): Cplx[] {
  const k = w.length;
  const out: Cplx[] = [];
  for (let f = 0; f < k; f++) {
    let re = 0;
    let im = 0;
    for (let n = 0; n < k; n++) {
      if (w[n] === 0) continue;
      const [c, s] = unitRoot((f * n) % k, k);
      re += w[n] * c;
      im -= w[n] * s;
    }
    out.push([re, im]);
  }
  return out;
}

/** The half spectrum f = 0..k/2 of a real vector. */
export function halfSpectrum(w: readonly number[]): Cplx[] {
  return dftReal(w).slice(0, w.length / 2 + 1);
}

/**
 * Bin f of the full spectrum from a stored half spectrum: H[f] for f <= k/2,
 * conj(H[k - f]) above. `conj` says whether the stored value is conjugated.
 */
export function fromHalf(half: readonly Cplx[], k: number, f: number): Cplx {
  if (f <= k / 2) return half[f];
  const [re, im] = half[k - f];
  return [re, -im + 0];
}

/** ROM address and conjugation of bin f in the half-spectrum store. */
export function halfAddress(k: number, f: number): { addr: number; conj: boolean } {
  return f <= k / 2 ? { addr: f, conj: false } : { addr: k - f, conj: true };
}

/** Bin index of stream position `pos` of a forward DIF FFT (bit-reversed output order). */
export function binAt(pos: number, log2k: number): number {
  return bitReverse(pos, log2k);
}

/** Largest |part| over complex values. */
export function maxPart(values: readonly (readonly Cplx[])[]): number {
  let m = 0;
  for (const v of values) for (const [re, im] of v) m = Math.max(m, Math.abs(re), Math.abs(im));
  return m;
}

/**
 * The spectrum format: `width` bits, and either the given integer bits or the
 * fewest integer bits (0..width-2) that hold every part without saturating.
 * Errors name `field` (e.g. "weights.spectrumInt").
 */
export function spectrumFormat(values: readonly (readonly Cplx[])[], width: number, intBits: number | undefined, field: string): QFormat {
  const fits = (f: QFormat) => values.every((v) => v.every(([re, im]) =>
    !quantize(re, f, 'convergent', 'saturate').overflow && !quantize(im, f, 'convergent', 'saturate').overflow));
  if (intBits !== undefined) {
    if (intBits < 0 || intBits > width - 2) throw new CircaInputError(`${field}: must be in 0..${width - 2} for a ${width}-bit spectrum, got ${intBits}`);
    const f = { int: intBits, frac: width - 1 - intBits };
    if (!fits(f)) {
      throw new CircaInputError(`${field}: the spectrum reaches ${maxPart(values).toPrecision(4)}, which does not fit ${formatName(f)} ` +
        `(allowed ${minOf(width) / 2 ** f.frac}..${maxOf(width) / 2 ** f.frac}); use more integer bits or leave it out to choose automatically`);
    }
    return f;
  }
  for (let i = 0; i <= width - 2; i++) {
    const f = { int: i, frac: width - 1 - i };
    if (fits(f)) return f;
  }
  throw new CircaInputError(`${field}: the spectrum reaches ${maxPart(values).toPrecision(4)}, more than a ${width}-bit format holds; scale the weights down`);
}

/** Quantise complex values to raw integers of a format (convergent rounding; the format is chosen so nothing saturates). */
export function quantizeSpectrum(values: readonly Cplx[], f: QFormat): Cplx[] {
  return values.map(([re, im]) => [
    quantize(re, f, 'convergent', 'saturate').value + 0,
    quantize(im, f, 'convergent', 'saturate').value + 0,
  ]);
}

/** Circular convolution (w * x)_i = sum_j w_{(i-j) mod k} x_j in double precision: the exact product circ(w) x. */
export function circularConvolve(w: readonly number[], x: readonly number[]): number[] {
  const k = w.length;
  const y = new Array<number>(k).fill(0);
  for (let j = 0; j < k; j++) {
    const xj = x[j];
    if (xj === 0) continue;
    for (let i = 0; i < k; i++) y[i] += w[(i - j + k) % k] * xj;
  }
  return y;
}
