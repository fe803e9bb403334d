/**
 * The bare FFT/IFFT as `circa sim` runs it (the `fft` layer kind through
 * loadDesign/planAny, layerDut and cosim): forward and inverse at N = 8, 64
 * and 256, each rounding mode, 1000 vectors each, bit-exact at full rate and
 * under random backpressure, and the cycles of every vector equal to the
 * cost model's timeline. Then the CLI on an FFT spec: sim, estimate, and the
 * bad inputs of the issue (exit 2, the field named).
 *
 * The 18 designs use 16-bit data and twiddles with 1/2 per butterfly (the
 * defaults); the inverse ones use the 3-multiplier complex product, the
 * N = 8 ones the reorder buffer, so both multiplier forms and both orders
 * are in the matrix too. test/fft.cosim.test.ts covers the other knobs
 * (widths, schedules, wrap) on the bare src/fft API.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { designFromPlan } from '../src/network/design.ts';
import { planAny } from '../src/network/plan.ts';
import { cosim, type CosimReport } from '../src/sim/cosim.ts';
import { fftCost, planFft, type FftPlan } from '../src/fft/index.ts';
import { runNode } from './run-node.ts';

const ROUNDINGS = ['truncate', 'half-up', 'convergent'] as const;

function expectExact(r: CosimReport): void {
  expect(r.mismatches).toEqual([]);
  expect(r.exact).toBe(r.vectors);
  expect(r.overflowGot).toBe(r.overflowExpected);
}

describe('circa sim on a bare FFT/IFFT: 1000 vectors, every N and rounding mode', () => {
  for (const n of [8, 64, 256]) {
    for (const inverse of [false, true]) {
      for (const rounding of ROUNDINGS) {
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
    }
  }
});

describe('circa on an FFT spec (the CLI)', () => {
  const CIRCA = resolve('bin/circa.mjs');
  const work = mkdtempSync(join(tmpdir(), 'circa-fft-cli-'));
  const circa = (...args: string[]) => runNode(CIRCA, args, work);
  const file = (name: string, spec: unknown): string => {
    const p = join(work, name);
    writeFileSync(p, JSON.stringify(spec));
    return p;
  };

  it('sim examples/fft64.json --json: PASS, bit-exact both passes, latency as predicted', async () => {
    const r = await circa('sim', resolve('examples/fft64.json'), '--vectors', '200', '--json', '-q');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.pass).toBe(true);
    expect(out.full.exact).toBe(200);
    expect(out.backpressure.exact).toBe(200);
    expect(out.full.cycles.predictedLatency).toBe(fftCost(planFft({ n: 64 })).latencyLast);
  });

  it('estimate: cycles, multipliers and no parameters', async () => {
    const r = await circa('estimate', resolve('examples/fft64.json'), '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.latency).toBe(157);
    expect(out.period).toBe(64);
    expect(out.hardware.multipliers).toBe(8);
    expect(out.ops.parameters).toBe(0);
  });

  const bad: [string, unknown, RegExp][] = [
    ['n not a power of two', { kind: 'fft', n: 48 }, /: n: must be a power of two in 4\.\.1024, got 48/],
    ['n out of range', { kind: 'fft', n: 2048 }, /: n: must be a power of two in 4\.\.1024, got 2048/],
    ['twiddle width < 4', { kind: 'fft', n: 64, twiddleWidth: 3 }, /: twiddleWidth: must be in 4\.\.24, got 3/],
    ['widths that overflow without scaling', { kind: 'fft', n: 1024, dataWidth: 24, scaling: 'none' }, /: dataWidth: .*grow by 10 bits to 34 bits.*must be in 4\.\.22/],
    ['a schedule of the wrong length', { kind: 'fft', n: 64, scaling: [1, 1] }, /: scaling: a schedule needs one shift per butterfly: 6 entries/],
    ['an unknown field', { kind: 'fft', n: 64, width: 16 }, /: width: unknown field/],
    ['an FFT inside a network', { network: 'x', layers: [{ kind: 'activation', n: 128, function: 'identity', input: { int: 15, frac: 0 }, output: { format: { int: 15, frac: 0 } } }, { kind: 'fft', n: 64 }] },
      /layers\[1\]: a fft layer takes 2 values per beat that are not elements a network's links carry, so it can only be a design of its own \(its beats are complex samples; for an FFT inside a layer use circulant/],
  ];
  for (const [label, spec, msg] of bad) {
    it(`${label}: exit 2, the field named`, async () => {
      const r = await circa('sim', file(`${label.replace(/\W+/g, '_')}.json`, spec), '-q');
      expect(r.stderr).toMatch(msg);
      expect(r.code).toBe(2);
    });
  }
});
