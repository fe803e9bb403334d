/**
 * Training: softmax cross-entropy, Adam (Kingma and Ba 2015, with the
 * paper's default betas), mini-batches in a seeded order, so a seed gives
 * the same weights on every run. The per-epoch figures go to a callback
 * (the command draws a progress bar with them).
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { CircaInputError } from '../errors.ts';
import type { Params } from '../layers/types.ts';
import type { NetworkPlan } from '../network/plan.ts';
import { type Dataset, pixelsToReal, sample } from './mnist.ts';
import { argmaxOf, backward, finishGrads, floatNet, forward, softmaxCrossEntropy, zeroGrads, type FloatNet, effectiveParams } from './model.ts';

export interface TrainOptions {
  epochs: number;
  seed: number;
  batch: number;
  lr: number;
  /** quantisation-aware training (fixed-point formats in the forward pass) */
  qat: boolean;
  /** train on the first `limit` training images only */
  limit?: number;
  /** per-tensor learning-rate factors, keyed "<layer>.<tensor>" */
  lrScale?: Record<string, number>;
  /** hold out the last `validation` training images: never trained on, their accuracy reported each epoch */
  validation?: number;
  /** with `validation`: return the weights of the epoch with the best validation accuracy (the earliest of equals) */
  keepBest?: boolean;
  /** augmentation: each training image shifted by a whole-pixel offset drawn from [-shift, shift] on each axis (zeros come in) */
  shift?: number;
}

export interface EpochStats {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  testAccuracy?: number;
  validationAccuracy?: number;
  seconds: number;
}

export interface TrainHooks {
  /** after each batch: images done this epoch, running loss and accuracy */
  batch?(done: number, total: number, loss: number, accuracy: number): void;
  epoch?(s: EpochStats): void;
}

/** A seeded permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, seed: number): Uint32Array {
  const rng = xoroshiro128plus(seed);
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

class Adam {
  private m: Params[];
  private v: Params[];
  private t = 0;
  constructor(private net: FloatNet, private lr: number, private scale: (layer: number, tensor: string) => number, private b1 = 0.9, private b2 = 0.999, private eps = 1e-8) {
    this.m = zeroGrads(net);
    this.v = zeroGrads(net);
  }
  step(g: Params[], batch: number): void {
    this.t++;
    const c1 = 1 - this.b1 ** this.t;
    const c2 = 1 - this.b2 ** this.t;
    this.net.layers.forEach((l, k) => {
      for (const [name, w] of Object.entries(l.params)) {
        const gr = g[k][name];
        const m = this.m[k][name];
        const v = this.v[k][name];
        const lr = this.lr * this.scale(k, name);
        for (let i = 0; i < w.length; i++) {
          const gi = gr[i] / batch;
          m[i] = this.b1 * m[i] + (1 - this.b1) * gi;
          v[i] = this.b2 * v[i] + (1 - this.b2) * gi * gi;
          w[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + this.eps);
        }
      }
    });
  }
}

/**
 * Training that diverged stops at once (exit 2), naming the epoch and the
 * layer: a weight that is no longer finite, or a loss that is not (the first
 * layer whose output is not finite on the batch's first image). Nothing is
 * returned, so nothing is written.
 */
function checkFinite(net: FloatNet, names: string[], epoch: number, images: string, lossSum: number, lr: number): void {
  const hint = `; training diverged (a smaller --lr than ${lr} may help)`;
  for (const [k, l] of net.layers.entries()) {
    for (const [t, w] of Object.entries(l.params)) {
      const i = w.findIndex((v) => !Number.isFinite(v));
      if (i >= 0) throw new CircaInputError(`epoch ${epoch} (the batch of images ${images}): layer ${names[k]}, tensor ${t}: value ${i} became ${w[i]}${hint}`);
    }
  }
  if (!Number.isFinite(lossSum)) {
    throw new CircaInputError(`epoch ${epoch} (the batch of images ${images}): the loss became ${lossSum} (the weights are finite, the logits of layer ${names[names.length - 1]} are not)${hint}`);
  }
}

/** Float (or QAT) accuracy of the trainable part on a dataset. */
export function floatAccuracy(net: FloatNet, ds: Dataset, qat: boolean, limit = ds.count): { accuracy: number; correct: number; count: number } {
  const count = Math.min(limit, ds.count);
  const used = net.layers.map((l) => effectiveParams(l, qat));
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const t = forward(net, pixelsToReal(sample(ds, i)), qat, used);
    if (argmaxOf(t.logits) === ds.labels[i]) correct++;
  }
  return { accuracy: correct / count, correct, count };
}

