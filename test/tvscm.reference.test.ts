/**
 * The TVSCM reference model against first principles: an explicit n x n
 * matrix built from the placement, multiplied the slow way; plan checks; and
 * the float model's error bound.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadLayerSpec } from '../src/layers/load.ts';
import { tvscmAccumulate } from '../src/layers/tvscm/reference.ts';
import { CircaInputError } from '../src/errors.ts';
import { toReal } from '../src/fixed/index.ts';
import { makeVectors } from '../src/sim/vectors.ts';

/** The circulant first row c of the placement: c_0 = a, then b where the placement puts it. */
function denseMatrix(n: number, placement: 'band' | 'complement', r: number, a: number, b: number): number[][] {
  const c = Array.from({ length: n }, (_, k) => {
    if (k === 0) return a;
    if (placement === 'complement') return b;
    const d = Math.min(k, n - k); // circular distance
    return d <= r ? b : 0;
  });
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => c[(j - i + n) % n]));
}

describe('TVSCM reference = W x with W built explicitly', () => {
  it('band and complement, any n, r, weights and inputs', () => {
    fc.assert(fc.property(
      fc.integer({ min: 3, max: 40 }), fc.boolean(), fc.integer({ min: 1, max: 19 }),
      fc.integer({ min: -128, max: 127 }), fc.integer({ min: -128, max: 127 }), fc.integer({ min: 0, max: 1000 }),
      (n, band, rRaw, a, b, seed) => {
        const r = 1 + (rRaw % Math.floor((n - 1) / 2));
        const layer = loadLayerSpec({
          kind: 'tvscm', n, placement: band ? { type: 'band', radius: r } : { type: 'complement' },
          weights: { raw: true, a, b },
        });
        const x = makeVectors(9, n, 8, seed)[8].x; // a random one
        const W = denseMatrix(n, band ? 'band' : 'complement', r, a, b);
        const want = W.map((row) => row.reduce((s, w, j) => s + w * x[j], 0));
        expect(tvscmAccumulate(layer.plan, x)).toEqual(want);
        // W is symmetric, as the name says
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(W[i][j]).toBe(W[j][i]);
      },
    ), {
      numRuns: 300,
      // found by fast-check: a = b = 0 gave -0 for negative inputs (now normalised to 0)
      examples: [[3, false, 1, 0, 0, 96]],
    });
  });

  it('the accumulator width holds the extreme sums exactly (no internal overflow)', () => {
    for (const placement of [{ type: 'band', radius: 3 }, { type: 'complement' }]) {
      const layer = loadLayerSpec({ kind: 'tvscm', n: 784, placement, weights: { raw: true, a: -128, b: -128 } });
      const lo = -(2 ** (layer.plan.accWidth - 1));
      const hi = 2 ** (layer.plan.accWidth - 1) - 1;
      for (const v of makeVectors(8, 784, 8)) {
        for (const acc of tvscmAccumulate(layer.plan, v.x)) {
          expect(acc).toBeGreaterThanOrEqual(lo);
          expect(acc).toBeLessThanOrEqual(hi);
        }
      }
    }
  });
});

describe('float model and error statistics', () => {
  it('with representable weights and no saturation, |fixed - float| <= half an output LSB', () => {
    // a = 0.75, b = -0.3125 are exact in Q1.6; the only error is the final
    // convergent rounding to Q3.6, at most 2^-6 / 2 (no overflow: |y| < 8).
    const layer = loadLayerSpec({
      kind: 'tvscm', n: 100, placement: { type: 'band', radius: 2 },
      weights: { format: { int: 1, frac: 6 }, a: 0.75, b: -0.3125 },
      output: { format: { int: 3, frac: 6 } },
    });
    const lsb = 2 ** -6;
    for (const v of makeVectors(50, 100, 8, 5)) {
      const fixed = layer.kind.reference(layer.plan, v.x);
      expect(fixed.overflow).toBe(false);
      const float = layer.kind.float(layer.plan, v.x);
      fixed.y.forEach((y, i) => expect(Math.abs(toReal(y, layer.plan.yFormat) - float[i])).toBeLessThanOrEqual(lsb / 2));
    }
  });
});

describe('TVSCM spec errors name the field and the allowed range', () => {
  const base = { kind: 'tvscm', n: 10, placement: { type: 'band', radius: 1 }, weights: { a: 0.5, b: 0.25 } };
  const cases: [string, object, RegExp][] = [
    ['n < 3', { n: 2 }, /^n: must be >= 3, got 2/],
    ['r >= n/2', { placement: { type: 'band', radius: 5 } }, /^placement\.radius: must be in 1\.\.4 for n = 10/],
    ['P > n', { lanes: 11 }, /^lanes: must be in 1\.\.10/],
    ['P < 1', { lanes: 0 }, /^lanes: must be >= 1, got 0/],
    ['width > 32', { input: { int: 20, frac: 20 } }, /^input: width 1 \+ int \+ frac must be in 2\.\.32/],
    ['weight too big', { weights: { a: 1.5, b: 0.25 } }, /^weights\.a: 1\.5 does not fit Q0\.7 \(8 bits\): allowed -1\.\.0\.9921875/],
    ['raw weight too big', { weights: { a: 200, b: 0, raw: true } }, /^weights\.a: raw value 200 does not fit Q0\.7 \(8 bits\): allowed -128\.\.127/],
    ['unknown placement', { placement: { type: 'diagonal' } }, /^placement\.type: .*'band' \| 'complement'/],
    ['output frac beyond accumulator', { output: { format: { int: 0, frac: 20 } } }, /^output\.format\.frac: must be in 0\.\.14/],
    ['accumulator over 48 bits', { input: { int: 0, frac: 31 }, weights: { a: 0.5, b: 0.25, format: { int: 0, frac: 31 } } }, /accumulator would need \d+ bits \(limit 48\)/],
    ['unknown field', { colour: 'red' }, /colour/],
  ];
  for (const [label, patch, msg] of cases) {
    it(label, () => {
      const err = (() => { try { loadLayerSpec({ ...base, ...patch }); } catch (e) { return e; } })();
      expect(err).toBeInstanceOf(CircaInputError);
      expect((err as CircaInputError).exitCode).toBe(2);
      expect((err as Error).message).toMatch(msg);
    });
  }
});
