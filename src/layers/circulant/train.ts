/**
 * Circulant train face: h(x) = act(R D x), tensor `r` (K, the first column
 * of R); the sign flip D is fixed (Cheng et al.). Gradients by FFT:
 * dr = IDFT(conj(DFT(D x)) o DFT(dz)), dx = D IDFT(conj(DFT(r)) o DFT(dz)).
 */
import type { TrainFace } from '../types.ts';
import type { CirculantSpec } from './spec.ts';
import type { CirculantPlan } from './plan.ts';
import { productInverse, spectrumOf } from '../circulant-common/train-fft.ts';

interface Cache { S: Float64Array; R: Float64Array; z: Float64Array }

export const circulantTrain: TrainFace<CirculantSpec, CirculantPlan> = {
  tensors: (p) => [{ name: 'r', shape: [p.core.k] }],
  values: (p) => ({ r: Float64Array.from(p.r) }),
  acceptsRaw: false,
  inject(spec, t) {
    if (!t) return spec;
    const { init: _i, seed: _s, scale: _c, ...keep } = spec.weights;
    return { ...spec, weights: { ...keep, values: Array.from(t.r) } };
  },
  forward(p, prm, x) {
    const k = p.core.k;
    const s = new Float64Array(k);
    for (let i = 0; i < p.inputs; i++) s[i] = x[i] * p.signs[i];
    const S = spectrumOf(s, k);
    const R = spectrumOf(prm.r, k);
    const z = productInverse(R, S, k);
    const y = new Float64Array(p.outputs);
    for (let i = 0; i < p.outputs; i++) y[i] = p.activation === 'relu' ? Math.max(0, z[i]) : z[i];
    return { y, cache: { S, R, z } satisfies Cache };
  },
  backward(p, _prm, r, dy, g) {
    const { S, R, z } = r.cache as Cache;
    const k = p.core.k;
    const dz = new Float64Array(k);
    for (let i = 0; i < p.outputs; i++) dz[i] = p.activation === 'relu' && z[i] <= 0 ? 0 : dy[i];
    const DZ = spectrumOf(dz, k);
    const dr = productInverse(S, DZ, k, true);
    for (let i = 0; i < k; i++) g.r[i] += dr[i];
    const ds = productInverse(R, DZ, k, true);
    const dx = new Float64Array(p.inputs);
    for (let i = 0; i < p.inputs; i++) dx[i] = ds[i] * p.signs[i];
    return dx;
  },
};
