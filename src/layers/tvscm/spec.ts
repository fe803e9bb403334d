/**
 * TVSCM spec face: a Two-Valued Symmetric Circulant Matrix layer, n x n, two
 * weights a and b (arXiv 2605.16443; docs/references.md). Where a and b sit
 * is a placement:
 *   band:       c_0 = a, c_{+-1..+-r} = b, zero elsewhere
 *               y_i = a x_i + b sum_{k=1..r} (x_{i-k} + x_{i+k}), indices mod n
 *   complement: c_0 = a, every other entry b
 *               y_i = (a - b) x_i + b S,  S = sum_j x_j
 */
import { z } from 'zod';
import { layerNameSchema, overflowSchema, qFormatSchema, roundingSchema } from '../formats.ts';
import { DSP_MODES } from '../dense/spec.ts';

export const tvscmSpecSchema = z
  .object({
    kind: z.literal('tvscm'),
    name: layerNameSchema('tvscm'),
    n: z.number().int().min(3).max(65536),
    placement: z.discriminatedUnion('type', [
      z.object({ type: z.literal('band'), radius: z.number().int().min(1).default(1) }).strict(),
      z.object({ type: z.literal('complement') }).strict(),
    ]),
    lanes: z.number().int().min(1).default(1),
    /**
     * input buffers: 2 (default) loads the next vector while this one computes
     * (period max(n, fetches)); 1 halves the lane banks and loads the next
     * vector once this one's fetches are done (period n + fetches)
     */
    buffers: z.number().int().min(1).max(2).default(2),
    /**
     * elements per input beat (k, dividing lanes): a beat writes k lanes of
     * one buffer row, so a vector loads in ceil(n/k) beats. In a network, k
     * must divide the previous layer's output lanes (its link cuts those
     * beats into k-element ones); a first layer's k sets the network's input.
     */
    beat: z.number().int().min(1).default(1),
    input: qFormatSchema.default({ int: 0, frac: 7 }),
    weights: z
      .object({
        format: qFormatSchema.default({ int: 0, frac: 7 }),
        /** real values, quantised to `format` (convergent rounding); or raw integers when raw = true */
        a: z.number(),
        b: z.number(),
        raw: z.boolean().default(false),
      })
      .strict(),
    output: z
      .object({
        format: qFormatSchema.default({ int: 0, frac: 7 }),
        rounding: roundingSchema,
        overflow: overflowSchema,
        relu: z.boolean().default(false),
      })
      .strict()
      .default({ format: { int: 0, frac: 7 }, rounding: 'convergent', overflow: 'saturate', relu: false }),
    /**
     * multiplies per SB_MAC16: "single" (default) one; "dual8" the a*x
     * products of lanes 2i and 2i+1 on one DSP in its 8x8 mode
     * (rtl-templates/dsp_dual8.v; band placement, input and weight formats of
     * at most 8 bits). The b*pairsum products (9-bit pair sums) stay one per DSP.
     */
    dsp: z.enum(DSP_MODES).default('single'),
  })
  .strict();

export type TvscmSpec = z.infer<typeof tvscmSpecSchema>;
