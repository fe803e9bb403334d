/**
 * The `fft` section every circulant layer kind shares, and the lowering of
 * it to src/fft plans. The layer's FFT pipelines are ordinary src/fft
 * designs (generateFftRtl) named after the layer, so their bit-exact model
 * (fftFixed) is the reference for those parts.
 *
 *   "fft": { "dataWidth": 16, "twiddleWidth": 16, "rounding": "convergent",
 *            "multipliers": 4, "scaling": "unit", "inverseScaling": [...] }
 *
 * Errors name the layer's own field (fft.dataWidth, fft.inverseScaling, ...)
 * with the allowed range; exit code 2 like every spec error.
 */
import { z } from 'zod';
import { CircaInputError } from '../../errors.ts';
import { ROUNDINGS, type Rounding } from '../../fixed/index.ts';
import {
  FFT_MAX_N, FFT_MIN_N, FFT_MIN_TWIDDLE_WIDTH, isPowerOfTwo, planFft, validateFftSpec,
  type FftPlan, type FftScaling,
} from '../../fft/index.ts';

const scalingSchema = z.union([z.literal('unit'), z.literal('none'), z.array(z.number().int())], {
  error: "must be 'unit', 'none' or an array of per-butterfly shifts (0 or 1)",
});

export const fftOptionsSchema = z
  .object({
    /** sample width (each of re and im) at the FFT input */
    dataWidth: z.number().int().default(16),
    /** twiddle width, Q1.(w-2); at least 4 */
    twiddleWidth: z.number().int().default(16),
    /** rounding of every butterfly, twiddle product and spectral product */
    rounding: z.enum(ROUNDINGS as [Rounding, ...Rounding[]]).default('convergent'),
    /** real multipliers per FFT twiddle stage: 4, or 3 (Gauss) */
    multipliers: z.union([z.literal(3), z.literal(4)], { error: 'must be 3 or 4' }).default(4),
    /** per-butterfly shifts of the forward transform (default 'unit': output = DFT / N) */
    scaling: scalingSchema.default('unit'),
    /** per-butterfly shifts of the inverse transform; default: chosen from the formats */
    inverseScaling: scalingSchema.optional(),
    /**
     * 'streaming': two R2²SDF pipelines, one sample per clock (stream-plan.ts);
     * 'folded': one memory-based engine, time-shared by the forward transform,
     * the spectral product and the inverse (folded-core.ts)
     */
    architecture: z.enum(['streaming', 'folded']).default('streaming'),
    /** folded only: butterfly units in parallel (1, 2, 4, 8) */
    butterflies: z.number().int().optional(),
    /**
     * folded diag-circulant only: run this layer on the previous layer's
     * folded engine (the two layers take turns; diag-circulant/fused.ts)
     */
    shareEngine: z.boolean().optional(),
  })
  .strict();

export type FftOptions = z.infer<typeof fftOptionsSchema>;

export const FFT_DEFAULTS: FftOptions = { dataWidth: 16, twiddleWidth: 16, rounding: 'convergent', multipliers: 4, scaling: 'unit', architecture: 'streaming' };

/** Check a transform length: a power of two the FFT generator supports. */
export function checkTransformLength(n: number, field: string, what: string): void {
  if (!isPowerOfTwo(n) || n < FFT_MIN_N || n > FFT_MAX_N) {
    throw new CircaInputError(`${field}: ${what} must be a power of two in ${FFT_MIN_N}..${FFT_MAX_N}, got ${n}`);
  }
}

/**
 * Plan one transform of the layer. FFT spec errors come back naming the
 * layer's fields: fft.<field>, with `scalingField` for the scaling schedule.
 */
export function layerFftPlan(
  o: FftOptions,
  n: number,
  inverse: boolean,
  dataWidth: number,
  scaling: FftScaling,
  name: string,
  scalingField = 'fft.scaling',
): FftPlan {
  if (o.twiddleWidth < FFT_MIN_TWIDDLE_WIDTH) {
    throw new CircaInputError(`fft.twiddleWidth: must be at least ${FFT_MIN_TWIDDLE_WIDTH} (twiddles are Q1.(w-2)), got ${o.twiddleWidth}`);
  }
  const spec = {
    n, inverse, dataWidth, twiddleWidth: o.twiddleWidth, scaling, rounding: o.rounding,
    overflow: 'saturate' as const, multipliers: o.multipliers, naturalOrder: false, name,
  };
  try {
    validateFftSpec(spec, 'fft');
  } catch (e) {
    if (e instanceof CircaInputError) {
      const msg = e.message.replace(/^fft\.scaling/, scalingField);
      // the FFT's dataWidth is the layer's fft.dataWidth only for the forward
      // transform; the inverse takes the spectral product's width (also fft.dataWidth)
      throw new CircaInputError(`${msg}${inverse ? ' (inverse transform)' : ''}`);
    }
    throw e;
  }
  return planFft(spec);
}

/** A scaling schedule that shifts only the last `s` of `stages` butterflies. */
export function lastShifts(stages: number, s: number): number[] {
  return Array.from({ length: stages }, (_, i) => (i >= stages - s ? 1 : 0));
}

/** fft.shareEngine is for a folded diag-circulant layer after another (diag-circulant/fused.ts): refuse it elsewhere. */
export function refuseShareEngine(o: { shareEngine?: boolean }, kind: string): void {
  if (o.shareEngine) {
    throw new CircaInputError(`fft.shareEngine: only a folded diag-circulant layer right after another can share its engine; a ${kind} layer cannot`);
  }
}
