/** The activation layer kind: elementwise requantisation and identity / relu / hardtanh. */
import { formatName, toReal } from '../../fixed/index.ts';
import { defineKind } from '../types.ts';
import { coefficients } from './coefficients.ts';
import { activationResources } from './resources.ts';
import { activationSpecSchema, type ActivationSpec } from './spec.ts';
import { planActivation, type ActivationPlan } from './plan.ts';
import { activationFloat, activationReference } from './reference.ts';
import { activationRtl } from './rtl.ts';
import { activationCost, activationTiming } from './cost.ts';
import { activationTrain } from './train.ts';

export const activation = defineKind<ActivationSpec, ActivationPlan>({
  kind: 'activation',
  summary: 'elementwise requantisation and activation (identity, relu, hardtanh)',
  schema: activationSpecSchema,
  plan: planActivation,
  shape: (p) => ({ inputs: p.n, outputs: p.n, inWidth: p.xWidth, outWidth: p.yWidth, inFormat: p.xFormat, outFormat: p.yFormat }),
  reference: activationReference,
  float: activationFloat,
  outputToReal: (p, y) => toReal(y, p.yFormat),
  inputToReal: (p, x) => toReal(x, p.xFormat),
  io: (p) => ({ inLanes: 1, inWidth: p.xWidth, outLanes: 1, outWidth: p.yWidth, inBeats: p.n, outBeats: p.n }),
  rtl: activationRtl,
  resources: activationResources,
  coefficients,
  cost: activationCost,
  timing: activationTiming,
  train: activationTrain,
  describe: (p) => [`${p.fn} on ${p.n} elements, ${formatName(p.xFormat)} -> ${formatName(p.yFormat)} (${p.requant.rounding}, ${p.requant.overflow})`],
});
