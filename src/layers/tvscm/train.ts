/**
 * TVSCM train face: tensors `a` and `b` (one value each). The gradient of a
 * is sum_i dy_i x_i; the gradient of b is the sum over the band (band
 * placement) or over all other entries (complement) of dy_i x_j.
 */
import type { TrainFace } from '../types.ts';
import type { TvscmSpec } from './spec.ts';
import type { TvscmPlan } from './plan.ts';

function neighbours(p: TvscmPlan, v: Float64Array): Float64Array {
  // band: s_i = sum_{k=1..r} (v_{i-k} + v_{i+k}); complement: s_i = S - v_i
  const n = p.n;
  const s = new Float64Array(n);
  if (p.placement === 'band') {
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let k = 1; k <= p.radius; k++) acc += v[(i - k + n) % n] + v[(i + k) % n];
      s[i] = acc;
    }
  } else {
    let total = 0;
    for (let i = 0; i < n; i++) total += v[i];
    for (let i = 0; i < n; i++) s[i] = total - v[i];
  }
  return s;
}

export const tvscmTrain: TrainFace<TvscmSpec, TvscmPlan> = {
  tensors: (p) => [
    { name: 'a', shape: [1], format: p.wFormat, formatField: 'weights.format' },
    { name: 'b', shape: [1], format: p.wFormat, formatField: 'weights.format' },
  ],
  values: (p) => ({ a: Float64Array.of(p.aReal), b: Float64Array.of(p.bReal) }),
  acceptsRaw: true,
  inject(spec, t, { raw, formats }) {
    const f = formats?.a ?? formats?.b;
    const fmt = f ? { format: f } : {};
    if (!t) return { ...spec, weights: { ...spec.weights, ...fmt } };
    return { ...spec, weights: { ...spec.weights, ...fmt, a: t.a[0], b: t.b[0], raw } };
  },
  forward(p, prm, x) {
    const s = neighbours(p, x);
    const a = prm.a[0];
    const b = prm.b[0];
    const pre = new Float64Array(p.n);
    for (let i = 0; i < p.n; i++) pre[i] = a * x[i] + b * s[i];
    const y = p.relu ? pre.map((v) => Math.max(0, v)) : pre;
    return { y, cache: { x, s, pre } };
  },
  backward(p, prm, r, dy, g) {
    const { x, s, pre } = r.cache as { x: Float64Array; s: Float64Array; pre: Float64Array };
    const d = p.relu ? dy.map((v, i) => (pre[i] > 0 ? v : 0)) : dy;
    let ga = 0;
    let gb = 0;
    for (let i = 0; i < p.n; i++) {
      ga += d[i] * x[i];
      gb += d[i] * s[i];
    }
    g.a[0] += ga;
    g.b[0] += gb;
    // the matrix is symmetric, so dx = W d
    const sd = neighbours(p, d);
    const dx = new Float64Array(p.n);
    for (let i = 0; i < p.n; i++) dx[i] = prm.a[0] * d[i] + prm.b[0] * sd[i];
    return dx;
  },
};
