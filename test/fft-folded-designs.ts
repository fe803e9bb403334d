/**
 * The five small folded-FFT designs of test/fft.folded.test.ts (f64, i64)
 * and test/fft.folded.deep.test.ts (f16, i16, f64b8): bit-exact under stalls,
 * every vector's cycles as predicted at full rate.
 */
import { expect, it } from 'vitest';
import type { FftSpecInput } from '../src/fft/index.ts';
import { loadLayerSpec } from '../src/layers/load.ts';
import { formatMismatch, type CosimReport } from '../src/sim/cosim.ts';
import { cosimLayer } from '../src/network/layer-dut.ts';

export const DESIGNS: Record<string, FftSpecInput> = {
  f16: { n: 16, rounding: 'truncate', butterflies: 1 },
  i16: { n: 16, inverse: true, rounding: 'half-up', butterflies: 4, overflow: 'wrap', scaling: [1, 0, 1, 0], twiddleWidth: 12 },
  f64: { n: 64, rounding: 'convergent', butterflies: 2, multipliers: 3, naturalOrder: true },
  i64: { n: 64, inverse: true, rounding: 'truncate', butterflies: 1, scaling: 'none', dataWidth: 10, naturalOrder: true },
  f64b8: { n: 64, rounding: 'half-up', butterflies: 8 },
};

export function expectExact(r: CosimReport): void {
  expect(r.mismatches.map(formatMismatch)).toEqual([]);
  expect(r.exact).toBe(r.vectors);
  expect(r.overflowGot).toBe(r.overflowExpected);
}

/** One design's co-simulation test. */
export function itFoldedDesign(name: string): void {
  const spec = DESIGNS[name];
  it(`${name}: bit-exact under stalls (valid 70%, ready 60%), and every vector's cycles as predicted at full rate`, async () => {
    const l = loadLayerSpec({ kind: 'fft', architecture: 'folded', name: `fc_${name}`, ...spec });
    const stalled = await cosimLayer(l, { vectors: 30, seed: 5, validPct: 70, readyPct: 60 });
    expectExact(stalled);
    const full = await cosimLayer(l, { vectors: 12, seed: 6 });
    expectExact(full);
    // every vector's latency and period checked against the prediction as its stamps arrived
    expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: full.vectors });
  });
}
