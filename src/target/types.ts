/**
 * What circa asks of a synthesis target (an FPGA family and its tools): the
 * parts and their resource limits, how the estimate prices a part, the
 * synthesis command, the steps after synthesis (place and route, packing)
 * as data for src/flow/ to run, and how their outputs are read. The iCE40
 * is one target (src/target/ice40/); another is one more folder that
 * exports a Target and joins with registerTarget() (src/target/index.ts).
 */

/** One memory as the RTL describes it, for the estimate to map onto a target's blocks. */
export interface MemorySpec {
  /** where it is, for reports (`tvscm784.bank[0]`, `link1`) */
  name: string;
  depth: number;
  /** data bits after constant bits are removed */
  width: number;
  /** no write port (contents from `initial`) */
  rom: boolean;
  /** `(* rom_style = "block" *)`: yosys may not fall back to logic */
  forceBlock?: boolean;
  /**
   * a ROM split by depth (a dense layer's "ebr-split"): its last `logicTail`
   * words are a second array with `(* rom_style = "logic" *)`, in LUTs, the
   * rest `forceBlock`; both read together, a registered select after them
   */
  logicTail?: number;
  /** `(* ram_style = "huge" *)`: SB_SPRAM256KA (a RAM) */
  huge?: boolean;
}

/** Where a target's synthesis puts a memory (SB_RAM40_4K, SB_SPRAM256KA on the iCE40). */
export interface MemoryMapping extends MemorySpec {
  /** 'ebr': SB_RAM40_4K blocks; 'spram': SB_SPRAM256KA blocks; 'logic': flip-flops (RAM) or LUTs (ROM) */
  target: 'ebr' | 'spram' | 'logic';
  /** SB_RAM40_4K blocks, or SB_SPRAM256KA blocks for 'spram' (0 for logic) */
  blocks: number;
  /** the chosen configuration, e.g. "512x8", "16384x16" (SPRAM), or "logic" */
  config: string;
  /** address chunks muxed after the blocks (1 when one block column holds the whole depth) */
  chunks: number;
  /** yosys' cost of the chosen block configuration and of the logic fallback */
  blockCost: number;
  logicCost: number;
}

/** One hardware multiplier of a layer: operand widths and product width. */
export interface MultiplierSpec {
  name: string;
  a: number;
  b: number;
  y: number;
  /** instances (lanes) */
  count: number;
  /** products one SB_MAC16 makes at once (2: the dual 8x8 mode, rtl-templates/dsp_dual8.v); default 1 */
  perDsp?: number;
}

/** A linear model: sum(coefficient * feature) over the named features. */
export type LinearModel = Record<string, number>;
/** The LUT4, flip-flop and carry models of one component on one coefficient family. */
export interface FamilyModels { lut: LinearModel; ff: LinearModel; carry: LinearModel }
/** The coefficient families of the fitted models (PartModel.coefficientFamily). */
export type CoefficientFamily = 'ultraplus' | 'hx';
/**
 * One component's models as fitted to yosys runs: per toolchain (the YoWASP
 * and the native yosys map a little differently) and per coefficient family.
 */
export type FittedModel = Readonly<Record<'yowasp' | 'native', Readonly<Record<CoefficientFamily, FamilyModels>>>>;

/**
 * The fitted coefficients of a target that belong to no layer kind (the
 * iCE40's: src/target/ice40/coefficients.ts); each kind's own component
 * models are its coefficients face (src/layers/<kind>/coefficients.ts).
 */
export interface SharedCoefficients {
  /** where the coefficients came from */
  source: string;
  softMul: { lutPerBit: number; lut0: number; carryPerWidth: number; carry0: number };
  memory: { ramPerBitWord: number; romPerBitWord: number; romMinPerBit: number; chunkMuxPerBit: number };
  packing: { ff: number; carry: number };
  /** the components that are no layer kind: stream_link, network, board, generic (a kind without a resource face) */
  components: Record<string, Record<CoefficientFamily, FamilyModels>>;
}

/** The tools the runners of src/flow/ can run. */
export type ToolName = 'yosys' | 'nextpnr-ice40' | 'icepack';
export const TOOL_NAMES: readonly ToolName[] = ['yosys', 'nextpnr-ice40', 'icepack'];

/** A file's contents as the tools see them. */
export type FileContent = string | Uint8Array;

/** What one tool run gave back. */
export interface ToolRun {
  /** stdout and stderr, interleaved as they arrived. */
  log: string;
  seconds: number;
  /** Contents of the requested output files that exist after the run. */
  outputs: Map<string, FileContent>;
  /** Set when the tool did not finish normally. */
  failure?: string;
}


export interface FlowCells {
  /** Logic cells used (ICESTORM_LC: a LUT4, its DFF and carry share one): the figure the part's limit counts. */
  logicCells: number;
  /** The same count as logicCells, under its older name (kept for readers of report.json written before; not LUT4s: see lut4). */
  lut: number;
  /** LUT4s (SB_LUT4 cells in the yosys netlist): the logic cells that hold a LUT, not bare flip-flops or carries. */
  lut4: number;
  /** Flip-flops (SB_DFF* cells in the yosys netlist). */
  ff: number;
  /** Carry cells (SB_CARRY in the yosys netlist). */
  carry: number;
  /** SB_MAC16 (ICESTORM_DSP). */
  dsp: number;
  /** 4 kbit block RAMs (ICESTORM_RAM). */
  ebr: number;
  /** 256 kbit single-port RAMs (ICESTORM_SPRAM). */
  spram: number;
  /** I/O cells (SB_IO). */
  io: number;
  /** PLLs (ICESTORM_PLL). */
  pll: number;
}

