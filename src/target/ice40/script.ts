/**
 * The one yosys synthesis script of a design for a part. `circa build`
 * (src/flow/index.ts, synth.ys), gate-level simulation (src/sim/netlist.ts,
 * on either simulator) and the RTL checks (src/sim/lint.ts, the same reads)
 * take their text from here, so the netlist a gate-level run proves is the
 * one the bitstream is made from: the same reads, the same synth_ice40
 * command with the same options. Only the output line differs (JSON for
 * nextpnr, Verilog for the simulators); test/flow-script.test.ts compares
 * the texts the two runs used.
 */
import { PARTS, type PartName } from './parts.ts';

export interface ScriptSource {
  /** relative file name; `.v` and `.sv` files are read, others are data the reads may include */
  name: string;
  /** the file's text, when the script depends on it (the cell renames below) */
  text?: string;
}

/**
 * iCE40 cells the RTL writes under a placeholder type that synth_ice40 must
 * not touch, renamed to the real cell after it (`chtype`): the dual 8x8
 * multiplier's SB_MAC16 (rtl-templates/dsp_dual8.v), which yosys's ice40_dsp
 * pass would otherwise rebuild as a 16x16 multiplier.
 */
export const CELL_RENAMES: readonly { placeholder: string; cell: string }[] = [
  { placeholder: 'circa_sb_mac16_8x8', cell: 'SB_MAC16' },
];

/** The `chtype` commands for the placeholder cells the sources instantiate (none for most designs). */
export function renameCommands(sources: readonly ScriptSource[]): string[] {
  return CELL_RENAMES.filter((r) => sources.some((s) => s.text !== undefined && new RegExp(`^\\s*${r.placeholder}\\b`, 'm').test(s.text)))
    .map((r) => `chtype -map ${r.placeholder} ${r.cell}`);
}

/** The yosys commands that read a design's Verilog, one line per file. */
export function readCommands(sources: readonly ScriptSource[]): string[] {
  const lines: string[] = [];
  for (const s of sources) {
    if (s.name.endsWith('.sv')) lines.push(`read_verilog -sv ${s.name}`);
    else if (s.name.endsWith('.v')) lines.push(`read_verilog ${s.name}`);
  }
  return lines;
}

/** The synth_ice40 command for a part. UltraPlus: multiplies onto SB_MAC16 (docs/references.md: synth_ice40 -device u -dsp). */
export function synthCommand(top: string, part: PartName): string {
  const p = PARTS[part];
  const device = p.family === 'ultraplus' ? '-device u -dsp' : `-device ${p.yosysDevice}`;
  return `synth_ice40 -top ${top} ${device}`;
}

export interface SynthesisScript {
  sources: readonly ScriptSource[];
  top: string;
  part: PartName;
}

/**
 * The synthesis part of the script (comment, reads, synth_ice40, cell renames), without
 * an output line: what every consumer runs identically.
 */
export function synthesisScript(s: SynthesisScript): string {
  const lines = [`# circa: synthesis of ${s.top} for iCE40${PARTS[s.part].name} (src/flow/script.ts)`];
  lines.push(...readCommands(s.sources));
  lines.push(synthCommand(s.top, s.part));
  lines.push(...renameCommands(s.sources));
  return lines.join('\n') + '\n';
}

/** The script `circa build` runs: the synthesis, then the JSON netlist nextpnr places. */
export function buildScript(s: SynthesisScript, netlistJson = 'netlist.json'): string {
  return `${synthesisScript(s)}write_json ${netlistJson}\n`;
}

/** The script gate-level simulation runs: the same synthesis, then a Verilog netlist for the simulators. */
export function netlistScript(s: SynthesisScript, netlistVerilog = 'netlist.v'): string {
  return `${synthesisScript(s)}write_verilog -noattr ${netlistVerilog}\n`;
}

/** Strip the output lines: what the build and the gate-level run must share, for comparing the two. */
export function synthesisPart(script: string): string {
  return script.split('\n').filter((l) => l && !/^write_(json|verilog)\b/.test(l)).join('\n') + '\n';
}
