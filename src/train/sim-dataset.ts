/**
 * Dataset runs through the simulated RTL (`circa sim --dataset`): the test
 * images as input vectors, and the RTL's classes compared with the labels
 * and with the fixed-point model's classes (which must agree on every image).
 */
import type { NetworkPlan } from '../network/plan.ts';
import { networkReference } from '../network/reference.ts';
import type { VectorSource } from '../sim/cosim.ts';
import type { LabelledVector } from '../sim/vectors.ts';
import { checkClassifier, classOf, datasetVectors, emptyConfusion, formatConfusion } from './evaluate.ts';
import { type Dataset, loadDataset, pixelsToRaw, sample } from './mnist.ts';

export interface DatasetInputs {
  ds: Dataset;
  inputs: LabelledVector[];
}

export function datasetInputs(net: NetworkPlan, name: string, limit?: number): DatasetInputs {
  const ds = loadDataset(name, 'test');
  checkClassifier(net, ds, '--dataset');
  const count = Math.min(limit ?? ds.count, ds.count);
  return { ds, inputs: datasetVectors(net, ds, count).map((x) => ({ kind: 'dataset' as const, x })) };
}

/**
 * The test images as a vector source for co-simulation: each run makes the
 * input vectors from the dataset's pixels (in memory anyway) image by image
 * as it packs them, so a run of 10,000 images never holds them as vectors.
 */
export function datasetSource(net: NetworkPlan, name: string, limit?: number): { ds: Dataset; source: VectorSource } {
  const ds = loadDataset(name, 'test');
  checkClassifier(net, ds, '--dataset');
  const count = Math.min(limit ?? ds.count, ds.count);
  return {
    ds,
    source: {
      count,
      *stream() {
        for (let i = 0; i < count; i++) yield { kind: 'dataset' as const, x: pixelsToRaw(sample(ds, i), net.inFormat) };
      },
    },
  };
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
  const tally = new DatasetTally(net, d.ds);
  d.inputs.forEach((v, i) => tally.add(i, outputs[i] ?? [], expected?.[i] ?? networkReference(net, v.x).y));
  return tally.result();
}

/** The accuracy figures, image by image as the outputs come (a co-simulation's onVector), keeping only the counts. */
export class DatasetTally {
  private readonly confusion: number[][];
  private correct = 0;
  private disagreements = 0;
  private images = 0;
  constructor(private readonly net: NetworkPlan, private readonly ds: Dataset) {
    this.confusion = emptyConfusion(ds.classes);
  }
  /** image i: the RTL's (or device's) outputs and the fixed-point model's */
  add(i: number, outputs: readonly number[], expected: readonly number[]) {
    const rtlClass = classOf(this.net, outputs);
    const modelClass = classOf(this.net, expected);
    const label = this.ds.labels[i];
    if (rtlClass !== modelClass) this.disagreements++;
    if (rtlClass === label) this.correct++;
    if (rtlClass >= 0 && rtlClass < this.ds.classes) this.confusion[label][rtlClass]++;
    this.images++;
  }
  result(): DatasetAccuracy {
    const { correct, images } = this;
    return { dataset: this.ds.name, images, correct, accuracy: correct / images, disagreements: this.disagreements, confusion: this.confusion };
  }
}

export function formatDatasetAccuracy(a: DatasetAccuracy): string[] {
  return [
    `accuracy:      ${(100 * a.accuracy).toFixed(2)}% (${a.correct}/${a.images} ${a.dataset} test images, classes from the RTL's outputs)`,
    `disagreements: ${a.disagreements} image(s) where the RTL's class differs from the fixed-point model's`,
    'confusion matrix (rows: true class, columns: the RTL\'s class):',
    ...formatConfusion(a.confusion),
  ];
}
