/**
 * Circulant spec face: circulant projection (Cheng, Yu et al., ICCV 2015,
 * arXiv 1502.03436; docs/references.md): h(x) = act(R D x) with R = circ(r)
 * learned (K parameters), D a fixed random +-1 diagonal (the sign flip),
 * computed as IFFT(FFT(r) o FFT(D x)).
 *
 * Size K = the next power of two >= max(inputs, outputs) (or `size`): inputs
 * are zero-padded to K and the first `outputs` results are kept.
 *
 *   {
 *     "kind": "circulant", "name": "circ256", "inputs": 256, "outputs": 256,
 *     "input": { "int": 0, "frac": 7 },
 *     "signs": { "seed": 1 },                      // or an explicit array of +1/-1, one per input
 *     "weights": { "init": "random", "seed": 1, "scale": 0.0625, "spectrumWidth": 16 },
 *                // or { "values": [K reals: r, the first column of R] }
 *     "fft": { "dataWidth": 16, "twiddleWidth": 16, "rounding": "convergent", "multipliers": 4 },
 *     "output": { "format": { "int": 2, "frac": 5 }, "rounding": "convergent", "overflow": "saturate" },
 *     "activation": "identity"
 *   }
 */
import { z } from 'zod';
import { layerNameSchema, qFormatSchema } from '../formats.ts';
import { FFT_DEFAULTS, fftOptionsSchema } from '../circulant-common/fft-options.ts';
import { CIRC_ACTIVATIONS, outputSchema, spectrumFields } from '../circulant-common/schema.ts';

export const circulantSpecSchema = z
  .object({
    kind: z.literal('circulant'),
    name: layerNameSchema('circ'),
    inputs: z.number().int().min(1).max(65536),
    outputs: z.number().int().min(1).max(65536),
    /** circulant size K, a power of two >= max(inputs, outputs); default the smallest */
    size: z.number().int().optional(),
    input: qFormatSchema.default({ int: 0, frac: 7 }),
    /** the fixed sign flip D: seeded (recorded in the plan) or explicit */
    signs: z.union([
      z.object({ seed: z.number().int().min(0).max(2 ** 31 - 1) }).strict(),
      z.array(z.number()),
    ]).default({ seed: 1 }),
    weights: z
      .object({
        init: z.literal('random').optional(),
        seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
        /** uniform in [-scale, scale]; default 1/sqrt(inputs) */
        scale: z.number().positive().optional(),
        /** r: K reals, the first column of R */
        values: z.array(z.number()).optional(),
        ...spectrumFields(16),
      })
      .strict()
      .default({ init: 'random', spectrumWidth: 16 }),
    fft: fftOptionsSchema.default(FFT_DEFAULTS),
    output: outputSchema,
    activation: z.enum(CIRC_ACTIVATIONS).default('identity'),
  })
  .strict();

export type CirculantSpec = z.infer<typeof circulantSpecSchema>;
