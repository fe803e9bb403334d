/**
 * Bit-exact model of the streaming circulant core (stream-plan.ts), in the
 * RTL's stage order: sign flip and placement, the forward FFT (src/fft
 * fftFixed: the FFT's own bit-exact model), the pointwise product with the
 * ROM spectrum in the FFT's bit-reversed output order (exact, then one
 * rounding and saturation: circ_pmul.v), the inverse FFT (fftFixed), and
 * the real part. Also the float model z = circ(w) D x on real values.
 */
import { requantize, toReal } from '../../fixed/index.ts';
import { fftFixed } from '../../fft/index.ts';
import type { StreamCorePlan } from './stream-plan.ts';
import { binAt, circularConvolve, halfAddress, type Cplx } from './spectrum.ts';

export interface CoreResult {
  /** real part of the inverse transform, raw (frac zFrac), all k positions in natural order */
  z: number[];
  overflow: boolean;
}

/** The FFT input sample of position i: x_i sign-flipped, shifted into the FFT width; zero past the inputs. */
export function coreInput(c: StreamCorePlan, x: readonly number[]): Cplx[] {
  if (x.length !== c.inputs) throw new RangeError(`${c.name}: expected ${c.inputs} inputs, got ${x.length}`);
  const scale = 2 ** c.shiftIn;
  return Array.from({ length: c.k }, (_, i) => {
    if (i >= c.inputs) return [0, 0] as Cplx;
    const s = c.signs ? c.signs[i] * x[i] : x[i];
    return [s * scale + 0, 0] as Cplx;
  });
}

/** The spectral product of stream position pos (bin bitrev(pos)): exact, then requantised. */
export function corePointwise(c: StreamCorePlan, X: readonly Cplx[], flag: { ovf: boolean }): Cplx[] {
  return X.map(([a, b], pos) => {
    const { addr, conj } = halfAddress(c.k, binAt(pos, c.log2k));
    const hc = c.hHalf[addr][0];
    const hd = conj ? -c.hHalf[addr][1] : c.hHalf[addr][1];
    const re = requantize(a * hc - b * hd, c.pmulRequant);
    const im = requantize(a * hd + b * hc, c.pmulRequant);
    if (re.overflow || im.overflow) flag.ovf = true;
    return [re.value + 0, im.value + 0] as Cplx;
  });
}

export function coreReference(c: StreamCorePlan, x: readonly number[]): CoreResult {
  const flag = { ovf: false };
  const X = fftFixed(c.fwd, coreInput(c, x));
  flag.ovf ||= X.overflow;
  const A = corePointwise(c, X.y, flag);
  const Z = fftFixed(c.inv, A);
  flag.ovf ||= Z.overflow;
  return { z: Z.y.map((v) => v[0]), overflow: flag.ovf };
}

/** z = circ(w) D x on the real input, all k positions (double precision). */
export function coreFloat(c: StreamCorePlan, x: readonly number[]): number[] {
  const s = Array.from({ length: c.k }, (_, i) => (i < c.inputs ? toReal(x[i], c.xFormat) * (c.signs ? c.signs[i] : 1) : 0));
  return circularConvolve(c.column, s);
}
