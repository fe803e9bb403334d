/**
 * FFT spec face: the parameters of one streaming FFT/IFFT pipeline, with a
 * zod schema, defaults, and the checks that name a bad field and its allowed
 * range (CircaInputError, exit code 2).
 *
 * The plan (plan.ts) derives everything else (stage order, widths, twiddle
 * tables, schedule) from a validated spec; reference, rtl and cost all read
 * that plan, so nothing re-derives a width.
 */
import { z } from 'zod';
import { CircaInputError } from '../errors.ts';
import { verilogNameSchema } from '../verilog/names.ts';
import { MAX_ACC_WIDTH, ROUNDINGS, OVERFLOWS, type Overflow, type Rounding } from '../fixed/index.ts';

export const FFT_MIN_N = 4;
export const FFT_MAX_N = 1024;
/** The folded (memory-based) engine's range (src/fft/folded.ts). */
export const FOLDED_MIN_N = 16;
export const FOLDED_MAX_N = 4096;
export const FOLDED_MAX_BUTTERFLIES = 8;
export const FFT_MIN_DATA_WIDTH = 4;
/** Widest sample anywhere in the pipeline (input, any stage, output). */
export const FFT_MAX_INTERNAL_WIDTH = 32;
export const FFT_MIN_TWIDDLE_WIDTH = 4;
export const FFT_MAX_TWIDDLE_WIDTH = 24;
/**
 * A complex product a*c - b*d needs (sample width + twiddle width + 1) bits
 * and must stay within MAX_ACC_WIDTH (48) so the model's JS numbers are exact
 * and the RTL accumulator is bounded. One more bit of margin for the 3-multiplier
 * pre-add: sample width + twiddle width <= 46.
 */
export const FFT_MAX_PRODUCT_WIDTH = MAX_ACC_WIDTH - 2;

/**
 * Per-butterfly scaling:
 * - 'unit': every butterfly shifts right by one bit (output = DFT / N; widths stay constant)
 * - 'none': no shift, the width grows by one bit per butterfly (output = DFT)
 * - an array of log2(n) shifts (0 or 1), one per butterfly in pipeline order.
 */
export type FftScaling = 'unit' | 'none' | number[];

export const fftSpecSchema = z
  .object({
    /** transform length, a power of two in 4..1024 */
    n: z.number().int(),
    /** false: forward DFT (DIF, natural in, bit-reversed out); true: inverse (DIT, bit-reversed in, natural out) */
    inverse: z.boolean().default(false),
    /** input sample width (each of real and imaginary part), two's complement */
    dataWidth: z.number().int().default(16),
    /** twiddle width; twiddles are Q1.(twiddleWidth-2) so that +-1 and +-j are exact */
    twiddleWidth: z.number().int().default(16),
    scaling: z
      .union([z.literal('unit'), z.literal('none'), z.array(z.number().int())], {
        error: "must be 'unit', 'none' or an array of per-butterfly shifts (0 or 1)",
      })
      .default('unit'),
    rounding: z.enum(ROUNDINGS as [Rounding, ...Rounding[]]).default('convergent'),
    /** what a butterfly or complex multiplier does with a result that does not fit; either way the sticky ovf is raised */
    overflow: z.enum(OVERFLOWS as [Overflow, ...Overflow[]]).default('saturate'),
    /** real multipliers per complex multiplier: 4 (ac-bd, ad+bc) or 3 (Gauss, pre-added twiddles in ROM) */
    multipliers: z.union([z.literal(3), z.literal(4)], { error: 'must be 3 or 4' }).default(4),
    /**
     * Add a bit-reversal reorder buffer (2N words) so that the forward
     * transform gives natural-order output, or the inverse takes natural-order input.
     */
    naturalOrder: z.boolean().default(false),
    /**
     * 'streaming': the R2²SDF pipeline, one sample per clock (plan.ts);
     * 'folded': one memory-based engine with `butterflies` radix-2 units, data in
     * EBR, stages run one after another (folded.ts)
     */
    architecture: z.enum(['streaming', 'folded']).default('streaming'),
    /** folded only: butterfly units working in parallel (a power of two, 1..8), each one complex multiplier */
    butterflies: z.number().int().optional(),
    /** name of the generated top module (default fft<n> / ifft<n>) */
    name: verilogNameSchema(true).optional(),
  })
  .strict();

export type FftSpecInput = z.input<typeof fftSpecSchema>;
export type FftSpec = z.output<typeof fftSpecSchema> & { name: string; scaling: FftScaling };

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

export function log2Exact(n: number): number {
  return Math.round(Math.log2(n));
}

