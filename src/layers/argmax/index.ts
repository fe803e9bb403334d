/** The argmax layer kind: the classifier's final stage (index and score). */
import { formatName, toReal } from '../../fixed/index.ts';
import { defineKind } from '../types.ts';
import { coefficients } from './coefficients.ts';
import { argmaxResources } from './resources.ts';
import { argmaxSpecSchema, type ArgmaxSpec } from './spec.ts';
import { planArgmax, type ArgmaxPlan } from './plan.ts';
import { argmaxReference } from './reference.ts';
import { argmaxRtl } from './rtl.ts';
import { argmaxCost, argmaxTiming } from './cost.ts';

export const argmax = defineKind<ArgmaxSpec, ArgmaxPlan>({
  kind: 'argmax',
  summary: 'index and value of the largest element (first on ties)',
  schema: argmaxSpecSchema,
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
  io: (p) => ({ inLanes: 1, inWidth: p.xWidth, outLanes: 2, outWidth: p.outWidth, inBeats: p.n, outBeats: 1 }),
  rtl: argmaxRtl,
  resources: argmaxResources,
  coefficients,
  terminal: 'it outputs an index and a value',
  classIndex: 0,
  vary: { width: (spec, f) => { spec.input = { ...f }; } },
  cost: argmaxCost,
  timing: argmaxTiming,
  describe: (p) => [`argmax of ${p.n} elements in ${formatName(p.xFormat)}: outputs index, value`],
});
