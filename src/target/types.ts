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

/** Where the YoWASP runner finds a tool: the npm package and the export that runs it as WebAssembly. */
export interface YowaspCommand {
  /** the package, e.g. `@yowasp/yosys` (resolved from circa's own node_modules) */
  readonly module: string;
  /** its export that runs the tool, e.g. `runYosys` */
  readonly command: string;
  /** load the tool's resources once, quietly, before the run (clang: its driver re-runs itself without the option) */
  readonly preload?: boolean;
}

/**
 * A program a flow step runs, as data for the runners of src/flow/: its name
 * in progress lines and errors, the executable the native runner looks for
 * on PATH, and the package the YoWASP runner loads. Which tools exist is the
 * target's (the iCE40's: src/target/ice40/steps.ts); the runners know none.
 */
export interface FlowTool {
  /** how progress lines, errors and the report's times name it, e.g. `nextpnr-ice40` */
  readonly name: string;
  /** the native runner's executable on PATH */
  readonly binary: string;
  /** the YoWASP runner's package and export */
  readonly yowasp: YowaspCommand;
  /** the Debian/Ubuntu package that installs the executable (the native runner's advice when it is missing) */
  readonly apt?: string;
}

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

/**
 * The names of a run's files, by role (names inside the run directory). The
 * flow writes `script` (the synthesis step's plan gives its text) and `pins`
 * (the board's pin constraints), points the report at `bitstream` and writes
 * `report`; the other roles are the target's, named by its steps.
 */
export interface FlowFiles {
  readonly script: string;
  readonly pins: string;
  readonly bitstream: string;
  readonly report: string;
  readonly [role: string]: string;
}

/** What one step of a build does, as the target plans it for the build's options (TargetStep.plan). */
export interface StepPlan {
  /** what it does, for the progress line `<tool>: <does>` */
  does: string;
  args: string[];
  /** files it reads: the flow's inputs (sources, script, pins) or earlier steps' outputs */
  inputs: string[];
  /** files it must write (a missing or empty one fails the step) */
  outputs: string[];
  /** where its stdout and stderr go */
  log: string;
  /** add to that log (an earlier step's) under a `--- <tool> ---` line, and only when the tool said something */
  appendLog?: boolean;
  /** files the flow writes into the run directory before any step runs (the synthesis script) */
  writes?: Readonly<Record<string, string>>;
  /**
   * The figures of the placed design, read once this step has run, from its
   * outputs and earlier ones: the cells it used and its clocks. The first
   * step that gives them is where the flow checks the part's limits.
   */
  figures?(files: ReadonlyMap<string, FileContent>): { cells: FlowCells; clocks: FlowClock[] };
  /** extra lines for this step's error when it fails, from its log (e.g. resources over capacity) */
  failureNotes?(log: string): string[];
}

/** One step of a target's flow, as data: its own name, the tool it runs, and its plan for a build. */
export interface TargetStep {
  /** the step's own name: its key in the report's `seconds` and `logs` (the iCE40's: yosys, nextpnr, icepack) */
  readonly name: string;
  readonly tool: FlowTool;
  /** its arguments and files, built from the build's part, board and options */
  plan(o: StepOptions, files: FlowFiles): StepPlan;
}

/** One step of a build, planned: what src/flow/ runs. */
export interface FlowStep extends StepPlan {
  name: string;
  tool: FlowTool;
}

/** What the steps of a target need to know of a build. */
export interface StepOptions {
  sources: readonly ScriptSource[];
  top: string;
  part: string;
  /** the board's package (the iCE40's: nextpnr --package) */
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
  /** The flow as data: its steps in order (the iCE40's: yosys -> nextpnr-ice40 -> icepack), each planned per build. */
  readonly steps: readonly TargetStep[];
  /**
   * Place and route a synthesised netlist with its pins left free (a fit
   * check of a bare design, src/fft/fit.ts): the step, reading `files.netlist`
   * and writing `files.report`, its figures read from those two.
   */
  placeUnpinned(opts: Omit<StepOptions, 'sources' | 'top'> & { top: string }, files: { netlist: string; report: string }): FlowStep;
  /** How the flow's report (src/flow/report.ts) names the part's block RAMs and hard multipliers, and what it adds below the timing. */
  readonly report: {
    readonly titles: { readonly ebr: string; readonly spram: string; readonly dsp: string };
    notes?(cells: FlowCells): string[];
  };
  /** The `device` a board with this part must name (the iCE40's: the nextpnr device flag); undefined: any. */
  boardDevice?(part: string): string | undefined;
  /**
   * Gate-level simulation (src/sim/netlist.ts): the yosys script that maps a
   * design onto the target's cells and writes a Verilog netlist (the build's
   * synthesis, another output), the file of that netlist, and the
   * simulation models of the cells (of those `netlist` instantiates, when
   * given). Undefined: the target has none.
   */
  readonly gateLevel?: {
    netlistScript(s: { sources: readonly ScriptSource[]; top: string; part: string }): string;
    readonly netlistFile: string;
    readonly modelsFile: string;
    cellModels(netlist?: string): string;
    /** why a netlist cannot be simulated at gate level (a sentence after the design's name), or undefined */
    refuse?(netlist: string): string | undefined;
  };
}
