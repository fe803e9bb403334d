/**
 * TVSCM RTL against the reference model in Verilator: bit-exact value for
 * value, the sticky overflow flag, and measured cycles == the cost face
 * (test/tvscm-cosim.ts). One Verilator build per configuration: the default
 * suite keeps the n = 784 shapes the README quotes and the requantisation
 * variants; the other P at n = 784, odd n, one input buffer and wide beats at
 * small n (shapes the random co-simulation of every kind also draws) are in
 * test/tvscm.cosim.deep.test.ts (`npm run test:deep`).
 */
import { describe, expect, it } from 'vitest';
import { loadLayerFile } from '../src/layers/load.ts';
import { formatMismatch } from '../src/sim/cosim.ts';
import { cosimLayer } from '../src/network/layer-dut.ts';
import { expectExact, spec } from './tvscm-cosim.ts';

/** The n = 784 shapes of the default suite: the example's (band, P = 4) and the widest complement. */
const N784_DEFAULT: [{ type: string; radius?: number }, number][] = [[{ type: 'band', radius: 1 }, 4], [{ type: 'complement' }, 8]];

describe('TVSCM co-simulation, n = 784 (the example layer)', { tags: ['tools'] }, () => {
  for (const [placement, lanes] of N784_DEFAULT) {
    it(`${placement.type}, P = ${lanes}: 1000 vectors bit-exact, cycles as predicted`, async () => {
      await expectExact(spec(784, lanes, placement), 1000);
    });
  }
});

describe('TVSCM load/compute overlap (two input buffers) and one buffer', { tags: ['tools'] }, () => {
  it('n = 784, P = 4: a vector every n = 784 cycles (fetches 198), was 988 with one vector at a time', async () => {
    const layer = spec(784, 4, { type: 'band', radius: 1 });
    expect(layer.kind.cost(layer.plan).cycles).toMatchObject({ latency: 987, period: 784 });
    const { full } = await expectExact(layer, 20);
    expect(full.cycles.measuredPeriod!.every((c) => c === 784)).toBe(true);
  });
  it('fetches > n (P = 1, radius 3): the loads wait for the fetch unit, period = fetches', async () => {
    const layer = spec(9, 1, { type: 'band', radius: 3 });
    expect(layer.kind.cost(layer.plan).cycles.period).toBe(9 + 6);
    const { full } = await expectExact(layer, 40);
    // the first vectors queue behind the fetches: latencies grow, then settle
    expect(new Set(full.cycles.measuredLatency).size).toBeGreaterThan(1);
  });
  // small n with one buffer: test/tvscm.cosim.deep.test.ts
  const one: [number, number, object][] = [[784, 1, { type: 'band', radius: 1 }]];
  for (const [n, p, placement] of one) {
    it(`"buffers": 1, n = ${n}, P = ${p}, ${JSON.stringify(placement)}: period n + fetches`, async () => {
      const layer = spec(n, p, placement, { buffers: 1 });
      const plan = layer.plan as { rows: number; windowRows: number };
      expect(layer.kind.cost(layer.plan).cycles.period).toBe(n + plan.rows + 2 * plan.windowRows);
      await expectExact(layer, n > 100 ? 30 : 100);
    });
  }
});

describe('TVSCM wide input beats ("beat": k elements per beat)', () => {
  it('n = 784, P = 4, beat 4: a vector every 198 cycles, within 1.25x of the DSP bound (1,568 multiplies / 8 = 196)', { tags: ['tools'] }, async () => {
    const layer = spec(784, 4, { type: 'band', radius: 1 }, { beat: 4 });
    expect(layer.kind.io(layer.plan)).toMatchObject({ inLanes: 4, inBeats: 196 });
    expect(layer.kind.cost(layer.plan).cycles).toMatchObject({ latency: 196 + 198 + 5, period: 198 });
    expect(198).toBeLessThanOrEqual(1.25 * (2 * 784) / 8);
    const { full } = await expectExact(layer, 60);
    expect(full.cycles.measuredPeriod!.slice(2).every((c) => c === 198)).toBe(true);
  });
  // small n with wide beats: test/tvscm.cosim.deep.test.ts
  it('beat must divide lanes: the error names the field', () => {
    expect(() => spec(16, 4, { type: 'band', radius: 1 }, { beat: 3 })).toThrow(/^beat: must divide lanes \(4\): one of 1, 2, 4, got 3/);
  });
});

describe('TVSCM requantisation variants in RTL', { tags: ['tools'] }, () => {
  it('every rounding mode, wrap and ReLU are bit-exact, and overflow is flagged', async () => {
    for (const rounding of ['truncate', 'half-up', 'convergent']) {
      const layer = spec(16, 3, { type: 'band', radius: 2 }, {
        output: { format: { int: 0, frac: 5 }, rounding, overflow: 'wrap', relu: rounding === 'half-up' },
      });
      const { stalled } = await expectExact(layer, 60);
      // Q0.5 output of a Q1.13 accumulator overflows on the extreme vectors.
      expect(stalled.overflowExpected).toBe(true);
      expect(stalled.overflowGot).toBe(true);
    }
  });

  it('the sticky flag stays low when nothing overflows', async () => {
    const layer = spec(16, 2, { type: 'complement' }, {
      weights: { format: { int: 1, frac: 6 }, a: 0.015625, b: 0 },
    });
    const r = await cosimLayer(layer, { vectors: 30 });
    expect(r.exact).toBe(30);
    expect(r.overflowExpected).toBe(false);
    expect(r.overflowGot).toBe(false);
  });
});

describe('the shipped example', { tags: ['tools'] }, () => {
  it('examples/tvscm-784.json co-simulates bit-exact', async () => {
    const r = await cosimLayer(loadLayerFile('examples/tvscm-784.json'), { vectors: 100, validPct: 80, readyPct: 80 });
    expect(r.mismatches.map(formatMismatch)).toEqual([]);
    expect(r.exact).toBe(100);
  });
});
