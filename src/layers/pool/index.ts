/**
 * The pool layer kind: max or average pooling over a streamed raster image,
 * on conv2d's line-buffer engine (rtl-templates/conv_layer.v, MODE 1 or 2).
 */
import { formatName, toReal } from '../../fixed/index.ts';
import { defineKind } from '../types.ts';
import { coefficients } from './coefficients.ts';
import { conv2dCycles, conv2dTiming } from '../conv2d/cost.ts';
import { poolSpecSchema, type PoolSpec } from './spec.ts';
import { planPool, type PoolPlan } from './plan.ts';
import { poolFloat, poolReference } from './reference.ts';
import { poolIo, poolRtl } from './rtl.ts';
import { poolResources } from './resources.ts';
import { poolTrain } from './train.ts';

export const pool = defineKind<PoolSpec, PoolPlan>({
  kind: 'pool',
  summary: 'Max or average pooling over a raster image stream, window and stride, on the conv2d line-buffer engine',
  schema: poolSpecSchema,
  plan: planPool,
  shape: (p) => ({ inputs: p.h * p.w * p.c, outputs: p.ho * p.wo * p.c, inWidth: p.xWidth, outWidth: p.yWidth, inFormat: p.xFormat, outFormat: p.yFormat }),
  reference: (p, x) => poolReference(p, x),
  float: poolFloat,
  outputToReal: (p, y) => toReal(y, p.yFormat),
  inputToReal: (p, x) => toReal(x, p.xFormat),
  io: poolIo,
  images: (p) => ({ input: { height: p.h, width: p.w, channels: p.c }, output: { height: p.ho, width: p.wo, channels: p.c } }),
  beatField: 'beat',
  rtl: poolRtl,
  resources: poolResources,
  coefficients,
  vary: {
    beat: (spec, beat) => { spec.beat = beat; },
    fields: ['window', 'stride'],
    input: (spec, img) => { Object.assign(spec, { height: img.height, width: img.width, channels: img.channels }); },
  },
  cost: (p) => {
    const pixels = p.ho * p.wo;
    return {
      cycles: conv2dCycles(p),
      ops: {
        multiplies: 0,
        adds: pixels * p.c * (p.kk - 1),
        weightReads: 0,
        bufferWrites: p.h * p.w * p.c,
        bufferReads: pixels * p.groups * p.kk,
        parameters: 0,
      },
      hardware: { multipliers: 0, bufferBits: p.rows * p.w * p.c * p.xWidth, weightBits: 0 },
    };
  },
  timing: conv2dTiming,
  train: poolTrain,
  describe: (p) => [
    `${p.op} pool ${p.h} x ${p.w} x ${p.c} -> ${p.ho} x ${p.wo} x ${p.c}, window ${p.k}, stride ${p.stride}, ${p.beat} channel(s) per beat, line buffer ${p.rows} rows`,
    `input ${formatName(p.xFormat)}, accumulator ${p.accWidth} bits, output ${formatName(p.yFormat)}: shift ${p.requant.shift}, ${p.requant.rounding}, ${p.requant.overflow}`,
  ],
});

export type { PoolSpec, PoolPlan };
