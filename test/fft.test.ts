/**
 * FFT model tests (no simulator): spec checks, the schedule against the
 * exact DFT, the fixed-point model against double precision with a proven
 * error bound, the round trip, the report and the cost model's shape.
 */
import { describe, expect, it } from 'vitest';
import { CircaInputError } from '../src/errors.ts';
import { ROUNDINGS } from '../src/fixed/index.ts';
import {
  bitReverse, bitReversePermute, errorBound, errorStats, fftCost, fftFixed, fftIdeal, fftPipelineFloat, fftReport,
  formatFftReport, generateFftRtl, mulberry32, planFft, type Cplx,
} from '../src/fft/index.ts';

/** Parts uniform in [-a, a) of full scale: complex magnitude below full scale, so the scaled pipeline cannot saturate. */
function randomVectors(count: number, n: number, w: number, seed: number, a = 0.7): Cplx[][] {
  const rnd = mulberry32(seed);
  const fs = 2 ** (w - 1);
  return Array.from({ length: count }, () =>
    Array.from({ length: n }, () => [Math.round((rnd() * 2 - 1) * a * fs), Math.round((rnd() * 2 - 1) * a * fs)] as Cplx),
  );
}

function expectInputError(spec: unknown, ...fragments: string[]): void {
  let err: unknown;
  try {
    planFft(spec as never);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CircaInputError);
  expect((err as CircaInputError).exitCode).toBe(2);
  for (const f of fragments) expect((err as Error).message).toContain(f);
}

describe('fft spec', () => {
  it('rejects N that is not a power of two or out of range, naming the field and the range', () => {
    expectInputError({ n: 100 }, 'fft.n', '4..1024', '100');
    expectInputError({ n: 2 }, 'fft.n', '4..1024');
    expectInputError({ n: 2048 }, 'fft.n', '4..1024');
  });
  it('rejects twiddle widths below 4 and data widths out of range', () => {
    expectInputError({ n: 64, twiddleWidth: 3 }, 'fft.twiddleWidth', '4..24');
    expectInputError({ n: 64, dataWidth: 2 }, 'fft.dataWidth', '4..32');
  });
  it('rejects widths that would overflow without scaling', () => {
    // 30 bits + 10 bits of growth > 32
    expectInputError({ n: 1024, dataWidth: 30, scaling: 'none' }, 'fft.dataWidth', '4..22');
    // 24 + 6 = 30 bits of samples, times 20-bit twiddles: 50 > 46
    expectInputError({ n: 64, dataWidth: 24, scaling: 'none', twiddleWidth: 20 }, 'fft.twiddleWidth', '4..16');
  });
  it('checks a per-stage schedule', () => {
    expectInputError({ n: 64, scaling: [1, 1, 1] }, 'fft.scaling', '6 entries');
    expectInputError({ n: 8, scaling: [1, 2, 1] }, 'fft.scaling[1]', '0 or 1');
  });
  it('rejects unknown fields and wrong types through the schema', () => {
    expectInputError({ n: 64, bogus: 1 }, 'fft');
    expectInputError({ n: 64, rounding: 'nearest' }, 'fft.rounding');
    expectInputError({ n: 64, multipliers: 2 }, 'fft.multipliers');
  });
  it('derives widths from the schedule', () => {
    expect(planFft({ n: 64 }).outWidth).toBe(16);
    expect(planFft({ n: 64, scaling: 'none' }).outWidth).toBe(22);
    expect(planFft({ n: 8, scaling: [1, 0, 1], dataWidth: 12 }).outWidth).toBe(13);
  });
});