/** Shift per butterfly (pipeline order) for a scaling choice. */
export function shiftSchedule(scaling: FftScaling, stages: number): number[] {
  if (scaling === 'unit') return new Array(stages).fill(1);
  if (scaling === 'none') return new Array(stages).fill(0);
  return [...scaling];
}

/**
 * Parse and check a spec; every failure is a CircaInputError naming the field
 * and the allowed range. `where` prefixes field names ("fft" gives "fft.n");
 * empty, the fields are named as they are (the `fft` layer kind's top level).
 */
export function validateFftSpec(input: unknown, where = 'fft'): FftSpec {
  const at = (field: string) => (where ? `${where}.${field}` : field);
  const parsed = fftSpecSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length ? at(issue.path.join('.')) : where || '(top level)';
    throw new CircaInputError(`${field}: ${issue.message}`);
  }
  const s = parsed.data;
  const bad = (field: string, msg: string): never => {
    throw new CircaInputError(`${at(field)}: ${msg}`);
  };
  const folded = s.architecture === 'folded';
  const minN = folded ? FOLDED_MIN_N : FFT_MIN_N;
  const maxN = folded ? FOLDED_MAX_N : FFT_MAX_N;
  if (!isPowerOfTwo(s.n) || s.n < minN || s.n > maxN) {
    bad('n', `must be a power of two in ${minN}..${maxN}${folded ? ' for the folded architecture' : ''}, got ${s.n}`);
  }
  if (!folded && s.butterflies !== undefined) bad('butterflies', 'only with "architecture": "folded" (the streaming pipeline has one butterfly per stage)');
  if (folded) {
    const b = s.butterflies ?? 1;
    if (!isPowerOfTwo(b) || b > Math.min(FOLDED_MAX_BUTTERFLIES, s.n / 4)) {
      bad('butterflies', `must be a power of two in 1..${Math.min(FOLDED_MAX_BUTTERFLIES, s.n / 4)} for n = ${s.n}, got ${b}`);
    }
  }
  const stages = log2Exact(s.n);
  if (s.dataWidth < FFT_MIN_DATA_WIDTH || s.dataWidth > FFT_MAX_INTERNAL_WIDTH) {
    bad('dataWidth', `must be in ${FFT_MIN_DATA_WIDTH}..${FFT_MAX_INTERNAL_WIDTH}, got ${s.dataWidth}`);
  }
  if (s.twiddleWidth < FFT_MIN_TWIDDLE_WIDTH || s.twiddleWidth > FFT_MAX_TWIDDLE_WIDTH) {
    bad('twiddleWidth', `must be in ${FFT_MIN_TWIDDLE_WIDTH}..${FFT_MAX_TWIDDLE_WIDTH}, got ${s.twiddleWidth}`);
  }
  if (Array.isArray(s.scaling)) {
    if (s.scaling.length !== stages) {
      bad('scaling', `a schedule needs one shift per butterfly: ${stages} entries for n=${s.n}, got ${s.scaling.length}`);
    }
    s.scaling.forEach((v, i) => {
      if (v !== 0 && v !== 1) bad(`scaling[${i}]`, `each shift must be 0 or 1, got ${v}`);
    });
  }
  const shifts = shiftSchedule(s.scaling, stages);
  // Bit growth: every unshifted butterfly adds one bit. The widest sample is the output.
  const growth = shifts.reduce((a, sh) => a + 1 - sh, 0);
  const widest = s.dataWidth + growth;
  if (widest > FFT_MAX_INTERNAL_WIDTH) {
    const maxData = FFT_MAX_INTERNAL_WIDTH - growth;
    bad(
      'dataWidth',
      `with scaling ${JSON.stringify(s.scaling)} the samples grow by ${growth} bits to ${widest} bits, over the ` +
        `${FFT_MAX_INTERNAL_WIDTH}-bit limit: dataWidth must be in ${FFT_MIN_DATA_WIDTH}..${maxData} ` +
        `(or scale more stages)`,
    );
  }
  // The complex multipliers see the widest sample that reaches a twiddle stage; check the
  // conservative bound (the output width) so the product stays exact.
  if (widest + s.twiddleWidth > FFT_MAX_PRODUCT_WIDTH) {
    bad(
      'twiddleWidth',
      `sample width ${widest} + twiddle width ${s.twiddleWidth} exceeds ${FFT_MAX_PRODUCT_WIDTH} bits for the ` +
        `complex products: twiddleWidth must be in ${FFT_MIN_TWIDDLE_WIDTH}..${FFT_MAX_PRODUCT_WIDTH - widest}`,
    );
  }
  const name = s.name ?? `${s.inverse ? 'ifft' : 'fft'}${s.n}`;
  return { ...s, name, scaling: s.scaling, ...(folded ? { butterflies: s.butterflies ?? 1 } : {}) };
}
