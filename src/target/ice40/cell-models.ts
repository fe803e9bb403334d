/**
 * yosys's simulation models of the iCE40 cells (share/ice40/cells_sim.v in
 * the YoWASP yosys package that synthesises, so the models match the mapper):
 * what a gate-level netlist (src/sim/netlist.ts) and the dual 8x8 SB_MAC16
 * proof (src/formal/dsp.ts) simulate the cells with.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A cell model module, with the attribute lines (`(* blackbox *)`) written above it. */
const MODULE_RE = /^((?:\(\*[^\n]*\*\)[ \t]*\n)*)module\s+(\w+)[\s\S]*?^endmodule\b[^\n]*\n?/gm;

/**
 * The models; given a netlist, only those of the cells it instantiates (the
 * rest of the file, e.g. SB_SPRAM256KA's 16384-word array that yosys unrolls
 * when it reads it, costs minutes in write_cxxrtl and nothing is gained).
 */
export function cellModels(netlist?: string): string {
  const path = fileURLToPath(new URL('./share/ice40/cells_sim.v', import.meta.resolve('@yowasp/yosys')));
  let text = readFileSync(path, 'utf8');
  if (netlist !== undefined) {
    const used = new Set([...netlist.matchAll(/^\s*(SB_\w+)\s/gm)].map((m) => m[1]));
    text = text.replace(MODULE_RE, (whole, _attrs: string, name: string) => (used.has(name) ? whole : ''));
  }
  // the models' port defaults use a construct Verilator does not parse; the
  // netlist drives every port, so they are not needed
  return '`define NO_ICE40_DEFAULT_ASSIGNMENTS\n' + text;
}
