/**
 * Block-circulant train face (CirCNN): y_i = act(sum_j circ(w_ij) x_j),
 * tensor `w` of shape [p, q, k] (the first column of each block). Each input
 * block is transformed once and the products are summed in the frequency
 * domain (as the hardware does); gradients are circular correlations,
 * gathered as spectra over a batch and transformed back once (finish):
 *   DW_ij += conj(X_j) o DY_i,   dx_j = IDFT(sum_i conj(W_ij) o DY_i).
 * The block spectra W_ij are computed once per parameter record (a batch).
 */
import type { Params, TrainFace } from '../types.ts';
import type { BlockCirculantSpec } from './spec.ts';
import type { BlockCirculantPlan } from './plan.ts';
import { accumulateProduct, inverseReal, spectrumOf } from '../circulant-common/train-fft.ts';

interface Cache { X: Float64Array[]; W: Float64Array[]; acc: Float64Array }

const spectraOf = new WeakMap<Params, Float64Array[]>();
const gradSpectra = new WeakMap<Params, Float64Array[]>();

function blockSpectra(p: BlockCirculantPlan, prm: Params): Float64Array[] {
  let W = spectraOf.get(prm);
  if (!W) {
    const { k } = p;
    W = Array.from({ length: p.p * p.q }, (_, b) => spectrumOf(prm.w.subarray(b * k, (b + 1) * k), k));
    spectraOf.set(prm, W);
  }
  return W;
}

export const blockCirculantTrain: TrainFace<BlockCirculantSpec, BlockCirculantPlan> = {
  tensors: (p) => [{ name: 'w', shape: [p.p, p.q, p.k] }],
  values: (p) => ({ w: Float64Array.from(p.w.flat(2)) }),
  acceptsRaw: false,
  inject(spec, t) {
    if (!t) return spec;
    const k = spec.blockSize;
    const q = Math.ceil(spec.inputs / k);
    const pp = Math.ceil(spec.outputs / k);
    const values = Array.from({ length: pp }, (_, i) =>
      Array.from({ length: q }, (_, j) => Array.from(t.w.subarray((i * q + j) * k, (i * q + j + 1) * k))));
    const { init: _i, seed: _s, scale: _c, ...keep } = spec.weights;
    return { ...spec, weights: { ...keep, values } };
  },
  forward(p, prm, x) {
    const { k } = p;
    const W = blockSpectra(p, prm);
    const X = Array.from({ length: p.q }, (_, j) => spectrumOf(x.subarray(j * k, Math.min((j + 1) * k, p.inputs)), k));
    const y = new Float64Array(p.outputs);
    const acc = new Float64Array(p.p * k);
    const spec = new Float64Array(2 * k);
    for (let i = 0; i < p.p; i++) {
      spec.fill(0);
      for (let j = 0; j < p.q; j++) accumulateProduct(spec, W[i * p.q + j], X[j], k);
      const t = inverseReal(spec, k);
      acc.set(t, i * k);
      for (let e = 0; e < k && i * k + e < p.outputs; e++) y[i * k + e] = p.activation === 'relu' ? Math.max(0, t[e]) : t[e];
    }
    return { y, cache: { X, W, acc } satisfies Cache };
  },
  backward(p, _prm, r, dy, g) {
    const { X, W, acc } = r.cache as Cache;
    const { k } = p;
    let G = gradSpectra.get(g);
    if (!G) {
      G = Array.from({ length: p.p * p.q }, () => new Float64Array(2 * k));
      gradSpectra.set(g, G);
    }
    const DX = Array.from({ length: p.q }, () => new Float64Array(2 * k));
    const d = new Float64Array(k);
    for (let i = 0; i < p.p; i++) {
      d.fill(0);
      let any = false;
      for (let e = 0; e < k && i * k + e < p.outputs; e++) {
        const o = i * k + e;
        d[e] = p.activation === 'relu' && acc[o] <= 0 ? 0 : dy[o];
        if (d[e] !== 0) any = true;
      }
      if (!any) continue;
      const DY = spectrumOf(d, k);
      for (let j = 0; j < p.q; j++) {
        accumulateProduct(G[i * p.q + j], X[j], DY, k, true);
        accumulateProduct(DX[j], W[i * p.q + j], DY, k, true);
      }
    }
    const dx = new Float64Array(p.inputs);
    for (let j = 0; j < p.q; j++) {
      const t = inverseReal(DX[j], k);
      for (let e = 0; e < k && j * k + e < p.inputs; e++) dx[j * k + e] = t[e];
    }
    return dx;
  },
  finish(p, g) {
    const G = gradSpectra.get(g);
    if (!G) return;
    const { k } = p;
    G.forEach((s, b) => {
      const t = inverseReal(s, k);
      for (let e = 0; e < k; e++) g.w[b * k + e] += t[e];
    });
    gradSpectra.delete(g);
  },
};
