/**
 * circa as a library: the public API, compiled to dist/ with types
 * (`import { loadDesign, simulate } from 'circa'`).
 *
 * The flow is plain functions over plain data, as in the command:
 *   spec (JSON file or object) -> Design -> reference model | RTL | cost model
 *   -> co-simulation against the model -> bitstream build -> report.
 *
 * A few convenience functions (designFromSpec, reference, generate, simulate,
 * build, estimate, compare) are defined here over the modules' own functions,
 * which are exported beside them for finer control. Everything not exported
 * here is internal and may change.
 */
import type { CosimOptions, CosimReport } from './sim/cosim.ts';
import { cosim } from './sim/cosim.ts';
import { designFromPlan, type Design, type DesignCost } from './network/design.ts';
import { checkModuleNames, planAny } from './network/plan.ts';
import {
  buildOptionsSchema, checkDesign, compareOptionsSchema, estimateOptionsSchema, generateOptionsSchema, inputVector, parseOptions, plainSpec, simulateOptionsSchema,
} from './library-args.ts';
import { networkFloat, networkReference, type NetworkReference } from './network/reference.ts';
import type { BoardDesign } from './network/board.ts';
import { buildReport, generatedFiles, keepBuild, scratchBuild } from './network/build.ts';
import { loadBoard, type Board } from './target/index.ts';
import type { FlowReport, Toolchain } from './flow/index.ts';
import type { SourceFile } from './verilog/index.ts';
import { checkTarget, writeFolder, writeSources, type Written } from './output.ts';
import { compareDesigns, type CompareOptions, type Comparison } from './estimate/compare.ts';
import { predictResources, type ResourceEstimate } from './estimate/resources.ts';
import { fitCheck, type FitResult } from './estimate/fit.ts';
import { energyPerInference, type EnergyReport } from './estimate/energy.ts';
import { BUILTIN_TABLES } from './estimate/tables.ts';

// ---------------------------------------------------------------------------
// Loading a spec
// ---------------------------------------------------------------------------
export { loadDesign, designFromPlan, type Design, type DesignCost, type LoadOptions } from './network/design.ts';
export { planAny, planNetwork, layerRtl, renderLayers, type NetworkPlan, type NetworkLayer } from './network/plan.ts';
export { networkSpecSchema, type NetworkSpec, type Schedule } from './network/spec.ts';
export { loadLayerSpec, readJsonFile, formatZodError, type LoadedLayer } from './layers/load.ts';
export { LAYER_KINDS, registerKind } from './layers/index.ts';
export { defineKind } from './layers/types.ts';
export type {
  LayerKind, LayerRtl, LayerCost, LayerShape, LayerTiming, VectorHandshakes, CycleModel, OpCounts, HardwareCounts, ReferenceResult,
} from './layers/types.ts';
export type { LayerResources, ResourceContext, MemoryUse, ArithUse, KindFeatures, MultiplierSpec } from './layers/resources.ts';
export type { StreamInterface } from './sim/stream.ts';

/**
 * A design from a spec object (a layer `{"kind": ...}` or a network `{"network", "layers"}`),
 * the same shapes as the JSON files. Throws CircaInputError naming the bad field.
 */
export function designFromSpec(spec: unknown): Design {
  const plain = plainSpec('designFromSpec', spec);
  return designFromPlan(planAny(plain, 'designFromSpec: spec: '), typeof plain === 'object' && plain !== null && 'layers' in plain);
}

// ---------------------------------------------------------------------------
// Reference model
// ---------------------------------------------------------------------------
export { networkReference, networkFloat, type NetworkReference } from './network/reference.ts';

/** The bit-exact fixed-point model on one input vector (raw integers in the input format). */
export function reference(design: Design, x: readonly number[]): NetworkReference {
  return networkReference(checkDesign('reference', design).net, inputVector('reference', x));
}

/** The float model on one input vector (each layer on the real value of what the hardware gives it). */
export function floatReference(design: Design, x: readonly number[]): number[] {
  const d = checkDesign('floatReference', design);
  const v = inputVector('floatReference', x);
  networkReference(d.net, v); // the same input checks as the fixed-point model (length, raw values of the input format)
  return networkFloat(d.net, v);
}

// ---------------------------------------------------------------------------
// Generating RTL
// ---------------------------------------------------------------------------
export { checkRtl, type CheckResult } from './sim/lint.ts';
export { boardDesign, type BoardDesign } from './network/board.ts';
export type { SourceFile } from './verilog/index.ts';

export interface GenerateOptions {
  /** also generate the board top (framed UART protocol, LEDs) and its PCF for this board (name or JSON path) */
  board?: string | Board;
  /** run the design at this clock through the PLL (with a board) */
  clockMHz?: number;
  /**
   * write the files here, atomically: a folder that does not exist or is empty, or (with `force`) one circa wrote
   * before. Never the working directory, its parents, home, the root or circa's package (src/output.ts).
   */
  outDir?: string;
  /** with outDir: replace the files circa wrote there before (its .circa-output manifest); other files are left in place */
  force?: boolean;
}

