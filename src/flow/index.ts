/**
 * The synthesis flow, as data, for any target (src/target/): the board's
 * part picks the target, and the target gives the steps (TargetStep: a name,
 * the tool, and per build its arguments, the files it reads and must write,
 * the script it brings and how its outputs give the figures). This folder
 * knows no device and no tool: it runs whatever steps the target gives.
 *
 * flowSteps() plans the steps for a build. runFlow() runs them in order with
 * a runner (runners.ts): YoWASP (the npm package each tool names: the
 * default) or the native executables on PATH (toolchain 'native'). The step
 * that gives the figures is where the part's limits are checked; the result
 * is a FlowReport (report.ts) with each step's seconds under its own name.
 *
 * Everything a run produces lands in outDir: the sources as given, the files
 * the flow writes (the script, the pins), each step's outputs and log, and
 * report.json; the target's flowFiles() names them (the built-in target's
 * list is in its steps file).
 *
 * Any tool failure (syntax error, design too big, tool abort) becomes one
 * CircaFlowError holding the tool's ERROR line(s) and the log path. A tool
 * that aborts under YoWASP surfaces as a WebAssembly "unreachable"
 * RuntimeError thrown after the ERROR line was printed (docs/references.md,
 * Tools); we catch it and report the ERROR from the captured log instead.
 */
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CircaFlowError, CircaInputError } from '../errors.ts';
import { partOf, type FlowFiles, type FlowStep, type StepOptions, type Target, type TargetPart } from '../target/index.ts';
import { RUNNERS, type FileContent, type Runner, type Toolchain, type ToolRun } from './runners.ts';
import { toolError } from './logs.ts';
import type { FlowCells, FlowReport } from './report.ts';

export { findOnPath, nativeRunner, yowaspRunner, RUNNERS, type FlowTool, type Runner, type Toolchain, type ToolRun } from './runners.ts';
export { errorLines, netlistCellCounts } from '../target/index.ts';
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
  /** The pin constraints (the target's pin file, written as FlowFiles.pins), usually from pcfFor(). */
  pcf: string;
  toolchain: Toolchain;
  /** The placer's seed; default 1. */
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
/* Options                                                                   */
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

/** The steps of `target` planned for a build. */
function planSteps(target: Target, o: StepOptions, f: FlowFiles): FlowStep[] {
  return target.steps.map((s) => ({ name: s.name, tool: s.tool, ...s.plan(o, f) }));
}

/** The flow for `opts`, as data: the steps of the board's target planned for this build (the built-in target's: synthesis, place and route, packing). */
export function flowSteps(opts: FlowOptions, f?: FlowFiles): FlowStep[] {
  const { target } = partOf(opts.board.part, 'board.part');
  return planSteps(target, stepOptions(opts), f ?? target.flowFiles(opts.top));
}

/* ------------------------------------------------------------------------ */
/* Running the steps                                                         */
/* ------------------------------------------------------------------------ */

/**
 * Run one step with `runner` in `dir`, reading its inputs from `files` and
 * adding its outputs there. Throws the step's CircaFlowError when the tool
 * fails or leaves an output missing or empty.
 */
export async function runStep(runner: Runner, step: FlowStep, files: Map<string, FileContent>, dir: string): Promise<ToolRun> {
  const tool = step.tool.name;
  const inputs = new Map<string, FileContent>();
  for (const name of step.inputs) {
    const content = files.get(name);
    if (content === undefined) throw new CircaFlowError(`${tool}: its input ${name} was not made by an earlier step`);
    inputs.set(name, content);
  }
  const run = await runner.run(step.tool, step.args, inputs, step.outputs, dir);
  const logPath = join(dir, step.log);
  if (!step.appendLog) writeFileSync(logPath, run.log);
  else if (run.log.trim()) appendFileSync(logPath, `\n--- ${tool} ---\n${run.log}`);
  const missing = step.outputs.filter((name) => !run.outputs.get(name)?.length);
  if (run.failure || missing.length) {
    throw toolError(tool, run, logPath, run.failure ?? `no ${missing.join(' or ')} written`, step.failureNotes?.(run.log) ?? []);
  }
  for (const [name, content] of run.outputs) files.set(name, content);
  return run;
}

