/**
 * What every layer kind provides: the faces of docs/architecture.md (spec, plan,
 * reference, rtl, cost, timing, resources, registers, train, onnx). A kind lives
 * in src/layers/<kind>/, is typed by defineKind() and is added to the
 * registry in src/layers/index.ts with one line (or registerKind() for a
 * kind defined outside this package).
 */
import type { z } from 'zod';
import type { OnnxFace } from './onnx.ts';
import type { QFormat } from '../fixed/index.ts';
import type { SourceFile } from '../verilog/index.ts';
import type { StreamInterface } from '../sim/stream.ts';
import type { LabelledVector } from '../sim/vectors.ts';
import type { ProofJob } from '../formal/prove.ts';
import type { TargetMapping } from '../target/index.ts';
import type { KindCoefficients, LayerResources, ResourceContext } from './resources.ts';
import type { DspMode } from './formats.ts';
import type { LayerRtl, ReferenceResult, VectorHandshakes } from '../sim/dut-types.ts';

export type { LayerRtl, ReferenceResult, VectorHandshakes };

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
  /**
   * output beat handshake cycles, given this vector's input handshake cycles
   * (and, for a layer that overlaps vectors, the previous vector's handshakes
   * through this layer: undefined for the first vector)
   */
  outputs(inputTimes: readonly number[], prev?: VectorHandshakes): number[];
  /** earliest cycle the layer takes the first input of its next vector (prev: as for outputs) */
  nextReady(inputTimes: readonly number[], outputTimes: readonly number[], prev?: VectorHandshakes): number;
  /**
   * true when the layer takes the next vector while the current one is still
   * inside it (double-buffered input) and outputs()/nextReady() model that
   * from `prev`. A network lets such a layer hold two vectors when its output
   * buffer can take both (pipelined schedule); other layers hold one.
   */
  overlaps?: boolean;
  /**
   * Optional: for a layer that may hold its input inside a vector (conv2d's
   * line buffer waits for a row slot to be freed): a fresh gate per vector
   * (prev: as for outputs), called for its input beats b = 0, 1, .. in order
   * with the cycle beat b is offered (the cycle after beat b - 1 was taken at
   * the earliest); it returns the cycle the layer takes it. Without it, a
   * layer takes every beat after the first as it is offered.
   */
  inputGate?(prev?: VectorHandshakes): (b: number, offered: number) => number;
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

/** One write to a layer's own config port: register 0..3 (its cfg_addr) and the value WRITE_REG carries. */
export interface LayerRegisterWrite {
  reg: number;
  /** as WRITE_REG sends it: -2^31 .. 2^32 - 1; the layer takes the low bits of its cfg_data width */
  value: number;
}

/** The writes that bring a freshly reset device to the spec's state (src/host/run.ts sends them first). */
export interface LayerRegisterSetup {
  writes: LayerRegisterWrite[];
  /** what they did, for reports: "loaded the spectra into SPRAM" (after "layer k name: N writes") */
  summary: string;
  /** what they are doing, for progress messages: "loading the spectra" */
  task: string;
}

/** What one accepted write did to a layer. */
export interface LayerRegisterEffect {
  /** for reports, without the layer ("a = 32 (0.25 in Q0.7 (8 bits))") */
  effect: string;
  /** false when no register listens at this address (the device accepts the write and nothing changes) */
  applied: boolean;
  /** the write clears the layer's sticky overflow flag */
  clearsOverflow: boolean;
}

/**
 * The run-time registers of one layer instance (a config port, src/network/
 * rtl.ts): a small stateful model of what the device holds, which starts in
 * the state the setup writes give (the spec's weights), follows every write
 * the device accepts, and computes with what it holds.
 */
export interface LayerRegisters {
  /** the writes, in order, from a freshly reset device to the spec's state */
  setup(): LayerRegisterSetup;
  /**
   * Apply a write the device accepted. `value` is what the layer's cfg_data
   * receives: the WRITE_REG value's low cfg-width bits, unsigned.
   */
  write(reg: number, value: number): LayerRegisterEffect;
  /** the bit-exact model with the registers' current contents */
  reference(x: readonly number[]): ReferenceResult;
}

