import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  fit, shiftRound, quantize, requantize, widthOfRange, rangeMul, rangeAdd, rangeOfWidth,
  toHex, fromUnsigned, toUnsigned, minOf, maxOf, ROUNDINGS, type Rounding,
} from '../src/fixed/index.ts';

// BigInt oracle: the definitions written the slow, obvious way.
function oracleShift(x: bigint, k: bigint, mode: Rounding): bigint {
  if (k === 0n) return x;
  const d = 1n << k;
  // floor division for signed bigint
  let fl = x / d;
  if (x % d !== 0n && x < 0n) fl -= 1n;
  const rem = x - fl * d; // 0 <= rem < d
  if (mode === 'truncate') return fl;
  const twice = rem * 2n;
  if (twice > d) return fl + 1n;
  if (twice < d) return fl;
  if (mode === 'half-up') return fl + 1n;
  return fl % 2n === 0n ? fl : fl + 1n;
}
function oracleFit(x: bigint, w: bigint, sat: boolean): [bigint, boolean] {
  const lo = -(1n << (w - 1n));
  const hi = (1n << (w - 1n)) - 1n;
  if (x >= lo && x <= hi) return [x, false];
  if (sat) return [x < lo ? lo : hi, true];
  const m = 1n << w;
  let v = ((x % m) + m) % m;
  if (v > hi) v -= m;
  return [v, true];
}

const acc48 = fc.bigInt({ min: -(1n << 47n), max: (1n << 47n) - 1n });
const rounding = fc.constantFrom(...ROUNDINGS);

describe('fixed point against a BigInt oracle', () => {
  it('shiftRound matches for every mode, 48-bit inputs and shifts 0..47', () => {
    fc.assert(
      fc.property(acc48, fc.integer({ min: 0, max: 47 }), rounding, (x, k, mode) => {
        expect(BigInt(shiftRound(Number(x), k, mode))).toBe(oracleShift(x, BigInt(k), mode));
      }),
      { numRuns: 20000 },
    );
  });

  it('fit matches for saturate and wrap, widths 2..48', () => {
    fc.assert(
      fc.property(acc48, fc.integer({ min: 2, max: 48 }), fc.boolean(), (x, w, sat) => {
        const got = fit(Number(x), w, sat ? 'saturate' : 'wrap');
        const [v, o] = oracleFit(x, BigInt(w), sat);
        expect(BigInt(got.value)).toBe(v);
        expect(got.overflow).toBe(o);
      }),
      { numRuns: 20000 },
    );
  });

  it('requantize = shift then fit', () => {
    fc.assert(
      fc.property(acc48, fc.integer({ min: 0, max: 30 }), fc.integer({ min: 2, max: 32 }), rounding, fc.boolean(),
        (x, k, w, mode, sat) => {
          const got = requantize(Number(x), { shift: k, outWidth: w, rounding: mode, overflow: sat ? 'saturate' : 'wrap' });
          const [v, o] = oracleFit(oracleShift(x, BigInt(k), mode), BigInt(w), sat);
          expect(BigInt(got.value)).toBe(v);
          expect(got.overflow).toBe(o);
        }),
      { numRuns: 20000 },
    );
  });

  it('products of 24-bit operands are exact (|x*y| < 2^47)', () => {
    const d24 = fc.bigInt({ min: -(1n << 23n), max: (1n << 23n) - 1n });
    fc.assert(fc.property(d24, d24, (a, b) => {
      expect(BigInt(Number(a) * Number(b))).toBe(a * b);
    }));
  });

  it('widthOfRange gives the smallest width that holds a product range', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 24 }), fc.integer({ min: 2, max: 24 }), (w1, w2) => {
      const r = rangeMul(rangeOfWidth(w1), rangeOfWidth(w2));
      const w = widthOfRange(r);
      expect(r.lo).toBeGreaterThanOrEqual(minOf(w));
      expect(r.hi).toBeLessThanOrEqual(maxOf(w));
      // one bit fewer would not hold it
      expect(r.lo < minOf(w - 1) || r.hi > maxOf(w - 1)).toBe(true);
      // the classic result: signed w1 x w2 needs w1 + w2 bits (the -2^(w1-1) * -2^(w2-1) corner)
      expect(w).toBe(w1 + w2);
    }));
    expect(widthOfRange(rangeAdd(rangeOfWidth(8), rangeOfWidth(8)))).toBe(9);
  });

  it('hex encoding round-trips two\'s complement', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 48 }), fc.double({ min: 0, max: 1, noNaN: true }), (w, t) => {
      const x = Math.round(minOf(w) + t * (maxOf(w) - minOf(w)));
      expect(fromUnsigned(toUnsigned(x, w), w)).toBe(x);
      expect(toHex(x, w).length).toBe(Math.ceil(w / 4));
    }));
    expect(toHex(-1, 8)).toBe('ff');
    expect(toHex(-128, 8)).toBe('80');
  });

  it('quantize rounds ties as the mode says and reports exactness and overflow', () => {
    const f = { int: 0, frac: 2 }; // Q0.2, step 0.25, range [-1, 0.75]
    expect(quantize(0.125, f, 'convergent', 'saturate')).toEqual({ value: 0, overflow: false, exact: false });
    expect(quantize(0.375, f, 'convergent', 'saturate')).toEqual({ value: 2, overflow: false, exact: false });
    expect(quantize(0.125, f, 'half-up', 'saturate').value).toBe(1);
    expect(quantize(-0.125, f, 'half-up', 'saturate').value).toBe(0);
    expect(quantize(-0.125, f, 'truncate', 'saturate').value).toBe(-1);
    expect(quantize(0.5, f, 'convergent', 'saturate')).toEqual({ value: 2, overflow: false, exact: true });
    expect(quantize(1.0, f, 'convergent', 'saturate')).toEqual({ value: 3, overflow: true, exact: false });
    expect(quantize(1.0, f, 'convergent', 'wrap').value).toBe(-4);
  });
});
