/**
 * Dataset runs through the simulated RTL (`circa sim --dataset`): the test
 * images as input vectors, and the RTL's classes compared with the labels
 * and with the fixed-point model's classes (which must agree on every image).
 */
import { CircaInputError } from '../errors.ts';
import type { NetworkPlan } from '../network/plan.ts';
import { networkReference } from '../network/reference.ts';
import type { LabelledVector } from '../sim/vectors.ts';
import { classOf, datasetVectors, emptyConfusion, formatConfusion } from './evaluate.ts';
import { type Dataset, loadDataset } from './mnist.ts';

export interface DatasetInputs {
  ds: Dataset;
  inputs: LabelledVector[];
}

export function datasetInputs(net: NetworkPlan, name: string, limit?: number): DatasetInputs {
  const ds = loadDataset(name, 'test');
  if (net.inputs !== ds.size) throw new CircaInputError(`--dataset: the design takes ${net.inputs} inputs; ${name} images have ${ds.size} pixels`);
  const count = Math.min(limit ?? ds.count, ds.count);
  return { ds, inputs: datasetVectors(net, ds, count).map((x) => ({ kind: 'dataset' as const, x })) };
}

export interface DatasetAccuracy {
  dataset: string;
  images: number;
  correct: number;
  accuracy: number;
  /** images on which the RTL's class differs from the fixed-point model's (must be 0) */
  disagreements: number;
  confusion: number[][];
}

/**
 * The RTL's classes against the labels and the model's. `expected` are the
 * model's outputs when the caller has them already (cosim's report), so the
 * model does not run twice per image.
 */
export function datasetAccuracy(net: NetworkPlan, d: DatasetInputs, outputs: readonly number[][], expected?: readonly number[][]): DatasetAccuracy {
  const confusion = emptyConfusion(d.ds.classes);
  let correct = 0;
  let disagreements = 0;
  d.inputs.forEach((v, i) => {
    const rtlClass = classOf(net, outputs[i] ?? []);
    const modelClass = classOf(net, expected?.[i] ?? networkReference(net, v.x).y);
    const label = d.ds.labels[i];
    if (rtlClass !== modelClass) disagreements++;
    if (rtlClass === label) correct++;
    if (rtlClass >= 0 && rtlClass < d.ds.classes) confusion[label][rtlClass]++;
  });
  return { dataset: d.ds.name, images: d.inputs.length, correct, accuracy: correct / d.inputs.length, disagreements, confusion };
}

export function formatDatasetAccuracy(a: DatasetAccuracy): string[] {
  return [
    `accuracy:      ${(100 * a.accuracy).toFixed(2)}% (${a.correct}/${a.images} ${a.dataset} test images, classes from the RTL's outputs)`,
    `disagreements: ${a.disagreements} image(s) where the RTL's class differs from the fixed-point model's`,
    'confusion matrix (rows: true class, columns: the RTL\'s class):',
    ...formatConfusion(a.confusion),
  ];
}
