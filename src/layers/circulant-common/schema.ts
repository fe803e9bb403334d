/**
 * Spec pieces the circulant kinds share: weights from a seed or explicit
 * values, the spectrum width, the output section, activations.
 */
import { z } from 'zod';
import { overflowSchema, qFormatSchema, roundingSchema } from '../formats.ts';

/** Spectrum storage: `spectrumWidth` bits per part; integer bits chosen to fit unless `spectrumInt` is given. */
export const spectrumFields = (defaultWidth: number) => ({
  spectrumWidth: z.number().int().min(4).max(24).default(defaultWidth),
  spectrumInt: z.number().int().min(0).max(22).optional(),
});

export const outputSchema = z
  .object({
    format: qFormatSchema.default({ int: 0, frac: 7 }),
    rounding: roundingSchema,
    overflow: overflowSchema,
  })
  .strict()
  .default({ format: { int: 0, frac: 7 }, rounding: 'convergent', overflow: 'saturate' });

export const CIRC_ACTIVATIONS = ['identity', 'relu'] as const;
export type CircActivation = (typeof CIRC_ACTIVATIONS)[number];
