/**
 * What any yosys-based target shares: yosys as a flow step's tool, the ERROR
 * lines of a tool's log and the cell counts of a yosys JSON netlist.
 */
import type { FlowTool } from './types.ts';

/** yosys: `@yowasp/yosys` for the YoWASP runner, `yosys` on PATH for the native one. */
export const YOSYS: FlowTool = {
  name: 'yosys',
  binary: 'yosys',
  yowasp: { module: '@yowasp/yosys', command: 'runYosys' },
  apt: 'yosys',
};

/** The ERROR lines of a log (yosys writes `file:line: ERROR: ...`), deduplicated. */
export function errorLines(log: string): string[] {
  const lines = log.split(/\r?\n/).map((l) => l.trimEnd());
  const errors = [...new Set(lines.filter((l) => /\bERROR:/.test(l)))];
  return errors.slice(0, 10);
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
