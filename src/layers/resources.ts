/**
 * The vocabulary of the resource face (LayerKind.resources): what one layer
 * instance is made of, read from its plan, for the resource model
 * (src/estimate/resources.ts prices it in LUTs, FFs, DSPs, EBR and SPRAM) and
 * the energy model (src/estimate/energy.ts, in picojoules). Each kind writes
 * its own in src/layers/<kind>/resources.ts, following its template in
 * rtl-templates/; src/estimate/ only aggregates and prices.
 */
import type { FamilyModels, FittedModel, LinearModel, MemorySpec, MultiplierSpec } from '../target/index.ts';

export type { FamilyModels, FittedModel, LinearModel, MemorySpec, MultiplierSpec };

/** Memory accesses per inference, in words of the memory's width. */
export interface MemoryUse extends MemorySpec {
  /** word writes per inference */
  writes: number;
  /**
   * word reads per inference as the RTL performs them. The layer templates
   * enable their memory read ports with the pipeline clock enable, which is
   * high whenever the output is not stalled, so a bank or ROM is read on
   * every cycle of an inference, not only when its data is used.
   */
  reads: number;
  /** reads whose data the datapath uses */
  usefulReads: number;
  /** memory that holds weights (ROM) */
  weights: boolean;
}

/** Operations on new data per inference (padded lanes included: the hardware computes them). */
export interface ArithUse {
  /** multiplies by operand widths (y: product width, which decides DSP or logic) */
  multiplies: { a: number; b: number; y: number; count: number }[];
  /** additions, subtractions and comparisons by width */
  adds: { width: number; count: number }[];
}

/**
 * Datapath widths the LUT/FF model is calibrated on (the kind's coefficients
 * face, src/layers/<kind>/coefficients.ts, fitted by
 * bench/estimate-calibrate.ts). Only the fields a kind uses are set.
 */
export interface KindFeatures {
  [name: string]: number;
}

/**
 * The coefficients face of a kind (LayerKind.coefficients): its fitted
 * models keyed by its own component names (the kind's name, and any `model`
 * its resource face gives, e.g. the folded FFT engine's 'folded-fft').
 * The built-in kinds keep theirs in src/layers/<kind>/coefficients.ts,
 * written by bench/estimate-calibrate.ts.
 */
export type KindCoefficients = Readonly<Record<string, FittedModel>>;

/** What the resource face returns for one layer instance. */
export interface LayerResources {
  memories: MemoryUse[];
  multipliers: MultiplierSpec[];
  arith: ArithUse;
  /** features of the LUT/FF model */
  features: KindFeatures;
  /**
   * the LUT/FF model to price it with (a component name of some kind's
   * coefficients face), when not the kind's own (the folded FFT engine: 'folded-fft')
   */
  model?: string;
}

/** What the resource face is told about the instance. */
export interface ResourceContext {
  /** the layer's name (memories are named `<name>.<memory>`) */
  name: string;
  /** clock cycles one inference keeps the layer enabled (its memories' read ports are open on each) */
  cycles: number;
  /**
   * the layer is one of a network's layers (between stream links), not the
   * design's own top: yosys then optimises across its ports, which the image
   * kinds' models price with a term fitted on whole CNNs (default false)
   */
  inNetwork?: boolean;
}

export const sumOf = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);

/** Sum feature maps (the features of a layer's FFT pipelines add up). */
export function addFeatures(...fs: KindFeatures[]): KindFeatures {
  const out: KindFeatures = {};
  for (const f of fs) for (const [k, v] of Object.entries(f)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/**
 * Product bits of a layer's multipliers (sum of count * y): on UltraPlus the
 * product registers and the adders after them sit in the SB_MAC16, on HX/LP
 * parts in logic; the HX model of the FFT kinds prices that difference with it.
 */
export function mulY(ms: MultiplierSpec[]): number {
  return sumOf(ms.map((m) => m.count * m.y));
}