/**
 * A placer checks its chip database's capacity; check the part's own limits
 * too, which can differ (a part placed on a larger part's database: the
 * part's `note` says so, and docs/references.md).
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

/** Where each step's log is, by the name of the step that starts it (a step that adds to an earlier log has none of its own). */
function logPaths(steps: readonly FlowStep[], path: (name: string) => string): Record<string, string> {
  const logs: Record<string, string> = {};
  for (const s of steps) if (!s.appendLog && !Object.values(logs).includes(path(s.log))) logs[s.name] = path(s.log);
  return logs;
}

/** Write the flow's inputs into outDir (the sources, the steps' own files such as the script, the pins), stale outputs removed. */
function layOut(opts: FlowOptions, steps: readonly FlowStep[], names: FlowFiles, outDir: string): Map<string, FileContent> {
  const path = (name: string) => join(outDir, name);
  // stale outputs of an earlier run removed, so a native tool that fails silently cannot leave us an old result
  mkdirSync(outDir, { recursive: true });
  for (const name of [...steps.flatMap((s) => [...s.outputs, s.log]), names.report]) rmSync(path(name), { force: true });
  const files = new Map<string, FileContent>();
  for (const s of opts.sources) files.set(s.name, s.text);
  for (const s of steps) for (const [name, text] of Object.entries(s.writes ?? {})) files.set(name, text);
  files.set(names.pins, opts.pcf);
  for (const [name, content] of files) {
    mkdirSync(dirname(path(name)), { recursive: true });
    writeFileSync(path(name), content);
  }
  return files;
}

/** Synthesise, place and route, and pack a design for a board: the steps of the target its part picks. */
export async function runFlow(opts: FlowOptions): Promise<FlowReport> {
  checkOptions(opts);
  const { board, top } = opts;
  const { part, target, title } = partOf(board.part, 'board.part');
  const names = target.flowFiles(top);
  const steps = planSteps(target, stepOptions(opts), names);
  const runner = opts.runner ?? RUNNERS[opts.toolchain];
  runner.ready(steps.map((s) => s.tool));

  const seed = opts.seed ?? 1;
  const outDir = resolve(opts.outDir);
  const progress = opts.onProgress ?? (() => {});
  const path = (name: string) => join(outDir, name);
  const files = layOut(opts, steps, names, outDir);

  const seconds: Record<string, number> = {};
  let cells: FlowCells | undefined;
  let clocks: FlowReport['clocks'] = [];
  for (const step of steps) {
    const tool = step.tool.name;
    progress(`${tool}: ${step.does}`);
    const started = Date.now();
    const every = opts.onProgress ? opts.progressEveryMs ?? 10_000 : 0;
    const beat = every > 0 ? setInterval(() => progress(`${tool}: still running, ${Math.round((Date.now() - started) / 1000)} s`), every) : undefined;
    try {
      const run = await runStep(runner, step, files, outDir);
      seconds[step.name] = round3((seconds[step.name] ?? 0) + run.seconds);
    } finally {
      clearInterval(beat);
    }
    if (step.figures && !cells) {
      // placed and routed: read what it used, and stop here if the part cannot hold it
      ({ cells, clocks } = step.figures(files));
      checkPartLimits(cells, part, title, path(step.log));
    }
  }
  if (!cells) throw new CircaFlowError(`the flow of ${target.name} ended without a step that reads the placed design's figures`);

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
    bitstream: path(names.bitstream),
    logs: logPaths(steps, path),
    seconds,
  };
  writeFileSync(path(names.report), JSON.stringify(report, null, 2) + '\n');
  return report;
}
