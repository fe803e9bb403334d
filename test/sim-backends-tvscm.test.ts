/**
 * Verilator and CXXRTL (WebAssembly) against each other, vector for vector:
 * two random small configurations of tvscm (the demo design, examples/tvscm-784.json, in
 * test/sim-backends-tvscm.deep.test.ts: its CXXRTL compile is the longest of the file). Each kind has a file of its own (one vitest worker process):
 * a process that ran several WebAssembly simulators in a row was seen to exit
 * unexpectedly, while each alone passes. The sweep with ten configurations per
 * kind and every example design is test/sim-backends-{examples-longest,examples-mnist,examples-other,random}.deep.test.ts
 * (`npm run test:deep`).
 *
 * Builds are cached by content hash (CIRCA_CACHE_DIR); on an empty cache
 * (CI) the compiles dominate: about 20-60 s per design on two cores.
 */
import { describe, it } from 'vitest';
import { loadLayerSpec } from '../src/layers/load.ts';
import { layerDut } from '../src/network/layer-dut.ts';
import { crossCheck, randomSpecs } from './backends.ts';

describe('Verilator and CXXRTL give identical results', () => {
  it('tvscm: two random small configurations', async () => {
    for (const spec of randomSpecs('tvscm', 2, 12)) {
      const dut = layerDut(loadLayerSpec(spec));
      const r = await crossCheck(dut, 12, 5);
      console.log(`${spec.name} ${JSON.stringify(spec)}: identical over ${r.cycles} cycles; verilator ${r.seconds.verilator.toFixed(1)} s, cxxrtl ${r.seconds.cxxrtl.toFixed(1)} s`);
    }
  });
});
