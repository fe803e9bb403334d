/**
 * The bare FFT/IFFT as `circa sim` runs it, one design of the matrix of
 * test/fft.sim.test.ts (three designs) and test/fft.sim.deep.test.ts (the
 * other fifteen): forward and inverse at N = 8, 64 and 256, each rounding
 * mode, 1000 vectors, bit-exact at full rate and under backpressure, every
 * vector's cycles equal to the cost model's timeline.
 */
import { expect, it } from 'vitest';
import { designFromPlan } from '../src/network/design.ts';
import { planAny } from '../src/network/plan.ts';
import { cosim, type CosimReport } from '../src/sim/cosim.ts';
import { fftCost, type FftPlan } from '../src/fft/index.ts';

export const ROUNDINGS = ['truncate', 'half-up', 'convergent'] as const;

export function expectExact(r: CosimReport): void {
  expect(r.mismatches).toEqual([]);
  expect(r.exact).toBe(r.vectors);
  expect(r.overflowGot).toBe(r.overflowExpected);
}

export type Rounding = (typeof ROUNDINGS)[number];

/** One design per N and direction in the default suite, the rounding modes rotated among them. */
export const DEFAULT_FFT_SIM: [number, boolean, Rounding][] = [[8, false, 'convergent'], [64, true, 'half-up'], [256, false, 'truncate']];

export function itFftSim(n: number, inverse: boolean, rounding: Rounding): void {
  const spec = {
    kind: 'fft', name: `s_${inverse ? 'ifft' : 'fft'}${n}_${rounding.replace('-', '')}`, n, inverse, rounding,
    multipliers: inverse ? 3 : 4, naturalOrder: n === 8,
  };
  it(`${inverse ? 'IFFT' : 'FFT'} N = ${n}, ${rounding}`, async () => {
    const design = designFromPlan(planAny(spec), false);
    const dut = design.dut();
    expect(dut.rtl.io.inLanes).toBe(2);
    const full = await cosim(dut, { vectors: 1000, seed: n + (inverse ? 1 : 0), keepCycles: true });
    expectExact(full);
    // the corner vectors come first, per complex sample
    expect(full.vectors).toBe(1000);
    const c = fftCost(design.net.layers[0].plan as FftPlan);
    expect(full.cycles.measuredLatency).toEqual(new Array(1000).fill(c.latencyLast));
    expect(full.cycles.measuredPeriod).toEqual(new Array(999).fill(n));
    expect(full.cycles.match).toBe(true);
    const stalled = await cosim(dut, { vectors: 1000, seed: 7 * n + 1, validPct: 70, readyPct: 60 });
    expectExact(stalled);
    // 16-bit extremes saturate somewhere in every design: the flag is exercised, not just clear
    expect(full.overflowExpected).toBe(true);
  });
}
