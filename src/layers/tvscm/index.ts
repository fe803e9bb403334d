/** The TVSCM layer kind: spec, reference, rtl and cost faces together, and its run-time registers (a, b). */
import { formatName, toReal } from '../../fixed/index.ts';
import { defineKind } from '../types.ts';
import { coefficients } from './coefficients.ts';
import { tvscmResources } from './resources.ts';
import { tvscmSpecSchema, type TvscmSpec } from './spec.ts';
import { planTvscm, type TvscmPlan } from './plan.ts';
import { tvscmFloat, tvscmReference } from './reference.ts';
import { tvscmIo, tvscmRtl } from './rtl.ts';
import { tvscmCost, tvscmTiming } from './cost.ts';
import { tvscmRegisters } from './registers.ts';
import { tvscmTrain } from './train.ts';
import { tvscmProofs } from './proofs.ts';
import { tvscmOnnx } from './onnx.ts';

export const tvscm = defineKind<TvscmSpec, TvscmPlan>({
  kind: 'tvscm',
  summary: 'Two-Valued Symmetric Circulant Matrix layer (band or complement placement), two weight registers',
  schema: tvscmSpecSchema,
  plan: planTvscm,
  shape: (p) => ({ inputs: p.n, outputs: p.n, inWidth: p.xWidth, outWidth: p.yWidth, inFormat: p.xFormat, outFormat: p.yFormat }),
  reference: (p, x) => tvscmReference(p, x),
  float: tvscmFloat,
  outputToReal: (p, y) => toReal(y, p.yFormat),
  inputToReal: (p, x) => toReal(x, p.xFormat),
  io: tvscmIo,
  beatField: 'beat',
  rtl: tvscmRtl,
  resources: tvscmResources,
  coefficients,
  vary: {
    lanes: (spec, lanes) => { spec.lanes = Math.min(lanes, Number(spec.n)); },
    buffers: (spec, buffers) => { spec.buffers = buffers; },
    beat: (spec, beat) => { spec.beat = beat; },
    dsp: (spec, mode) => { spec.dsp = mode; },
  },
  cost: tvscmCost,
  timing: tvscmTiming,
  registers: tvscmRegisters,
  train: tvscmTrain,
  onnx: tvscmOnnx,
  proofs: tvscmProofs,
  describe: (p) => [
    `TVSCM ${p.n} x ${p.n}, ${p.placement}${p.placement === 'band' ? ` (radius ${p.radius})` : ''}, ${p.lanes} lane(s)` +
      `${p.beat > 1 ? `, ${p.beat} elements per input beat` : ''}${p.buffers === 1 ? ', one input buffer' : ''}`,
    `input ${formatName(p.xFormat)}, weights ${formatName(p.wFormat)} a = ${p.a} b = ${p.b} (raw)`,
    `accumulator ${p.accWidth} bits (Q.${p.accFrac}), output ${formatName(p.yFormat)}: shift ${p.requant.shift}, ${p.requant.rounding}, ${p.requant.overflow}${p.relu ? ', ReLU' : ''}`,
  ],
});

export type { TvscmSpec, TvscmPlan };
