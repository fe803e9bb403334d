/**
 * The synthesis flow: yosys -> nextpnr-ice40 -> icepack.
 *
 * By default the tools run as WebAssembly through YoWASP (@yowasp/yosys,
 * @yowasp/nextpnr-ice40, which also carries icepack) over in-memory file
 * trees; with toolchain 'native' the same steps run the `yosys`,
 * `nextpnr-ice40` and `icepack` binaries found on PATH, in outDir.
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
 * RuntimeError thrown after the ERROR line was printed (FACTS.md, Tool
 * facts); we catch it and report the ERROR from the captured log instead.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { CircaFlowError, CircaInputError } from '../errors.ts';
import type { Board } from './boards.ts';
import { PARTS, type PartLimits, type PartName } from './parts.ts';
import { runYowaspTool, type Tree } from './yowasp.ts';
import { buildScript } from './script.ts';
import { trackChild } from '../cleanup.ts';

export { BOARDS_DIR, BoardSchema, listBoards, loadBoard, parseBoard, pcfFor } from './boards.ts';
export type { Board, BoardLed, BoardPorts } from './boards.ts';
export { PARTS, PART_NAMES, partInfo } from './parts.ts';
export type { PartInfo, PartLimits, PartName } from './parts.ts';

export type Toolchain = 'yowasp' | 'native';

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
}

export interface FlowCells {
  /** Logic cells used (ICESTORM_LC: a LUT4, its DFF and carry share one). */
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

export interface FlowReport {
  part: PartName;
  board: string;
  toolchain: Toolchain;
  seed: number;
  cells: FlowCells;
  /** Limits of the part (for UP3K: the UP3K limits, not nextpnr's UP5K figures). */
  limits: PartLimits;
  /** Achieved Fmax of the slowest clock domain; null when the design has no clocked paths. */
  fmaxMHz: number | null;
  /** The board clock frequency, passed to nextpnr as --freq. */
  targetMHz: number;
  /** Every clock domain reached its constraint (true when there are no clocks). */
  timingMet: boolean;
  /** Every clock domain nextpnr analysed. */
  clocks: FlowClock[];
  /** Path of the .bin bitstream. */
  bitstream: string;
  /** Paths of the tool logs. */
  logs: { yosys: string; nextpnr: string };
  /** Wall time of each step. */
  seconds: { yosys: number; nextpnr: number; icepack: number };
}

/* ------------------------------------------------------------------------ */
/* Running one tool                                                          */
/* ------------------------------------------------------------------------ */

type ToolName = 'yosys' | 'nextpnr-ice40' | 'icepack';

/** What one tool run gave back. */
interface ToolRun {
  /** stdout and stderr, interleaved as they arrived. */
  log: string;
  seconds: number;
  /** Contents of the requested output files that exist after the run. */
  outputs: Map<string, Uint8Array | string>;
  /** Set when the tool did not finish normally. */
  failure?: string;
}

/** A YoWASP in-memory file tree (see lib/api.d.ts of the packages). */

/** Build a nested Tree from `dir/file` names. */
function toTree(files: Map<string, string | Uint8Array>): Tree {
  const root: Tree = {};
  for (const [name, content] of files) {
    const parts = name.split('/');
    let node = root;
    for (const dir of parts.slice(0, -1)) {
      const next = node[dir];
      if (next === undefined || typeof next === 'string' || next instanceof Uint8Array) node[dir] = {};
      node = node[dir] as Tree;
    }
    node[parts[parts.length - 1]] = content;
  }
  return root;
}

/** Look a `dir/file` name up in a Tree. */
function fromTree(tree: Tree | undefined, name: string): string | Uint8Array | undefined {
  let node: Tree | string | Uint8Array | undefined = tree;
  for (const part of name.split('/')) {
    if (node === undefined || typeof node === 'string' || node instanceof Uint8Array) return undefined;
    node = node[part];
  }
  return typeof node === 'string' || node instanceof Uint8Array ? node : undefined;
}

