/**
 * The deep sweep of the back-end cross-check (`npm run test:deep`): every
 * example design, and ten random configurations of every layer kind (the FFT
 * among them), identical on Verilator and CXXRTL vector for vector, at full
 * rate and under stalls. Each design is one Verilator and one clang build:
 * on an empty cache this takes hours on two cores; cached, minutes.
 */
import { readdirSync } from 'node:fs';
import { describe, it } from 'vitest';
import { loadLayerSpec } from '../src/layers/load.ts';
import { layerDut } from '../src/network/layer-dut.ts';
import { loadDesign } from '../src/network/design.ts';
import { crossCheck, RANDOM_SPECS, randomSpecs } from './backends.ts';

describe('Verilator and CXXRTL give identical results (deep)', () => {
  for (const file of readdirSync('examples').filter((f) => f.endsWith('.json')).sort()) {
    it(`examples/${file}`, async () => {
      const dut = loadDesign(`examples/${file}`).dut();
      const r = await crossCheck(dut, 4, 2);
      console.log(`${file}: identical over ${r.cycles} cycles; verilator ${r.seconds.verilator.toFixed(1)} s, cxxrtl ${r.seconds.cxxrtl.toFixed(1)} s`);
    });
  }
  for (const kind of Object.keys(RANDOM_SPECS)) {
    it(`${kind}: ten random configurations`, async () => {
      // wider sizes than the default suite's two, from another seed
      for (const spec of randomSpecs(kind, 10, 21, 0, true)) {
        const r = await crossCheck(layerDut(loadLayerSpec(spec)), 20, 9);
        console.log(`${spec.name} ${JSON.stringify(spec)}: identical over ${r.cycles} cycles`);
      }
    });
  }
});
