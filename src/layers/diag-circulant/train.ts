/**
 * Diag-circulant train face: f(x) = act(d o (C x) + bias) (Araujo et al.),
 * tensors `c` (K, the first column of C), `d` and `bias` (outputs each).
 * Gradients of c and x by FFT (circular correlations).
 */
import type { TrainFace } from '../types.ts';
import type { DiagCirculantSpec } from './spec.ts';
import type { DiagCirculantPlan } from './plan.ts';
import { productInverse, spectrumOf } from '../circulant-common/train-fft.ts';

interface Cache { X: Float64Array; C: Float64Array; z: Float64Array; pre: Float64Array }

export const diagCirculantTrain: TrainFace<DiagCirculantSpec, DiagCirculantPlan> = {
  tensors: (p) => [
    { name: 'c', shape: [p.core.k] },
    { name: 'd', shape: [p.outputs], format: p.dFormat, formatField: 'weights.diagFormat' },
    { name: 'bias', shape: [p.outputs], format: p.bFormat, formatField: 'weights.biasFormat' },
  ],
  values: (p) => ({ c: Float64Array.from(p.c), d: Float64Array.from(p.dReal), bias: Float64Array.from(p.biasReal) }),
  acceptsRaw: false,
  inject(spec, t, { formats }) {
    const fmt = { ...(formats?.d ? { diagFormat: formats.d } : {}), ...(formats?.bias ? { biasFormat: formats.bias } : {}) };
    if (!t) return { ...spec, weights: { ...spec.weights, ...fmt } };
    const { init: _i, seed: _s, scale: _c, biasScale: _b, ...keep } = spec.weights;
    return { ...spec, weights: { ...keep, ...fmt, c: Array.from(t.c), d: Array.from(t.d), bias: Array.from(t.bias) } };
  },
  forward(p, prm, x) {
    const k = p.core.k;
    const X = spectrumOf(x.subarray(0, p.inputs), k);
    const C = spectrumOf(prm.c, k);
    const z = productInverse(C, X, k);
    const pre = new Float64Array(p.outputs);
    for (let i = 0; i < p.outputs; i++) pre[i] = prm.d[i] * z[i] + prm.bias[i];
    const y = p.activation === 'relu' ? pre.map((v) => Math.max(0, v)) : pre;
    return { y, cache: { X, C, z, pre } satisfies Cache };
  },
  backward(p, prm, r, dy, g) {
    const { X, C, z, pre } = r.cache as Cache;
    const k = p.core.k;
    const dz = new Float64Array(k);
    for (let i = 0; i < p.outputs; i++) {
      const dp = p.activation === 'relu' && pre[i] <= 0 ? 0 : dy[i];
      g.d[i] += dp * z[i];
      g.bias[i] += dp;
      dz[i] = dp * prm.d[i];
    }
    const DZ = spectrumOf(dz, k);
    const dc = productInverse(X, DZ, k, true);
    for (let i = 0; i < k; i++) g.c[i] += dc[i];
    return productInverse(C, DZ, k, true).subarray(0, p.inputs);
  },
};
