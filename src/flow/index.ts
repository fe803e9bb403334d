/**
 * The synthesis flow, as data, for any target (src/target/): the board's
 * part picks the target, and the target gives the steps (the iCE40's:
 * yosys -> nextpnr-ice40 -> icepack, src/target/ice40/steps.ts), the script
 * and how the outputs are read. This folder knows no device.
 *
 * flowSteps() lists the steps: each is a tool with its arguments, the files
 * it reads (the flow's inputs or an earlier step's outputs) and the files it
 * must write. runFlow() runs them in order with a runner (runners.ts): YoWASP
 * (@yowasp/yosys, @yowasp/nextpnr-ice40, which also carries icepack: the
 * default) or the native binaries on PATH (toolchain 'native'). The logs are
 * read by the target and the result is a FlowReport (report.ts).
 *
 * Everything an iCE40 run produces lands in outDir:
 *
 *   <sources>            the Verilog (and ROM/include files) as given
 *   synth.ys             the yosys script
 *   <top>.pcf            the pin constraints
 *   netlist.json         yosys output, nextpnr input
 *   yosys.log            yosys stdout+stderr
 *   nextpnr.log          nextpnr-ice40 stdout+stderr (icepack's output is appended)
 *   nextpnr-report.json  nextpnr's --report (utilisation, Fmax, critical paths)
 *   <top>.asc, <top>.bin the bitstream, text and binary
 *   report.json          our FlowReport
 *
 * Any tool failure (syntax error, design too big, tool abort) becomes one
 * CircaFlowError holding the tool's ERROR line(s) and the log path. A nextpnr
 * placement failure under YoWASP surfaces as a WebAssembly "unreachable"
 * RuntimeError thrown after the ERROR line was printed (docs/references.md,
 * Tools); we catch it and report the ERROR from the captured log instead.
 */
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CircaFlowError, CircaInputError } from '../errors.ts';
import { partOf, type FlowFiles, type FlowStep, type StepOptions, type Target, type TargetPart } from '../target/index.ts';
import { RUNNERS, type FileContent, type Runner, type Toolchain, type ToolName, type ToolRun } from './runners.ts';
import { toolError } from './logs.ts';
import type { FlowCells, FlowReport } from './report.ts';

export { findOnPath, nativeRunner, yowaspRunner, RUNNERS, type Runner, type Toolchain, type ToolName, type ToolRun } from './runners.ts';
export { errorLines, netlistCellCounts } from '../target/yosys.ts';
export { formatReport, type FlowCells, type FlowClock, type FlowReport } from './report.ts';
export type { FlowFiles, FlowStep };

/** What the flow needs of a board: its part (which picks the target), package, clock and name. */
export interface FlowBoard {
  name: string;
  part: string;
  package: string;
  clock: { mhz: number };
}

export interface FlowSource {
  /** Relative file name, e.g. `top.v`, `rom/w0.hex`. `.v`/`.sv` files are read by yosys; others are data. */
  name: string;
  text: string;
}

export interface FlowOptions {
  sources: FlowSource[];
  /** Name of the top-level module. */
  top: string;
  board: FlowBoard;
  /** PCF text, usually from pcfFor(). */
  pcf: string;
  toolchain: Toolchain;
  /** nextpnr placer seed; default 1. */
  seed?: number;
  outDir: string;
  /** Called as each step starts, with a one-line description. */
  onProgress?: (step: string) => void;
  /**
   * While a step runs, onProgress hears again every this many milliseconds
   * ("yosys: still running, 40 s"), so a caller is never left silent for
   * the minutes synthesis or placement can take (default 10,000; 0: only
   * at each step's start).
   */
  progressEveryMs?: number;
  /** Runs the steps' tools; default: the runner of `toolchain` (runners.ts). */
  runner?: Runner;
}

/* ------------------------------------------------------------------------ */
/* Options and the yosys script                                              */
/* ------------------------------------------------------------------------ */

const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const SOURCE_NAME_RE = /^[A-Za-z0-9_.+-]+(\/[A-Za-z0-9_.+-]+)*$/;