export interface Generated {
  top: string;
  /** the Verilog files, ROM contents, files.f (and `<board>.pcf` with a board) */
  files: SourceFile[];
  board?: BoardDesign;
  /** with outDir: what was written, and the files found there that circa did not write (left in place) */
  written?: Written;
}

/** The RTL of a design, as `circa generate` writes it. */
export async function generate(design: Design, options: GenerateOptions = {}): Promise<Generated> {
  checkDesign('generate', design);
  const opts = parseOptions('generate', generateOptionsSchema, options) as GenerateOptions;
  // the output folder is checked before any work (CircaInputError naming outDir)
  const outDir = opts.outDir === undefined ? undefined : checkTarget(opts.outDir, { force: !!opts.force, option: 'outDir' });
  const rtl = design.rtl();
  const board = opts.board === undefined ? undefined : typeof opts.board === 'string' ? loadBoard(opts.board) : opts.board;
  const g = generatedFiles(rtl, board, opts.clockMHz); // what `circa generate` writes (src/network/build.ts)
  const written = outDir === undefined ? undefined : (await writeFolder(opts.outDir!, (dir) => writeSources(dir, g.files), { force: !!opts.force, option: 'outDir' })).written;
  return { ...g, ...(written ? { written } : {}) };
}

// ---------------------------------------------------------------------------
// Simulating (Verilator co-simulation against the reference model)
// ---------------------------------------------------------------------------
export { cosim, formatMismatch, vectorSet, VectorSet, REFERENCE_CACHE_VALUES, type CosimOptions, type CosimReport, type CycleMismatch, type DesignUnderTest, type Mismatch, type SeriesStats, type VectorSource } from './sim/cosim.ts';
export { gateLevelNetlist, synthesisedRtl, type GateLevelRtl } from './sim/netlist.ts';
export { buildScript, netlistScript, synthesisScript } from './target/index.ts';

/** Co-simulate a design in Verilator: every output value and every cycle count checked against the models. */
export async function simulate(design: Design, opts: CosimOptions = {}): Promise<CosimReport> {
  checkDesign('simulate', design);
  return cosim(design.dut(), parseOptions('simulate', simulateOptionsSchema, opts) as CosimOptions);
}

// ---------------------------------------------------------------------------
// Building a bitstream
// ---------------------------------------------------------------------------
export { runFlow, formatReport, type FlowOptions, type FlowReport, type FlowCells, type Toolchain } from './flow/index.ts';
export { listBoards, loadBoard, parseBoard, BoardSchema, type Board } from './target/index.ts';
export { PARTS, PART_NAMES, partInfo, type PartName, type PartInfo } from './target/index.ts';
/** Synthesis targets: the iCE40 built in; another joins with registerTarget() (test/fixtures/targets/ shows one). */
export {
  registerTarget, partOf, partNames, ice40, netlistCellCounts, YOSYS,
  type Target, type TargetPart, type PartModel, type PartLimits, type TargetMapping, type TargetStep, type StepPlan, type FlowFiles, type FlowTool,
} from './target/index.ts';
export { flowSteps, RUNNERS, type FlowStep, type Runner } from './flow/index.ts';
export { pllFor, type ClockPlan } from './target/index.ts';

export interface BuildOptions {
  /** board name or JSON path (default icebreaker), or a parsed board */
  board?: string | Board;
  toolchain?: Toolchain;
  /**
   * where the bitstream, logs and reports go, as for generate's outDir: the tools run in a scratch folder and
   * only a finished build is moved here (a folder that does not exist or is empty, or with `force` one circa wrote)
   */
  outDir: string;
  /** replace the files circa wrote in outDir before; other files are left in place */
  force?: boolean;
  seed?: number;
  clockMHz?: number;
  /**
   * Hears each step as it starts ("yosys: synthesising ...") and, while it
   * runs, every `progressEveryMs` (default 10 s) how long it has taken: a
   * build takes minutes. `circa build` prints these on stderr.
   */
  onProgress?: (step: string) => void;
  progressEveryMs?: number;
}

/** Synthesise, place and route, and pack the design with its board top (yosys -> nextpnr-ice40 -> icepack). */
export async function build(design: Design, options: BuildOptions): Promise<FlowReport> {
  checkDesign('build', design);
  const opts = parseOptions('build', buildOptionsSchema, options) as BuildOptions;
  const outDir = checkTarget(opts.outDir, { force: !!opts.force, option: 'outDir' });
  const board = typeof opts.board === 'object' ? opts.board : loadBoard(opts.board ?? 'icebreaker');
  // the steps and the report of `circa build` (src/network/build.ts): report.json joins the flow's figures with the predicted cycles
  const built = await scratchBuild(design.rtl(), board, opts.clockMHz, {
    toolchain: opts.toolchain ?? 'yowasp', seed: opts.seed, onProgress: opts.onProgress, progressEveryMs: opts.progressEveryMs,
  });
  const report = buildReport({ design, board, report: built.report, work: built.work, outDir });
  await keepBuild(built, opts.outDir, report, { force: !!opts.force, option: 'outDir' });
  return report.flow;
}

