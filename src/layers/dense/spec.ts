/**
 * Dense spec face: a fully connected layer y = act(requant(W x + bias)),
 * W is m x n (outputs x inputs), computed by P parallel MAC lanes.
 *
 * Example:
 *   {
 *     "kind": "dense", "name": "fc", "inputs": 784, "outputs": 10, "lanes": 2,
 *     "input":   { "int": 0, "frac": 7 },
 *     "weights": { "format": { "int": 0, "frac": 7 }, "init": "random", "seed": 1, "scale": 0.25 },
 *     "output":  { "format": { "int": 2, "frac": 5 }, "rounding": "convergent", "overflow": "saturate" },
 *     "activation": "relu",
 *     "memory": "auto"
 *   }
 *
 * "memory": "spram" keeps the weights in SPRAM (UltraPlus), which a bitstream
 * cannot initialise: the host loads them through the config port (`circa run`
 * does; simulation preloads them), P lanes of weights per 32-bit word.
 *
 * Weights come from one of two sources (checked in plan(), which names the field):
 *   - { "init": "random", "seed": S, "scale": s }: deterministic seeded
 *     pseudo-random reals, uniform in [-s, s] (s defaults to 1/sqrt(n)),
 *     weights first (row-major), then biases, quantised to their formats;
 *   - { "values": number[][] (m rows of n), "bias": number[] (m, default zeros) }:
 *     reals quantised to the formats (convergent rounding), or raw integers
 *     when "raw": true.
 * The bias format defaults to the weight format; it must have no more
 * fraction bits than the accumulator (input.frac + weights.format.frac).
 */
import { z } from 'zod';
import { OVERFLOWS, ROUNDINGS } from '../../fixed/index.ts';
// The Q-format schema is shared with the TVSCM kind so that every kind accepts the same format spelling.
import { layerNameSchema, qFormatSchema } from '../formats.ts';

export const ACTIVATIONS = ['identity', 'relu', 'hardtanh'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const MEMORIES = ['auto', 'ebr', 'spram'] as const;
export type MemoryChoice = (typeof MEMORIES)[number];

/**
 * The dense kind's weight memories: MEMORIES plus "ebr-split", the ROM split
 * by depth (plan.ts: the first multiple of 256 words in SB_RAM40_4K, the few
 * words after them in LUTs, read in the same cycle).
 */
export const DENSE_MEMORIES = [...MEMORIES, 'ebr-split'] as const;
export type DenseMemoryChoice = (typeof DENSE_MEMORIES)[number];

/**
 * How the lanes' multiplies use the SB_MAC16: "single" (default) one product
 * per DSP (yosys infers it from `x * w`); "dual8" two lanes per DSP, its 8x8
 * mode (rtl-templates/dsp_dual8.v): both the input and the weight format at
 * most 8 bits, an UltraPlus part. Same schedule, half the DSPs.
 */
import { DSP_MODES } from '../formats.ts';
export { DSP_MODES, type DspMode } from '../formats.ts';

export const denseSpecSchema = z
  .object({
    kind: z.literal('dense'),
    name: layerNameSchema('dense'),
    /** n: elements per input vector */
    inputs: z.number().int().min(1).max(65536),
    /** m: elements per output vector */
    outputs: z.number().int().min(1).max(65536),
    /** P: parallel MAC lanes, 1..m (checked in plan) */
    lanes: z.number().int().min(1).default(1),
    /**
     * input buffers: 2 (default) loads the next vector while this one
     * computes (period ceil(m/P)*n); 1 halves the input buffer and loads the
     * next vector once this one's last MAC is issued (period n + ceil(m/P)*n)
     */
    buffers: z.number().int().min(1).max(2).default(2),
    /**
     * elements per input beat (dividing inputs, checked in plan): element e
     * of a beat is s_data[e*X_W +: X_W], so a vector loads in inputs/beat
     * beats (never a short one). The issue still reads one element a cycle.
     */
    beat: z.number().int().min(1).default(1),
    input: qFormatSchema.default({ int: 0, frac: 7 }),
    weights: z
      .object({
        format: qFormatSchema.default({ int: 0, frac: 7 }),
        /** format of the biases; defaults to `format` */
        biasFormat: qFormatSchema.optional(),
        // source 1: seeded pseudo-random reals
        init: z.literal('random').optional(),
        seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
        scale: z.number().positive().optional(),
        // source 2: explicit values
        values: z.array(z.array(z.number())).optional(),
        bias: z.array(z.number()).optional(),
        /** values and bias are raw integers in their formats, not reals */
        raw: z.boolean().default(false),
      })
      .strict(),
    output: z
      .object({
        format: qFormatSchema.default({ int: 0, frac: 7 }),
        rounding: z.enum(ROUNDINGS as [string, ...string[]]).default('convergent'),
        overflow: z.enum(OVERFLOWS as [string, ...string[]]).default('saturate'),
      })
      .strict()
      .default({ format: { int: 0, frac: 7 }, rounding: 'convergent', overflow: 'saturate' }),
    /** applied after requantisation; hardtanh clips to [-1, 1] in the output format */
    activation: z.enum(ACTIVATIONS).default('identity'),
    /**
     * where the weights go: auto (a ROM in EBR or logic as yosys decides; SPRAM
     * when the ROM needs more EBR than an UltraPlus has and the SPRAM holds it),
     * ebr (a ROM forced into block RAM), spram (SB_SPRAM256KA on UltraPlus,
     * loaded at run time through the config port: plan.ts, registers.ts),
     * ebr-split (the ROM split by depth: its first multiple of 256 words in
     * block RAM as 256 x 16 blocks, the rest, the tail, in LUTs; the same
     * registered read, so the same cycles, in fewer EBR when the depth is not
     * a multiple of 256: 784 words of 80 bits take 20 EBR, split 15 plus 16
     * words in logic)
     */
    memory: z.enum(DENSE_MEMORIES).default('auto'),
    /** multiplies per SB_MAC16: "single" one, "dual8" two lanes in its 8x8 mode (operands of at most 8 bits) */
    dsp: z.enum(DSP_MODES).default('single'),
  })
  .strict();

export type DenseSpec = z.infer<typeof denseSpecSchema>;
