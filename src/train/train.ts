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
}

export interface EpochStats {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  testAccuracy?: number;
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

/** Lets timers (the progress bar's redraw, signal handlers) run between batches. */
const breathe = () => new Promise<void>((r) => setImmediate(r));

export async function train(plan: NetworkPlan, trainSet: Dataset, testSet: Dataset | undefined, o: TrainOptions, hooks: TrainHooks = {}, init?: Params[]): Promise<{ net: FloatNet; history: EpochStats[] }> {
  const net = floatNet(plan, init);
  const names = net.layers.map((l) => (l.layer.plan as { name: string }).name);
  const adam = new Adam(net, o.lr, (k, t) => o.lrScale?.[`${names[k]}.${t}`] ?? 1);
  const n = Math.min(o.limit ?? trainSet.count, trainSet.count);
  const history: EpochStats[] = [];
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const t0 = performance.now();
    const order = permutation(n, o.seed * 1000 + epoch);
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
        const trace = forward(net, pixelsToReal(sample(trainSet, i)), o.qat, used);
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
    history.push(stats);
    hooks.epoch?.(stats);
  }
  return { net, history };
}
