/**
 * Verilator and CXXRTL (WebAssembly) against each other, vector for vector,
 * on the demo design (examples/tvscm-784.json): its n = 784 CXXRTL compile is
 * the longest of the tvscm cross-check, so it runs in `npm run test:deep`;
 * test/sim-backends-tvscm.test.ts cross-checks two random tvscm
 * configurations in the default suite.
 */
import { describe, expect, it } from 'vitest';
import { loadDesign } from '../src/network/design.ts';
import { crossCheck } from './backends.ts';

describe('Verilator and CXXRTL give identical results', () => {
  it('examples/tvscm-784.json (the demo): 6 vectors, full rate and stalled', async () => {
    const dut = loadDesign('examples/tvscm-784.json').dut();
    const r = await crossCheck(dut, 6, 3);
    expect(r.cycles).toBeGreaterThan(6 * 988);
    console.log(`tvscm-784: ${r.vectors} vectors x 2 passes identical, ${r.cycles} cycles; verilator ${r.seconds.verilator.toFixed(1)} s, cxxrtl ${r.seconds.cxxrtl.toFixed(1)} s (build + run)`);
  });
});
