/** Activation train face: no tensors; relu, hardtanh or identity on reals. */
import type { TrainFace } from '../types.ts';
import type { ActivationSpec } from './spec.ts';
import type { ActivationPlan } from './plan.ts';

export const activationTrain: TrainFace<ActivationSpec, ActivationPlan> = {
  tensors: () => [],
  values: () => ({}),
  acceptsRaw: true,
  inject: (spec) => spec,
  forward(p, _prm, x) {
    const y = x.map((v) => (p.fn === 'relu' ? Math.max(0, v) : p.fn === 'hardtanh' ? Math.min(1, Math.max(-1, v)) : v));
    return { y, cache: x };
  },
  backward(p, _prm, r, dy) {
    const x = r.cache as Float64Array;
    return dy.map((v, i) => (p.fn === 'relu' ? (x[i] > 0 ? v : 0) : p.fn === 'hardtanh' ? (x[i] > -1 && x[i] < 1 ? v : 0) : v));
  },
};
