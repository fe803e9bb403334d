/**
 * Block-circulant spec face (CirCNN, Ding et al., MICRO 2017, arXiv
 * 1708.08917; docs/references.md): W (outputs x inputs) as p x q circulant
 * blocks of size k (a power of two), p = ceil(outputs/k), q = ceil(inputs/k);
 * block (i, j) = circ(w_ij) (first column w_ij). The input is zero-padded to
 * q k and the first `outputs` results are kept ("pad": false requires both
 * to be multiples of k). FFT(w_ij) is precomputed, quantised to
 * `spectrumWidth` bits per part (the "weight" width) and stored: k/2 + 1 bins
 * per block (conjugate symmetry of real weights), in EBR or, on UltraPlus,
 * SPRAM. `macs` complex multiply-accumulate lanes work at once, each on its
 * own output block: cycles ~ p q (k/2 + 1) / macs, 4 real multipliers each.
 *
 *   {
 *     "kind": "block-circulant", "name": "bc784", "inputs": 784, "outputs": 784,
 *     "blockSize": 16, "macs": 1,
 *     "input": { "int": 0, "frac": 7 },
 *     "weights": { "init": "random", "seed": 1, "spectrumWidth": 8 },
 *                // or { "values": [p][q][k] reals, the first column of each block }
 *     "fft": { "dataWidth": 16, "twiddleWidth": 16 },
 *     "output": { "format": { "int": 2, "frac": 5 } },
 *     "activation": "identity",
 *     "memory": "auto"
 *   }
 */
import { z } from 'zod';
import { layerNameSchema, qFormatSchema } from '../formats.ts';
import { FFT_DEFAULTS, fftOptionsSchema } from '../circulant-common/fft-options.ts';
import { CIRC_ACTIVATIONS, outputSchema, spectrumFields } from '../circulant-common/schema.ts';

export const BCIRC_MEMORIES = ['auto', 'ebr', 'spram'] as const;
export type BcircMemory = (typeof BCIRC_MEMORIES)[number];

export const blockCirculantSpecSchema = z
  .object({
    kind: z.literal('block-circulant'),
    name: layerNameSchema('bcirc'),
    inputs: z.number().int().min(1).max(65536),
    outputs: z.number().int().min(1).max(65536),
    /** k: the circulant block size, a power of two in 4..1024 */
    blockSize: z.number().int(),
    /** zero-pad inputs (and outputs) to a multiple of k; false: both must be multiples */
    pad: z.boolean().default(true),
    /** complex MACs working at once (one output block each) */
    macs: z.number().int().min(1).default(1),
    input: qFormatSchema.default({ int: 0, frac: 7 }),
    weights: z
      .object({
        init: z.literal('random').optional(),
        seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
        /** uniform in [-scale, scale]; default 1/sqrt(inputs) */
        scale: z.number().positive().optional(),
        /** [p][q][k] reals: the first column of each circulant block */
        values: z.array(z.array(z.array(z.number()))).optional(),
        ...spectrumFields(8),
      })
      .strict()
      .default({ init: 'random', spectrumWidth: 8 }),
    fft: fftOptionsSchema.default(FFT_DEFAULTS),
    output: outputSchema,
    activation: z.enum(CIRC_ACTIVATIONS).default('identity'),
    /** where FFT(w) goes: auto (EBR when it fits comfortably, else SPRAM), ebr, spram (UltraPlus) */
    memory: z.enum(BCIRC_MEMORIES).default('auto'),
  })
  .strict();

export type BlockCirculantSpec = z.infer<typeof blockCirculantSpecSchema>;
