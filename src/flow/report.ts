/**
 * The flow's report: what a build used (cells against the part's limits),
 * the clocks nextpnr analysed, where the bitstream and logs are and how long
 * each step took (FlowReport, written as report.json), and its table for
 * people (formatReport).
 */
import { partTitle, type FlowCells, type FlowClock, type PartLimits } from '../target/index.ts';
import type { Toolchain } from './runners.ts';

export type { FlowCells, FlowClock };


export interface FlowReport {
  part: string;
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

function pct(used: number, available: number): string {
  if (available === 0) return used === 0 ? '-' : 'over';
  return `${((100 * used) / available).toFixed(1)}%`;
}

/** A table of used / available / % per resource, Fmax against target, PASS/FAIL. */
export function formatReport(r: FlowReport): string {
  const rows: [string, number, number | null][] = [
    ['logic cells', r.cells.logicCells, r.limits.lut],
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
    `${r.board} (${partTitle(r.part)}), toolchain ${r.toolchain}, seed ${r.seed}`,
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
    // docs/references.md: nextpnr does not model the inside of SB_MAC16 or SPRAM.
    out.push('  note: nextpnr does not model the inside of SB_MAC16/SPRAM, so Fmax on those paths is optimistic');
  }
  out.push(
    `time: yosys ${r.seconds.yosys.toFixed(1)} s, nextpnr-ice40 ${r.seconds.nextpnr.toFixed(1)} s, icepack ${r.seconds.icepack.toFixed(1)} s`,
  );
  out.push(`bitstream: ${r.bitstream}`);
  return out.join('\n');
}
