/**
 * The steps `circa generate` and `circa build` (src/cli/main.ts) and the
 * library's generate() and build() (src/index.ts) share (issue 27): the
 * files a generate writes; run the flow on a board design in a scratch
 * folder, join the flow's measured figures with the design's predicted
 * cycles into one report (report.json), and keep the finished build in the
 * output folder.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { track } from '../cleanup.ts';
import { runFlow, type FlowReport, type Runner, type Toolchain } from '../flow/index.ts';
import { writeFolder, type Written } from '../output.ts';
import type { Board } from '../target/index.ts';
import type { LayerRtl } from '../layers/types.ts';
import { withFileList, type SourceFile } from '../verilog/index.ts';
import { boardDesign, type BoardDesign } from './board.ts';

/** What a generate writes: the design's sources (the board top's with a board, and its PCF) and the file list. */
export function generatedFiles(rtl: LayerRtl, board?: Board, clockMHz?: number): { files: SourceFile[]; top: string; board?: BoardDesign } {
  const bd = board ? boardDesign(rtl, board, clockMHz) : undefined;
  const files = [...withFileList(bd ? bd.sources : rtl.sources), ...(bd && board ? [{ name: `${board.name}.pcf`, text: bd.pcf }] : [])];
  return { files, top: bd ? bd.top : rtl.top, ...(bd ? { board: bd } : {}) };
}

/** One build in a scratch folder: the board top at one clock and the flow's report. */
export interface ScratchBuild { design: BoardDesign; report: FlowReport; work: string; untrack: () => void }

export interface ScratchOptions {
  toolchain: Toolchain;
  seed?: number;
  onProgress?: (step: string) => void;
  progressEveryMs?: number;
  /** Runs the tools (default: the toolchain's runner). */
  runner?: Runner;
  /** Remove the scratch folder when the flow fails (`circa build`); else it keeps the logs the error names. */
  dropOnFailure?: boolean;
}

/** Remove a scratch build's folder. */
export function dropScratch(b: { work: string; untrack: () => void }): void {
  rmSync(b.work, { recursive: true, force: true });
  b.untrack();
}

/** The board top of `rtl` at `clockMHz` (the board clock when undefined), built by the flow in a scratch folder. */
export async function scratchBuild(rtl: LayerRtl, board: Board, clockMHz: number | undefined, o: ScratchOptions): Promise<ScratchBuild> {
  const design = boardDesign(rtl, board, clockMHz);
  const work = mkdtempSync(join(tmpdir(), 'circa-build-'));
  const untrack = track(work); // an interrupt removes it
  try {
    const report = await runFlow({
      // flowBoard carries the design clock (the PLL output when a clock is given) as the timing target
      sources: design.sources, top: design.top, board: design.flowBoard, pcf: design.pcf, toolchain: o.toolchain, seed: o.seed,
      outDir: work, onProgress: o.onProgress, progressEveryMs: o.progressEveryMs, runner: o.runner,
    });
    return { design, report, work, untrack };
  } catch (e) {
    if (o.dropOnFailure) dropScratch({ work, untrack });
    else untrack(); // the logs stay in the scratch folder the error names
    throw e;
  }
}

/** The report of a kept build (report.json): the flow's measured figures with the design's predicted cycles. */
export interface BuildReport {
  /** the spec file the design came from (the CLI), or null (a design made in code) */
  spec: string | null;
  design: string;
  board: string;
  flow: FlowReport;
  /** the builds `--clock auto` tried, one line each */
  clockAuto?: string[];
  cycles: {
    latency: number; period: number; formula: string;
    latencyUsAtBoardClock: number;
    latencyUsAtFmax: number | null;
    inferencesPerSecond: number;
  };
}

/**
 * Join a build's measured figures (`report`, its paths inside `work`) with
 * the design's predicted cycles, the paths as they will be in `outDir`.
 */
export function buildReport(
  o: { spec?: string; design: { name: string; cost(): { latency: number; period: number; formula: string } }; board: Board; report: FlowReport; work: string; outDir: string; clockAuto?: string[] },
): BuildReport {
  const { report } = o;
  const moved = (p: string) => join(o.outDir, relative(o.work, p));
  const cycles = o.design.cost();
  return {
    spec: o.spec ?? null,
    design: o.design.name,
    board: o.board.name,
    flow: { ...report, bitstream: moved(report.bitstream), logs: Object.fromEntries(Object.entries(report.logs).map(([step, p]) => [step, moved(p)])) },
    ...(o.clockAuto ? { clockAuto: o.clockAuto } : {}),
    cycles: {
      latency: cycles.latency, period: cycles.period, formula: cycles.formula,
      latencyUsAtBoardClock: cycles.latency / report.targetMHz,
      latencyUsAtFmax: report.fmaxMHz ? cycles.latency / report.fmaxMHz : null,
      inferencesPerSecond: Math.round(report.targetMHz * 1e6 / cycles.period),
    },
  };
}

/**
 * Keep a build: its files (those `filter` passes) and `report` as
 * report.json into `outArg` (staged, as every output), the scratch folder
 * removed.
 */
export async function keepBuild(
  b: ScratchBuild, outArg: string, report: BuildReport | object, o: { force: boolean; option?: string; filter?: (path: string) => boolean },
): Promise<Written> {
  try {
    return (await writeFolder(outArg, (dir) => {
      cpSync(b.work, dir, { recursive: true, ...(o.filter ? { filter: o.filter } : {}) });
      writeFileSync(join(dir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
    }, { force: o.force, ...(o.option ? { option: o.option } : {}) })).written;
  } finally {
    dropScratch(b);
  }
}
