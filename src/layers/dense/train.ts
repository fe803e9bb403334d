/**
 * Dense train face: y = act(W x + bias) on reals; tensors `weight` (m x n,
 * row-major, PyTorch's nn.Linear layout) and `bias` (m).
 */
import type { TrainFace } from '../types.ts';
import type { DenseSpec } from './spec.ts';
import type { DensePlan } from './plan.ts';

export const denseTrain: TrainFace<DenseSpec, DensePlan> = {
  tensors: (p) => [
    { name: 'weight', shape: [p.m, p.n], format: p.wFormat, formatField: 'weights.format' },
    { name: 'bias', shape: [p.m], format: p.bFormat, formatField: 'weights.biasFormat' },
  ],
  values: (p) => ({ weight: Float64Array.from(p.wReal.flat()), bias: Float64Array.from(p.biasReal) }),
  acceptsRaw: true,
  inject(spec, t, { raw, formats }) {
    const m = spec.outputs;
    const n = spec.inputs;
    let biasFormat = formats?.bias;
    if (biasFormat) {
      // the bias is aligned into the accumulator, so it may have no more fraction bits than it (input.frac + weights.frac)
      const accFrac = spec.input.frac + (formats?.weight ?? spec.weights.format).frac;
      if (biasFormat.frac > accFrac) biasFormat = { int: biasFormat.int + biasFormat.frac - accFrac, frac: accFrac };
    }
    const fmt = { ...(formats?.weight ? { format: formats.weight } : {}), ...(biasFormat ? { biasFormat } : {}) };
    if (!t) return { ...spec, weights: { ...spec.weights, ...fmt } };
    const values = Array.from({ length: m }, (_, i) => Array.from(t.weight.subarray(i * n, (i + 1) * n)));
    const { init: _i, seed: _s, scale: _c, ...keep } = spec.weights;
    return { ...spec, weights: { ...keep, ...fmt, values, bias: Array.from(t.bias), raw } };
  },
  forward(p, prm, x) {
    const { m, n } = p;
    const w = prm.weight;
    const pre = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s = prm.bias[i];
      const o = i * n;
      for (let j = 0; j < n; j++) s += w[o + j] * x[j];
      pre[i] = s;
    }
    const y = pre.map((v) => (p.activation === 'relu' ? Math.max(0, v) : p.activation === 'hardtanh' ? Math.min(1, Math.max(-1, v)) : v));
    return { y, cache: { x, pre } };
  },
  backward(p, prm, r, dy, g) {
    const { x, pre } = r.cache as { x: Float64Array; pre: Float64Array };
    const { m, n } = p;
    const w = prm.weight;
    const gw = g.weight;
    const dx = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      const v = pre[i];
      const d = p.activation === 'relu' ? (v > 0 ? dy[i] : 0) : p.activation === 'hardtanh' ? (v > -1 && v < 1 ? dy[i] : 0) : dy[i];
      if (d === 0) continue;
      g.bias[i] += d;
      const o = i * n;
      for (let j = 0; j < n; j++) {
        gw[o + j] += d * x[j];
        dx[j] += d * w[o + j];
      }
    }
    return dx;
  },
};
