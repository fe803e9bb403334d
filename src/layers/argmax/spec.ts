/** Argmax spec face: the index and value of the largest of n elements (first on ties). */
import { z } from 'zod';
import { layerNameSchema, qFormatSchema } from '../formats.ts';

export const argmaxSpecSchema = z
  .object({
    kind: z.literal('argmax'),
    name: layerNameSchema('argmax'),
    n: z.number().int().min(1).max(65536),
    input: qFormatSchema.default({ int: 0, frac: 7 }),
  })
  .strict();

export type ArgmaxSpec = z.infer<typeof argmaxSpecSchema>;
