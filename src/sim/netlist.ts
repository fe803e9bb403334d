/**
 * Gate-level co-simulation: the design as synthesis leaves it. YoWASP yosys
 * (`synth_ice40 -device u -dsp`, what `circa build` runs by default) maps
 * the RTL onto iCE40 cells; the netlist plus yosys's own simulation models
 * of those cells (share/ice40/cells_sim.v from the same YoWASP package, so
 * the models match the mapper) is a stream design like any other, so
 * src/sim/cosim.ts runs it against the reference model, value for value and
 * cycle for cycle.
 *
 * This is what proves a bitstream computes what the model says: a mapping
 * bug (yosys 0.55 once dropped a product of the block-circulant lanes) is
 * invisible to RTL co-simulation and shows here. Slow to build (every LUT is
 * a module instance), so the tests use it on small designs.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CircaError, CircaInputError } from '../errors.ts';
import type { LayerRtl } from '../layers/types.ts';

import { runYowaspTool, type Tree } from '../flow/yowasp.ts';

/** yosys's iCE40 cell models, from the YoWASP package that synthesises. */
export function ice40CellModels(): string {
  const path = fileURLToPath(new URL('./share/ice40/cells_sim.v', import.meta.resolve('@yowasp/yosys')));
  // the models' port defaults use a construct Verilator does not parse; the
  // netlist drives every port, so they are not needed
  return '`define NO_ICE40_DEFAULT_ASSIGNMENTS\n' + readFileSync(path, 'utf8');
}

/** The design synthesised for the iCE40 UltraPlus, as a stream design Verilator can simulate. */
export async function synthesisedRtl(rtl: LayerRtl): Promise<LayerRtl> {
  const files: Tree = Object.fromEntries(rtl.sources.map((s) => [s.name, s.text]));
  const reads = rtl.sources.filter((s) => s.name.endsWith('.v')).map((s) => s.name).join(' ');
  // in a worker thread (src/flow/yowasp.ts), so Ctrl-C is taken at once
  const r = await runYowaspTool('yosys', ['-q', '-p', `read_verilog ${reads}; synth_ice40 -device u -dsp -top ${rtl.top}; write_verilog -noattr netlist.v`], files);
  if (r.failure) {
    const errors = r.log.split('\n').filter((l) => /ERROR/.test(l)).slice(0, 5);
    throw new CircaError(`yosys could not synthesise ${rtl.top} for gate-level simulation (${r.failure})${errors.length ? `:\n${errors.join('\n')}` : ''}`);
  }
  const out = r.tree;
  const net = out?.['netlist.v'];
  if (net === undefined || typeof net === 'object' && !(net instanceof Uint8Array)) throw new CircaError(`yosys wrote no netlist for ${rtl.top}`);
  const text = typeof net === 'string' ? net : new TextDecoder().decode(net);
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
    sources: [{ name: 'ice40_cells_sim.v', text: ice40CellModels() }, { name: `${rtl.top}_netlist.v`, text }],
    // vendor models and a flat netlist: width and combinational-loop (carry chain) warnings are expected
    verilatorFlags: ['-Wno-fatal', '-Wno-lint', '-Wno-style', '-Wno-UNOPTFLAT', '-Wno-MULTIDRIVEN'],
  };
}
