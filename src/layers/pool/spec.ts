/**
 * Pool spec face: max or average pooling over a streamed raster image (the
 * stream order of src/layers/conv2d/spec.ts), window x window, stride
 * (default: the window), no padding, channel by channel.
 *
 * Example: { "kind": "pool", "name": "p1", "height": 24, "width": 24,
 *            "channels": 8, "op": "max", "window": 2, "stride": 2 }
 *
 * `beat` channels of a pixel per input beat (default all); the output beats
 * carry the same channels (P = beat lanes). Average divides by window² with
 * a shift, so window² must be a power of two (window 1, 2, 4, 8 or 16);
 * a 1-row image (height 1, a conv1d's output) pools along the row, 1 x window;
 * its output is requantised from the sum.
 */
import { z } from 'zod';
import { OVERFLOWS, ROUNDINGS } from '../../fixed/index.ts';
import { layerNameSchema, qFormatSchema } from '../formats.ts';

export const POOL_OPS = ['max', 'average'] as const;

export const poolSpecSchema = z
  .object({
    kind: z.literal('pool'),
    name: layerNameSchema('pool'),
    height: z.number().int().min(1).max(1024),
    width: z.number().int().min(1).max(1024),
    channels: z.number().int().min(1).max(256),
    op: z.enum(POOL_OPS).default('max'),
    window: z.number().int().min(1).max(16).default(2),
    /** default: the window */
    stride: z.number().int().min(1).max(16).optional(),
    /** channels per input (and output) beat, dividing channels; default all */
    beat: z.number().int().min(1).optional(),
    input: qFormatSchema.default({ int: 0, frac: 7 }),
    output: z
      .object({
        /** default: the input's format */
        format: qFormatSchema.optional(),
        rounding: z.enum(ROUNDINGS as [string, ...string[]]).default('convergent'),
        overflow: z.enum(OVERFLOWS as [string, ...string[]]).default('saturate'),
      })
      .strict()
      .default({ rounding: 'convergent', overflow: 'saturate' }),
  })
  .strict();

export type PoolSpec = z.infer<typeof poolSpecSchema>;
