/**
 * The flow's report: what a build used (cells against the part's limits),
 * the clocks the placer analysed, where the bitstream and logs are and how
 * long each step took (FlowReport, written as report.json), and its table
 * for people (formatReport), in the words of the part's target.
 */
import { findPart, partTitle, type FlowCells, type FlowClock, type PartLimits } from '../target/index.ts';
import type { Toolchain } from './runners.ts';

export type { FlowCells, FlowClock };


export interface FlowReport {
  part: string;
  board: string;
  toolchain: Toolchain;
  seed: number;
  cells: FlowCells;
  /** Limits of the part (the part's own, where the placer's chip database is a larger part's). */
  limits: PartLimits;
  /** Achieved Fmax of the slowest clock domain; null when the design has no clocked paths. */
  fmaxMHz: number | null;
  /** The board clock frequency, the placer's timing target. */
  targetMHz: number;
  /** Every clock domain reached its constraint (true when there are no clocks). */
  timingMet: boolean;
  /** Every clock domain the placer analysed. */
  clocks: FlowClock[];
  /** Path of the bitstream. */
  bitstream: string;
  /** Paths of the tool logs, by the name of the step that starts each (a step that adds to an earlier log has none). */
  logs: Record<string, string>;
  /** Wall time of each step, in seconds, by the step's own name, in the order they ran. */
  seconds: Record<string, number>;
}

function pct(used: number, available: number): string {
  if (available === 0) return used === 0 ? '-' : 'over';
  return `${((100 * used) / available).toFixed(1)}%`;
}

/** A table of used / available / % per resource, Fmax against target, PASS/FAIL. */
export function formatReport(r: FlowReport): string {
  const target = findPart(r.part)?.target;
  const titles = target?.report.titles ?? { ebr: 'EBR', spram: 'SPRAM', dsp: 'DSP' };
  const rows: [string, number, number | null][] = [
    ['logic cells', r.cells.logicCells, r.limits.lut],
    ['  LUT4', r.cells.lut4, r.limits.lut],
    ['  flip-flops', r.cells.ff, r.limits.lut],
    ['  carry', r.cells.carry, r.limits.lut],
    [titles.ebr, r.cells.ebr, r.limits.ebr],
    [titles.spram, r.cells.spram, r.limits.spram],
    [titles.dsp, r.cells.dsp, r.limits.dsp],
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
  out.push(...(target?.report.notes?.(r.cells) ?? []));
  // each step's time under the name of the tool it ran (the report keeps them by step name)
  const toolOf = (step: string) => target?.steps.find((s) => s.name === step)?.tool.name ?? step;
  out.push(`time: ${Object.entries(r.seconds).map(([step, s]) => `${toolOf(step)} ${s.toFixed(1)} s`).join(', ')}`);
  out.push(`bitstream: ${r.bitstream}`);
  return out.join('\n');
}
