/**
 * The iCE40 target: every device fact circa knows about the Lattice iCE40
 * family, behind the Target interface (src/target/types.ts).
 *
 *   parts.ts      the parts and their limits
 *   boards.ts     the board schema and the PCF writer (boards/<name>.json)
 *   pll.ts        the SB_PLL40 settings (rtl-templates/pll_ice40*.v)
 *   script.ts     the synthesis script (synth_ice40, the cell renames)
 *   steps.ts      the flow as data: yosys -> nextpnr-ice40 -> icepack (the tools,
 *                 their arguments, files and figures)
 *   cell-models.ts  yosys's simulation models of the cells (gate-level simulation)
 *   logs.ts       reading nextpnr's log and report and the netlist's SB_* cells
 *   memory.ts     how yosys maps memories (EBR, SPRAM) and multiplies (SB_MAC16)
 *   coefficients.ts  the fitted coefficients of the resource model that belong to
 *                 no kind (the kinds' own: src/layers/<kind>/coefficients.ts)
 *   spram.ts, dsp-dual8.ts   the SB_SPRAM256KA and dual 8x8 SB_MAC16 wrappers
 *   program.ts    writing a bitstream to a board (openFPGALoader, iceprog)
 */
import type { Target } from '../types.ts';
import { PARTS, type PartName } from './parts.ts';
import { netlistScript, synthesisScript } from './script.ts';
import { cellModels } from './cell-models.ts';
import { flowFiles, placeUnpinned, STEPS } from './steps.ts';
import { dspCount, mapMemory, EBR_BITS, SPRAM_DEPTH, SPRAM_WIDTH } from './memory.ts';
import { COEFFICIENTS } from './coefficients.ts';

export const ice40: Target = Object.freeze<Target>({
  name: 'ice40',
  title: 'iCE40',
  parts: PARTS,
  // UltraPlus: multiplies on SB_MAC16 and the ultraplus coefficients; HX and LP: multiplies in logic
  model: (part) => (part.family === 'ultraplus'
    ? { hardMultipliers: true, coefficientFamily: 'ultraplus' as const }
    : { hardMultipliers: false, coefficientFamily: 'hx' as const }),
  // EBR (SB_RAM40_4K), SPRAM (SB_SPRAM256KA) and SB_MAC16 as yosys's synth_ice40 maps them
  mapping: { mapMemory, dspCount, blockBits: { ebr: EBR_BITS, spram: SPRAM_DEPTH * SPRAM_WIDTH } },
  // fitted to YoWASP and native yosys runs (bench/estimate-calibrate.ts)
  coefficients: COEFFICIENTS,
  synthesisScript: (s) => synthesisScript({ ...s, part: s.part as PartName }),
  flowFiles,
  steps: STEPS,
  placeUnpinned,
  report: {
    titles: { ebr: 'EBR (4 kbit)', spram: 'SPRAM (256 kbit)', dsp: 'DSP (SB_MAC16)' },
    // docs/references.md: nextpnr does not model the inside of SB_MAC16 or SPRAM.
    notes: (cells) => (cells.dsp > 0 || cells.spram > 0
      ? ['  note: nextpnr does not model the inside of SB_MAC16/SPRAM, so Fmax on those paths is optimistic']
      : []),
  },
  // a board names the nextpnr device flag of its part (boards/<name>.json `device`)
  boardDevice: (part) => (Object.hasOwn(PARTS, part) ? PARTS[part as PartName].nextpnrDevice : undefined),
  // synth_ice40 then write_verilog, simulated with yosys's own iCE40 cell models
  gateLevel: {
    netlistScript: (s) => netlistScript({ ...s, part: s.part as PartName }),
    netlistFile: 'netlist.v',
    modelsFile: 'ice40_cells_sim.v',
    cellModels,
    // Simulation-only contents (an `ifndef SYNTHESIS preload) do not survive
    // synthesis, and SPRAM has no initial contents on the chip either.
    refuse: (netlist) => (/^\s*SB_SPRAM256KA\b/m.test(netlist)
      ? 'keeps memory in SPRAM, which the netlist starts empty (on a board `circa run` loads it); simulate its RTL, or use "memory": "ebr" for a gate-level run'
      : undefined),
  },
});
