/**
 * Float circular convolution and its gradients for the train faces of the
 * circulant kinds, with FFTs (fft.js). With C = circ(c) (first column c) and
 * y = C x = IDFT(DFT(c) o DFT(x)):
 *   dL/dx = C^T dy = IDFT(conj(DFT(c)) o DFT(dy))   (a circular correlation)
 *   dL/dc =          IDFT(conj(DFT(x)) o DFT(dy))
 * Spectra are full complex arrays, interleaved re, im (fft.js layout).
 */
import FFT from 'fft.js';

const plans = new Map<number, FFT>();
function fftOf(k: number): FFT {
  let f = plans.get(k);
  if (!f) {
    f = new FFT(k);
    plans.set(k, f);
  }
  return f;
}

/** DFT of a real vector of length k (a power of two >= 4), zero-padded from v. */
export function spectrumOf(v: ArrayLike<number>, k: number): Float64Array {
  const f = fftOf(k);
  const inp = new Float64Array(k);
  for (let i = 0; i < Math.min(k, v.length); i++) inp[i] = v[i];
  const out = new Float64Array(2 * k);
  f.realTransform(out, inp);
  f.completeSpectrum(out);
  return out;
}

/** Real part of IDFT(a o b) (or conj(a) o b), length k. */
export function productInverse(a: Float64Array, b: Float64Array, k: number, conjA = false): Float64Array {
  const prod = new Float64Array(2 * k);
  accumulateProduct(prod, a, b, k, conjA);
  return inverseReal(prod, k);
}

/** Adds sum over pairs of a o b (or conj(a) o b) into acc (spectra). */
export function accumulateProduct(acc: Float64Array, a: Float64Array, b: Float64Array, k: number, conjA = false): void {
  const s = conjA ? -1 : 1;
  for (let i = 0; i < k; i++) {
    const ar = a[2 * i];
    const ai = s * a[2 * i + 1];
    const br = b[2 * i];
    const bi = b[2 * i + 1];
    acc[2 * i] += ar * br - ai * bi;
    acc[2 * i + 1] += ar * bi + ai * br;
  }
}

/** Real part of the IDFT of a full spectrum. */
export function inverseReal(spec: Float64Array, k: number): Float64Array {
  const f = fftOf(k);
  const out = new Float64Array(2 * k);
  f.inverseTransform(out, spec);
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) y[i] = out[2 * i];
  return y;
}
