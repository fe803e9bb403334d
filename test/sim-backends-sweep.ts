/**
 * The deep sweep of the back-end cross-check (`npm run test:deep`): every
 * example design, and ten random configurations of every layer kind (the FFT
 * among them), identical on Verilator and CXXRTL vector for vector, at full
 * rate and under stalls. Each design is one Verilator and one clang build:
 * on an empty cache this takes hours on two cores; cached, minutes.
 *
 * The sweep is four files so that vitest's two workers share it (one file
 * runs on one worker): mnist-dense alone (its CXXRTL compile is the longest
 * by far), the other MNIST-sized examples, the other examples, and the
 * random configurations. Together they cover exactly what the single file
 * did.
 */
import { readdirSync } from 'node:fs';
import { describe, it } from 'vitest';
import { loadLayerSpec } from '../src/layers/load.ts';
import { layerDut } from '../src/network/layer-dut.ts';
import { loadDesign } from '../src/network/design.ts';
import { crossCheck, RANDOM_SPECS, randomSpecs } from './backends.ts';

/**
 * The example with the longest builds: mnist-dense keeps 615k weights in one
 * ROM of 153,664 words. Its CXXRTL compile ran past the deep tier's 60-minute
 * test timeout until such ROMs bypassed yosys (src/sim/cxxrtl-rom.ts); the
 * whole file took 104 s in a test:deep run at edbc5f4. It keeps a file of its
 * own, so the other worker takes the rest of the sweep beside it.
 */
export const LONGEST_EXAMPLE = 'mnist-dense.json';

export type ExampleGroup = 'mnist' | 'other' | 'longest';

/** The example files of a group, in order: the MNIST-sized ones (`mnist-*.json`) but the longest, the others, or the longest alone. */
export function exampleFiles(group: ExampleGroup): string[] {
  const all = readdirSync('examples').filter((f) => f.endsWith('.json')).sort();
  if (group === 'longest') return all.filter((f) => f === LONGEST_EXAMPLE);
  return all.filter((f) => f !== LONGEST_EXAMPLE && f.startsWith('mnist-') === (group === 'mnist'));
}

/** Every example of one group on both back ends, 4 vectors each. */
export function crossCheckExamples(group: ExampleGroup): void {
  const title = { mnist: 'MNIST-sized examples', other: 'other examples', longest: `the longest compile, ${LONGEST_EXAMPLE}` }[group];
  describe(`Verilator and CXXRTL give identical results (deep, ${title})`, () => {
    for (const file of exampleFiles(group)) {
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
