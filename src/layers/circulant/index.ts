/** The circulant layer kind (Cheng et al. 2015): spec, reference, rtl and cost faces together. */
import { formatName, toReal } from '../../fixed/index.ts';
import { defineKind } from '../types.ts';
import { coefficients } from './coefficients.ts';
import { foldedFftCoefficients } from '../circulant-common/folded-coefficients.ts';
import { coreResources } from '../circulant-common/resources.ts';
import { describeCore as describeStreamCore } from '../circulant-common/core.ts';
import { describeSource } from '../circulant-common/weights.ts';
import { circulantSpecSchema, type CirculantSpec } from './spec.ts';
import { planCirculant, type CirculantPlan } from './plan.ts';
import { circulantFloat, circulantReference } from './reference.ts';
import { circulantRtl } from './rtl.ts';
import { circulantCost, circulantTiming } from './cost.ts';
import { circulantTrain } from './train.ts';
import { smallerCirculant } from '../circulant-common/smaller.ts';
import { fftSectionVary } from '../circulant-common/vary.ts';
import { circulantOnnx } from './onnx.ts';

export const circulant = defineKind<CirculantSpec, CirculantPlan>({
  kind: 'circulant',
  summary: 'Circulant projection act(circ(r) D x) through FFT -> spectral product -> IFFT (Cheng et al. 2015)',
  schema: circulantSpecSchema,
  plan: planCirculant,
  shape: (p) => ({ inputs: p.inputs, outputs: p.outputs, inWidth: p.xWidth, outWidth: p.yWidth, inFormat: p.xFormat, outFormat: p.yFormat }),
  reference: (p, x) => circulantReference(p, x),
  float: circulantFloat,
  outputToReal: (p, y) => toReal(y, p.yFormat),
  inputToReal: (p, x) => toReal(x, p.xFormat),
  io: (p) => ({ inLanes: 1, inWidth: p.xWidth, outLanes: 1, outWidth: p.yWidth, inBeats: p.inputs, outBeats: p.outputs }),
  rtl: circulantRtl,
  resources: (p, ctx) => coreResources(ctx, p.core, p.yWidth),
  coefficients: { ...coefficients, ...foldedFftCoefficients },
  cost: circulantCost,
  timing: circulantTiming,
  train: circulantTrain,
  onnx: circulantOnnx,
  smaller: smallerCirculant,
  vary: fftSectionVary,
  describe: (p) => [
    `circulant ${p.inputs} -> ${p.outputs}, K = ${p.core.k}, sign flip D ${p.signSeed === null ? 'explicit' : `from seed ${p.signSeed}`}`,
    `input ${formatName(p.xFormat)}, r ${describeSource(p.weightSource)}; ${describeStreamCore(p.core)}`,
    `output ${formatName(p.yFormat)}: shift ${p.requant.shift}, ${p.requant.rounding}, ${p.requant.overflow}, ${p.activation}`,
  ],
});

export type { CirculantSpec, CirculantPlan };
