import type { ReferenceResult } from '../types.ts';
import type { ArgmaxPlan } from './plan.ts';

/** [index, value] of the largest element; the first one on ties. */
export function argmaxReference(_p: ArgmaxPlan, x: readonly number[]): ReferenceResult {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return { y: [best, x[best]], overflow: false };
}
