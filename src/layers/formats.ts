/** Schema pieces every layer kind's spec shares: Q formats, rounding, overflow. */
import { z } from 'zod';
import { verilogNameSchema } from '../verilog/names.ts';
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

export const roundingSchema = z.enum(ROUNDINGS as [string, ...string[]]).default('convergent');
export const overflowSchema = z.enum(OVERFLOWS as [string, ...string[]]).default('saturate');

/** A layer name: it names Verilog modules (src/verilog/names.ts says which names are allowed). */
export const layerNameSchema = (fallback: string) => verilogNameSchema().default(fallback);

/** ceil(log2(v + 1)), at least 1: bits of an unsigned counter up to v. */
export function bitsFor(maxValue: number): number {
  return Math.max(1, Math.ceil(Math.log2(maxValue + 1)));
}
