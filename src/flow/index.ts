/**
 * The synthesis flow: yosys -> nextpnr-ice40 -> icepack, as data.
 *
 * flowSteps() lists the steps: each is a tool with its arguments, the files
 * it reads (the flow's inputs or an earlier step's outputs) and the files it
 * must write. runFlow() runs them in order with a runner (runners.ts): YoWASP
 * (@yowasp/yosys, @yowasp/nextpnr-ice40, which also carries icepack: the
 * default) or the native binaries on PATH (toolchain 'native'). The logs are
 * read by logs.ts and the result is a FlowReport (report.ts).
 *
 * Everything a run produces lands in outDir:
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
import type { Board } from '../target/ice40/boards.ts';
import { PARTS, type PartInfo } from '../target/ice40/parts.ts';
import { RUNNERS, type FileContent, type Runner, type Toolchain, type ToolName, type ToolRun } from './runners.ts';
import { flowCells, toolError } from '../target/ice40/logs.ts';
import type { FlowCells, FlowReport } from './report.ts';
import { buildScript } from '../target/ice40/script.ts';

export { BOARDS_DIR, BoardSchema, listBoards, loadBoard, parseBoard, pcfFor } from '../target/ice40/boards.ts';
export type { Board, BoardLed, BoardPorts } from '../target/ice40/boards.ts';
export { PARTS, PART_NAMES, partInfo } from '../target/ice40/parts.ts';
export type { PartInfo, PartLimits, PartName } from '../target/ice40/parts.ts';
export { findOnPath, nativeRunner, yowaspRunner, RUNNERS, type Runner, type Toolchain, type ToolName, type ToolRun } from './runners.ts';
export { errorLines, netlistCellCounts, readNextpnrReport } from '../target/ice40/logs.ts';
export { formatReport, type FlowCells, type FlowClock, type FlowReport } from './report.ts';

export interface FlowSource {
  /** Relative file name, e.g. `top.v`, `rom/w0.hex`. `.v`/`.sv` files are read by yosys; others are data. */
  name: string;
  text: string;
}

export interface FlowOptions {
  sources: FlowSource[];
  /** Name of the top-level module. */
  top: string;
  board: Board;
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

/** The yosys script for a build (src/flow/script.ts: the one synthesis script, shared with gate-level simulation). */
function yosysScript(opts: FlowOptions): string {
  return buildScript({ sources: opts.sources, top: opts.top, part: opts.board.part });
}

/* ------------------------------------------------------------------------ */
/* The steps                                                                 */
/* ------------------------------------------------------------------------ */

/** The files of a run, by role (names inside outDir). */
export function flowFiles(top: string) {
  return {
    script: 'synth.ys',
    pcf: `${top}.pcf`,
    netlist: 'netlist.json',
    nextpnrReport: 'nextpnr-report.json',
    asc: `${top}.asc`,
    bin: `${top}.bin`,
    yosysLog: 'yosys.log',
    nextpnrLog: 'nextpnr.log',
    report: 'report.json',
  };
}
export type FlowFiles = ReturnType<typeof flowFiles>;

/** One step of the flow: a tool, its arguments, the files it reads and the files it must write. */
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

/** The flow for `opts`, as data: yosys -> nextpnr-ice40 -> icepack. */
export function flowSteps(opts: FlowOptions, f: FlowFiles = flowFiles(opts.top)): FlowStep[] {
  const { board, top } = opts;
  const part = PARTS[board.part];
  const seed = opts.seed ?? 1;
  return [
    {
      tool: 'yosys',
      does: `synthesising ${top} for iCE40${part.name}`,
      args: ['-s', f.script],
      inputs: [...opts.sources.map((s) => s.name), f.script],
      outputs: [f.netlist],
      log: f.yosysLog,
    },
    {
      tool: 'nextpnr-ice40',
      does: `placing and routing on ${part.nextpnrDevice} ${board.package} at ${board.clock.mhz} MHz, seed ${seed}`,
      args: [
        `--${part.nextpnrDevice}`,
        '--package', board.package,
        '--json', f.netlist,
        '--pcf', f.pcf,
        '--freq', String(board.clock.mhz),
        '--seed', String(seed),
        // Missing the target is reported as FAIL in the FlowReport, not thrown.
        '--timing-allow-fail',
        '--report', f.nextpnrReport,
        '--asc', f.asc,
      ],
      inputs: [f.netlist, f.pcf],
      outputs: [f.nextpnrReport, f.asc],
      log: f.nextpnrLog,
    },
    {
      tool: 'icepack',
      does: `packing ${f.bin}`,
      args: [f.asc, f.bin],
      inputs: [f.asc],
      outputs: [f.bin],
      // icepack says little; whatever it says goes at the end of the nextpnr log
      log: f.nextpnrLog,
      appendLog: true,
    },
  ];
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
    throw toolError(step.tool, run, logPath, run.failure ?? `no ${missing.join(' or ')} written`);
  }
  for (const [name, content] of run.outputs) files.set(name, content);
  return run;
}

const text = (c: FileContent | undefined): string => (c === undefined ? '' : typeof c === 'string' ? c : new TextDecoder().decode(c));

/**
 * nextpnr checked the chip database's capacity; check the part's own limits
 * too, which differ for UP3K (placed on the UP5K database, docs/references.md).
 */
function checkPartLimits(cells: FlowCells, part: PartInfo, logPath: string): void {
  const limits = part.limits;
  const over = (['lut', 'ebr', 'spram', 'dsp'] as const).filter((k) => cells[k] > limits[k]);
  if (over.length) {
    throw new CircaFlowError(
      [
        `design does not fit iCE40${part.name}:`,
        ...over.map((k) => `  ERROR: ${k} ${cells[k]} used, ${limits[k]} available`),
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
  const part = PARTS[board.part];
  const seed = opts.seed ?? 1;
  const outDir = resolve(opts.outDir);
  const progress = opts.onProgress ?? (() => {});
  const path = (name: string) => join(outDir, name);
  const names = flowFiles(top);
  const steps = flowSteps(opts, names);

  // Lay out outDir: inputs written, stale outputs of an earlier run removed
  // (so a native tool that fails silently cannot leave us an old result).
  mkdirSync(outDir, { recursive: true });
  for (const name of [...steps.flatMap((s) => [...s.outputs, s.log]), names.report]) rmSync(path(name), { force: true });
  const script = yosysScript(opts);
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
      runs.set(step.tool, await runStep(runner, step, files, outDir));
    } finally {
      clearInterval(beat);
    }
    if (files.has(names.nextpnrReport) && !cells) {
      // placed and routed: read what it used, and stop here if the part cannot hold it
      ({ cells, clocks } = flowCells(text(files.get(names.netlist)), text(files.get(names.nextpnrReport)), top));
      checkPartLimits(cells, part, path(names.nextpnrLog));
    }
  }
  if (!cells) throw new CircaFlowError(`the flow ended without ${names.nextpnrReport}`);

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
