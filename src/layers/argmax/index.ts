/** The argmax layer kind: the classifier's final stage (index and score). */
import { formatName, toReal } from '../../fixed/index.ts';
import type { LayerKind } from '../types.ts';
import { argmaxSpecSchema, type ArgmaxSpec } from './spec.ts';
import { planArgmax, type ArgmaxPlan } from './plan.ts';
import { argmaxReference } from './reference.ts';
import { argmaxRtl } from './rtl.ts';
import { argmaxCost, argmaxTiming } from './cost.ts';

export const argmax: LayerKind<ArgmaxSpec, ArgmaxPlan> = {
  kind: 'argmax',
  summary: 'index and value of the largest element (first on ties)',
  schema: argmaxSpecSchema as unknown as LayerKind<ArgmaxSpec, ArgmaxPlan>['schema'],
  plan: planArgmax,
  shape: (p) => ({ inputs: p.n, outputs: 2, inWidth: p.xWidth, outWidth: p.outWidth, inFormat: p.xFormat }),
  reference: argmaxReference,
  float: (p, x) => {
    const r = x.map((v) => toReal(v, p.xFormat));
    let best = 0;
    for (let i = 1; i < r.length; i++) if (r[i] > r[best]) best = i;
    return [best, r[best]];
  },
  // lane 0 is an index, lane 1 a value in the input format
  outputToReal: (_p, y) => y,
  inputToReal: (p, x) => toReal(x, p.xFormat),
  rtl: argmaxRtl,
  cost: argmaxCost,
  timing: argmaxTiming,
  describe: (p) => [`argmax of ${p.n} elements in ${formatName(p.xFormat)}: outputs index, value`],
};
