/**
 * Two's complement fixed point, decided once for both the reference model and
 * the generator that sizes every wire.
 *
 * A Q(m.f) format has W = 1 + m + f bits: one sign bit, m integer bits, f
 * fraction bits. Values are carried as plain integers (the raw two's
 * complement value interpreted as signed). All widths are limited to
 * MAX_ACC_WIDTH = 48 bits, so every raw value and every intermediate in this
 * module is an integer below 2^53 and JavaScript numbers are exact.
 */

export type Rounding = 'truncate' | 'half-up' | 'convergent';
export type Overflow = 'saturate' | 'wrap';

export const ROUNDINGS: readonly Rounding[] = ['truncate', 'half-up', 'convergent'];
export const OVERFLOWS: readonly Overflow[] = ['saturate', 'wrap'];

/** Encoding shared with the RTL templates (parameter ROUND). */
export const ROUNDING_CODE: Record<Rounding, number> = { truncate: 0, 'half-up': 1, convergent: 2 };

export const MIN_DATA_WIDTH = 2;
export const MAX_DATA_WIDTH = 32;
export const MAX_ACC_WIDTH = 48;

export interface QFormat {
  /** integer bits (not counting the sign) */
  readonly int: number;
  /** fraction bits */
  readonly frac: number;
}

export function width(f: QFormat): number {
  return 1 + f.int + f.frac;
}

export function q(int: number, frac: number): QFormat {
  return { int, frac };
}

export function formatName(f: QFormat): string {
  return `Q${f.int}.${f.frac} (${width(f)} bits)`;
}

/** 2^i for integer i in 0..127 from a table: `2 ** i` with a variable exponent goes through Math.pow, a hot spot of the reference models. */
const POW2: readonly number[] = Array.from({ length: 128 }, (_, i) => 2 ** i);
export function pow2(i: number): number {
  return i >= 0 && i < 128 && Number.isInteger(i) ? POW2[i] : 2 ** i;
}

/** Smallest and largest raw value of a w-bit signed integer. */
export function minOf(w: number): number {
  return -pow2(w - 1);
}
export function maxOf(w: number): number {
  return pow2(w - 1) - 1;
}

/** Whether v is a raw value of format f: an integer in the range of its width. */
export function isRaw(v: unknown, f: QFormat): v is number {
  const w = width(f);
  return typeof v === 'number' && Number.isInteger(v) && v >= minOf(w) && v <= maxOf(w);
}

/** What isRaw accepts, for messages: "raw Q0.7 (8 bits) value (integers -128..127)". */
export function rawDescription(f: QFormat): string {
  const w = width(f);
  return `raw ${formatName(f)} value (integers ${minOf(w)}..${maxOf(w)})`;
}

export function fits(x: number, w: number): boolean {
  return Number.isInteger(x) && x >= minOf(w) && x <= maxOf(w);
}

/** Inclusive integer range of values a signal can take: the basis of bit growth. */
export interface Range {
  readonly lo: number;
  readonly hi: number;
}