describe('fft schedule', () => {
  it('has floor((log2 N - 1) / 2) general multipliers and trivial -j stages in the right places', () => {
    for (let k = 2; k <= 10; k++) {
      const p = planFft({ n: 2 ** k });
      expect(p.twiddles.length).toBe(Math.floor((k - 1) / 2));
      expect(p.butterflies.map((b) => b.delay)).toEqual(Array.from({ length: k }, (_, i) => 2 ** (k - 1 - i)));
      // forward: BF2II stages (odd index, not the lone radix-2 at the end of odd k) rotate by -j
      expect(p.butterflies.filter((b) => b.rot === '-j').length).toBe(Math.floor(k / 2));
      const inv = planFft({ n: 2 ** k, inverse: true });
      expect(inv.butterflies.map((b) => b.delay)).toEqual(Array.from({ length: k }, (_, i) => 2 ** i));
      expect(inv.butterflies.filter((b) => b.rot === '+j').length).toBe(Math.floor(k / 2));
    }
  });

  it('the ideal transform (fft.js) equals a direct O(N^2) DFT, sign, scaling and orders included', () => {
    // the direct sum in double precision: X_k = sum_j x_j e^(-+2 pi i jk/N); both sum the same terms, so 1e-9 of the peak covers rounding
    for (const n of [4, 8, 32, 128]) {
      for (const inverse of [false, true]) {
        const plan = planFft({ n, inverse, naturalOrder: true });
        const [x] = randomVectors(1, n, 12, n + (inverse ? 1 : 0));
        const sign = inverse ? 1 : -1;
        const scale = 2 ** -plan.totalShift;
        const want = Array.from({ length: n }, (_, k) => {
          let re = 0;
          let im = 0;
          for (let j = 0; j < n; j++) {
            const a = (sign * 2 * Math.PI * j * k) / n;
            re += x[j][0] * Math.cos(a) - x[j][1] * Math.sin(a);
            im += x[j][0] * Math.sin(a) + x[j][1] * Math.cos(a);
          }
          return [re * scale, im * scale];
        });
        const got = fftIdeal(plan, x);
        const peak = Math.max(...want.flat().map(Math.abs));
        const err = Math.max(...got.flatMap((c, i) => [Math.abs(c[0] - want[i][0]), Math.abs(c[1] - want[i][1])]));
        expect(err / peak, `n ${n} inverse ${inverse}`).toBeLessThan(1e-9);
      }
    }
  });

  it('the float pipeline equals the exact DFT (fft.js) for every N, both directions and both orders', () => {
    for (let k = 2; k <= 10; k++) {
      for (const inverse of [false, true]) {
        for (const naturalOrder of [false, true]) {
          const plan = planFft({ n: 2 ** k, inverse, naturalOrder });
          const [x] = randomVectors(1, plan.n, 16, k * 7 + (inverse ? 1 : 0));
          const got = fftPipelineFloat(plan, x);
          const want = fftIdeal(plan, x);
          const peak = Math.max(...want.flat().map(Math.abs));
          const err = Math.max(...got.flatMap((c, i) => [Math.abs(c[0] - want[i][0]), Math.abs(c[1] - want[i][1])]));
          expect(err / peak).toBeLessThan(1e-12);
        }
      }
    }
  });

  it('puts the forward output in bit-reversed order and takes the inverse input in bit-reversed order', () => {
    const n = 16;
    const x: Cplx[] = Array.from({ length: n }, (_, i) => (i === 1 ? [1024, 0] : [0, 0]));
    // DFT of an impulse at 1: X[k] = 1024 W^k; output position j holds X[bitrev(j)]
    const y = fftPipelineFloat(planFft({ n, scaling: 'none' }), x);
    for (let j = 0; j < n; j++) {
      const k = bitReverse(j, 4);
      expect(y[j][0]).toBeCloseTo(1024 * Math.cos((2 * Math.PI * k) / n), 9);
      expect(y[j][1]).toBeCloseTo(-1024 * Math.sin((2 * Math.PI * k) / n), 9);
    }
    expect(bitReversePermute(bitReversePermute(x))).toEqual(x);
  });

  it('quantises the trivial twiddles exactly (+-1, +-j) and stores them once per position', () => {
    const p = planFft({ n: 64, twiddleWidth: 16 });
    const one = 2 ** 14;
    for (const st of p.twiddles) {
      expect(st.re.length).toBe(st.len);
      st.exponents.forEach((e, t) => {
        if (e === 0) expect([st.re[t], st.im[t]]).toEqual([one, 0]);
        if ((4 * e) % st.len === 0 && e !== 0) expect(Math.abs(st.re[t]) + Math.abs(st.im[t])).toBe(one);
      });
    }
  });
});

