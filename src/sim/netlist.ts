/**
 * Gate-level co-simulation: the design as synthesis leaves it. YoWASP yosys
 * runs the synthesis script `circa build` runs (src/target/ice40/script.ts: the same
 * reads and synth_ice40 command for the part, only the output is Verilog
 * instead of JSON) and maps the RTL onto iCE40 cells; the netlist plus
 * yosys's own simulation models of those cells (share/ice40/cells_sim.v from
 * the same YoWASP package, so the models match the mapper) is a stream
 * design like any other, so src/sim/cosim.ts runs it against the reference
 * model, value for value and cycle for cycle, on either simulator: Verilator,
 * or CXXRTL in WebAssembly (GATE_LEVEL_CXXRTL_SCRIPT), with nothing installed.
 *
 * This is what proves a bitstream computes what the model says: a mapping
 * bug (yosys 0.55 once dropped a product of the block-circulant lanes) is
 * invisible to RTL co-simulation and shows here. Slow to build (every LUT is
 * a module instance), so the tests use it on small designs.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CircaError, CircaInputError } from '../errors.ts';
import type { LayerRtl } from './dut-types.ts';
import type { SourceFile } from '../verilog/index.ts';
import { netlistScript, type PartName } from '../target/index.ts';
import { runYowaspTool, type Tree } from '../flow/yowasp.ts';
import { cacheDir } from './verilator.ts';

/** A cell model module, with the attribute lines (`(* blackbox *)`) written above it. */
const MODULE_RE = /^((?:\(\*[^\n]*\*\)[ \t]*\n)*)module\s+(\w+)[\s\S]*?^endmodule\b[^\n]*\n?/gm;

/**
 * yosys's iCE40 cell models, from the YoWASP package that synthesises. Given
 * a netlist, only the models of the cells it instantiates (the rest of the
 * file, e.g. SB_SPRAM256KA's 16384-word array that yosys unrolls when it
 * reads it, costs minutes in write_cxxrtl and nothing is gained).
 */
export function ice40CellModels(netlist?: string): string {
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

/**
 * The yosys passes that turn the netlist and its cell models into C++ for
 * CXXRTL. `opt` folds each LUT's INIT into its few gates; -g2 keeps debug
 * information for the public wires (the ports a VCD shows) but not the
 * on-demand values of every flattened cell's internal wires, which quadrupled
 * the C++ (measured: 0.5 MB against 2.0 MB for a 2-lane dense layer).
 */
export const GATE_LEVEL_CXXRTL_SCRIPT = 'proc; flatten; opt; write_cxxrtl -g2 dut.cc';

/** A gate-level design: the netlist and its cell models, and the yosys script that made the netlist. */
export interface GateLevelRtl extends LayerRtl {
  /** the yosys script the netlist came from (src/target/ice40/script.ts netlistScript, as `circa build` runs it) */
  synthesisScript: string;
  part: PartName;
}

/**
 * The design synthesised for a part (default the UP5K of the default board)
 * by the script `circa build` runs (src/target/ice40/script.ts), as a stream design
 * either simulator runs.
 */
export async function synthesisedRtl(rtl: LayerRtl, part: PartName = 'UP5K'): Promise<GateLevelRtl> {
  const { text, script } = await gateLevelNetlist(rtl.sources, rtl.top, part);
    // Simulation-only contents (an `ifndef SYNTHESIS preload) do not survive
  // synthesis, and SPRAM has no initial contents on the chip either.
  if (/^\s*SB_SPRAM256KA\b/m.test(text)) {
    throw new CircaInputError(
      `--gate-level: ${rtl.top} keeps memory in SPRAM, which the netlist starts empty (on a board \`circa run\` loads it); ` +
        'simulate its RTL, or use "memory": "ebr" for a gate-level run',
    );
  }
  return {
    ...rtl,
    sources: [{ name: 'ice40_cells_sim.v', text: ice40CellModels(text) }, { name: `${rtl.top}_netlist.v`, text }],
    // vendor models and a flat netlist: width and combinational-loop (carry chain) warnings are expected
    verilatorFlags: ['-Wno-fatal', '-Wno-lint', '-Wno-style', '-Wno-UNOPTFLAT', '-Wno-MULTIDRIVEN'],
    cxxrtlScript: GATE_LEVEL_CXXRTL_SCRIPT,
    synthesisScript: script,
    part,
  };
}

/**
 * The Verilog netlist of a design for a part, from the synthesis script of
 * `circa build` (src/target/ice40/script.ts netlistScript), and that script's text.
 * Cached by content hash (the script, the sources, the yosys version) beside
 * the simulator builds, so a repeated gate-level run does not synthesise
 * again. Written to a staging directory and renamed into place: an
 * interrupted run leaves no entry.
 */
export async function gateLevelNetlist(sources: readonly SourceFile[], top: string, part: PartName): Promise<{ text: string; script: string }> {
  const script = netlistScript({ sources, top, part });
  const rtl = { sources, top };
  const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.resolve('@yowasp/yosys')), 'utf8')) as { version: string }).version;
  const h = createHash('sha256').update(JSON.stringify({ yosys: version, script }));
  for (const s of rtl.sources) h.update(`\0${s.name}\0${s.text}`);
  const key = h.digest('hex').slice(0, 24);
  const root = join(cacheDir(), 'netlist');
  const cached = join(root, key, 'netlist.v');
  if (existsSync(cached)) return { text: readFileSync(cached, 'utf8'), script };
  const files: Tree = Object.fromEntries(rtl.sources.map((s) => [s.name, s.text]));
  files['synth.ys'] = script;
  // in a worker thread (src/flow/yowasp.ts), so Ctrl-C is taken at once
  const r = await runYowaspTool('yosys', ['-q', '-s', 'synth.ys'], files);
  if (r.failure) {
    const errors = r.log.split('\n').filter((l) => /ERROR/.test(l)).slice(0, 5);
    throw new CircaError(`yosys could not synthesise ${rtl.top} for gate-level simulation (${r.failure})${errors.length ? `:\n${errors.join('\n')}` : ''}`);
  }
  const net = r.tree?.['netlist.v'];
  if (net === undefined || typeof net === 'object' && !(net instanceof Uint8Array)) throw new CircaError(`yosys wrote no netlist for ${rtl.top}`);
  const text = typeof net === 'string' ? net : new TextDecoder().decode(net);
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(join(root, `tmp-${key}-`));
  try {
    writeFileSync(join(work, 'netlist.v'), text);
    renameSync(work, join(root, key));
  } catch {
    // another process stored the same netlist first
    rmSync(work, { recursive: true, force: true });
  }
  return { text, script };
}
