/**
 * Conv2d train face: y = act(conv(x, W) + bias) on reals; tensors `weight`
 * ([outChannels, channels, kernel, kernel], PyTorch's Conv2d layout,
 * row-major) and `bias` ([outChannels], when the layer has one).
 */
import type { Params, TrainFace } from '../types.ts';
import type { Conv2dSpec } from './spec.ts';
import { kernelIndex, type Conv2dPlan } from './plan.ts';
import { convBackward, convForward } from './train-kernels.ts';

/** Offset of W[o][c][ky][kx] in the PyTorch-layout tensor. */
const torchIndex = (p: Conv2dPlan, o: number, c: number, ky: number, kx: number) => ((o * p.c + c) * p.kh + ky) * p.k + kx;

const act = (p: Conv2dPlan, v: number) => (p.activation === 'relu' ? Math.max(0, v) : p.activation === 'hardtanh' ? Math.min(1, Math.max(-1, v)) : v);
const actGrad = (p: Conv2dPlan, v: number) => (p.activation === 'relu' ? (v > 0 ? 1 : 0) : p.activation === 'hardtanh' ? (v > -1 && v < 1 ? 1 : 0) : 1);

export const conv2dTrain: TrainFace<Conv2dSpec, Conv2dPlan> = {
  tensors: (p) => [
    { name: 'weight', shape: [p.m, p.c, p.kh, p.k], format: p.wFormat, formatField: 'weights.format' },
    ...(p.hasBias ? [{ name: 'bias', shape: [p.m], format: p.bFormat, formatField: 'weights.biasFormat' }] : []),
  ],
  values: (p) => {
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
    const values = Array.from({ length: m }, (_, o) => Array.from({ length: c }, (_, ci) => Array.from({ length: k }, (_, ky) =>
      Array.from(t.weight.subarray(((o * c + ci) * k + ky) * k, ((o * c + ci) * k + ky + 1) * k)))));
    const { init: _i, seed: _s, scale: _c, bias: _b, ...keep } = spec.weights;
    return { ...spec, weights: { ...keep, ...fmt, values, ...(spec.bias ? { bias: Array.from(t.bias) } : {}), raw } };
  },
  forward(p, prm, x) {
    const pre = convForward(p, prm.weight, p.hasBias ? prm.bias : null, x);
    return { y: pre.map((v) => act(p, v)), cache: { x, pre } };
  },
  backward(p, prm, r, dy, g: Params) {
    const { x, pre } = r.cache as { x: Float64Array; pre: Float64Array };
    const d = new Float64Array(pre.length);
    for (let i = 0; i < pre.length; i++) d[i] = dy[i] * actGrad(p, pre[i]);
    if (p.hasBias) for (let i = 0; i < d.length; i++) g.bias[i % p.m] += d[i];
    return convBackward(p, prm.weight, x, d, g.weight);
  },
};
