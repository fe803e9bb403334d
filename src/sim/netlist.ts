/**
 * Gate-level co-simulation: the design as synthesis leaves it. YoWASP yosys
 * runs the synthesis script `circa build` runs (the part's target's
 * gateLevel face; the iCE40's: the same reads and synth_ice40 command, only
 * the output is Verilog instead of JSON) and maps the RTL onto the target's
 * cells; the netlist plus the target's simulation models of those cells
 * (the iCE40's: yosys's own, src/target/ice40/cell-models.ts) is a stream
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
import { CircaError, CircaInputError } from '../errors.ts';
import type { LayerRtl } from './dut-types.ts';
import type { SourceFile } from '../verilog/index.ts';
import { partOf, type PartName, type Target } from '../target/index.ts';
import { runYowaspTool, type Tree } from '../flow/yowasp.ts';
import { cacheDir } from './verilator.ts';

/** The part's target's gate-level face (src/target/types.ts): its netlist script and cell models. */
function gateLevelOf(part: PartName): NonNullable<Target['gateLevel']> {
  const { target } = partOf(part);
  if (!target.gateLevel) throw new CircaInputError(`--gate-level: the ${target.title} target (part ${part}) has no gate-level simulation`);
  return target.gateLevel;
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
  /** the yosys script the netlist came from (the target's gateLevel.netlistScript: the synthesis `circa build` runs) */
  synthesisScript: string;
  part: PartName;
}

/**
 * The design synthesised for a part (default the UP5K of the default board)
 * by the script `circa build` runs (the target's gateLevel.netlistScript), as a stream design
 * either simulator runs.
 */
export async function synthesisedRtl(rtl: LayerRtl, part: PartName = 'UP5K'): Promise<GateLevelRtl> {
  const { text, script } = await gateLevelNetlist(rtl.sources, rtl.top, part);
  const refused = gateLevelOf(part).refuse?.(text);
  if (refused) throw new CircaInputError(`--gate-level: ${rtl.top} ${refused}`);
  return {
    ...rtl,
    sources: [{ name: gateLevelOf(part).modelsFile, text: gateLevelOf(part).cellModels(text) }, { name: `${rtl.top}_netlist.v`, text }],
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
  const gl = gateLevelOf(part);
  const script = gl.netlistScript({ sources, top, part });
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
  const net = r.tree?.[gl.netlistFile];
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