// ---------------------------------------------------------------------------
// Estimating and comparing (models only: no simulation, no synthesis)
// ---------------------------------------------------------------------------
export {
  predictResources, fitCheck, formatFit, energyPerInference, formatEnergyReport, BUILTIN_TABLES, ICE40_UP5K, ASIC_45NM,
  parseEnergyTable, loadEnergyTable, energyTableSchema, compareDesigns, formatComparison, markdownComparison, comparisonJson, PAPER,
  parseVary, applyVary, expandPoints, evaluatePoint, toCsv, mergeCsv,
  type ResourceEstimate, type FitResult, type EnergyReport, type EnergyTable, type Comparison, type CompareOptions, type SweepPoint, type PointResult,
} from './estimate/index.ts';
/** The DSP bound beside the period, and `circa estimate --fill`: lane counts that minimise the period on a part. */
export { dspBound, fill, formatFill, type DspBound, type FillResult, type FillChoice, type FillOptions } from './estimate/index.ts';

export interface Estimate {
  /** cycles, operation counts and hardware counts from the cost model */
  cost: DesignCost;
  /** LUT/FF (fitted), DSP/EBR/SPRAM (yosys's mapping rules) for the part */
  resources: ResourceEstimate;
  fit: FitResult;
  /** energy per inference under each built-in table */
  energy: EnergyReport[];
}

/** What `circa estimate` and the fit check know of a design, for a part (default UP5K) and a clock (default 12 MHz). */
export function estimate(design: Design, options: { part?: string; clockMHz?: number; toolchain?: Toolchain } = {}): Estimate {
  checkDesign('estimate', design);
  const opts = parseOptions('estimate', estimateOptionsSchema, options);
  checkModuleNames(design.net); // what generate and sim refuse, estimate refuses too
  const part = opts.part ?? 'UP5K';
  return {
    cost: design.cost(),
    resources: predictResources(design, { part, toolchain: opts.toolchain }),
    fit: fitCheck(design, part, { toolchain: opts.toolchain }),
    energy: Object.values(BUILTIN_TABLES).map((t) => energyPerInference(design, t, { part, clockMHz: opts.clockMHz, toolchain: opts.toolchain })),
  };
}

/** The `circa compare` figures of two designs (a/b ratios, the paper's column where the pair matches). */
export function compare(a: Design, b: Design, opts: CompareOptions = {}): Comparison {
  checkDesign('compare', a, 'a');
  checkDesign('compare', b, 'b');
  return compareDesigns(a, b, parseOptions('compare', compareOptionsSchema, opts) as CompareOptions);
}

// ---------------------------------------------------------------------------
// Running on a board (framed UART protocol)
// ---------------------------------------------------------------------------
export { runOnDevice, formatRunReport, type RunOptions, type RunReport } from './host/run.ts';
export { openSerialPort } from './host/serial.ts';
export type { ByteTransport } from './sim/transport.ts';

// ---------------------------------------------------------------------------
// Fixed point, FFT, errors
// ---------------------------------------------------------------------------
export * as fixed from './fixed/index.ts';
export { planFft, fftFixed, fftIdeal, errorStats, type FftPlan, type Cplx } from './fft/index.ts';
export { CircaError, CircaInputError, CircaFlowError } from './errors.ts';
/** Spec pieces for a kind of one's own (defineKind + registerKind): names and Q formats as the built-in kinds check them. */
export { layerNameSchema, qFormatSchema, roundingSchema, overflowSchema } from './layers/formats.ts';

// ---------------------------------------------------------------------------
// Training (src/train/): datasets, training, import, quantisation, evaluation.
// ---------------------------------------------------------------------------
export { loadMnist, loadDataset, pixelsToRaw, pixelsToReal, pixelToReal, type Dataset } from './train/mnist.ts';
export { parseIdx, readIdx, type IdxArray } from './train/idx.ts';
export { train, floatAccuracy, type TrainOptions, type EpochStats, type TrainHooks } from './train/train.ts';
export { floatNet, type FloatNet } from './train/model.ts';
export { readTensors, encodeNpz, type Tensor, type TensorMap } from './tensors/tensors.ts';
export { bindTensors, unusedTensors, type BoundLayer, type BindOptions, type Unused } from './tensors/weights.ts';
export { floatLogits, floatParams, foldInput, mapRules, type FloatLogitsOptions, type InputNormalisation } from './train/interop.ts';
export { quantizeNetwork, type QuantizeOptions, type QuantizeResult } from './train/quantize.ts';
export { evaluateFixed, classOf, type EvalReport } from './train/evaluate.ts';
export type { TrainFace, TensorInfo, Params } from './layers/types.ts';
