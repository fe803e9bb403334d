/**
 * Diag-circulant spec face: one layer of a deep diagonal-circulant network
 * (Araujo et al., ECAI 2020, arXiv 1901.10255; docs/references.md):
 *   f(x) = act(D C x + b),  C = circ(c) (first column c), D = diag(d) learned, b bias
 * computed as d o Re IFFT(FFT(c) o FFT(x)) + b, then requantised. Non-square:
 * size K = next power of two >= max(inputs, outputs), zero-padded input,
 * truncated output. Chainable: the output format feeds the next layer.
 *
 *   {
 *     "kind": "diag-circulant", "name": "dc1", "inputs": 256, "outputs": 256,
 *     "input": { "int": 0, "frac": 7 },
 *     "weights": { "init": "random", "seed": 1 },   // Araujo's init: c ~ N(0, 2/n), d in {-1, +1}, small bias
 *                // or { "c": [K reals], "d": [outputs reals], "bias": [outputs reals] }
 *     "fft": { "dataWidth": 16, "twiddleWidth": 16 },
 *     "output": { "format": { "int": 0, "frac": 7 } },
 *     "activation": "relu"
 *   }
 */
import { z } from 'zod';
import { layerNameSchema, qFormatSchema } from '../formats.ts';
import { FFT_DEFAULTS, fftOptionsSchema } from '../circulant-common/fft-options.ts';
import { CIRC_ACTIVATIONS, outputSchema, spectrumFields } from '../circulant-common/schema.ts';

export const diagCirculantSpecSchema = z
  .object({
    kind: z.literal('diag-circulant'),
    name: layerNameSchema('dcirc'),
    inputs: z.number().int().min(1).max(65536),
    outputs: z.number().int().min(1).max(65536),
    /** circulant size K, a power of two >= max(inputs, outputs); default the smallest */
    size: z.number().int().optional(),
    input: qFormatSchema.default({ int: 0, frac: 7 }),
    weights: z
      .object({
        init: z.literal('random').optional(),
        seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
        /** standard deviation of c (default sqrt(2 / inputs), Araujo et al.) */
        scale: z.number().positive().optional(),
        /** half-width of the uniform random bias (default 1/32) */
        biasScale: z.number().nonnegative().optional(),
        c: z.array(z.number()).optional(),
        d: z.array(z.number()).optional(),
        bias: z.array(z.number()).optional(),
        /** format of the diagonal d */
        diagFormat: qFormatSchema.default({ int: 1, frac: 6 }),
        /** format of the bias; default the output format */
        biasFormat: qFormatSchema.optional(),
        ...spectrumFields(16),
      })
      .strict()
      .default({ init: 'random', diagFormat: { int: 1, frac: 6 }, spectrumWidth: 16 }),
    /** integer bits of the circulant product C x before the diagonal (default: the output's) */
    circulantInt: z.number().int().min(0).max(30).optional(),
    fft: fftOptionsSchema.default(FFT_DEFAULTS),
    /**
     * where d and b sit: "ebr" (ROMs), or "spram" (one SB_SPRAM256KA holding
     * both layers' d and b, loaded through the config port at run time; only
     * on a layer with fft.shareEngine, where it frees the EBR the two d/b ROMs take)
     */
    memory: z.enum(['ebr', 'spram']).default('ebr'),
    output: outputSchema,
    activation: z.enum(CIRC_ACTIVATIONS).default('identity'),
  })
  .strict();

export type DiagCirculantSpec = z.infer<typeof diagCirculantSpecSchema>;
