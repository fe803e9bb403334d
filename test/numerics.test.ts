/**
 * The README's "Numerics" section, statement by statement, against the code
 * (src/fixed and the layers' reference models). The RTL is held equal to
 * these models by the co-simulation tests, so what holds here holds there.
 * Also: library calls of the reference models check their raw inputs.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CircaError, CircaInputError } from '../src/errors.ts';
import { quantize, shiftRound, type Rounding } from '../src/fixed/index.ts';
import { loadLayerSpec } from '../src/layers/load.ts';
import { LAYER_KINDS } from '../src/layers/index.ts';
import { planAny } from '../src/network/plan.ts';
import { networkReference } from '../src/network/reference.ts';
import { designFromSpec, reference } from '../src/index.ts';
import { fftFixed, type Cplx } from '../src/fft/reference.ts';
import { planFft } from '../src/fft/plan.ts';

const ref = (spec: Record<string, unknown>, x: number[]) => {
  const l = loadLayerSpec(spec);
  return l.kind.reference(l.plan, x);
};

describe('rounding modes (README: Numerics)', () => {
  // x / 2 for x = -5..5: the ties are the odd x
  const halves = [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5];
  const table: Record<Rounding, number[]> = {
    //          -2.5 -2 -1.5 -1 -0.5 0 0.5 1 1.5 2 2.5
    truncate: [-3, -2, -2, -1, -1, 0, 0, 1, 1, 2, 2],
    'half-up': [-2, -2, -1, -1, 0, 0, 1, 1, 2, 2, 3],
    convergent: [-2, -2, -2, -1, 0, 0, 0, 1, 2, 2, 2],
  };
  for (const [mode, want] of Object.entries(table) as [Rounding, number[]][]) {
    it(`${mode}: x / 2 for x = -5..5`, () => {
      expect(halves.map((x) => shiftRound(x, 1, mode))).toEqual(want);
      // the same rule for reals (weights, --real inputs)
      expect(halves.map((x) => quantize(x / 2, { int: 7, frac: 0 }, mode, 'saturate').value)).toEqual(want);
    });
  }
  it('truncate is floor (toward minus infinity), half-up is floor(v + 1/2), convergent is nearest with ties to even', () => {
    fc.assert(fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: 1, max: 12 }), (x, k) => {
      const v = x / 2 ** k;
      expect(shiftRound(x, k, 'truncate')).toBe(Math.floor(v) + 0); // + 0: the models never give -0
      expect(shiftRound(x, k, 'half-up')).toBe(Math.floor(v + 0.5) + 0);
      const c = shiftRound(x, k, 'convergent');
      const tie = v - Math.floor(v) === 0.5;
      expect(c).toBe((tie ? (Math.floor(v) % 2 === 0 ? Math.floor(v) : Math.floor(v) + 1) : Math.round(v)) + 0);
    }));
  });
  it('a layer rounds its output the same way (activation Q0.7 -> Q0.6: one bit shifted out)', () => {
    const x = [-5, -3, -1, 1, 3, 5];
    for (const [mode, want] of [['truncate', [-3, -2, -1, 0, 1, 2]], ['half-up', [-2, -1, 0, 1, 2, 3]], ['convergent', [-2, -2, 0, 0, 2, 2]]] as const) {
      const r = ref({ kind: 'activation', n: 6, function: 'identity', input: { int: 0, frac: 7 }, output: { format: { int: 0, frac: 6 }, rounding: mode } }, x);
      expect(r.y).toEqual(want);
    }
  });
});

describe('ReLU and hardtanh come after saturate or wrap; the overflow flag (README: Numerics)', () => {
  // Q3.4 in, Q0.7 out: the value is shifted left by 3, then fitted into 8 bits
  const act = (fn: string, overflow: string) => ({ kind: 'activation', n: 1, function: fn, input: { int: 3, frac: 4 }, output: { format: { int: 0, frac: 7 }, rounding: 'convergent', overflow } });
  it('wrap, then ReLU: 1.5 wraps to -0.5, which ReLU makes 0; the flag is raised', () => {
    expect(ref(act('identity', 'wrap'), [24])).toEqual({ y: [-64], overflow: true });
    expect(ref(act('relu', 'wrap'), [24])).toEqual({ y: [0], overflow: true });
  });
  it('saturate, then ReLU: 1.5 saturates to 127/128 (flag: the output lost information); -1.5 saturates to -1, which ReLU makes 0 as it would -1.5 (no flag)', () => {
    expect(ref(act('relu', 'saturate'), [24])).toEqual({ y: [127], overflow: true });
    expect(ref(act('relu', 'saturate'), [-24])).toEqual({ y: [0], overflow: false });
    expect(ref(act('identity', 'saturate'), [-24])).toEqual({ y: [-128], overflow: true });
  });
  it('the same meaning in dense and tvscm: a value saturated below the range that ReLU zeroes raises nothing, one above it does', () => {
    // dense: one weight 1.0 (raw, Q1.6), input -1.5 in Q3.4 -> accumulator -1.5 -> Q0.7 saturates at -1 -> ReLU 0
    const dense = { kind: 'dense', inputs: 1, outputs: 1, input: { int: 3, frac: 4 }, weights: { format: { int: 1, frac: 6 }, values: [[1]], bias: [0] }, activation: 'relu', output: { format: { int: 0, frac: 7 } } };
    expect(ref(dense, [-24])).toEqual({ y: [0], overflow: false });
    expect(ref(dense, [24])).toEqual({ y: [127], overflow: true });
    expect(ref(dense, [-8])).toEqual({ y: [0], overflow: false }); // -0.5 fits: ReLU alone raises nothing
    // tvscm, complement, a = 1, b = 0: y = x; output Q0.7 from input Q3.4
    const tv = { kind: 'tvscm', n: 3, placement: { type: 'complement' }, input: { int: 3, frac: 4 }, weights: { format: { int: 1, frac: 6 }, a: 1, b: 0 }, output: { format: { int: 0, frac: 7 }, relu: true } };
    expect(ref(tv, [-24, -8, 8])).toEqual({ y: [0, 0, 64], overflow: false });
    expect(ref(tv, [24, -8, 8])).toEqual({ y: [127, 0, 64], overflow: true });
    expect(ref({ ...tv, output: { format: { int: 0, frac: 7 }, relu: true, overflow: 'wrap' } }, [24, 0, 0])).toEqual({ y: [0, 0, 0], overflow: true });
  });
  it('hardtanh clips to [max(-1, min of the format), min(+1, max of the format)], after the fit; a value it clips to its limit anyway lost nothing', () => {
    const ht = (out: { int: number; frac: number }, x: number[]) => ref({ kind: 'activation', n: x.length, function: 'hardtanh', input: { int: 3, frac: 4 }, output: { format: out } }, x);
    // Q1.6: [-1, +1] exactly (raw -64..64); 1.5 is inside the format, so clipping it is not an overflow
    expect(ht({ int: 1, frac: 6 }, [24, -24, 8])).toEqual({ y: [64, -64, 32], overflow: false });
    // Q0.7 cannot hold +1: the range is [-1, 1 - 2^-7] (raw -128..127); 1.5 saturates to 127, which is the clip anyway
    expect(ht({ int: 0, frac: 7 }, [24, -24])).toEqual({ y: [127, -128], overflow: false });
    // Q0.1 (2 bits): [-1, 0.5]
    expect(ht({ int: 0, frac: 1 }, [16, 8, -16])).toEqual({ y: [1, 1, -2], overflow: false });
    // wrapped instead, 1.5 becomes -0.5 and the clip keeps it: lost
    expect(ref({ kind: 'activation', n: 1, function: 'hardtanh', input: { int: 3, frac: 4 }, output: { format: { int: 0, frac: 7 }, overflow: 'wrap' } }, [24])).toEqual({ y: [-64], overflow: true });
    // dense's hardtanh has the same range
    const dense = { kind: 'dense', inputs: 1, outputs: 1, input: { int: 3, frac: 4 }, weights: { format: { int: 1, frac: 6 }, values: [[1]], bias: [0] }, activation: 'hardtanh', output: { format: { int: 0, frac: 7 } } };
    expect(ref(dense, [24])).toEqual({ y: [127], overflow: false });
    expect(ref({ ...dense, output: { format: { int: 2, frac: 5 } } }, [24])).toEqual({ y: [32], overflow: false });
  });
});

describe('FFT scaling and full-scale input (README: Numerics)', () => {
  const dc = (n: number, v: number): Cplx[] => Array.from({ length: n }, () => [v, 0]);
  it("'unit' shifts each butterfly by one bit: widths stay, the forward output is DFT / N; 'none' grows a bit per butterfly: DFT", () => {
    const unit = planFft({ n: 16, dataWidth: 8, scaling: 'unit' });
    const none = planFft({ n: 16, dataWidth: 8, scaling: 'none' });
    expect([unit.outWidth, unit.totalShift]).toEqual([8, 4]);
    expect([none.outWidth, none.totalShift]).toEqual([12, 0]);
    // a constant 100: DFT bin 0 is 16 x 100
    expect(fftFixed(unit, dc(16, 100)).y[0]).toEqual([100, 0]);
    expect(fftFixed(none, dc(16, 100)).y[0]).toEqual([1600, 0]);
    // an array gives one shift per butterfly: two of four shifted, DFT / 4
    expect(fftFixed(planFft({ n: 16, dataWidth: 8, scaling: [1, 0, 1, 0] }), dc(16, 100)).y[0]).toEqual([400, 0]);
  });
  it("the inverse with 'unit' is the IDFT (its 1/N included): bin 0 = 64 gives 64 / 8 = 8 everywhere", () => {
    const x: Cplx[] = Array.from({ length: 8 }, (_, i) => (i === 0 ? [64, 0] : [0, 0]));
    expect(fftFixed(planFft({ n: 8, dataWidth: 8, inverse: true, scaling: 'unit' }), x).y).toEqual(Array.from({ length: 8 }, () => [8, 0]));
  });
  const fullScale = (n: number) => {
    const out: Cplx[][] = [];
    for (let m = 0; m < 2 ** (2 * n); m++) out.push(Array.from({ length: n }, (_, i) => [(m >> (2 * i)) & 1 ? 127 : -128, (m >> (2 * i + 1)) & 1 ? 127 : -128]));
    return out;
  };
  it("with 'unit', a butterfly overflows only where a scaled max - min rounds up to 2^(w-1): never with truncate", () => {
    // N = 4 has no twiddle multiplier (only the exact -j rotation): every full-scale vector
    const spec = { n: 4, dataWidth: 8, scaling: 'unit' as const };
    expect(planFft(spec).stages.filter((s) => s.kind === 'tw')).toEqual([]);
    const vs = fullScale(4);
    const flagged = (rounding: Rounding) => vs.filter((x) => fftFixed(planFft({ ...spec, rounding }), x).overflow).length;
    expect(flagged('truncate')).toBe(0);
    expect(flagged('half-up')).toBeGreaterThan(0);
    expect(flagged('convergent')).toBeGreaterThan(0);
    // (127 - (-128)) / 2 = 127.5 rounds up to 128: saturated to 127, flag raised
    const r = fftFixed(planFft({ ...spec, rounding: 'convergent' }), [[127, 0], [-128, 0], [127, 0], [-128, 0]]);
    expect(r.overflow).toBe(true);
  });
  it('a twiddle rotation of a full-scale sample can saturate (|re| = |im| = 2^(w-1) rotated by 45 degrees is sqrt(2) x full scale)', () => {
    // N = 8, truncate: the butterflies cannot overflow (above), so the flag comes from the W8 twiddle stage
    const plan = planFft({ n: 8, dataWidth: 8, twiddleWidth: 10, scaling: 'unit', rounding: 'truncate', overflow: 'saturate' });
    expect(plan.stages.filter((s) => s.kind === 'tw')).toHaveLength(1);
    const x: Cplx[] = [[-128, -128], [127, 127], [-128, -128], [127, -128], [-128, -128], [-128, -128], [-128, -128], [-128, -128]];
    const r = fftFixed(plan, x);
    expect(r.overflow).toBe(true);
    // the same vector at half scale does not saturate
    expect(fftFixed(plan, x.map(([a, b]) => [a >> 1, b >> 1] as Cplx)).overflow).toBe(false);
  });
  it("with 'unit' and one bit of headroom (|re|, |im| <= 2^(w-2)) nothing saturates: any N, width, twiddle width, rounding, direction", () => {
    const arb = fc.record({
      log2n: fc.integer({ min: 2, max: 6 }), w: fc.integer({ min: 6, max: 16 }), tw: fc.integer({ min: 6, max: 16 }),
      rounding: fc.constantFrom<Rounding>('truncate', 'half-up', 'convergent'), inverse: fc.boolean(), multipliers: fc.constantFrom<3 | 4>(3, 4), seed: fc.integer(),
    });
    fc.assert(fc.property(arb, ({ log2n, w, tw, rounding, inverse, multipliers, seed }) => {
      const n = 2 ** log2n;
      const plan = planFft({ n, dataWidth: w, twiddleWidth: tw, rounding, inverse, multipliers, scaling: 'unit' });
      const h = 2 ** (w - 2);
      let s = seed >>> 0;
      const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s % 3 === 0 ? h : s % 3 === 1 ? -h : (s % (2 * h + 1)) - h);
      const x: Cplx[] = Array.from({ length: n }, () => [rnd(), rnd()]);
      expect(fftFixed(plan, x).overflow).toBe(false);
    }), { numRuns: 300 });
  });
});

describe('library calls of the reference models check their raw inputs', () => {
  const tvscm = { kind: 'tvscm', name: 'tv5', n: 5, placement: { type: 'band' }, input: { int: 0, frac: 7 }, weights: { a: 0.5, b: 0.25 } };
  it("a layer's reference(): wrong length, a value outside the format, a non-integer: a CircaInputError naming the layer, the index and the value with its format", () => {
    const l = loadLayerSpec(tvscm);
    expect(() => l.kind.reference(l.plan, [1, 2, 3, 4, 200])).toThrow(CircaInputError);
    expect(() => l.kind.reference(l.plan, [1, 2, 3, 4, 200])).toThrow(/^tv5 \(tvscm\): input 4 is 200, not a raw Q0\.7 \(8 bits\) value \(integers -128\.\.127\)$/);
    expect(() => l.kind.reference(l.plan, [1, 2, 0.5, 4, 5])).toThrow(/^tv5 \(tvscm\): input 2 is 0\.5, not a raw Q0\.7/);
    expect(() => l.kind.reference(l.plan, [1, 2, 3, 4, NaN])).toThrow(/^tv5 \(tvscm\): input 4 is NaN/);
    expect(() => l.kind.reference(l.plan, [1, 2, 3])).toThrow(/^tv5 \(tvscm\): the input has 3 values, the layer takes 5$/);
    expect(l.kind.reference(l.plan, [1, 2, 3, 4, -128]).y).toHaveLength(5);
  });
  it('every kind checks (LAYER_KINDS[kind].reference)', () => {
    const specs: Record<string, unknown>[] = [
      tvscm,
      { kind: 'dense', name: 'd', inputs: 3, outputs: 2, weights: { init: 'random' } },
      { kind: 'activation', name: 'a', n: 3 },
      { kind: 'argmax', name: 'm', n: 3 },
      { kind: 'circulant', name: 'c', inputs: 3, outputs: 3 },
      { kind: 'diag-circulant', name: 'dc', inputs: 3, outputs: 3 },
      { kind: 'block-circulant', name: 'bc', inputs: 4, outputs: 4, blockSize: 4 },
      { kind: 'fft', name: 'f', n: 4, dataWidth: 8 },
      { kind: 'conv2d', name: 'cv', height: 3, width: 3, channels: 2, outChannels: 2, kernel: 2, weights: { init: 'random' } },
      { kind: 'pool', name: 'pl', height: 4, width: 4, channels: 2 },
      { kind: 'conv1d', name: 'c1d', length: 9, channels: 2, outChannels: 2, kernel: 3, weights: { init: 'random' } },
    ];
    expect(specs.map((s) => s.kind).sort()).toEqual(Object.keys(LAYER_KINDS).sort());
    for (const s of specs) {
      const l = loadLayerSpec(s);
      const n = l.kind.shape(l.plan).inputs;
      const x = new Array(n).fill(0);
      expect(l.kind.reference(l.plan, x).y.length).toBeGreaterThan(0);
      x[n - 1] = 1e6;
      expect(() => LAYER_KINDS[s.kind as string].reference(l.plan, x), String(s.kind)).toThrow(new RegExp(`^${s.name} \\(${s.kind}\\): input ${n - 1} is 1000000, not a raw Q`));
    }
  });
  it('the network model and the public reference() check the input too', () => {
    const net = planAny({ network: 'n', layers: [{ kind: 'activation', name: 'first', n: 2 }, { kind: 'activation', name: 'second', n: 2 }] });
    expect(() => networkReference(net, [0, 128])).toThrow(/^first \(activation\): input 1 is 128, not a raw Q0\.7 \(8 bits\) value \(integers -128\.\.127\)$/);
    const d = designFromSpec(tvscm);
    expect(() => reference(d, [0, 0, 0, 0, -129])).toThrow(CircaError);
    expect(reference(d, [0, 0, 0, 0, -128]).y).toHaveLength(5);
  });
});
