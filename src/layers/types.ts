/**
 * What every layer kind provides: the four faces of ARCHITECTURE.md.
 * A kind lives in src/layers/<kind>/ and is added to the registry in
 * src/layers/index.ts with one line.
 */
import type { z } from 'zod';
import type { QFormat } from '../fixed/index.ts';
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

/**
 * Handshake timing of one vector through a layer whose output is never
 * stalled (the network gives every layer an output buffer that can take a
 * whole vector, so it never is). The network cost model composes these.
 */
export interface LayerTiming {
  /** output beat handshake cycles, given this vector's input handshake cycles */
  outputs(inputTimes: readonly number[]): number[];
  /** earliest cycle the layer takes the first input of its next vector */
  nextReady(inputTimes: readonly number[], outputTimes: readonly number[]): number;
}

/** Inputs and outputs per vector, their widths and (where they are numbers in a Q format) formats. */
export interface LayerShape {
  inputs: number;
  outputs: number;
  inWidth: number;
  outWidth: number;
  inFormat: QFormat;
  /** undefined when the outputs are not values in one format (argmax: index, value) */
  outFormat?: QFormat;
}

export interface LayerKind<Spec = unknown, Plan = unknown> {
  kind: string;
  summary: string;
  /** the spec face: a zod schema with defaults; cross-field checks go in plan() */
  schema: z.ZodType<Spec>;
  /** resolve formats and widths; throws CircaInputError naming the field */
  plan(spec: Spec): Plan;
  /** inputs per vector and outputs per vector, in raw values */
  shape(plan: Plan): LayerShape;
  reference(plan: Plan, x: readonly number[]): ReferenceResult;
  /** the real-valued model the fixed-point one approximates (for error statistics) */
  float(plan: Plan, x: readonly number[]): number[];
  /** real value of a raw output */
  outputToReal(plan: Plan, y: number): number;
  /** real value of a raw input */
  inputToReal(plan: Plan, x: number): number;
  rtl(plan: Plan): LayerRtl;
  cost(plan: Plan): LayerCost;
  /** the cycle-exact handshake timing the cost face's cycle model is built on */
  timing(plan: Plan): LayerTiming;
  /** a short human-readable description of the plan (formats, widths) */
  describe(plan: Plan): string[];
}