export interface LayerKind<Spec = unknown, Plan = unknown> {
  kind: string;
  summary: string;
  /** the spec face: a zod schema with defaults; cross-field checks go in plan() */
  schema: z.ZodType<Spec>;
  /** resolve formats and widths; throws CircaInputError naming the field */
  plan(spec: Spec): Plan;
  /**
   * Optional: counts before contents. Checks the raw spec's array lengths
   * against its sizes (src/layers/formats.ts checkRawCount) before the
   * schema walks every value, so a huge array is refused at once.
   */
  counts?(raw: Record<string, unknown>): void;
  /** inputs per vector and outputs per vector, in raw values */
  shape(plan: Plan): LayerShape;
  reference(plan: Plan, x: readonly number[]): ReferenceResult;
  /** the real-valued model the fixed-point one approximates (for error statistics) */
  float(plan: Plan, x: readonly number[]): number[];
  /** real value of a raw output */
  outputToReal(plan: Plan, y: number): number;
  /** real value of a raw input */
  inputToReal(plan: Plan, x: number): number;
  /**
   * The stream interface the rtl face's top has (lanes, widths, beats per
   * vector), without rendering any Verilog: planning, cost, estimate, fit
   * and sweep read this; only generate, sim and build call rtl(). A test
   * checks io(plan) equals rtl(plan).io for every example.
   */
  io(plan: Plan): StreamInterface;
  rtl(plan: Plan): LayerRtl;
  cost(plan: Plan): LayerCost;
  /**
   * The resource face: the memories, multipliers, arithmetic events and
   * LUT/FF-model features of one instance, read from the plan the rtl face
   * renders (src/layers/resources.ts; src/estimate/ prices it). Without it,
   * the estimate falls back to the cost face and flags the layer.
   */
  resources?(plan: Plan, ctx: ResourceContext): LayerResources;
  /**
   * Optional: the fitted LUT/FF/carry models of the kind's components, keyed
   * by component name (src/layers/resources.ts KindCoefficients): what the
   * estimate prices the resource face's features with. Without one, the
   * estimate notes that the kind has no LUT/FF model.
   */
  coefficients?: KindCoefficients;
  /**
   * Optional: why the layer's outputs are not values another layer takes
   * (argmax: "it outputs an index and a value"); such a kind can only be the
   * last layer of a network.
   */
  terminal?: string;
  /**
   * Optional: lines of advice about this layer when its design does not fit
   * the part (src/estimate/fit.ts prints them with its own: SPRAM, lanes,
   * other parts); `mapping` is the part's target's (src/target/types.ts
   * TargetMapping: where its memories go, how many blocks they take).
   */
  fitAdvice?(plan: Plan, mapping: TargetMapping): string[];
  /**
   * Optional: the kind's formal proofs (src/formal/ builds the miters and
   * runs sat), for `circa prove` after the generic rounding proofs: a few
   * for `npm test` (deep false), every shape and mode for `npm run test:deep`.
   */
  proofs?(deep: boolean): ProofJob[];
  /**
   * Optional: the output element that is a class index (argmax: 0, the
   * index before the value); a design ending in such a layer is a
   * classifier, and `circa run`, eval and the dataset runs report classes.
   */
  classIndex?: number;
  /**
   * Optional: why this kind cannot sit in a network when its io has several
   * input lanes that are not elements (an FFT's complex samples; appended to
   * the plan error). Without it, several input lanes are several elements
   * per beat, which a network's links supply.
   */
  chainAdvice?: string;
  /**
   * Optional: the spec field that sets how many elements one input beat
   * carries (io.inLanes), named in a network's error when the link before
   * the layer cannot cut the previous layer's output beats to that width.
   */
  beatField?: string;
  /**
   * Optional: how `sweep --vary` shorthands edit a JSON copy of this kind's
   * spec (in place). `lanes`: the parallelism to use (capped by the kind);
   * `width`: every format to Q0.(W-1) (default: input, weights.format,
   * weights.biasFormat and output.format); `buffers`: the number of input
   * buffers (1: one vector at a time; 2: the next loads while this one
   * computes), which `circa estimate --fill` tries.
   */
  vary?: {
    lanes?(spec: Record<string, unknown>, lanes: number): void;
    buffers?(spec: Record<string, unknown>, buffers: number): void;
    /** elements per input beat (`circa estimate --fill` tries 1, 2, 4, 8, 16) */
    beat?(spec: Record<string, unknown>, beat: number): void;
    width?(spec: Record<string, unknown>, format: QFormat): void;
    /** the SB_MAC16 mode of the kinds whose multipliers have one ("dsp": single | dual8; the `dsp` shorthand) */
    dsp?(spec: Record<string, unknown>, mode: DspMode): void;
    /**
     * the weight memory that saves EBR (a dense layer's "memory":
     * "ebr-split"), which `circa estimate --fill` tries beside the spec's own
     * on a part with EBR; the plan refuses it where it saves nothing
     */
    splitMemory?(spec: Record<string, unknown>): void;
    /**
     * shape fields `sweep --vary <field>=v1,v2` sets on every layer of this
     * kind (a new field is one entry); the spec's own check refuses a value
     * out of range. In a network, the layers after a changed one then take
     * the image it gives (`input`).
     */
    fields?: readonly string[];
    /** take the image the layer before gives (the sweep's re-chain after a shape field changes) */
    input?(spec: Record<string, unknown>, image: ImageShape): void;
    /**
     * the spec's FFT sections (the objects holding architecture, butterflies
     * and dataWidth) that the `butterflies`, `architecture` and `fftWidth`
     * shorthands set
     */
    fftSections?(spec: Record<string, unknown>): Record<string, unknown>[];
    /** what else changes in the spec when `section` becomes streaming (its butterflies are dropped already) */
    streamingSection?(spec: Record<string, unknown>, section: Record<string, unknown>): void;
  };
  /**
   * Optional: for a kind whose vectors are images in the stream order
   * (raster, channels within a pixel: conv2d), their shapes. The network
   * planner checks that an image layer gets the image the layer before it
   * gives, and names the feature map when a head's input size differs.
   */
  images?(plan: Plan): { input: ImageShape; output: ImageShape };
  /** the cycle-exact handshake timing the cost face's cycle model is built on */
  timing(plan: Plan): LayerTiming;
  /** a short human-readable description of the plan (formats, widths) */
  describe(plan: Plan): string[];
  /**
   * Optional: this kind's own test vectors, for kinds whose elements are not
   * independent values (fft: complex samples, so the corner cases are per
   * sample). Without it, co-simulation uses src/sim/vectors.ts makeVectors.
   */
  vectors?(plan: Plan, count: number, seed: number): LabelledVector[];
  /**
   * Optional: the run-time registers behind the layer's config port (cfg_we,
   * cfg_addr, cfg_data in rtl().extraPorts), a fresh model in the spec's
   * state on every call; null for a plan without a config port. `circa run`
   * (src/host/) sends the setup writes and checks the answers against
   * reference(). A kind without it has no run-time registers.
   */
  registers?(plan: Plan): LayerRegisters | null;
  /** Optional: the train face (src/train/ trains, imports and quantises through it); argmax and fft have none */
  train?: TrainFace<Spec, Plan>;
  /**
   * Optional: the onnx face (src/layers/onnx.ts). How `circa import
   * model.onnx --spec-out` recognises the kind in an ONNX graph, where
   * PyTorch exports it as a pattern of plain operations. dense, conv and pool
   * are read from their own ONNX operations (src/train/onnx-spec.ts).
   */
  onnx?: OnnxFace;
  /**
   * Optional: the fit face. Changes to this layer's spec that make it
   * smaller on a part (an FFT architecture, fewer units), most promising
   * first; the fit check (src/estimate/fit.ts) prices each with the resource
   * model and names the ones that make a refused design fit. Takes the raw
   * spec as written (the JSON object) and returns whole specs.
   */
  smaller?(spec: Readonly<Record<string, unknown>>): SpecAlternative[];
  /**
   * Optional: the fuse face. Called by the network planner for every layer
   * of this kind with the layer before it (null for the first layer or a
   * single-layer spec): returns null when the layer runs alone, or one layer
   * (its kind and plan) that does the work of both (diag-circulant with
   * fft.shareEngine: one folded engine, the two layers taking turns). Throws
   * CircaInputError naming `field` + the spec field when the layer asks for
   * a fusion it cannot have.
   */
  fuse?(prev: { kind: LayerKind<any, any>; plan: unknown } | null, plan: Plan, field: string): FusedLayer | null;
}

