/**
 * Conv2d train face: y = act(conv(x, W) + bias) on reals; tensors `weight`
 * ([outChannels, channels, kernel, kernel], PyTorch's Conv2d layout,
 * row-major) and `bias` ([outChannels], when the layer has one).
 * Block-circulant: `weight` is the compact tensor [outChannels/k,
 * channels/k, k, kernel, kernel] (spec.ts); forward expands it to W
 * (W[o][c] = w[o/k][c/k][(o - c) mod k]) and backward folds W's gradient
 * back: dL/dw[bo][bc][t] = sum of dL/dW[o][c] over the block's (o, c) with
 * (o - c) mod k = t.
 */
import type { Params, TrainFace } from '../types.ts';
import type { Conv2dSpec } from './spec.ts';
import { bcIndex, circIndex, kernelIndex, type Conv2dPlan } from './plan.ts';
import { convBackward, convForward } from './train-kernels.ts';

/** Offset of W[o][c][ky][kx] in the PyTorch-layout tensor. */
const torchIndex = (p: Conv2dPlan, o: number, c: number, ky: number, kx: number) => ((o * p.c + c) * p.kh + ky) * p.k + kx;

/** Call f(torch offset of W[o][c][ky][kx], offset of its value in the compact tensor) for every weight of a block-circulant plan. */
function eachCirculant(p: Conv2dPlan, f: (dense: number, compact: number) => void): void {
  const k = p.blockSize;
  for (let o = 0; o < p.m; o++) {
    for (let c = 0; c < p.c; c++) {
      const t = circIndex(o, c, k);
      for (let ky = 0; ky < p.kh; ky++) {
        for (let kx = 0; kx < p.k; kx++) f(torchIndex(p, o, c, ky, kx), bcIndex(p, Math.floor(o / k), Math.floor(c / k), t, ky, kx));
      }
    }
  }
}

/**
 * The expanded weights, once per parameter record: training makes a new
 * record per batch (effectiveParams) and changes the tensors only between
 * batches, so forward and backward of every image of a batch share one
 * expansion. Keyed by the record and checked against its tensor, so a
 * record given another tensor is expanded again.
 */
const expanded = new WeakMap<Params, { w: Float64Array; d: Float64Array }>();

/** The dense PyTorch-layout weight of the record's `weight` tensor (the tensor itself when dense). */
function denseWeight(p: Conv2dPlan, prm: Params): Float64Array {
  const w = prm.weight;
  if (p.structure === 'dense') return w;
  const hit = expanded.get(prm);
  if (hit && hit.w === w && hit.d.length === p.m * p.kk) return hit.d;
  const d = new Float64Array(p.m * p.kk);
  eachCirculant(p, (di, ci) => { d[di] = w[ci]; });
  expanded.set(prm, { w, d });
  return d;
}

const act = (p: Conv2dPlan, v: number) => (p.activation === 'relu' ? Math.max(0, v) : p.activation === 'hardtanh' ? Math.min(1, Math.max(-1, v)) : v);
const actGrad = (p: Conv2dPlan, v: number) => (p.activation === 'relu' ? (v > 0 ? 1 : 0) : p.activation === 'hardtanh' ? (v > -1 && v < 1 ? 1 : 0) : 1);

