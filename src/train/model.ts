/**
 * A network as a differentiable real-valued function, built from its
 * layers' train faces: forward and backward on one input, softmax
 * cross-entropy on the last trainable layer's outputs (a trailing argmax is
 * the classifier's decision and is not part of training).
 *
 * Quantisation-aware mode (--qat) puts the fixed-point formats in the loop:
 * the input, each layer's output and each tensor that has a format are
 * rounded to their format's grid and saturated in the forward pass; the
 * backward pass treats the rounding as identity (straight-through
 * estimator) and passes no gradient where a value saturated. The circulant
 * kinds' spectra and FFT-internal rounding are not modelled (their
 * tensors have no format of their own).
 */
import { CircaInputError } from '../errors.ts';
import { maxOf, minOf, width, type QFormat } from '../fixed/index.ts';
import type { NetworkLayer, NetworkPlan } from '../network/plan.ts';
import type { ForwardResult, Params, TensorInfo, TrainFace } from '../layers/types.ts';

export interface TrainLayer {
  layer: NetworkLayer;
  face: TrainFace;
  infos: TensorInfo[];
  params: Params;
}

export interface FloatNet {
  plan: NetworkPlan;
  layers: TrainLayer[];
  inputs: number;
  /** outputs of the last trainable layer (the logits) */
  classes: number;
}

/** The trainable part of a network: every layer up to a trailing argmax, each with a train face. */
export function floatNet(plan: NetworkPlan, params?: Params[]): FloatNet {
  const layers: TrainLayer[] = [];
  plan.layers.forEach((l, k) => {
    const face = l.kind.train;
    if (!face) {
      if (k === plan.layers.length - 1 && !l.shape.outFormat) return; // a decision stage (argmax): its outputs are not values
      throw new CircaInputError(`layers[${k}] (${l.kind.kind}): this kind has no train face, so the network cannot be trained`);
    }
    const own = face.values(l.plan);
    const given = params?.[layers.length];
    const p: Params = {};
    for (const [name, v] of Object.entries(own)) p[name] = Float64Array.from(given?.[name] ?? v);
    layers.push({ layer: l, face, infos: face.tensors(l.plan), params: p });
  });
  if (layers.length === 0) throw new CircaInputError('the network has no trainable layers');
  const last = layers[layers.length - 1];
  return { plan, layers, inputs: plan.inputs, classes: last.layer.shape.outputs };
}

/** Round to the format's grid (convergent ties are immaterial here) and saturate; mask[i] = 0 where saturated. */
export function fakeQuant(v: Float64Array, f: QFormat, mask?: Uint8Array): Float64Array {
  const scale = 2 ** f.frac;
  const lo = minOf(width(f)) / scale;
  const hi = maxOf(width(f)) / scale;
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x > hi) {
      out[i] = hi;
      if (mask) mask[i] = 0;
    } else if (x < lo) {
      out[i] = lo;
      if (mask) mask[i] = 0;
    } else {
      out[i] = Math.round(x * scale) / scale;
      if (mask) mask[i] = 1;
    }
  }
  return out;
}

interface Step {
  r: ForwardResult;
  used: Params;
  outMask?: Uint8Array;
}

export interface ForwardTrace {
  steps: Step[];
  logits: Float64Array;
  /** every layer's output (after quantisation under QAT) */
  outputs: Float64Array[];
}

/** The parameters the forward pass uses: fake-quantised where the tensor has a format (QAT). */
export function effectiveParams(l: TrainLayer, qat: boolean): Params {
  // a new record per call: faces may cache what they derive from a record (block spectra) for as long as it lives
  if (!qat) return { ...l.params };
  const used: Params = {};
  for (const info of l.infos) {
    const v = l.params[info.name];
    used[info.name] = info.format ? fakeQuant(v, info.format) : v;
  }
  return used;
}

export function forward(net: FloatNet, x: Float64Array, qat: boolean, used?: Params[]): ForwardTrace {
  let v = qat ? fakeQuant(x, net.plan.inFormat) : x;
  const steps: Step[] = [];
  const outputs: Float64Array[] = [];
  net.layers.forEach((l, k) => {
    const prm = used?.[k] ?? effectiveParams(l, qat);
    const r = l.face.forward(l.layer.plan, prm, v);
    let y = r.y;
    let outMask: Uint8Array | undefined;
    const f = l.layer.shape.outFormat;
    if (qat && f) {
      outMask = new Uint8Array(y.length);
      y = fakeQuant(y, f, outMask);
    }
    steps.push({ r, used: prm, outMask });
    outputs.push(y);
    v = y;
  });
  return { steps, logits: v, outputs };
}

/** Softmax cross-entropy: the loss, and its gradient with respect to the logits. */
export function softmaxCrossEntropy(logits: Float64Array, label: number): { loss: number; grad: Float64Array } {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  let sum = 0;
  const e = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) {
    e[i] = Math.exp(logits[i] - max);
    sum += e[i];
  }
  const grad = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) grad[i] = e[i] / sum - (i === label ? 1 : 0);
  return { loss: -(logits[label] - max - Math.log(sum)), grad };
}

/** Adds this sample's gradients into g (one Params per layer). */
export function backward(net: FloatNet, trace: ForwardTrace, dLogits: Float64Array, g: Params[]): void {
  let dy = dLogits;
  for (let k = net.layers.length - 1; k >= 0; k--) {
    const l = net.layers[k];
    const s = trace.steps[k];
    if (s.outMask) {
      const m = s.outMask;
      const masked = new Float64Array(dy.length);
      for (let i = 0; i < dy.length; i++) masked[i] = m[i] ? dy[i] : 0;
      dy = masked;
    }
    // the first layer's dx (the gradient with respect to the image) is not used
    dy = l.face.backward(l.layer.plan, s.used, s.r, dy, g[k], k > 0);
  }
}

/** Lets every face finish the gradients it gathered in g (call after the batch's last backward). */
export function finishGrads(net: FloatNet, g: Params[]): void {
  net.layers.forEach((l, k) => l.face.finish?.(l.layer.plan, g[k]));
}

export function zeroGrads(net: FloatNet): Params[] {
  return net.layers.map((l) => Object.fromEntries(Object.entries(l.params).map(([n, v]) => [n, new Float64Array(v.length)])));
}

export function argmaxOf(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}