describe('fft fixed point against double precision', () => {
  // Bound (reference.ts errorBound): track a bound E on the complex error and M on the
  // exact magnitude. A scaled butterfly halves the sum of two errors and rounds each part
  // once (+ sqrt(2)/2 LSB); a twiddle stage rounds once and adds M * |w_q - w| for the
  // quantised twiddle. So no output part can be off by more than E LSB, and
  // SQNR >= 10 log10(mean |X|^2 / (2 E^2)). On inputs that never saturate (|x| < full scale)
  // this is a theorem, so the test asserts it on every sample, not on average.
  const cases = [
    { n: 8, inverse: false }, { n: 64, inverse: false }, { n: 64, inverse: true },
    { n: 256, inverse: true }, { n: 1024, inverse: false }, { n: 1024, inverse: true },
  ];
  for (const c of cases) {
    for (const rounding of ROUNDINGS) {
      it(`${c.inverse ? 'IFFT' : 'FFT'} N=${c.n} 16/16-bit ${rounding}: every error within the bound`, () => {
        const plan = planFft({ ...c, dataWidth: 16, twiddleWidth: 16, rounding });
        const xs = randomVectors(12, c.n, 16, c.n + (c.inverse ? 3 : 0));
        const runs = xs.map((x) => fftFixed(plan, x));
        expect(runs.some((r) => r.overflow)).toBe(false);
        const st = errorStats(xs.map((x) => fftIdeal(plan, x)), runs.map((r) => r.y));
        const bound = errorBound(plan);
        expect(st.maxAbsError).toBeLessThanOrEqual(bound);
        const samples = xs.length * c.n;
        const sqnrFloor = 10 * Math.log10(st.signalPower / samples / (2 * bound * bound));
        expect(st.sqnrDb).toBeGreaterThanOrEqual(sqnrFloor);
        // and the typical figure: about 6 dB per bit less 10 log10(N) for the 1/N scaling;
        // the worst-case floor is ~25 dB below it
        expect(st.sqnrDb).toBeGreaterThan(6.02 * 16 - 10 * Math.log10(c.n) - (rounding === 'truncate' ? 16 : 13));
      });
    }
  }

  it('convergent rounding is at least as accurate as truncation', () => {
    const xs = randomVectors(8, 256, 12, 9);
    const sq = (rounding: (typeof ROUNDINGS)[number]): number => {
      const plan = planFft({ n: 256, dataWidth: 12, twiddleWidth: 12, rounding });
      return errorStats(xs.map((x) => fftIdeal(plan, x)), xs.map((x) => fftFixed(plan, x).y)).sqnrDb;
    };
    expect(sq('convergent')).toBeGreaterThan(sq('truncate'));
  });

  it('saturates and flags the one butterfly overflow (max - min rounds up to 2^(w-1))', () => {
    const plan = planFft({ n: 4, dataWidth: 8 });
    // x[0] - x[2] = 127 - (-128) = 255 -> 127.5 -> 128 with convergent rounding: saturates to 127
    const r = fftFixed(plan, [[127, 0], [0, 0], [-128, 0], [0, 0]]);
    expect(r.overflow).toBe(true);
    const wrap = fftFixed(planFft({ n: 4, dataWidth: 8, overflow: 'wrap' }), [[127, 0], [0, 0], [-128, 0], [0, 0]]);
    expect(wrap.overflow).toBe(true);
    expect(wrap.y).not.toEqual(r.y);
    const trunc = fftFixed(planFft({ n: 4, dataWidth: 8, rounding: 'truncate' }), [[127, 0], [0, 0], [-128, 0], [0, 0]]);
    expect(trunc.overflow).toBe(false);
  });
});

describe('fft round trip', () => {
  // FFT with 1/N scaling, then an unscaled IFFT: N IDFT(DFT(x) / N) = x, with no reorder.
  // The FFT's error vector e (each part <= E1) comes out of the unscaled IFFT with energy
  // N |e|^2 (Parseval), so the noise rms is at most sqrt(N * 2 E1^2) + sqrt(2) E2 per sample.
  for (const n of [8, 64, 256]) {
    it(`IFFT(FFT(x)) = x in natural order, N=${n}`, () => {
      const f = planFft({ n });
      const i = planFft({ n, inverse: true, scaling: 'none' });
      expect(f.outputOrder).toBe('bit-reversed');
      expect(i.inputOrder).toBe('bit-reversed');
      expect(i.outputOrder).toBe('natural');
      const xs = randomVectors(10, n, 16, n);
      const ys = xs.map((x) => fftFixed(i, fftFixed(f, x).y).y);
      const st = errorStats(xs, ys);
      const noiseRms = Math.sqrt(n * 2 * errorBound(f) ** 2) + Math.SQRT2 * errorBound(i);
      const floor = 10 * Math.log10(st.signalPower / (xs.length * n) / noiseRms ** 2);
      expect(st.sqnrDb).toBeGreaterThanOrEqual(floor);
      expect(st.sqnrDb).toBeGreaterThan(55);
    });
  }
});

