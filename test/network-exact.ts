/**
 * A network co-simulated bit-exact under stalls and at full rate, every
 * vector's cycles equal to the composed timeline (test/network.test.ts and
 * test/network.deep.test.ts).
 */
import { expect } from 'vitest';
import { planNetwork } from '../src/network/plan.ts';
import { networkDut } from '../src/network/cosim.ts';
import { cosim, formatMismatch } from '../src/sim/cosim.ts';

export async function expectNetworkExact(raw: unknown, vectors: number) {
  const dut = networkDut(planNetwork(raw));
  const stalled = await cosim(dut, { vectors, seed: 11, validPct: 70, readyPct: 60 });
  expect(stalled.mismatches.map(formatMismatch)).toEqual([]);
  expect(stalled.exact).toBe(vectors);
  expect(stalled.overflowGot).toBe(stalled.overflowExpected);
  const full = await cosim(dut, { vectors, seed: 12 });
  expect(full.exact).toBe(vectors);
  // every vector's latency and period checked against the prediction as its stamps arrived
  expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: full.vectors });
  return full;
}
