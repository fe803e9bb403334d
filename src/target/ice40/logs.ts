/**
 * Reading what the tools left: ERROR lines and over-capacity notes from the
 * logs (one CircaFlowError per failed step, never a WebAssembly stack), cell
 * counts from the yosys JSON netlist, utilisation and clocks from nextpnr's
 * --report JSON.
 */
import { CircaFlowError } from '../../errors.ts';
import type { ToolName, ToolRun } from '../../flow/runners.ts';
import type { FlowCells, FlowClock } from '../../flow/report.ts';

/** The ERROR lines of a log (yosys writes `file:line: ERROR: ...`), deduplicated. */
export function errorLines(log: string): string[] {
  const lines = log.split(/\r?\n/).map((l) => l.trimEnd());
  const errors = [...new Set(lines.filter((l) => /\bERROR:/.test(l)))];
  return errors.slice(0, 10);
}

/** Resources nextpnr printed as over capacity ("ICESTORM_LC: 1401/ 1280 109%"). */
export function overCapacity(log: string): string[] {
  const out: string[] = [];
  for (const m of log.matchAll(/^Info:\s+(\S+):\s+(\d+)\/\s*(\d+)\s+(\d+)%/gm)) {
    if (Number(m[2]) > Number(m[3])) out.push(`${m[1]} ${m[2]}/${m[3]} (${m[4]}%)`);
  }
  return [...new Set(out)];
}

/**
 * The single error a failed step turns into. A nextpnr placement failure
 * under YoWASP surfaces as a WebAssembly "unreachable" abort after the ERROR
 * line was printed (docs/references.md, Tools): the ERROR line from the log is
 * what is reported.
 */
export function toolError(tool: ToolName, run: ToolRun, logPath: string, why: string): CircaFlowError {
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

/**
 * The cells a build used: logic cells, DSP, RAM, I/O and PLL as nextpnr placed
 * them; LUT4, flip-flop and carry counts from the yosys netlist (nextpnr packs
 * those into logic cells).
 */
export function flowCells(netlistJson: string, nextpnrReportJson: string, top: string): { cells: FlowCells; clocks: FlowClock[] } {
  const yosysCells = netlistCellCounts(netlistJson, top);
  const { used, clocks } = readNextpnrReport(nextpnrReportJson);
  let ff = 0;
  for (const [type, n] of yosysCells) if (type.startsWith('SB_DFF')) ff += n;
  const cells: FlowCells = {
    logicCells: used('ICESTORM_LC'),
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
  return { cells, clocks };
}
