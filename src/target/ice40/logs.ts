/**
 * Reading what the iCE40 tools left: over-capacity notes from nextpnr's log,
 * cell counts from the yosys JSON netlist (SB_* cells), utilisation and
 * clocks from nextpnr's --report JSON (ICESTORM_* resources).
 */
import type { FlowCells, FlowClock } from '../types.ts';
import { netlistCellCounts } from '../yosys.ts';

/** Resources nextpnr printed as over capacity ("ICESTORM_LC: 1401/ 1280 109%"). */
export function overCapacity(log: string): string[] {
  const out: string[] = [];
  for (const m of log.matchAll(/^Info:\s+(\S+):\s+(\d+)\/\s*(\d+)\s+(\d+)%/gm)) {
    if (Number(m[2]) > Number(m[3])) out.push(`${m[1]} ${m[2]}/${m[3]} (${m[4]}%)`);
  }
  return [...new Set(out)];
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
