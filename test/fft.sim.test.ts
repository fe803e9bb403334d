/**
 * The bare FFT/IFFT as `circa sim` runs it (the `fft` layer kind through
 * loadDesign/planAny, layerDut and cosim, test/fft-sim-matrix.ts): forward and
 * inverse at N = 8, 64 and 256, each rounding mode (three of the 18 designs
 * here, the other fifteen in test/fft.sim.deep.test.ts), 1000 vectors each, bit-exact at full rate and
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
import { planAny } from '../src/network/plan.ts';
import { cosim } from '../src/sim/cosim.ts';
import { fftCost, planFft } from '../src/fft/index.ts';
import { runNode } from './run-node.ts';
import { DEFAULT_FFT_SIM, itFftSim } from './fft-sim-matrix.ts';

describe('circa sim on a bare FFT/IFFT: 1000 vectors, one design per N and direction (the rounding modes rotated)', () => {
  for (const [n, inverse, rounding] of DEFAULT_FFT_SIM) itFftSim(n, inverse, rounding);
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