/** An image in the stream order: height rows of width pixels of channels elements. */
export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/** What a fuse face returns: one layer doing the work of two adjacent ones. */
export interface FusedLayer {
  kind: LayerKind<any, any>;
  plan: unknown;
}

/** One way to shrink a layer, as the fit face offers it. */
export interface SpecAlternative {
  /** the spec field the change sets, e.g. "fft.architecture" (the fit check prefixes layers[i].) */
  field: string;
  /** the change and what it trades, in a few words: the advice text */
  advice: string;
  /** the layer's whole spec with the change made */
  spec: Record<string, unknown>;
}

/** A learnable tensor of a layer, as the train face names it (`<layer>.<name>` in weight files). */
export interface TensorInfo {
  name: string;
  /** row-major shape */
  shape: number[];
  /**
   * The Q format the hardware stores it in, where it stores the tensor itself
   * (dense weights, TVSCM a and b); undefined where it stores a transform of
   * it (the circulant kinds keep a quantised spectrum of their column).
   */
  format?: QFormat;
  /** the format's spec field, for messages and for quantisation ("weights.format") */
  formatField?: string;
}

/** Real values of one vector's activations and a layer's parameters, keyed by tensor name. */
export type Params = Record<string, Float64Array>;

/** What a layer's float forward pass keeps for its backward pass. */
export interface ForwardResult {
  y: Float64Array;
  cache: unknown;
}