export const conv2dTrain: TrainFace<Conv2dSpec, Conv2dPlan> = {
  tensors: (p) => [
    {
      name: 'weight', format: p.wFormat, formatField: 'weights.format',
      shape: p.structure === 'dense' ? [p.m, p.c, p.kh, p.k] : [p.m / p.blockSize, p.c / p.blockSize, p.blockSize, p.kh, p.k],
    },
    ...(p.hasBias ? [{ name: 'bias', shape: [p.m], format: p.bFormat, formatField: 'weights.biasFormat' }] : []),
  ],
  values: (p) => {
    if (p.structure === 'block-circulant') return { weight: Float64Array.from(p.bcReal), ...(p.hasBias ? { bias: Float64Array.from(p.biasReal) } : {}) };
    const weight = new Float64Array(p.m * p.kk);
    for (let o = 0; o < p.m; o++) {
      for (let c = 0; c < p.c; c++) {
        for (let ky = 0; ky < p.kh; ky++) for (let kx = 0; kx < p.k; kx++) weight[torchIndex(p, o, c, ky, kx)] = p.wReal[o][kernelIndex(p, ky, kx, c)];
      }
    }
    return { weight, ...(p.hasBias ? { bias: Float64Array.from(p.biasReal) } : {}) };
  },
  acceptsRaw: true,
  inject(spec, t, { raw, formats }) {
    let biasFormat = formats?.bias;
    if (biasFormat) {
      const accFrac = spec.input.frac + (formats?.weight ?? spec.weights.format).frac;
      if (biasFormat.frac > accFrac) biasFormat = { int: biasFormat.int + biasFormat.frac - accFrac, frac: accFrac };
    }
    const fmt = { ...(formats?.weight ? { format: formats.weight } : {}), ...(biasFormat ? { biasFormat } : {}) };
    if (!t) return { ...spec, weights: { ...spec.weights, ...fmt } };
    const { outChannels: m, channels: c, kernel: k } = spec;
    const { init: _i, seed: _s, scale: _c, bias: _b, ...keep } = spec.weights;
    if (spec.structure === 'block-circulant') {
      // [m/k][c/k][k][kernel][kernel], row-major in the tensor
      const b = spec.blockSize ?? 1;
      const kpos = k * k;
      const blocks = Array.from({ length: m / b }, (_, bo) => Array.from({ length: c / b }, (_, bc) => Array.from({ length: b }, (_, tt) => {
        const base = ((bo * (c / b) + bc) * b + tt) * kpos;
        return Array.from({ length: k }, (_, ky) => Array.from(t.weight.subarray(base + ky * k, base + ky * k + k)));
      })));
      return { ...spec, weights: { ...keep, ...fmt, values: blocks, ...(spec.bias ? { bias: Array.from(t.bias) } : {}), raw } };
    }
    const values = Array.from({ length: m }, (_, o) => Array.from({ length: c }, (_, ci) => Array.from({ length: k }, (_, ky) =>
      Array.from(t.weight.subarray(((o * c + ci) * k + ky) * k, ((o * c + ci) * k + ky + 1) * k)))));
    return { ...spec, weights: { ...keep, ...fmt, values, ...(spec.bias ? { bias: Array.from(t.bias) } : {}), raw } };
  },
  forward(p, prm, x) {
    const pre = convForward(p, denseWeight(p, prm), p.hasBias ? prm.bias : null, x);
    const y = new Float64Array(pre.length);
    if (p.activation === 'relu') for (let i = 0; i < pre.length; i++) y[i] = Math.max(0, pre[i]);
    else for (let i = 0; i < pre.length; i++) y[i] = act(p, pre[i]);
    return { y, cache: { x, pre } };
  },
  backward(p, prm, r, dy, g: Params, wantDx = true) {
    const { x, pre } = r.cache as { x: Float64Array; pre: Float64Array };
    const d = new Float64Array(pre.length);
    if (p.activation === 'relu') for (let i = 0; i < pre.length; i++) d[i] = dy[i] * (pre[i] > 0 ? 1 : 0);
    else for (let i = 0; i < pre.length; i++) d[i] = dy[i] * actGrad(p, pre[i]);
    if (p.hasBias) {
      const gb = g.bias;
      const m = p.m;
      for (let i = 0; i < d.length; i += m) for (let o = 0; o < m; o++) gb[o] += d[i + o];
    }
    if (p.structure === 'dense') return convBackward(p, prm.weight, x, d, g.weight, wantDx);
    const gw = new Float64Array(p.m * p.kk);
    const dx = convBackward(p, denseWeight(p, prm), x, d, gw, wantDx);
    eachCirculant(p, (di, ci) => { g.weight[ci] += gw[di]; });
    return dx;
  },
};
