/**
 * The block-circulant layer kind (CirCNN): spec, reference, rtl and cost faces
 * together; with memory "spram", run-time registers that load the spectra.
 */
import { formatName, toReal } from '../../fixed/index.ts';
import { defineKind } from '../types.ts';
import { coefficients } from './coefficients.ts';
import { bcircResources } from './resources.ts';
import { describeSource } from '../circulant-common/weights.ts';
import { blockCirculantSpecSchema, type BlockCirculantSpec } from './spec.ts';
import { describeBcircFormats, planBlockCirculant, type BlockCirculantPlan } from './plan.ts';
import { bcircFloat, bcircReference } from './reference.ts';
import { bcircRtl } from './rtl.ts';
import { bcircCost, bcircTiming } from './cost.ts';
import { bcircRegisters } from './registers.ts';
import { blockCirculantTrain } from './train.ts';
import { fftSectionVary } from '../circulant-common/vary.ts';

export const blockCirculant = defineKind<BlockCirculantSpec, BlockCirculantPlan>({
  kind: 'block-circulant',
  summary: 'Block-circulant layer (CirCNN): k x k circulant blocks, one shared FFT, frequency-domain accumulation, P complex MAC lanes',
  schema: blockCirculantSpecSchema,
  plan: planBlockCirculant,
  shape: (p) => ({ inputs: p.inputs, outputs: p.outputs, inWidth: p.xWidth, outWidth: p.yWidth, inFormat: p.xFormat, outFormat: p.yFormat }),
  reference: (p, x) => bcircReference(p, x),
  float: bcircFloat,
  outputToReal: (p, y) => toReal(y, p.yFormat),
  inputToReal: (p, x) => toReal(x, p.xFormat),
  io: (p) => ({ inLanes: 1, inWidth: p.xWidth, outLanes: p.k, outWidth: p.yWidth, inBeats: p.inputs, outBeats: p.p }),
  rtl: (p) => bcircRtl(p),
  resources: bcircResources,
  coefficients,
  cost: bcircCost,
  timing: bcircTiming,
  registers: bcircRegisters,
  train: blockCirculantTrain,
  vary: fftSectionVary,
  describe: (p) => [
    `block-circulant ${p.inputs} -> ${p.outputs}, blocks ${p.k} x ${p.k} (${p.p} x ${p.q}), ${p.lanes} MAC lane(s), ${p.groups} group(s), ` +
      `spectra in ${p.memory === 'spram' ? `SPRAM (${p.spramBlocks} block(s), loaded at run time)` : 'EBR'}`,
    `input ${formatName(p.xFormat)}, w ${describeSource(p.weightSource)}; ${describeBcircFormats(p)}`,
    `output ${formatName(p.yFormat)}: shift ${p.yRequant.shift}, ${p.yRequant.rounding}, ${p.yRequant.overflow}, ${p.activation}`,
  ],
});

export type { BlockCirculantSpec, BlockCirculantPlan };
