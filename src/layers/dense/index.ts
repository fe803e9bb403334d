/**
 * The dense layer kind: spec, reference, rtl and cost faces together; with
 * memory "spram", run-time registers that load the weights.
 */
import { formatName, toReal } from '../../fixed/index.ts';
import { defineKind } from '../types.ts';
import { coefficients } from './coefficients.ts';
import { checkRawCount } from '../formats.ts';
import { denseFitAdvice, denseResources } from './resources.ts';
import { denseSpecSchema, type DenseSpec } from './spec.ts';
import { planDense, type DensePlan } from './plan.ts';
import { denseFloat, denseReference } from './reference.ts';
import { denseIo, denseRtl } from './rtl.ts';
import { denseCost, denseTiming } from './cost.ts';
import { denseTrain } from './train.ts';
import { denseRegisters } from './registers.ts';

export const dense = defineKind<DenseSpec, DensePlan>({
  kind: 'dense',
  summary: 'Fully connected layer y = act(requant(W x + bias)), P parallel MAC lanes, weights in a generated ROM or in SPRAM loaded at run time',
  schema: denseSpecSchema,
  plan: planDense,
  counts(raw) {
    const rows = checkRawCount(raw, ['weights', 'values'], raw.outputs, 'rows (one per output)');
    rows?.forEach((_, i) => checkRawCount(raw, ['weights', 'values', i], raw.inputs, 'values (one per input)'));
    checkRawCount(raw, ['weights', 'bias'], raw.outputs, 'values (one per output)');
  },
  shape: (p) => ({ inputs: p.n, outputs: p.m, inWidth: p.xWidth, outWidth: p.yWidth, inFormat: p.xFormat, outFormat: p.yFormat }),
  reference: (p, x) => denseReference(p, x),
  float: denseFloat,
  outputToReal: (p, y) => toReal(y, p.yFormat),
  inputToReal: (p, x) => toReal(x, p.xFormat),
  io: denseIo,
  beatField: 'beat',
  rtl: (p) => denseRtl(p),
  resources: denseResources,
  coefficients,
  fitAdvice: denseFitAdvice,
  vary: {
    lanes: (spec, lanes) => { spec.lanes = Math.min(lanes, Number(spec.outputs)); },
    buffers: (spec, buffers) => { spec.buffers = buffers; },
    dsp: (spec, mode) => { spec.dsp = mode; },
    splitMemory: (spec) => { spec.memory = 'ebr-split'; },
  },
  cost: denseCost,
  timing: denseTiming,
  train: denseTrain,
  registers: denseRegisters,
  describe: (p) => [
    `dense ${p.n} -> ${p.m}, ${p.lanes} lane(s), ${p.groups} group(s), weight memory ` +
      (p.memory === 'spram' ? `SPRAM (${p.spramBlocks} block(s), loaded at run time)` : p.memory) +
      (p.beat > 1 ? `, ${p.beat} elements per input beat` : '') + (p.buffers === 1 ? ', one input buffer' : ''),
    `input ${formatName(p.xFormat)}, weights ${formatName(p.wFormat)}, bias ${formatName(p.bFormat)} (aligned << ${p.biasShift}), ` +
      (p.source.type === 'random' ? `seeded random (seed ${p.source.seed}, scale ${p.source.scale})` : `explicit ${p.source.raw ? 'raw' : 'real'} values`),
    `products ${p.prodWidth} bits, accumulator ${p.accWidth} bits (Q.${p.accFrac}), output ${formatName(p.yFormat)}: ` +
      `shift ${p.requant.shift}, ${p.requant.rounding}, ${p.requant.overflow}, ${p.activation}`,
  ],
});

export type { DenseSpec, DensePlan };
