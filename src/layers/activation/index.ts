/** The activation layer kind: elementwise requantisation and identity / relu / hardtanh. */
import { formatName, toReal } from '../../fixed/index.ts';
import type { LayerKind } from '../types.ts';
import { activationSpecSchema, type ActivationSpec } from './spec.ts';
import { planActivation, type ActivationPlan } from './plan.ts';
import { activationFloat, activationReference } from './reference.ts';
import { activationRtl } from './rtl.ts';
import { activationCost, activationTiming } from './cost.ts';
import { activationTrain } from './train.ts';

export const activation: LayerKind<ActivationSpec, ActivationPlan> = {
  kind: 'activation',
  summary: 'elementwise requantisation and activation (identity, relu, hardtanh)',
  schema: activationSpecSchema as unknown as LayerKind<ActivationSpec, ActivationPlan>['schema'],
  plan: planActivation,
  shape: (p) => ({ inputs: p.n, outputs: p.n, inWidth: p.xWidth, outWidth: p.yWidth, inFormat: p.xFormat, outFormat: p.yFormat }),
  reference: activationReference,
  float: activationFloat,
  outputToReal: (p, y) => toReal(y, p.yFormat),
  inputToReal: (p, x) => toReal(x, p.xFormat),
  rtl: activationRtl,
  cost: activationCost,
  timing: activationTiming,
  train: activationTrain,
  describe: (p) => [`${p.fn} on ${p.n} elements, ${formatName(p.xFormat)} -> ${formatName(p.yFormat)} (${p.requant.rounding}, ${p.requant.overflow})`],
};