function checkOptions(opts: FlowOptions): void {
  if (!IDENT_RE.test(opts.top)) throw new CircaInputError(`top: "${opts.top}" is not a Verilog module name`);
  if (opts.toolchain !== 'yowasp' && opts.toolchain !== 'native') {
    throw new CircaInputError(`toolchain: expected 'yowasp' or 'native', got "${String(opts.toolchain)}"`);
  }
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) {
    throw new CircaInputError(`seed: expected an integer from 0 to 2147483647, got ${seed}`);
  }
  if (!opts.pcf.trim()) throw new CircaInputError('pcf: empty; every top-level port needs a pin');
  const names = new Set<string>();
  for (const s of opts.sources) {
    if (!SOURCE_NAME_RE.test(s.name) || s.name.split('/').some((p) => p === '.' || p === '..')) {
      throw new CircaInputError(`sources: "${s.name}" must be a relative file name of letters, digits, "_", "-", "+", "." and "/"`);
    }
    if (names.has(s.name)) throw new CircaInputError(`sources: "${s.name}" is given twice`);
    names.add(s.name);
  }
  if (!opts.sources.some((s) => /\.s?v$/.test(s.name))) {
    throw new CircaInputError('sources: no Verilog file (.v or .sv) to synthesise');
  }
}

/** The yosys script for a build: the target's synthesis script (shared with gate-level simulation), then the JSON netlist. */
function yosysScript(opts: FlowOptions, target: Target, netlist: string): string {
  return `${target.synthesisScript({ sources: opts.sources, top: opts.top, part: opts.board.part })}write_json ${netlist}\n`;
}

/* ------------------------------------------------------------------------ */
/* The steps                                                                 */
/* ------------------------------------------------------------------------ */

/** The files of a run, by role (names inside outDir), as the target of `part` names them. */
export function flowFiles(top: string, part: string): FlowFiles {
  return partOf(part, 'board.part').target.flowFiles(top);
}

function stepOptions(opts: FlowOptions): StepOptions {
  const { board } = opts;
  return { sources: opts.sources, top: opts.top, part: board.part, package: board.package, clockMHz: board.clock.mhz, seed: opts.seed ?? 1 };
}

/** The flow for `opts`, as data: the steps of the board's target (iCE40: yosys -> nextpnr-ice40 -> icepack). */
export function flowSteps(opts: FlowOptions, f?: FlowFiles): FlowStep[] {
  const { target } = partOf(opts.board.part, 'board.part');
  return target.flowSteps(stepOptions(opts), f ?? target.flowFiles(opts.top));
}

/* ------------------------------------------------------------------------ */
/* Running the steps                                                         */
/* ------------------------------------------------------------------------ */

/**
 * Run one step with `runner` in `dir`, reading its inputs from `files` and
 * adding its outputs there. Throws the step's CircaFlowError when the tool
 * fails or leaves an output missing or empty.
 */
export async function runStep(runner: Runner, step: FlowStep, files: Map<string, FileContent>, dir: string, target?: Target): Promise<ToolRun> {
  const inputs = new Map<string, FileContent>();
  for (const name of step.inputs) {
    const content = files.get(name);
    if (content === undefined) throw new CircaFlowError(`${step.tool}: its input ${name} was not made by an earlier step`);
    inputs.set(name, content);
  }
  const run = await runner.run(step.tool, step.args, inputs, step.outputs, dir);
  const logPath = join(dir, step.log);
  if (!step.appendLog) writeFileSync(logPath, run.log);
  else if (run.log.trim()) appendFileSync(logPath, `\n--- ${step.tool} ---\n${run.log}`);
  const missing = step.outputs.filter((name) => !run.outputs.get(name)?.length);
  if (run.failure || missing.length) {
    throw toolError(step.tool, run, logPath, run.failure ?? `no ${missing.join(' or ')} written`, target?.failureNotes(step.tool, run) ?? []);
  }
  for (const [name, content] of run.outputs) files.set(name, content);
  return run;
}

/**
 * The placer checked its chip database's capacity; check the part's own limits
 * too, which differ for UP3K (placed on the UP5K database, docs/references.md).
 */