/**
 * The train face: the layer as a differentiable real-valued function of its
 * learnable tensors, so src/train/ can train any network of registered kinds
 * without knowing their names. forward(values(plan), x) equals
 * float(plan, x) (on real inputs) to float rounding; a test checks it.
 */
export interface TrainFace<Spec = any, Plan = any> {
  /** the learnable tensors (empty for a kind with none) */
  tensors(plan: Plan): TensorInfo[];
  /** their real values as the plan holds them: the spec's explicit values or its seeded random draws */
  values(plan: Plan): Params;
  /**
   * The spec with these tensors as its weights (every tensor of tensors(plan)
   * given; null: keep the spec's own weight source and set only formats).
   * `raw`: the values are integers in the tensors' formats. `formats`
   * replaces tensors' formats (quantisation picks them).
   */
  inject(spec: Spec, t: Params | null, opts: { raw: boolean; formats?: Record<string, QFormat> }): Spec;
  /** whether inject can take raw integers for every tensor (otherwise reals exactly on the formats' grids) */
  acceptsRaw: boolean;
  /** y = f(x) on reals, for one vector */
  forward(plan: Plan, p: Params, x: Float64Array): ForwardResult;
  /**
   * dx from dy, and adds this vector's parameter gradients into g.
   * `wantDx` false: the caller discards dx (the network's first layer, whose
   * input is the data); a face may then skip computing it and return an
   * empty array. The gradients in g are the same either way.
   */
  backward(plan: Plan, p: Params, r: ForwardResult, dy: Float64Array, g: Params, wantDx?: boolean): Float64Array;
  /**
   * Optional: called once after the last backward() into g, before g is
   * read (a face that gathers gradients in another domain during a batch,
   * such as spectra, moves them into g here).
   */
  finish?(plan: Plan, g: Params): void;
}

/**
 * Type a kind's registration: Spec is inferred from the zod schema and Plan
 * from plan(), so each face is checked against them with no casts. Checks
 * the kind's name (lower case, digits and dashes: it is a spec's "kind" and
 * a file-name part).
 */
export function defineKind<Spec, Plan>(kind: LayerKind<Spec, Plan>): LayerKind<Spec, Plan> {
  if (!/^[a-z][a-z0-9-]*$/.test(kind.kind)) throw new Error(`defineKind: kind name "${kind.kind}" must be lower case letters, digits and dashes`);
  return Object.freeze(kind);
}
