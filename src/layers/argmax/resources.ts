/** The argmax resource face (rtl-templates/argmax_layer.v): one comparator, no memory. */
import type { LayerResources } from '../resources.ts';
import type { ArgmaxPlan } from './plan.ts';

export function argmaxResources(p: ArgmaxPlan): LayerResources {
  return {
    memories: [],
    multipliers: [],
    arith: { multiplies: [], adds: [{ width: p.xWidth, count: p.n - 1 }, { width: p.cntWidth, count: p.n }] },
    features: { one: 1, x: p.xWidth, idx: p.idxWidth + p.cntWidth, out: 2 * p.outWidth },
  };
}

