/**
 * One trained network of examples/trained/ through the RTL on the first
 * `images` MNIST test images, as `circa sim --dataset mnist` runs them:
 * value for value against the fixed-point model, no class disagreement,
 * every image's cycles as predicted, and the RTL's accuracy equal to the
 * model's, at least `floor`. Shared by test/train.sim.test.ts (default
 * suite) and test/train.sim.deep.test.ts.
 */
import { expect, it } from 'vitest';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { loadDesign } from '../src/network/design.ts';
import { cosim } from '../src/sim/cosim.ts';
import { DatasetTally, datasetAccuracy, datasetInputs, datasetSource } from '../src/train/sim-dataset.ts';
import { evaluateFixed } from '../src/train/evaluate.ts';
import { loadMnist } from '../src/train/mnist.ts';

const root = join(import.meta.dirname, '..');

export function trainedThroughRtl(name: string, images: number, floor: number): void {
  it(`${name}: ${images} test images bit-exact, no class disagreement, cycles as predicted`, async () => {
    const spec = join(root, 'examples', 'trained', `${name}.json`);
    expect(existsSync(spec), spec).toBe(true);
    const design = loadDesign(spec);
    // as circa sim --dataset runs it: the images made from the dataset as they are packed, the classes tallied as they come
    const { ds, source } = datasetSource(design.net, 'mnist', images);
    const tally = new DatasetTally(design.net, ds);
    const report = await cosim(design.dut(), { source, keepOutputs: true, onVector: (k, got, want) => tally.add(k, got, want) });
    expect(report.exact).toBe(images);
    expect(report.mismatches).toEqual([]);
    expect(report.cycles.match).toBe(true);
    expect(report.overflowGot).toBe(report.overflowExpected);
    const acc = tally.result();
    // the source makes the vectors datasetInputs holds, and the tally is the accuracy of every kept output
    const data = datasetInputs(design.net, 'mnist', images);
    expect(Array.from(source.stream(), (v) => v.x)).toEqual(data.inputs.map((v) => v.x));
    expect(acc).toEqual(datasetAccuracy(design.net, data, report.outputs!, report.expected));
    expect(acc.disagreements).toBe(0);
    // the RTL's accuracy is the fixed-point model's, image for image
    const model = evaluateFixed(design.net, loadMnist('test'), images);
    expect(acc.correct).toBe(model.correct);
    expect(acc.confusion).toEqual(model.confusion);
    expect(acc.accuracy).toBeGreaterThanOrEqual(floor);
  });
}
