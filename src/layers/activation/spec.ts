/**
 * Activation spec face: elementwise requantisation from the input format to
 * the output format, then identity, relu or hardtanh (clip to [-1, 1]).
 */
import { z } from 'zod';
import { layerNameSchema, overflowSchema, qFormatSchema, roundingSchema } from '../formats.ts';

export const activationSpecSchema = z
  .object({
    kind: z.literal('activation'),
    name: layerNameSchema('act'),
    /** elements per vector */
    n: z.number().int().min(1).max(65536),
    function: z.enum(['identity', 'relu', 'hardtanh']).default('relu'),
    input: qFormatSchema.default({ int: 0, frac: 7 }),
    output: z
      .object({ format: qFormatSchema.default({ int: 0, frac: 7 }), rounding: roundingSchema, overflow: overflowSchema })
      .strict()
      .default({ format: { int: 0, frac: 7 }, rounding: 'convergent', overflow: 'saturate' }),
  })
  .strict();

export type ActivationSpec = z.infer<typeof activationSpecSchema>;
