/**
 * The circulant kinds' co-simulation checks, shared by
 * test/circulant.cosim.test.ts and test/circulant.cosim.deep.test.ts.
 */
import { expect } from 'vitest';
import type { LoadedLayer } from '../src/layers/load.ts';
import { formatMismatch, type CosimReport } from '../src/sim/cosim.ts';
import { cosimLayer } from '../src/network/layer-dut.ts';

export const STALLS = { validPct: 75, readyPct: 65 };

export function expectExact(r: CosimReport): void {
  expect(r.mismatches.map(formatMismatch)).toEqual([]);
  expect(r.exact).toBe(r.vectors);
  expect(r.overflowGot).toBe(r.overflowExpected);
}

export function expectCycles(r: CosimReport): void {
  // every vector's latency and period checked against the prediction as its stamps arrived
  expect({ match: r.cycles.match, mismatches: r.cycles.mismatches, checked: r.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: r.vectors });
}

/** Bit-exact under stalls, then bit-exact with every vector's cycles as predicted at full rate. */
export async function checkLayer(layer: LoadedLayer, vectors: number, fullVectors = vectors) {
  const t0 = Date.now();
  const stalled = await cosimLayer(layer, { vectors, seed: 7, ...STALLS });
  expectExact(stalled);
  const full = await cosimLayer(layer, { vectors: fullVectors, seed: 8 });
  expectExact(full);
  expectCycles(full);
  const name = (layer.plan as { name: string }).name;
  console.log(`${name}: ${vectors} vectors bit-exact under stalls (valid ${STALLS.validPct}%, ready ${STALLS.readyPct}%), ${fullVectors} at full rate; ` +
    `latency ${full.cycles.predictedLatency}, period ${full.cycles.predictedPeriod} cycles (measured = predicted); ` +
    `overflow ${full.overflowExpected || stalled.overflowExpected ? 'raised' : 'clear'} in both; ` +
    `build ${full.sim.cached && stalled.sim.cached ? 'cached' : `${(stalled.sim.buildSeconds + full.sim.buildSeconds).toFixed(1)} s`}, ` +
    `${stalled.sim.totalCycles + full.sim.totalCycles} cycles simulated in ${(stalled.sim.runSeconds + full.sim.runSeconds).toFixed(2)} s, ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
  return { stalled, full };
}
