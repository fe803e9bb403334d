/** Schema pieces every layer kind's spec shares: Q formats, rounding, overflow. */
import { z } from 'zod';
import { verilogNameSchema } from '../verilog/names.ts';
import { CircaInputError } from '../errors.ts';
import { MAX_DATA_WIDTH, MIN_DATA_WIDTH, OVERFLOWS, ROUNDINGS } from '../fixed/index.ts';

export const qFormatSchema = z
  .object({
    int: z.number().int().min(0).max(MAX_DATA_WIDTH - 1),
    frac: z.number().int().min(0).max(MAX_DATA_WIDTH - 1),
  })
  .strict()
  .refine((f) => 1 + f.int + f.frac >= MIN_DATA_WIDTH && 1 + f.int + f.frac <= MAX_DATA_WIDTH, {
    message: `width 1 + int + frac must be in ${MIN_DATA_WIDTH}..${MAX_DATA_WIDTH}`,
  });

/** How a layer's multiplies map onto SB_MAC16: one 16x16 product each, or two 8x8 products (both operands of at most 8 bits). */
export const DSP_MODES = ['single', 'dual8'] as const;
export type DspMode = (typeof DSP_MODES)[number];

export const roundingSchema = z.enum(ROUNDINGS as [string, ...string[]]).default('convergent');
export const overflowSchema = z.enum(OVERFLOWS as [string, ...string[]]).default('saturate');

/** A layer name: it names Verilog modules (src/verilog/names.ts says which names are allowed). */
export const layerNameSchema = (fallback: string) => verilogNameSchema().default(fallback);

/**
 * Most weights one layer may hold: the plan keeps every weight (raw and
 * real) in memory and the rtl face writes each into a ROM, so past this the
 * machine, not the FPGA, is the limit. It is far beyond any iCE40: the
 * largest (UP5K) holds 1,171,456 bits in all its EBR and SPRAM, about
 * 146,000 8-bit weights; 2^22 weights of 8 bits are 29x that.
 */
export const MAX_LAYER_WEIGHTS = 2 ** 22;

/**
 * Refuse a layer of `count` weights over MAX_LAYER_WEIGHTS before any is
 * drawn, naming `field` and the numbers (`how` says how count was reached).
 */
export function checkWeightCount(field: string, count: number, how: string, bitsPerWeight?: number): void {
  if (count <= MAX_LAYER_WEIGHTS) return;
  const n = (v: number) => v.toLocaleString('en-US');
  throw new CircaInputError(
    `${field}: ${how} = ${n(count)} weights${bitsPerWeight ? ` (${n(count * bitsPerWeight)} bits)` : ''} is over circa's limit of ${n(MAX_LAYER_WEIGHTS)} weights ` +
      `per layer; the largest iCE40 (UP5K) holds ${n(1_171_456)} bits of EBR and SPRAM in all`,
  );
}

/** ceil(log2(v + 1)), at least 1: bits of an unsigned counter up to v. */
/**
 * The divisors of n, listed for an error message ("1, 2, 4, 8"): the widths
 * a beat may take. A long list keeps its first 11 and the last ("..., 784").
 */
export function divisorList(n: number): string {
  const all = Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
  return (all.length > 12 ? [...all.slice(0, 11), '...', all[all.length - 1]] : all).join(', ');
}

export function bitsFor(maxValue: number): number {
  return Math.max(1, Math.ceil(Math.log2(maxValue + 1)));
}

/**
 * Counts before contents: the length of an array in a raw spec (before its
 * schema walks every entry), when the array and the count are there to
 * compare. A dense layer with a million rows of weights is told it needs 5
 * at once, not after every value has been parsed. `path` is the field's keys.
 */
export function checkRawCount(raw: unknown, path: (string | number)[], want: unknown, what: string): unknown[] | undefined {
  let v: unknown = raw;
  for (const k of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, k)) return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  if (!Array.isArray(v) || typeof want !== 'number' || !Number.isSafeInteger(want) || want < 0) return undefined;
  const field = path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
  if (v.length !== want) throw new CircaInputError(`${field}: expected ${want.toLocaleString('en-US')} ${what}, got ${v.length.toLocaleString('en-US')}`);
  return v;
}
