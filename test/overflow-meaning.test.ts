/**
 * What the overflow flag means, in the models: an output that lost
 * information (requantActivate() in src/fixed/index.ts). A value saturated
 * below the range that ReLU zeroes anyway, or that hardtanh clips anyway, is
 * not an overflow; every other value that did not fit is. The RTL's flag is
 * held to the same vectors in test/overflow.cosim.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { identityRaw, requantActivate, reluRaw, requantize, type Requant } from '../src/fixed/index.ts';
import { OVERFLOW_CASES, splitVectors } from './overflow-meaning.ts';

const rq = (overflow: 'saturate' | 'wrap'): Requant => ({ shift: 2, outWidth: 4, rounding: 'convergent', overflow });
const clip = (v: number) => (v < -4 ? -4 : v > 5 ? 5 : v); // a hardtanh whose limits lie inside the 4-bit range

describe('requantActivate: the overflow flag is an output that lost information', () => {
  it('a value below the range that ReLU zeroes anyway raises nothing; above the range it does', () => {
    // -40 >> 2 = -10, below -8: saturates to -8, ReLU 0 = ReLU(-10)
    expect(requantize(-40, rq('saturate'))).toEqual({ value: -8, overflow: true });
    expect(requantActivate(-40, rq('saturate'), reluRaw)).toEqual({ value: 0, overflow: false });
    // 40 >> 2 = 10, above 7: saturates to 7, ReLU 7 != 10
    expect(requantActivate(40, rq('saturate'), reluRaw)).toEqual({ value: 7, overflow: true });
    // no activation: every value that did not fit lost information
    expect(requantActivate(-40, rq('saturate'), identityRaw)).toEqual({ value: -8, overflow: true });
    // in range: never an overflow
    expect(requantActivate(-20, rq('saturate'), reluRaw)).toEqual({ value: 0, overflow: false });
  });

  it('wrap: a value below the range wrapped to a positive one lost information, wrapped to a negative one did not', () => {
    // -10 wraps to 6 (16 - 10): ReLU passes 6, the true answer is 0
    expect(requantActivate(-40, rq('wrap'), reluRaw)).toEqual({ value: 6, overflow: true });
    // -48 >> 2 = -12 wraps to 4: lost; -80 >> 2 = -20 wraps to -4: ReLU 0, right
    expect(requantActivate(-48, rq('wrap'), reluRaw)).toEqual({ value: 4, overflow: true });
    expect(requantActivate(-80, rq('wrap'), reluRaw)).toEqual({ value: 0, overflow: false });
    // -16 wraps to 0: ReLU 0, right
    expect(requantActivate(-64, rq('wrap'), reluRaw)).toEqual({ value: 0, overflow: false });
  });

  it('a clip (hardtanh): a saturated value it clips anyway lost nothing', () => {
    expect(requantActivate(-40, rq('saturate'), clip)).toEqual({ value: -4, overflow: false });
    expect(requantActivate(40, rq('saturate'), clip)).toEqual({ value: 5, overflow: false });
    // wrapped: 10 wraps to -6, clipped to -4, the true answer is 5
    expect(requantActivate(40, rq('wrap'), clip)).toEqual({ value: -4, overflow: true });
  });
});

describe('the layer models raise the flag only for lost information', () => {
  for (const c of OVERFLOW_CASES) {
    it(c.label, () => {
      const { layer, discarded, lost } = splitVectors(c);
      // the case exercises the flag (some vector loses information, except hardtanh that saturates)
      if (!c.label.includes('hardtanh saturate')) expect(lost.length).toBeGreaterThan(0);
      // saturating: vectors whose requantiser overflowed only below the range, which the activation
      // discards, no longer raise the flag (before the change every one of them did)
      if (c.label.endsWith('saturate')) expect(discarded.length).toBeGreaterThan(0);
      if (c.label.includes('hardtanh saturate')) expect(lost).toEqual([]);
      // the outputs are the identity layer's with the activation applied: only the flag changed meaning
      const ident = splitVectors({ ...c, spec: c.identity }).layer;
      const p = layer.plan as { clipLo?: number; clipHi?: number; htLo?: number; htHi?: number };
      const lo = p.clipLo ?? p.htLo ?? 0;
      const hi = p.clipHi ?? p.htHi ?? 0;
      const act = c.label.includes('hardtanh') ? (v: number) => Math.min(hi, Math.max(lo, v)) : reluRaw;
      for (const v of [...discarded, ...lost].slice(0, 20)) {
        const y = layer.kind.reference(layer.plan, v.x).y;
        expect(y).toEqual(ident.kind.reference(ident.plan, v.x).y.map(act));
      }
    });
  }
});
