/** The diag-circulant layer kind (Araujo et al. 2020): spec, reference, rtl and cost faces together. */
import { formatName, toReal } from '../../fixed/index.ts';
import { defineKind } from '../types.ts';
import { coefficients } from './coefficients.ts';
import { foldedFftCoefficients } from '../circulant-common/folded-coefficients.ts';
import { checkRawCount } from '../formats.ts';
import { coreResources } from '../circulant-common/resources.ts';
import { describeCore as describeStreamCore } from '../circulant-common/core.ts';
import { describeSource } from '../circulant-common/weights.ts';
import { diagCirculantSpecSchema, type DiagCirculantSpec } from './spec.ts';
import { planDiagCirculant, type DiagCirculantPlan } from './plan.ts';
import { diagCirculantFloat, diagCirculantReference } from './reference.ts';
import { diagCirculantRtl } from './rtl.ts';
import { diagCirculantCost, diagCirculantTiming } from './cost.ts';
import { diagCirculantTrain } from './train.ts';
import { smallerCirculant } from '../circulant-common/smaller.ts';
import { diagCirculantFuse } from './fused.ts';
import { fftSectionVary } from '../circulant-common/vary.ts';

export const diagCirculant = defineKind<DiagCirculantSpec, DiagCirculantPlan>({
  kind: 'diag-circulant',
  summary: 'Diagonal-circulant layer act(D circ(c) x + b) through FFT -> spectral product -> IFFT (Araujo et al. 2020)',
  schema: diagCirculantSpecSchema,
  plan: planDiagCirculant,
  counts(raw) {
    checkRawCount(raw, ['weights', 'd'], raw.outputs, 'values (one per output)');
    checkRawCount(raw, ['weights', 'bias'], raw.outputs, 'values (one per output)');
  },
  shape: (p) => ({ inputs: p.inputs, outputs: p.outputs, inWidth: p.xWidth, outWidth: p.yWidth, inFormat: p.xFormat, outFormat: p.yFormat }),
  reference: (p, x) => diagCirculantReference(p, x),
  float: diagCirculantFloat,
  outputToReal: (p, y) => toReal(y, p.yFormat),
  inputToReal: (p, x) => toReal(x, p.xFormat),
  io: (p) => ({ inLanes: 1, inWidth: p.xWidth, outLanes: 1, outWidth: p.yWidth, inBeats: p.inputs, outBeats: p.outputs }),
  rtl: diagCirculantRtl,
  resources: (p, ctx) => coreResources(ctx, p.core, p.yWidth, p),
  coefficients: { ...coefficients, ...foldedFftCoefficients },
  cost: diagCirculantCost,
  timing: diagCirculantTiming,
  train: diagCirculantTrain,
  smaller: smallerCirculant,
  vary: fftSectionVary,
  fuse: diagCirculantFuse,
  describe: (p) => [
    `diag-circulant ${p.inputs} -> ${p.outputs}, K = ${p.core.k}, c, d, b ${describeSource(p.weightSource)}`,
    `input ${formatName(p.xFormat)}; ${describeStreamCore(p.core)}`,
    `d ${formatName(p.dFormat)}, bias ${formatName(p.bFormat)} (<< ${p.biasShift}), accumulator ${p.accWidth} bits; ` +
      `output ${formatName(p.yFormat)}: shift ${p.requant.shift}, ${p.requant.rounding}, ${p.requant.overflow}, ${p.activation}`,
  ],
});

export type { DiagCirculantSpec, DiagCirculantPlan };
