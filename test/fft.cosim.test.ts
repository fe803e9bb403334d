/**
 * FFT co-simulation (Verilator): the generated RTL against the bit-exact
 * model, value for value, with random backpressure, plus the cycle counts
 * against the cost model and the RTL round trip FFT -> IFFT.
 *
 * Six designs, one Verilator build each (cached by content hash), chosen so
 * that together they cover: forward and inverse at N = 8, 64, 256; every
 * rounding mode; saturate and wrap; 3 and 4 multipliers; unit, none and a
 * mixed scaling schedule; odd and even log2 N; delay lines in flip-flops and
 * in EBR; case and EBR twiddle ROMs; the reorder buffer on the output
 * (forward) and on the input (inverse); the skid buffer otherwise.
 */
import { describe, expect, it } from 'vitest';
import {
  cosimFft, errorStats, fftCost, fftFixed, generateFftRtl, makeFftVectors, mulberry32,
  type Cplx, type FftDesign, type FftSpecInput, type FftVector,
} from '../src/fft/index.ts';
import { simulateStream } from '../src/sim/stream.ts';

const CONFIGS: Record<string, FftSpecInput> = {
  // the reference configuration: 16-bit data, 16-bit twiddles, convergent, 1/N scaling, 4 multipliers
  fft64: { n: 64 },
  // unscaled inverse (22-bit output): the partner of fft64 in the round trip
  ifft64: { n: 64, inverse: true, scaling: 'none' },
  fft256: { n: 256, dataWidth: 14, twiddleWidth: 14, rounding: 'half-up', multipliers: 3 },
  ifft256: { n: 256, inverse: true, rounding: 'half-up', overflow: 'wrap' },
  fft8: { n: 8, dataWidth: 12, twiddleWidth: 10, rounding: 'truncate', scaling: [1, 0, 1], multipliers: 3, naturalOrder: true },
  ifft8: { n: 8, inverse: true, dataWidth: 12, twiddleWidth: 12, rounding: 'truncate', naturalOrder: true },
};

const designs = new Map<string, FftDesign>();
function design(name: string): FftDesign {
  let d = designs.get(name);
  if (!d) {
    d = generateFftRtl({ ...CONFIGS[name], name: `t_${name}` });
    designs.set(name, d);
  }
  return d;
}

const BACKPRESSURE = { validPct: 80, readyPct: 70 };

function expectExact(r: Awaited<ReturnType<typeof cosimFft>>): void {
  expect(r.mismatches).toEqual([]);
  expect(r.exact).toBe(r.vectors);
  expect(r.overflowGot).toBe(r.overflowExpected);
}

describe('fft co-simulation, bit-exact under backpressure', () => {
  for (const name of Object.keys(CONFIGS)) {
    it(`${name}: corner vectors and random ones, valid 80% / ready 70%`, async () => {
      const d = design(name);
      // all-max, all-min, two alternating extremes, zeros, three impulses, then random
      const vectors = makeFftVectors(40, d.plan.n, d.plan.inWidth, 11);
      expect(vectors.slice(0, 8).map((v) => v.kind)).toEqual(['all-max', 'all-min', 'alternating', 'alternating', 'zeros', 'impulse', 'impulse', 'impulse']);
      const r = await cosimFft(d, vectors, { ...BACKPRESSURE, seed: 5 });
      expectExact(r);
    });
  }

  it('fft64: 1000 vectors, valid 80% / ready 70%', async () => {
    const d = design('fft64');
    const r = await cosimFft(d, makeFftVectors(1000, 64, 16, 2024), { ...BACKPRESSURE, seed: 17 });
    expectExact(r);
    expect(r.overflowExpected).toBe(true); // the corner vectors saturate; the flag must agree
  });

  it('fft64: heavy stalls on both sides (valid 25% / ready 20%)', async () => {
    const d = design('fft64');
    const r = await cosimFft(d, makeFftVectors(30, 64, 16, 9), { validPct: 25, readyPct: 20, seed: 3 });
    expectExact(r);
  });

  it('ifft256: the overflow flag stays low when nothing saturates', async () => {
    const d = design('ifft256');
    const rnd = mulberry32(4);
    const small: FftVector[] = Array.from({ length: 6 }, () => ({
      kind: 'random',
      x: Array.from({ length: 256 }, () => [Math.round((rnd() * 2 - 1) * 3000), Math.round((rnd() * 2 - 1) * 3000)] as Cplx),
    }));
    const r = await cosimFft(d, small, { ...BACKPRESSURE, seed: 8 });
    expectExact(r);
    expect(r.overflowExpected).toBe(false);
    expect(r.overflowGot).toBe(false);
  });
});

describe('fft cycles equal the cost model', () => {
  for (const name of Object.keys(CONFIGS)) {
    it(`${name}: first and last output of every vector at the predicted cycle (valid = ready = 100%)`, async () => {
      const d = design(name);
      const r = await cosimFft(d, makeFftVectors(6, d.plan.n, d.plan.inWidth, 1), { validPct: 100, readyPct: 100 });
      expectExact(r);
      const cost = fftCost(d.plan);
      expect(r.measuredLatencyLast).toEqual(new Array(6).fill(cost.latencyLast));
      expect(r.measuredLatencyFirst).toEqual(new Array(6).fill(cost.latencyFirst));
      // back-to-back vectors: one every N cycles
      const starts = r.sim.firstIn;
      expect(starts.slice(1).map((c, k) => c - starts[k])).toEqual(new Array(5).fill(cost.periodCycles));
    });
  }
});

describe('fft round trip in RTL', () => {
  it('IFFT(FFT(x)) through fft64 then ifft64, no reorder buffer: natural order, equal to the model chain and to x', async () => {
    const f = design('fft64');
    const i = design('ifft64');
    const rnd = mulberry32(77);
    const xs: Cplx[][] = Array.from({ length: 12 }, () =>
      Array.from({ length: 64 }, () => [Math.round((rnd() * 2 - 1) * 22000), Math.round((rnd() * 2 - 1) * 22000)] as Cplx),
    );
    const spectra = await simulateStream(f, xs, { ...BACKPRESSURE, seed: 1 });
    const mid: Cplx[][] = spectra.outputs.map((flat) => Array.from({ length: 64 }, (_, k) => [flat[2 * k], flat[2 * k + 1]] as Cplx));
    const back = await simulateStream(i, mid, { ...BACKPRESSURE, seed: 2 });
    const ys: Cplx[][] = back.outputs.map((flat) => Array.from({ length: 64 }, (_, k) => [flat[2 * k], flat[2 * k + 1]] as Cplx));
    // bit-exact against the model chain
    const model = xs.map((x) => fftFixed(i.plan, fftFixed(f.plan, x).y).y);
    expect(ys).toEqual(model);
    // and close to x (see fft.test.ts for the bound)
    expect(errorStats(xs, ys).sqnrDb).toBeGreaterThan(60);
  });
});