async function runYowasp(tool: ToolName, args: string[], inputs: Map<string, string | Uint8Array>, outputNames: string[]): Promise<ToolRun> {
  const t0 = performance.now();
  const r = await runYowaspTool(tool, args, toTree(inputs));
  const seconds = (performance.now() - t0) / 1000;
  const outputs = new Map<string, Uint8Array | string>();
  for (const name of outputNames) {
    const v = fromTree(r.tree, name);
    if (v !== undefined) outputs.set(name, v);
  }
  return { log: r.log, seconds, outputs, failure: r.failure };
}

/** Full path of an executable on PATH, or undefined. */
export function findOnPath(exe: string): string | undefined {
  const names = process.platform === 'win32' ? [`${exe}.exe`, exe] : [exe];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const p = join(dir, name);
      try {
        accessSync(p, fsConstants.X_OK);
        return p;
      } catch {
        /* not here */
      }
    }
  }
  return undefined;
}

const NATIVE_TOOLS: ToolName[] = ['yosys', 'nextpnr-ice40', 'icepack'];

/** Fail early, before any work, when a native tool is missing. */
function checkNativeTools(): void {
  const missing = NATIVE_TOOLS.filter((t) => findOnPath(t) === undefined);
  if (missing.length) {
    throw new CircaFlowError(
      `toolchain 'native' needs ${missing.join(', ')} on PATH, and ${missing.length === 1 ? 'it is' : 'they are'} not there. ` +
        `Install them (Debian/Ubuntu: apt install yosys nextpnr-ice40 fpga-icestorm) or use the default toolchain 'yowasp'.`,
    );
  }
}

