/**
 * Accuracy of the bit-exact fixed-point model (the hardware's function) on
 * a dataset: each image's pixels go into the network's input format
 * (pixelsToRaw), the network's reference model runs, and the class is the
 * argmax stage's index (or the largest output when the network has none).
 */
import { CircaInputError } from '../errors.ts';
import type { NetworkPlan } from '../network/plan.ts';
import { networkReference } from '../network/reference.ts';
import { type Dataset, pixelsToRaw, sample } from './mnist.ts';
import { argmaxOf } from './model.ts';

export interface EvalReport {
  dataset: string;
  split: string;
  images: number;
  correct: number;
  accuracy: number;
  /** confusion[label][predicted] */
  confusion: number[][];
  /** images on which some layer's overflow flag was raised */
  overflowImages: number;
  seconds: number;
}

/** The class a network's raw output stands for. */
export function classOf(net: NetworkPlan, y: readonly number[]): number {
  const last = net.layers[net.layers.length - 1];
  // a layer that outputs a class index (argmax: index, value) gives it; otherwise the largest output
  return last.kind.classIndex !== undefined ? y[last.kind.classIndex] : argmaxOf(y);
}

/**
 * How many classes a network's output can name: the number of values an
 * argmax stage chooses among, or, with no such stage, the network's outputs
 * (the largest of which is the class).
 */
export function classCount(net: NetworkPlan): number {
  const last = net.layers[net.layers.length - 1];
  return last.kind.classIndex !== undefined ? last.shape.inputs : net.outputs;
}

/**
 * Refuse a dataset a network cannot be scored on: its images must be the
 * network's inputs and its classes the values the network chooses among.
 * Without this a 784-output layer "classifies" MNIST at 0% and passes.
 * `who` starts the message (the spec's path, or the option).
 */
export function checkClassifier(net: NetworkPlan, ds: Dataset, who: string): void {
  if (net.inputs !== ds.size) throw new CircaInputError(`${who}: the network takes ${net.inputs} inputs; ${ds.name} images have ${ds.size} pixels`);
  const classes = classCount(net);
  if (classes !== ds.classes) {
    const last = net.layers[net.layers.length - 1];
    const gives = last.kind.classIndex !== undefined ? `its last layer (${last.kind.kind}) chooses among ${classes} values` : `it gives ${classes} outputs and has no argmax stage`;
    throw new CircaInputError(`${who}: the design is not a ${ds.name} classifier: ${gives}, and ${ds.name} has ${ds.classes} classes`);
  }
}

/** The raw input vectors of images 0..count-1. */
export function datasetVectors(net: NetworkPlan, ds: Dataset, count: number, first = 0): number[][] {
  return Array.from({ length: count }, (_, i) => pixelsToRaw(sample(ds, first + i), net.inFormat));
}

export function emptyConfusion(classes: number): number[][] {
  return Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
}

export function evaluateFixed(net: NetworkPlan, ds: Dataset, limit = ds.count, onProgress?: (done: number, total: number) => void): EvalReport {
  checkClassifier(net, ds, net.name);
  const t0 = performance.now();
  const count = Math.min(limit, ds.count);
  const confusion = emptyConfusion(ds.classes);
  let correct = 0;
  let overflowImages = 0;
  for (let i = 0; i < count; i++) {
    const r = networkReference(net, pixelsToRaw(sample(ds, i), net.inFormat));
    const c = classOf(net, r.y);
    const label = ds.labels[i];
    if (c >= 0 && c < ds.classes) confusion[label][c]++;
    if (c === label) correct++;
    if (r.overflow) overflowImages++;
    if (onProgress && (i % 500 === 499 || i === count - 1)) onProgress(i + 1, count);
  }
  return { dataset: ds.name, split: ds.split, images: count, correct, accuracy: correct / count, confusion, overflowImages, seconds: (performance.now() - t0) / 1000 };
}

export function formatConfusion(confusion: number[][]): string[] {
  const w = Math.max(4, ...confusion.flat().map((v) => String(v).length + 1));
  const head = `${'true\\pred'.padEnd(10)}${confusion.map((_, j) => String(j).padStart(w)).join('')}`;
  return [head, ...confusion.map((row, i) => `${String(i).padEnd(10)}${row.map((v) => String(v).padStart(w)).join('')}`)];
}