function checkPartLimits(cells: FlowCells, part: TargetPart, title: string, logPath: string): void {
  const limits = part.limits;
  const over = (['lut', 'ebr', 'spram', 'dsp'] as const).filter((k) => cells[k] > limits[k]);
  if (over.length) {
    throw new CircaFlowError(
      [
        `design does not fit ${title}:`,
        // `lut` counts logic cells (a LUT4 with its flip-flop and carry), not LUT4s: say so
        ...over.map((k) => `  ERROR: ${k === 'lut' ? 'logic cells' : k} ${cells[k]} used, ${limits[k]} available`),
        ...(part.note ? [`  note: ${part.note}`] : []),
        `  log: ${logPath}`,
      ].join('\n'),
      logPath,
    );
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Synthesise, place and route, and pack a design for a board. */
export async function runFlow(opts: FlowOptions): Promise<FlowReport> {
  checkOptions(opts);
  const runner = opts.runner ?? RUNNERS[opts.toolchain];
  runner.ready();

  const { board, top } = opts;
  const { part, target, title } = partOf(board.part, 'board.part');
  const seed = opts.seed ?? 1;
  const outDir = resolve(opts.outDir);
  const progress = opts.onProgress ?? (() => {});
  const path = (name: string) => join(outDir, name);
  const names = target.flowFiles(top);
  const steps = target.flowSteps(stepOptions(opts), names);

  // Lay out outDir: inputs written, stale outputs of an earlier run removed
  // (so a native tool that fails silently cannot leave us an old result).
  mkdirSync(outDir, { recursive: true });
  for (const name of [...steps.flatMap((s) => [...s.outputs, s.log]), names.report]) rmSync(path(name), { force: true });
  const script = yosysScript(opts, target, names.netlist);
  const files = new Map<string, FileContent>();
  for (const s of opts.sources) files.set(s.name, s.text);
  files.set(names.script, script);
  files.set(names.pcf, opts.pcf);
  for (const [name, content] of files) {
    mkdirSync(dirname(path(name)), { recursive: true });
    writeFileSync(path(name), content);
  }

  const runs = new Map<ToolName, ToolRun>();
  let cells: FlowCells | undefined;
  let clocks: FlowReport['clocks'] = [];
  for (const step of steps) {
    progress(`${step.tool}: ${step.does}`);
    const started = Date.now();
    const every = opts.onProgress ? opts.progressEveryMs ?? 10_000 : 0;
    const beat = every > 0 ? setInterval(() => progress(`${step.tool}: still running, ${Math.round((Date.now() - started) / 1000)} s`), every) : undefined;
    try {
      runs.set(step.tool, await runStep(runner, step, files, outDir, target));
    } finally {
      clearInterval(beat);
    }
    if (files.has(names[target.placedMarker]) && !cells) {
      // placed and routed: read what it used, and stop here if the part cannot hold it
      ({ cells, clocks } = target.readCells(files, names, top));
      checkPartLimits(cells, part, title, path(names.nextpnrLog));
    }
  }
  if (!cells) throw new CircaFlowError(`the flow ended without ${names[target.placedMarker]}`);

  const seconds = (tool: ToolName) => round3(runs.get(tool)?.seconds ?? 0);
  const fmaxMHz = clocks.length ? Math.min(...clocks.map((c) => c.achievedMHz)) : null;
  const report: FlowReport = {
    part: part.name,
    board: board.name,
    toolchain: opts.toolchain,
    seed,
    cells,
    limits: { ...part.limits },
    fmaxMHz: fmaxMHz === null ? null : round3(fmaxMHz),
    targetMHz: board.clock.mhz,
    timingMet: clocks.every((c) => c.achievedMHz >= c.constraintMHz),
    clocks: clocks.map((c) => ({ ...c, achievedMHz: round3(c.achievedMHz) })),
    bitstream: path(names.bin),
    logs: { yosys: path(names.yosysLog), nextpnr: path(names.nextpnrLog) },
    seconds: { yosys: seconds('yosys'), nextpnr: seconds('nextpnr-ice40'), icepack: seconds('icepack') },
  };
  writeFileSync(path(names.report), JSON.stringify(report, null, 2) + '\n');
  return report;
}