/** The images `train` learns from and the ones it holds out, checked against the dataset (errors name the option). */
export function trainingSplit(trainSet: Dataset, o: Pick<TrainOptions, 'limit' | 'validation' | 'shift' | 'keepBest'>): { images: number; validation?: Dataset; side?: number } {
  const held = o.validation ?? 0;
  if (o.keepBest && held === 0) throw new CircaInputError('--keep-best chooses an epoch by its accuracy on held-out training images: give --validation <n> too');
  if (held >= trainSet.count) throw new CircaInputError(`--validation ${held}: the ${trainSet.name} training split has ${trainSet.count} images; hold out fewer, leaving some to train on`);
  const pool = trainSet.count - held;
  if (o.limit !== undefined && held > 0 && o.limit > pool) throw new CircaInputError(`--limit ${o.limit} with --validation ${held}: only ${pool} training images are left after the held-out ones; give --limit ${pool} or less`);
  const images = Math.min(o.limit ?? pool, pool);
  const validation = held > 0 ? { ...trainSet, count: held, pixels: trainSet.pixels.subarray(pool * trainSet.size), labels: trainSet.labels.subarray(pool) } : undefined;
  let side: number | undefined;
  if (o.shift) {
    side = Math.round(Math.sqrt(trainSet.size));
    if (side * side !== trainSet.size) throw new CircaInputError(`--shift ${o.shift}: shifting needs square images; ${trainSet.name} samples have ${trainSet.size} features`);
    if (o.shift >= side) throw new CircaInputError(`--shift ${o.shift}: at least the image's side (${side} pixels) would leave nothing of it`);
  }
  return { images, validation, side };
}

/**
 * `pixels` (a side x side image, row-major) moved by dx columns and dy rows
 * into `out`; pixels moved in from outside are 0.
 */
export function shiftImage(pixels: Uint8Array, side: number, dx: number, dy: number, out: Uint8Array): Uint8Array {
  out.fill(0);
  for (let y = Math.max(0, dy); y < Math.min(side, side + dy); y++) {
    const from = (y - dy) * side - dx;
    for (let x = Math.max(0, dx); x < Math.min(side, side + dx); x++) out[y * side + x] = pixels[from + x];
  }
  return out;
}

const copyParams = (net: FloatNet): Params[] => net.layers.map((l) => Object.fromEntries(Object.entries(l.params).map(([k, v]) => [k, Float64Array.from(v)])));

/** Lets timers (the progress bar's redraw, signal handlers) run between batches. */
const breathe = () => new Promise<void>((r) => setImmediate(r));

export async function train(plan: NetworkPlan, trainSet: Dataset, testSet: Dataset | undefined, o: TrainOptions, hooks: TrainHooks = {}, init?: Params[]): Promise<{ net: FloatNet; history: EpochStats[]; bestEpoch?: number }> {
  const net = floatNet(plan, init);
  const names = net.layers.map((l) => (l.layer.plan as { name: string }).name);
  const adam = new Adam(net, o.lr, (k, t) => o.lrScale?.[`${names[k]}.${t}`] ?? 1);
  const { images: n, validation, side } = trainingSplit(trainSet, o);
  const history: EpochStats[] = [];
  let best: { epoch: number; accuracy: number; params: Params[] } | undefined;
  const moved = new Uint8Array(trainSet.size);
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const t0 = performance.now();
    const order = permutation(n, o.seed * 1000 + epoch);
    // the shifts of this epoch's images, drawn in training order from their own seeded generator
    const shifts = o.shift ? xoroshiro128plus(o.seed * 1000 + epoch + 0x5eed) : undefined;
    let lossSum = 0;
    let correct = 0;
    let lastBreath = performance.now();
    for (let start = 0; start < n; start += o.batch) {
      if (performance.now() - lastBreath > 100) {
        await breathe();
        lastBreath = performance.now();
      }
      const end = Math.min(n, start + o.batch);
      const g = zeroGrads(net);
      const used = net.layers.map((l) => effectiveParams(l, o.qat));
      for (let s = start; s < end; s++) {
        const i = order[s];
        const image = shifts ? shiftImage(sample(trainSet, i), side!, uniformInt(shifts, -o.shift!, o.shift!), uniformInt(shifts, -o.shift!, o.shift!), moved) : sample(trainSet, i);
        const trace = forward(net, pixelsToReal(image), o.qat, used);
        const { loss, grad } = softmaxCrossEntropy(trace.logits, trainSet.labels[i]);
        lossSum += loss;
        if (argmaxOf(trace.logits) === trainSet.labels[i]) correct++;
        backward(net, trace, grad, g);
      }
      finishGrads(net, g);
      adam.step(g, end - start);
      checkFinite(net, names, epoch, `${start + 1}..${end}`, lossSum, o.lr);
      hooks.batch?.(end, n, lossSum / end, correct / end);
    }
    const stats: EpochStats = { epoch, loss: lossSum / n, trainAccuracy: correct / n, seconds: (performance.now() - t0) / 1000 };
    if (testSet) stats.testAccuracy = floatAccuracy(net, testSet, o.qat).accuracy;
    if (validation) {
      stats.validationAccuracy = floatAccuracy(net, validation, o.qat).accuracy;
      if (o.keepBest && (!best || stats.validationAccuracy > best.accuracy)) best = { epoch, accuracy: stats.validationAccuracy, params: copyParams(net) };
    }
    history.push(stats);
    hooks.epoch?.(stats);
  }
  if (!best) return { net, history };
  net.layers.forEach((l, k) => { l.params = best!.params[k]; });
  return { net, history, bestEpoch: best.epoch };
}