describe('fft report and cost', () => {
  it('reports SQNR rising with data width and the bound holding in every row', () => {
    const rows = fftReport(64, { dataWidths: [8, 12, 16], twiddleWidths: [16], roundings: ['convergent'], vectors: 4 });
    expect(rows.map((r) => r.dataWidth)).toEqual([8, 12, 16]);
    expect(rows[1].sqnrDb).toBeGreaterThan(rows[0].sqnrDb + 18);
    expect(rows[2].sqnrDb).toBeGreaterThan(rows[1].sqnrDb + 18);
    for (const r of rows) {
      expect(r.overflowVectors).toBe(0);
      expect(r.maxErrorLsb).toBeLessThanOrEqual(r.boundLsb);
    }
    const text = formatFftReport(rows);
    expect(text).toContain('pipeline dB');
    expect(text.split('\n').length).toBeGreaterThan(rows.length + 4);
  });

  it('twiddle width limits the SQNR once it is the narrower of the two', () => {
    const rows = fftReport(64, { dataWidths: [20], twiddleWidths: [8, 12, 20], roundings: ['convergent'], vectors: 4 });
    expect(rows[1].sqnrDb).toBeGreaterThan(rows[0].sqnrDb + 18);
    expect(rows[2].sqnrDb).toBeGreaterThan(rows[1].sqnrDb + 12);
  });

  it('counts multipliers, memory and latency from the plan the RTL uses', () => {
    const c = fftCost({ n: 64 });
    expect(c.complexMultipliers).toBe(2);
    expect(c.realMultipliers).toBe(8);
    expect(fftCost({ n: 64, multipliers: 3 }).realMultipliers).toBe(6);
    expect(c.memory.delayRamWords).toBe(32);
    expect(c.memory.delayFfWords).toBe(31);
    expect(c.memory.romWords).toBe(64 + 16);
    // (N - 1) delays + 3 per butterfly + 6 per twiddle stage + 1 output buffer
    expect(c.latencyFirst).toBe(63 + 3 * 6 + 6 * 2 + 1);
    expect(c.latencyLast).toBe(c.latencyFirst + 63);
    const nat = fftCost({ n: 64, naturalOrder: true });
    expect(nat.latencyFirst).toBe(63 + 18 + 12 + 65);
    expect(nat.memory.reorderWords).toBe(128);
  });

  it('emits one module per file, the templates it needs, and a header naming the generator and parameters', () => {
    const d = generateFftRtl({ n: 64, multipliers: 3, naturalOrder: true });
    const names = d.sources.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['fft_sdf_bf.v', 'fft_cmul.v', 'fft_bitrev.v', 'fft64_tw0_rom.v', 'fft64_tw1_rom.v', 'fft64.v']));
    expect(names).not.toContain('fft_skid.v');
    const top = d.sources.find((s) => s.name === 'fft64.v')!.text;
    expect(top).toContain('generateFftRtl');
    expect(top).toContain('multipliers = 3');
    expect(top).toMatch(/bf0: D = 32 \(EBR\)/);
    expect(d.io).toEqual({ inLanes: 2, inWidth: 16, outLanes: 2, outWidth: 16, inBeats: 64, outBeats: 64 });
    // the 64-word ROM is an EBR memory, the 16-word one a case ROM
    expect(d.sources.find((s) => s.name === 'fft64_tw0_rom.v')!.text).toContain('rom_style = "block"');
    expect(d.sources.find((s) => s.name === 'fft64_tw1_rom.v')!.text).toContain('case (addr)');
  });
});
