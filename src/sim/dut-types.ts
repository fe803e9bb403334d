/**
 * The types a co-simulation drives a design through, below every layer kind
 * (src/layers/types.ts re-exports them as part of the kind faces): a
 * design's rendered RTL, the bit-exact model's result for one vector, and
 * the handshake cycles of one vector.
 */
import type { SourceFile, StreamInterface } from '../verilog/index.ts';

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
  /** extra Verilator flags to simulate it (only a synthesised netlist needs any: src/sim/netlist.ts) */
  verilatorFlags?: readonly string[];
  /** the yosys passes that turn it into C++ for CXXRTL, when not the default (a synthesised netlist: src/sim/netlist.ts) */
  cxxrtlScript?: string;
}

/** One vector's handshake cycles through a layer (what LayerTiming.outputs gets as `prev`). */
export interface VectorHandshakes {
  inputs: readonly number[];
  outputs: readonly number[];
}
