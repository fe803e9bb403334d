/**
 * What every layer kind provides: the four faces of ARCHITECTURE.md.
 * A kind lives in src/layers/<kind>/ and is added to the registry in
 * src/layers/index.ts with one line.
 */
import type { z } from 'zod';
import type { SourceFile } from '../verilog/index.ts';
import type { StreamInterface } from '../sim/stream.ts';

/** Result of the bit-exact model for one input vector. */
export interface ReferenceResult {
  /** raw output values in the layer's output format */
  y: number[];
  /** whether any output overflowed its format (the sticky flag the RTL raises) */
  overflow: boolean;
}

export interface LayerRtl {
  /** every file the design needs: templates and generated files, top last */
  sources: SourceFile[];
  /** the generated top module (stream port convention of src/sim/stream.ts) */
  top: string;
  io: StreamInterface;
  /** the parameters the top was generated with, for reports */
  params: Record<string, number | string>;
  /**
   * Ports beyond the stream convention (a config port, status outputs). A
   * wrapper that does not use them ties inputs to zero and leaves outputs
   * on a wire of their own.
   */
  extraPorts: { name: string; dir: 'input' | 'output'; width: number }[];
}

export interface CycleModel {
  /** cycles from the first input handshake to the last output handshake of a vector, with no stalls */
  latency: number;
  /** cycles from one vector's first input to the next vector's first input, back to back */
  period: number;
  /** the formula, spelled out for reports */
  formula: string;
}

export interface OpCounts {
  /** multiplies per vector */
  multiplies: number;
  /** additions and subtractions per vector */
  adds: number;
  /** weight memory reads per vector (registers count as reads too) */
  weightReads: number;
  /** activation buffer writes and reads per vector */
  bufferWrites: number;
  bufferReads: number;
  /** learnable parameters */
  parameters: number;
}

export interface HardwareCounts {
  /** multipliers instantiated (each one SB_MAC16 on UltraPlus when <= 16x16) */
  multipliers: number;
  /** bits of on-chip buffer memory */
  bufferBits: number;
  /** bits of weight registers / memories */
  weightBits: number;
}

export interface LayerCost {
  cycles: CycleModel;
  ops: OpCounts;
  hardware: HardwareCounts;
}

export interface LayerKind<Spec = unknown, Plan = unknown> {
  kind: string;
  summary: string;
  /** the spec face: a zod schema with defaults; cross-field checks go in plan() */
  schema: z.ZodType<Spec>;
  /** resolve formats and widths; throws CircaInputError naming the field */
  plan(spec: Spec): Plan;
  /** inputs per vector and outputs per vector, in raw values */
  shape(plan: Plan): { inputs: number; outputs: number; inWidth: number; outWidth: number };
  reference(plan: Plan, x: readonly number[]): ReferenceResult;
  /** the real-valued model the fixed-point one approximates (for error statistics) */
  float(plan: Plan, x: readonly number[]): number[];
  /** real value of a raw output */
  outputToReal(plan: Plan, y: number): number;
  /** real value of a raw input */
  inputToReal(plan: Plan, x: number): number;
  rtl(plan: Plan): LayerRtl;
  cost(plan: Plan): LayerCost;
  /** a short human-readable description of the plan (formats, widths) */
  describe(plan: Plan): string[];
}
