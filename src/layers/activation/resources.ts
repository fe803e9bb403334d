/** The activation resource face (rtl-templates/act_layer.v): one requantiser, no memory. */
import type { LayerResources } from '../resources.ts';
import type { ActivationPlan } from './plan.ts';

export function activationResources(p: ActivationPlan): LayerResources {
  return {
    memories: [],
    multipliers: [],
    arith: { multiplies: [], adds: p.fn === 'identity' && p.requant.shift === 0 ? [] : [{ width: p.xWidth + p.leftShift, count: p.n }] },
    features: { one: 1, x: p.xWidth + p.leftShift, y: p.yWidth },
  };
}

