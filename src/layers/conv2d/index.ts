/**
 * The conv2d layer kind: a 2-D convolution over a streamed raster image
 * (line buffer in block RAM, P output-channel MAC lanes), with every face.
 */
import { formatName, toReal } from '../../fixed/index.ts';
import { defineKind } from '../types.ts';
import { coefficients } from './coefficients.ts';
import { conv2dSpecSchema, type Conv2dSpec } from './spec.ts';
import { planConv2d, varyConvLanes, type Conv2dPlan } from './plan.ts';
import { conv2dFloat, conv2dReference } from './reference.ts';
import { conv2dIo, conv2dRtl } from './rtl.ts';
import { conv2dCost, conv2dTiming } from './cost.ts';
import { conv2dResources } from './resources.ts';
import { conv2dTrain } from './train.ts';
import { conv2dRegisters } from './registers.ts';

/** The shape fields `sweep --vary` sets on the conv kinds (one entry a field). */
export const CONV_FIELDS = ['outChannels', 'channels', 'kernel', 'stride'] as const;

export const conv2d = defineKind<Conv2dSpec, Conv2dPlan>({
  kind: 'conv2d',
  summary: 'Convolution over a raster image stream, y = act(requant(W * x + bias)), line buffer in block RAM, P output-channel MAC lanes',
  schema: conv2dSpecSchema,
  plan: planConv2d,
  shape: (p) => ({ inputs: p.h * p.w * p.c, outputs: p.ho * p.wo * p.m, inWidth: p.xWidth, outWidth: p.yWidth, inFormat: p.xFormat, outFormat: p.yFormat }),
  reference: (p, x) => conv2dReference(p, x),
  float: conv2dFloat,
  outputToReal: (p, y) => toReal(y, p.yFormat),
  inputToReal: (p, x) => toReal(x, p.xFormat),
  io: conv2dIo,
  images: (p) => ({ input: { height: p.h, width: p.w, channels: p.c }, output: { height: p.ho, width: p.wo, channels: p.m } }),
  beatField: 'beat',
  rtl: conv2dRtl,
  resources: conv2dResources,
  coefficients,
  vary: {
    lanes: (spec, lanes) => { spec.lanes = varyConvLanes(spec, lanes); },
    beat: (spec, beat) => { spec.beat = beat; },
    dsp: (spec, mode) => { spec.dsp = mode; },
    fields: CONV_FIELDS,
    input: (spec, img) => { Object.assign(spec, { height: img.height, width: img.width, channels: img.channels }); },
  },
  cost: conv2dCost,
  timing: conv2dTiming,
  train: conv2dTrain,
  registers: conv2dRegisters,
  describe: (p) => [
    `conv2d ${p.h} x ${p.w} x ${p.c} -> ${p.ho} x ${p.wo} x ${p.m}, kernel ${p.k}, stride ${p.stride}, ${p.padding} ` +
      `(pad top ${p.padTop}, left ${p.padLeft}), ${p.lanes} lane(s), ${p.groups} group(s), ${p.beat} channel(s) per input beat, ` +
      `line buffer ${p.rows} rows, ` + (p.structure === 'block-circulant' ? `block-circulant k = ${p.blockSize} (${p.romDepth} weight words of ${p.slots} values), ` : '') +
      `weight memory ${p.memory === 'spram' ? `SPRAM (${p.spramBlocks} block(s), loaded at run time)` : p.memory}`,
    `input ${formatName(p.xFormat)}, weights ${formatName(p.wFormat)}, ` + (p.hasBias ? `bias ${formatName(p.bFormat)} (aligned << ${p.biasShift}), ` : 'no bias, ') +
      (p.source.type === 'random' ? `seeded random (seed ${p.source.seed}, scale ${p.source.scale})` : `explicit ${p.source.raw ? 'raw' : 'real'} values`),
    `products ${p.prodWidth} bits, accumulator ${p.accWidth} bits (Q.${p.accFrac}), output ${formatName(p.yFormat)}: ` +
      `shift ${p.requant.shift}, ${p.requant.rounding}, ${p.requant.overflow}, ${p.activation}`,
  ],
});

export type { Conv2dSpec, Conv2dPlan };
