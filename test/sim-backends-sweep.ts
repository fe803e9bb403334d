/**
 * The deep sweep of the back-end cross-check (`npm run test:deep`): every
 * example design, and ten random configurations of every layer kind (the FFT
 * among them), identical on Verilator and CXXRTL vector for vector, at full
 * rate and under stalls. Each design is one Verilator and one clang build:
 * on an empty cache this takes hours on two cores; cached, minutes.
 *
 * The sweep is three files so that vitest's two workers share it (one file
 * runs on one worker): the six MNIST-sized examples (their CXXRTL compiles
 * are the longest: mnist-dense's 784-input weight memories alone took over
 * 40 minutes at load 10-18), the other examples, and the random
 * configurations. Together they cover exactly what the single file did.
 */
import { readdirSync } from 'node:fs';
import { describe, it } from 'vitest';
import { loadLayerSpec } from '../src/layers/load.ts';
import { layerDut } from '../src/network/layer-dut.ts';
import { loadDesign } from '../src/network/design.ts';
import { crossCheck, RANDOM_SPECS, randomSpecs } from './backends.ts';

/** The example files, in order: the MNIST-sized ones (`mnist-*.json`) or the others. */
export function exampleFiles(mnist: boolean): string[] {
  return readdirSync('examples').filter((f) => f.endsWith('.json') && f.startsWith('mnist-') === mnist).sort();
}

/** Every example of one group on both back ends, 4 vectors each. */
export function crossCheckExamples(mnist: boolean): void {
  describe(`Verilator and CXXRTL give identical results (deep, ${mnist ? 'MNIST-sized' : 'other'} examples)`, () => {
    for (const file of exampleFiles(mnist)) {
      it(`examples/${file}`, async () => {
        const dut = loadDesign(`examples/${file}`).dut();
        const r = await crossCheck(dut, 4, 2);
        console.log(`${file}: identical over ${r.cycles} cycles; verilator ${r.seconds.verilator.toFixed(1)} s, cxxrtl ${r.seconds.cxxrtl.toFixed(1)} s`);
      });
    }
  });
}

/** Ten random configurations of every kind, wider than the default suite's two, from another seed. */
export function crossCheckRandomSweep(): void {
  describe('Verilator and CXXRTL give identical results (deep, random configurations)', () => {
    for (const kind of Object.keys(RANDOM_SPECS)) {
      it(`${kind}: ten random configurations`, async () => {
        for (const spec of randomSpecs(kind, 10, 21, 0, true)) {
          const r = await crossCheck(layerDut(loadLayerSpec(spec)), 20, 9);
          console.log(`${spec.name} ${JSON.stringify(spec)}: identical over ${r.cycles} cycles`);
        }
      });
    }
  });
}
