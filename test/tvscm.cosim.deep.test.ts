/**
 * The TVSCM co-simulations the default suite leaves out (test/tvscm-cosim.ts):
 * the other lane counts at n = 784, odd n and n not a multiple of P, one
 * input buffer at small n, and wide input beats at small n. One Verilator
 * build each.
 */
import { describe, expect, it } from 'vitest';
import { expectExact, spec } from './tvscm-cosim.ts';

describe('TVSCM co-simulation, n = 784, the other lane counts', () => {
  const cases: [{ type: string; radius?: number }, number][] = [
    [{ type: 'band', radius: 1 }, 1], [{ type: 'band', radius: 1 }, 8], [{ type: 'complement' }, 1], [{ type: 'complement' }, 4],
  ];
  for (const [placement, lanes] of cases) {
    it(`${placement.type}, P = ${lanes}: 1000 vectors bit-exact, cycles as predicted`, async () => {
      await expectExact(spec(784, lanes, placement), 1000);
    });
  }
});

describe('TVSCM co-simulation, odd n and n not a multiple of P', () => {
  const cases: [number, number, object][] = [
    [7, 1, { type: 'band', radius: 3 }],       // widest band for n = 7
    [13, 4, { type: 'band', radius: 2 }],      // last row holds one lane
    [11, 2, { type: 'band', radius: 5 }],      // window reaches 3 rows each side
    [3, 3, { type: 'band', radius: 1 }],       // smallest n, one row
    [187, 8, { type: 'complement' }],          // MIT-BIH size
    [25, 6, { type: 'complement' }],
  ];
  for (const [n, p, placement] of cases) {
    it(`n = ${n}, P = ${p}, ${JSON.stringify(placement)}`, async () => {
      await expectExact(spec(n, p, placement), 200);
    });
  }
});

describe('TVSCM with one input buffer, small n', () => {
  const one: [number, number, object][] = [
    [13, 4, { type: 'band', radius: 2 }],
    [25, 6, { type: 'complement' }],
    [4, 4, { type: 'band', radius: 1 }],
  ];
  for (const [n, p, placement] of one) {
    it(`"buffers": 1, n = ${n}, P = ${p}, ${JSON.stringify(placement)}: period n + fetches`, async () => {
      const layer = spec(n, p, placement, { buffers: 1 });
      const plan = layer.plan as { rows: number; windowRows: number };
      expect(layer.kind.cost(layer.plan).cycles.period).toBe(n + plan.rows + 2 * plan.windowRows);
      await expectExact(layer, n > 100 ? 30 : 100);
    });
  }
});

describe('TVSCM wide input beats, small n', () => {
  const cases: [number, number, number, object, object][] = [
    [13, 4, 2, { type: 'band', radius: 2 }, {}],          // 7 beats, the last one holds one element
    [13, 4, 4, { type: 'band', radius: 5 }, {}],          // head and tail span beats
    [25, 6, 3, { type: 'complement' }, {}],               // S sums 3 elements a beat, the last beat's padding not counted
    [11, 2, 2, { type: 'band', radius: 3 }, { buffers: 1 }],
  ];
  for (const [n, p, k, placement, extra] of cases) {
    it(`n = ${n}, P = ${p}, beat ${k}, ${JSON.stringify(placement)} ${JSON.stringify(extra)}`, async () => {
      await expectExact(spec(n, p, placement, { beat: k, ...extra }), 200);
    });
  }
});