export interface FlowClock {
  /** nextpnr's clock net name, e.g. `clk$SB_IO_IN_$glb_clk`. */
  net: string;
  achievedMHz: number;
  constraintMHz: number;
}

/** Resource limits of one part. `lut` counts logic cells (LUT4 + optional DFF + carry). */
export interface PartLimits {
  readonly lut: number;
  /** block RAMs of EBR_BITS (4 kbit) */
  readonly ebr: number;
  /** large single-port RAMs of SPRAM_BITS (256 kbit) */
  readonly spram: number;
  /** hard multipliers */
  readonly dsp: number;
}

/** One part of a target, as the estimate and the flow see it. */
export interface TargetPart {
  readonly name: string;
  /** the family inside the target (iCE40: ultraplus, hx, lp) */
  readonly family: string;
  readonly limits: PartLimits;
  /** Where the figures come from. */
  readonly source: string;
  /** Anything a user must know about the part. */
  readonly note?: string;
}

/**
 * The estimate's mapping rules of a target: where yosys puts a memory
 * (block RAMs, large RAMs or logic, and how many) and how many hard
 * multipliers a multiply takes (the iCE40's: src/target/ice40/memory.ts).
 */
export interface TargetMapping {
  mapMemory(m: MemorySpec): MemoryMapping;
  /** hard multipliers an a x b -> y multiply takes on a part that has them, and the soft bits left over */
  dspCount(a: number, b: number, y: number): { dsp: number; softBits: number; softWidths: [number, number][] };
  /** bits of one block RAM and of one large RAM (the units of PartLimits.ebr and .spram) */
  readonly blockBits: { readonly ebr: number; readonly spram: number };
}

/** How the resource model prices a part. */
export interface PartModel {
  /** multiplies go onto hard multipliers (the DSP mapping rules of the target) */
  readonly hardMultipliers: boolean;
  /** which fitted coefficient family applies */
  readonly coefficientFamily: CoefficientFamily;
}

/** A source of the synthesis script: `.v` and `.sv` files are read, others are data the reads may include. */
export interface ScriptSource {
  name: string;
  /** the file's text, when the script depends on it (cell renames) */
  text?: string;
}

/** The names of a run's files, by role (names inside the run directory). */
export interface FlowFiles {
  script: string;
  pcf: string;
  netlist: string;
  nextpnrReport: string;
  asc: string;
  bin: string;
  yosysLog: string;
  nextpnrLog: string;
  report: string;
}

/** One step of a flow: a tool, its arguments, the files it reads and the files it must write. */
export interface FlowStep {
  tool: ToolName;
  /** what it does, for the progress line `<tool>: <does>` */
  does: string;
  args: string[];
  /** files it reads: the flow's inputs (sources, script, PCF) or earlier steps' outputs */
  inputs: string[];
  /** files it must write (a missing or empty one fails the step) */
  outputs: string[];
  /** where its stdout and stderr go */
  log: string;
  /** add to that log (an earlier step's) under a `--- <tool> ---` line, and only when the tool said something */
  appendLog?: boolean;
}

/** What the steps of a target need to know of a build. */
export interface StepOptions {
  sources: readonly ScriptSource[];
  top: string;
  part: string;
  /** the board's package (nextpnr --package) */
  package: string;
  clockMHz: number;
  seed: number;
}

export interface Target {
  /** lower-case name, e.g. `ice40` */
  readonly name: string;
  /** how the family is written before a part name in messages (`iCE40` -> iCE40UP5K) */
  readonly title: string;
  readonly parts: Readonly<Record<string, TargetPart>>;
  /** How the resource model prices `part`. */
  model(part: TargetPart): PartModel;
  /** How the estimate maps memories and multiplies onto the target's blocks. */
  readonly mapping: TargetMapping;
  /** The fitted coefficients of the resource model that belong to no kind, per toolchain (the kinds' own: their coefficients faces). */
  readonly coefficients: Readonly<Record<'yowasp' | 'native', SharedCoefficients>>;
  /** The synthesis part of the yosys script (comment, reads, the synthesis command, renames), without an output line. */
  synthesisScript(s: { sources: readonly ScriptSource[]; top: string; part: string }): string;
  /** The run's file names. */
  flowFiles(top: string): FlowFiles;
  /** The flow as data: synthesis, then the target's place-and-route and packing steps. */
  flowSteps(opts: StepOptions, files: FlowFiles): FlowStep[];
  /**
   * Place and route a synthesised netlist with its pins left free (a fit
   * check of a bare design, src/fft/fit.ts): the step, reading `files.netlist`
   * and writing `files.report`.
   */
  placeUnpinned(opts: Omit<StepOptions, 'sources' | 'top'>, files: { netlist: string; report: string }): FlowStep;
  /** Once this file exists the design is placed: read what it used. */
  readonly placedMarker: keyof FlowFiles;
  /** The cells a placed build used and its clocks, from the steps' outputs. */
  readCells(files: ReadonlyMap<string, FileContent>, names: FlowFiles, top: string): { cells: FlowCells; clocks: FlowClock[] };
  /** Extra lines for a failed step's error (e.g. resources over capacity). */
  failureNotes(tool: ToolName, run: ToolRun): string[];
}
