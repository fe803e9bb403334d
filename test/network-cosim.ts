/**
 * The network co-simulation both network test files assert: bit-exact value
 * for value (and the overflow flag) under random stalls, and at full rate
 * every vector's latency and period equal to the composed timeline, the last
 * period equal to the one the cost model reports.
 */
import { expect } from 'vitest';
import { designFromPlan } from '../src/network/design.ts';
import { networkDut } from '../src/network/cosim.ts';
import { cosim, formatMismatch } from '../src/sim/cosim.ts';
import type { NetworkPlan } from '../src/network/plan.ts';

export async function expectNetworkExact(net: NetworkPlan, vectors: number, seed = 21) {
  const dut = networkDut(net);
  const stalled = await cosim(dut, { vectors, seed, validPct: 70, readyPct: 60 });
  expect(stalled.mismatches.map(formatMismatch)).toEqual([]);
  expect(stalled.exact).toBe(vectors);
  expect(stalled.overflowGot).toBe(stalled.overflowExpected);
  const full = await cosim(dut, { vectors, seed: seed + 1, keepCycles: true });
  expect(full.mismatches.map(formatMismatch)).toEqual([]);
  expect(full.exact).toBe(vectors);
  // at full rate ovf also says whether a link ever held its producer (a link sized too small): it must not
  expect(full.overflowGot).toBe(full.overflowExpected);
  // every vector's latency and period checked against the prediction as its stamps arrived
  expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: full.vectors });
  // and the kept arrays say the same, vector by vector
  expect(full.cycles.measuredLatency).toEqual(full.cycles.predictedLatencies);
  expect(full.cycles.measuredPeriod).toEqual(full.cycles.predictedPeriods);
  // the steady period the cost model reports is what the last vectors show
  expect(full.cycles.predictedPeriod).toBe(designFromPlan(net, true).cost().period);
  expect(full.cycles.measuredPeriod!.at(-1)).toBe(full.cycles.predictedPeriod);
  return full;
}