/** Run a native tool in `cwd`; inputs are already on disk there. */
function runNative(tool: ToolName, args: string[], cwd: string, outputNames: string[]): Promise<ToolRun> {
  const exe = findOnPath(tool);
  if (!exe) return Promise.reject(new CircaFlowError(`${tool} is not on PATH`));
  const t0 = performance.now();
  return new Promise((resolvePromise) => {
    let log = '';
    // its own process group: an interrupt kills it and whatever it started (src/cleanup.ts)
    const child = spawn(exe, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    trackChild(child);
    child.stdout.setEncoding('utf8').on('data', (s: string) => (log += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (log += s));
    const finish = (failure?: string) => {
      const outputs = new Map<string, Uint8Array | string>();
      if (!failure) {
        for (const name of outputNames) {
          try {
            outputs.set(name, new Uint8Array(readFileSync(join(cwd, name))));
          } catch {
            /* missing output: reported by the caller */
          }
        }
      }
      resolvePromise({ log, seconds: (performance.now() - t0) / 1000, outputs, failure });
    };
    child.on('error', (e) => finish(`could not start ${exe}: ${e.message}`));
    child.on('close', (code, signal) => {
      if (signal) finish(`killed by ${signal}`);
      else if (code !== 0) finish(`exit status ${code}`);
      else finish();
    });
  });
}

/* ------------------------------------------------------------------------ */
/* Reading tool results                                                      */
/* ------------------------------------------------------------------------ */

/** The ERROR lines of a log (yosys writes `file:line: ERROR: ...`), deduplicated. */
export function errorLines(log: string): string[] {
  const lines = log.split(/\r?\n/).map((l) => l.trimEnd());
  const errors = [...new Set(lines.filter((l) => /\bERROR:/.test(l)))];
  return errors.slice(0, 10);
}

/** Resources nextpnr printed as over capacity ("ICESTORM_LC: 1401/ 1280 109%"). */
function overCapacity(log: string): string[] {
  const out: string[] = [];
  for (const m of log.matchAll(/^Info:\s+(\S+):\s+(\d+)\/\s*(\d+)\s+(\d+)%/gm)) {
    if (Number(m[2]) > Number(m[3])) out.push(`${m[1]} ${m[2]}/${m[3]} (${m[4]}%)`);
  }
  return [...new Set(out)];
}

/** Build the single error a failed step turns into. */
function toolError(tool: ToolName, run: ToolRun, logPath: string, why: string): CircaFlowError {
  const errs = errorLines(run.log);
  const detail = errs.length
    ? errs
    : // No ERROR line: show the end of the log so the user sees something useful.
      run.log.split(/\r?\n/).filter((l) => l.trim()).slice(-8);
  const over = tool === 'nextpnr-ice40' ? overCapacity(run.log) : [];
  const lines = [
    `${tool} failed (${why}):`,
    ...detail.map((l) => `  ${l}`),
    ...(over.length ? [`  over capacity: ${over.join(', ')}`] : []),
    `  log: ${logPath}`,
  ];
  return new CircaFlowError(lines.join('\n'), logPath);
}

/** Count cells by type in the top module of a yosys JSON netlist. */
export function netlistCellCounts(netlistJson: string, top: string): Map<string, number> {
  const netlist = JSON.parse(netlistJson) as {
    modules?: Record<string, { attributes?: Record<string, string>; cells?: Record<string, { type: string }> }>;
  };
  const modules = netlist.modules ?? {};
  // synth_ice40 flattens, so the top module holds every cell; prefer the `top` attribute, fall back to the name.
  const mod =
    Object.values(modules).find((m) => m.attributes?.top !== undefined && /^0*1$/.test(m.attributes.top)) ?? modules[top];
  const counts = new Map<string, number>();
  for (const cell of Object.values(mod?.cells ?? {})) counts.set(cell.type, (counts.get(cell.type) ?? 0) + 1);
  return counts;
}

/** The parts of nextpnr's --report JSON we read. */
interface NextpnrReport {
  utilization?: Record<string, { used: number; available: number }>;
  fmax?: Record<string, { achieved: number; constraint: number }>;
}

/** Utilisation and clocks from nextpnr's --report JSON. */
export function readNextpnrReport(json: string): {
  used: (key: string) => number;
  clocks: FlowClock[];
} {
  const r = JSON.parse(json) as NextpnrReport;
  const util = r.utilization ?? {};
  const clocks = Object.entries(r.fmax ?? {})
    .map(([net, f]) => ({ net, achievedMHz: f.achieved, constraintMHz: f.constraint }))
    .sort((a, b) => a.net.localeCompare(b.net));
  return { used: (key) => util[key]?.used ?? 0, clocks };
}

/* ------------------------------------------------------------------------ */
/* The flow                                                                  */
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

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Synthesise, place and route, and pack a design for a board. */
export async function runFlow(opts: FlowOptions): Promise<FlowReport> {
  checkOptions(opts);
  if (opts.toolchain === 'native') checkNativeTools();

  const { board, top } = opts;
  const part = PARTS[board.part];
  const seed = opts.seed ?? 1;
  const outDir = resolve(opts.outDir);
  const progress = opts.onProgress ?? (() => {});
  const path = (name: string) => join(outDir, name);

  const names = {
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

  // Lay out outDir: inputs written, stale outputs of an earlier run removed
  // (so a native tool that fails silently cannot leave us an old result).
  mkdirSync(outDir, { recursive: true });
  for (const name of [names.netlist, names.nextpnrReport, names.asc, names.bin, names.yosysLog, names.nextpnrLog, names.report]) {
    rmSync(path(name), { force: true });
  }
  const script = yosysScript(opts);
  const inputs = new Map<string, string | Uint8Array>();
  for (const s of opts.sources) inputs.set(s.name, s.text);
  inputs.set(names.script, script);
  for (const [name, content] of inputs) {
    mkdirSync(dirname(path(name)), { recursive: true });
    writeFileSync(path(name), content);
  }
  writeFileSync(path(names.pcf), opts.pcf);

  const run = (tool: ToolName, args: string[], toolInputs: Map<string, string | Uint8Array>, outputs: string[]) =>
    opts.toolchain === 'native' ? runNative(tool, args, outDir, outputs) : runYowasp(tool, args, toolInputs, outputs);

  // 1. yosys -----------------------------------------------------------------
  progress(`yosys: synthesising ${top} for iCE40${part.name}`);
  const ys = await run('yosys', ['-s', names.script], inputs, [names.netlist]);
  writeFileSync(path(names.yosysLog), ys.log);
  const netlist = ys.outputs.get(names.netlist);
  if (ys.failure || netlist === undefined) {
    throw toolError('yosys', ys, path(names.yosysLog), ys.failure ?? `no ${names.netlist} written`);
  }
  const netlistText = typeof netlist === 'string' ? netlist : new TextDecoder().decode(netlist);
  if (opts.toolchain === 'yowasp') writeFileSync(path(names.netlist), netlistText);
  const yosysCells = netlistCellCounts(netlistText, top);

  // 2. nextpnr-ice40 ---------------------------------------------------------
  progress(`nextpnr-ice40: placing and routing on ${part.nextpnrDevice} ${board.package} at ${board.clock.mhz} MHz, seed ${seed}`);
  const pnrArgs = [
    `--${part.nextpnrDevice}`,
    '--package', board.package,
    '--json', names.netlist,
    '--pcf', names.pcf,
    '--freq', String(board.clock.mhz),
    '--seed', String(seed),
    // Missing the target is reported as FAIL in the FlowReport, not thrown.
    '--timing-allow-fail',
    '--report', names.nextpnrReport,
    '--asc', names.asc,
  ];
  const pnr = await run(
    'nextpnr-ice40',
    pnrArgs,
    new Map<string, string | Uint8Array>([[names.netlist, netlistText], [names.pcf, opts.pcf]]),
    [names.nextpnrReport, names.asc],
  );
  writeFileSync(path(names.nextpnrLog), pnr.log);
  const pnrReport = pnr.outputs.get(names.nextpnrReport);
  const asc = pnr.outputs.get(names.asc);
  if (pnr.failure || pnrReport === undefined || asc === undefined) {
    throw toolError('nextpnr-ice40', pnr, path(names.nextpnrLog), pnr.failure ?? `no ${names.asc} or ${names.nextpnrReport} written`);
  }
  if (opts.toolchain === 'yowasp') {
    writeFileSync(path(names.nextpnrReport), pnrReport);
    writeFileSync(path(names.asc), asc);
  }
  const reportText = typeof pnrReport === 'string' ? pnrReport : new TextDecoder().decode(pnrReport);
  const { used, clocks } = readNextpnrReport(reportText);

  let ff = 0;
  for (const [type, n] of yosysCells) if (type.startsWith('SB_DFF')) ff += n;
  const cells: FlowCells = {
    lut: used('ICESTORM_LC'),
    lut4: yosysCells.get('SB_LUT4') ?? 0,
    ff,
    carry: yosysCells.get('SB_CARRY') ?? 0,
    dsp: used('ICESTORM_DSP'),
    ebr: used('ICESTORM_RAM'),
    spram: used('ICESTORM_SPRAM'),
    io: used('SB_IO'),
    pll: used('ICESTORM_PLL'),
  };

  // nextpnr checked the chip database's capacity; check the part's own limits
  // too, which differ for UP3K (placed on the UP5K database, FACTS.md).
  const limits = part.limits;
  const over = (['lut', 'ebr', 'spram', 'dsp'] as const).filter((k) => cells[k] > limits[k]);
  if (over.length) {
    throw new CircaFlowError(
      [
        `design does not fit iCE40${part.name}:`,
        ...over.map((k) => `  ERROR: ${k} ${cells[k]} used, ${limits[k]} available`),
        ...(part.note ? [`  note: ${part.note}`] : []),
        `  log: ${path(names.nextpnrLog)}`,
      ].join('\n'),
      path(names.nextpnrLog),
    );
  }

  // 3. icepack ---------------------------------------------------------------
  progress(`icepack: packing ${names.bin}`);
  const pack = await run('icepack', [names.asc, names.bin], new Map([[names.asc, asc]]), [names.bin]);
  // icepack says little; keep whatever it said at the end of the nextpnr log.
  if (pack.log.trim()) writeFileSync(path(names.nextpnrLog), `${pnr.log}\n--- icepack ---\n${pack.log}`);
  const bin = pack.outputs.get(names.bin);
  if (pack.failure || bin === undefined || bin.length === 0) {
    throw toolError('icepack', pack, path(names.nextpnrLog), pack.failure ?? `no ${names.bin} written`);
  }
  if (opts.toolchain === 'yowasp') writeFileSync(path(names.bin), bin);

  const fmaxMHz = clocks.length ? Math.min(...clocks.map((c) => c.achievedMHz)) : null;
  const report: FlowReport = {
    part: part.name,
    board: board.name,
    toolchain: opts.toolchain,
    seed,
    cells,
    limits: { ...limits },
    fmaxMHz: fmaxMHz === null ? null : round3(fmaxMHz),
    targetMHz: board.clock.mhz,
    timingMet: clocks.every((c) => c.achievedMHz >= c.constraintMHz),
    clocks: clocks.map((c) => ({ ...c, achievedMHz: round3(c.achievedMHz) })),
    bitstream: path(names.bin),
    logs: { yosys: path(names.yosysLog), nextpnr: path(names.nextpnrLog) },
    seconds: { yosys: round3(ys.seconds), nextpnr: round3(pnr.seconds), icepack: round3(pack.seconds) },
  };
  writeFileSync(path(names.report), JSON.stringify(report, null, 2) + '\n');
  return report;
}

/* ------------------------------------------------------------------------ */
/* Human-readable report                                                     */
/* ------------------------------------------------------------------------ */

function pct(used: number, available: number): string {
  if (available === 0) return used === 0 ? '-' : 'over';
  return `${((100 * used) / available).toFixed(1)}%`;
}

/** A table of used / available / % per resource, Fmax against target, PASS/FAIL. */
export function formatReport(r: FlowReport): string {
  const rows: [string, number, number | null][] = [
    ['logic cells', r.cells.lut, r.limits.lut],
    ['  LUT4', r.cells.lut4, r.limits.lut],
    ['  flip-flops', r.cells.ff, r.limits.lut],
    ['  carry', r.cells.carry, r.limits.lut],
    ['EBR (4 kbit)', r.cells.ebr, r.limits.ebr],
    ['SPRAM (256 kbit)', r.cells.spram, r.limits.spram],
    ['DSP (SB_MAC16)', r.cells.dsp, r.limits.dsp],
    ['I/O', r.cells.io, null],
    ['PLL', r.cells.pll, null],
  ];
  const out: string[] = [
    `${r.board} (iCE40${r.part}), toolchain ${r.toolchain}, seed ${r.seed}`,
    '',
    `${'resource'.padEnd(20)}${'used'.padStart(8)}${'available'.padStart(11)}${'use'.padStart(8)}`,
  ];
  for (const [name, used, avail] of rows) {
    out.push(
      `${name.padEnd(20)}${String(used).padStart(8)}${(avail === null ? '' : String(avail)).padStart(11)}` +
        `${(avail === null ? '' : pct(used, avail)).padStart(8)}`,
    );
  }
  out.push('');
  const verdict = r.timingMet ? 'PASS' : 'FAIL';
  if (r.fmaxMHz === null) {
    out.push(`timing: no clocked paths (target ${r.targetMHz} MHz): ${verdict}`);
  } else {
    out.push(`timing: Fmax ${r.fmaxMHz.toFixed(2)} MHz vs target ${r.targetMHz} MHz: ${verdict}`);
    if (r.clocks.length > 1) {
      for (const c of r.clocks) {
        const ok = c.achievedMHz >= c.constraintMHz ? 'PASS' : 'FAIL';
        out.push(`  ${c.net}: ${c.achievedMHz.toFixed(2)} MHz vs ${c.constraintMHz.toFixed(2)} MHz: ${ok}`);
      }
    }
  }
  if (r.cells.dsp > 0 || r.cells.spram > 0) {
    // FACTS.md: nextpnr does not model the inside of SB_MAC16 or SPRAM.
    out.push('  note: nextpnr does not model the inside of SB_MAC16/SPRAM, so Fmax on those paths is optimistic');
  }
  out.push(
    `time: yosys ${r.seconds.yosys.toFixed(1)} s, nextpnr-ice40 ${r.seconds.nextpnr.toFixed(1)} s, icepack ${r.seconds.icepack.toFixed(1)} s`,
  );
  out.push(`bitstream: ${r.bitstream}`);
  return out.join('\n');
}
