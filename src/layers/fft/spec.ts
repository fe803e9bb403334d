/**
 * FFT spec face: a bare streaming FFT or IFFT (src/fft) as a design of its
 * own, so that `circa generate`, `sim`, `build` and `estimate` take it like
 * any layer. The fields are those of src/fft/spec.ts plus the kind:
 *
 *   {
 *     "kind": "fft", "n": 64,
 *     "inverse": false,             // true: IFFT (DIT, bit-reversed in, natural out)
 *     "dataWidth": 16, "twiddleWidth": 16,
 *     "scaling": "unit",            // "unit" (1/2 per butterfly), "none" (growth) or [0|1 per butterfly]
 *     "rounding": "convergent",     // "truncate" | "half-up" | "convergent"
 *     "overflow": "saturate",       // or "wrap"
 *     "multipliers": 4,             // 3 or 4 real multipliers per complex multiply
 *     "naturalOrder": false,        // add the reorder buffer (folded: unload in bit-reversed order instead)
 *     "architecture": "streaming",  // or "folded": one memory-based engine (n = 16..4096)
 *     "butterflies": 1,             // folded only: butterfly units in parallel (1, 2, 4, 8)
 *     "name": "fft64"
 *   }
 *
 * Samples are complex: one per beat, lane 0 the real part and lane 1 the
 * imaginary part. As a flat vector (the reference model, `circa run`
 * inputs), sample i is elements 2i (re) and 2i + 1 (im).
 */
import { z } from 'zod';
import { fftSpecSchema } from '../../fft/index.ts';

export const fftLayerSpecSchema = fftSpecSchema.extend({ kind: z.literal('fft') }).strict();

export type FftLayerSpec = z.output<typeof fftLayerSpecSchema>;