export function rangeOfWidth(w: number): Range {
  return { lo: minOf(w), hi: maxOf(w) };
}
export function rangeAdd(a: Range, b: Range): Range {
  return { lo: a.lo + b.lo, hi: a.hi + b.hi };
}
export function rangeNeg(a: Range): Range {
  return { lo: -a.hi, hi: -a.lo };
}
export function rangeSub(a: Range, b: Range): Range {
  return rangeAdd(a, rangeNeg(b));
}
/** Sum of k signals that each lie in r. */
export function rangeSum(r: Range, k: number): Range {
  return { lo: r.lo * k, hi: r.hi * k };
}
export function rangeMul(a: Range, b: Range): Range {
  const c = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
  return { lo: Math.min(...c), hi: Math.max(...c) };
}
export function rangeUnion(a: Range, b: Range): Range {
  return { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
}

/** Smallest signed width that holds every value in r (at least 1). */
export function widthOfRange(r: Range): number {
  let w = 1;
  while (r.lo < minOf(w) || r.hi > maxOf(w)) w++;
  return w;
}

/** Width of a + b for a w1-bit and a w2-bit signed operand (bit growth of one). */
export function addWidth(w1: number, w2: number): number {
  return Math.max(w1, w2) + 1;
}
/** Width of a * b for signed operands: w1 + w2. */
export function mulWidth(w1: number, w2: number): number {
  return w1 + w2;
}

/** floor(x / 2^k) for an integer x, exact for |x| < 2^53. */
function floorShift(x: number, k: number): number {
  return Math.floor(x / pow2(k));
}

/**
 * Arithmetic shift right by k >= 0 with rounding:
 * - truncate: toward minus infinity (drop the bits: what `>>>` does in Verilog on signed)
 * - half-up: round to nearest, ties toward plus infinity (add 2^(k-1), then truncate)
 * - convergent: round to nearest, ties to even
 */
export function shiftRound(x: number, k: number, mode: Rounding): number {
  if (k < 0 || !Number.isInteger(k)) throw new RangeError(`shift must be a non-negative integer, got ${k}`);
  if (k === 0) return x + 0; // + 0: never hand on a -0
  const t = floorShift(x, k) + 0;
  if (mode === 'truncate') return t;
  const rem = x - t * pow2(k); // 0 <= rem < 2^k
  const half = pow2(k - 1);
  if (rem > half) return t + 1;
  if (rem < half) return t;
  // exactly half
  if (mode === 'half-up') return t + 1;
  return t % 2 === 0 ? t : t + 1;
}

export interface Fitted {
  value: number;
  overflow: boolean;
}

/** Fit x into w signed bits by saturating or wrapping; overflow says whether it did not fit. */
export function fit(x: number, w: number, mode: Overflow): Fitted {
  const lo = minOf(w);
  const hi = maxOf(w);
  if (x >= lo && x <= hi) return { value: x + 0, overflow: false }; // + 0: no -0
  if (mode === 'saturate') return { value: x < lo ? lo : hi, overflow: true };
  const m = 2 ** w;
  let v = x % m;
  if (v < 0) v += m;
  if (v > hi) v -= m;
  return { value: v, overflow: true };
}

/** A requantisation step: shift right with rounding, then fit into the output width. */
export interface Requant {
  readonly shift: number;
  readonly outWidth: number;
  readonly rounding: Rounding;
  readonly overflow: Overflow;
}

export function requantize(x: number, r: Requant): Fitted {
  return fit(shiftRound(x, r.shift, r.rounding), r.outWidth, r.overflow);
}

/**
 * A layer's output tail: requantise, then the activation f (identity, ReLU,
 * a clip: monotone, defined on every integer). `overflow` is the layer's
 * overflow flag, and it means "this output lost information": the value did
 * not fit the output width AND the activation of what was kept differs from
 * the activation of the true rounded value. A value below the range that
 * ReLU zeroes anyway (or that a clip raises to its floor anyway) lost nothing
 * and raises no flag; every overflow of an identity output does. The RTL
 * templates compute the same bit from requant.v's ovf, the sign of the
 * requantiser's input and the activated value (the tails of dense_layer.v,
 * tvscm_layer.v, circ_out.v, bcirc_layer.v, conv_layer.v, act_layer.v).
 */
export function requantActivate(x: number, r: Requant, f: (v: number) => number): Fitted {
  const rounded = shiftRound(x, r.shift, r.rounding);
  const kept = fit(rounded, r.outWidth, r.overflow);
  const value = f(kept.value) + 0;
  return { value, overflow: kept.overflow && value !== f(rounded) };
}

/** ReLU on a raw value (for requantActivate). */
export const reluRaw = (v: number): number => (v < 0 ? 0 : v);
/** The identity (for requantActivate). */
export const identityRaw = (v: number): number => v;

/**
 * Raw value of a real number in format f: round(v * 2^frac) with the given
 * rounding (ties resolved as in shiftRound), then fitted. `exact` says whether
 * the real value was representable without rounding.
 */
export function quantize(v: number, f: QFormat, rounding: Rounding, overflow: Overflow): Fitted & { exact: boolean } {
  if (!Number.isFinite(v)) throw new RangeError(`cannot quantise ${v}`);
  const scaled = v * 2 ** f.frac;
  let r: number;
  const fl = Math.floor(scaled);
  const rem = scaled - fl;
  if (rounding === 'truncate') r = fl;
  else if (rem > 0.5) r = fl + 1;
  else if (rem < 0.5) r = fl;
  else if (rounding === 'half-up') r = fl + 1;
  else r = fl % 2 === 0 ? fl : fl + 1;
  const fitted = fit(r, width(f), overflow);
  return { ...fitted, exact: rem === 0 && !fitted.overflow };
}

export function toReal(raw: number, f: QFormat): number {
  return raw / 2 ** f.frac;
}

/** Two's complement bit pattern of x in w bits, as an unsigned bigint (for hex files). */
export function toUnsigned(x: number, w: number): bigint {
  const b = BigInt(x);
  return b < 0n ? b + (1n << BigInt(w)) : b;
}
/** Inverse of toUnsigned. */
export function fromUnsigned(u: bigint, w: number): number {
  const top = 1n << BigInt(w - 1);
  return Number(u >= top ? u - (1n << BigInt(w)) : u);
}

/** Hex digits needed for w bits. */
export function hexDigits(w: number): number {
  return Math.ceil(w / 4);
}
export function toHex(x: number, w: number): string {
  return toUnsigned(x, w).toString(16).padStart(hexDigits(w), '0');
}

/** Verilog signed literal, e.g. -8'sd3 is written as -(8'sd3) -> we emit 8'shFD style. */
export function verilogLiteral(x: number, w: number): string {
  return `${w}'sh${toHex(x, w)}`;
}
