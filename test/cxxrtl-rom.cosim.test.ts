/**
 * A design whose weight ROM is lifted out of the Verilog for CXXRTL
 * (src/sim/cxxrtl-rom.ts: 5,120 words, at least LIFT_MIN_WORDS) co-simulated
 * on CXXRTL against the reference model: every output bit-exact and every
 * vector's cycles as predicted, so the words written at reset are the ROM's.
 * The unit tests of the lifting are in test/cxxrtl-rom.test.ts; mnist-dense
 * (153,664 words) runs in test/sim-backends-examples-mnist.deep.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { loadLayerSpec } from '../src/layers/load.ts';
import { layerDut } from '../src/network/layer-dut.ts';
import { cosim } from '../src/sim/cosim.ts';
import { LIFT_MIN_WORDS, liftRoms } from '../src/sim/cxxrtl-rom.ts';

const SPEC = {
  kind: 'dense', name: 'lifted', inputs: 256, outputs: 20, lanes: 1,
  input: { int: 0, frac: 7 },
  weights: { format: { int: 0, frac: 7 }, biasFormat: { int: 0, frac: 7 }, init: 'random', seed: 3 },
  output: { format: { int: 2, frac: 5 }, rounding: 'convergent', overflow: 'saturate' },
  activation: 'relu', memory: 'ebr',
};

describe('a lifted ROM on CXXRTL', () => {
  it('dense 256 -> 20 (a 5,120-word weight ROM) is bit-exact with cycles as predicted, at full rate and under backpressure', async () => {
    const dut = layerDut(loadLayerSpec(SPEC));
    const lifted = liftRoms(dut.rtl.sources).roms;
    expect(lifted.map((r) => [r.depth, r.width])).toEqual([[5120, 8]]);
    expect(5120).toBeGreaterThanOrEqual(LIFT_MIN_WORDS);
    const full = await cosim(dut, { vectors: 12, seed: 4, simulator: 'cxxrtl' });
    expect(full.exact).toBe(12);
    expect(full.wrongOutputs).toBe(0);
    expect(full.cycles.match).toBe(true);
    expect(full.cycles.wrongLatencies + full.cycles.wrongPeriods).toBe(0);
    const stalled = await cosim(dut, { vectors: 12, seed: 5, simulator: 'cxxrtl', validPct: 70, readyPct: 60 });
    expect(stalled.exact).toBe(12);
    expect(stalled.wrongOutputs).toBe(0);
  });
});
