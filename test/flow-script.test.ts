/**
 * One synthesis script (src/target/ice40/script.ts): the netlist a gate-level run
 * simulates comes from the same script text as the bitstream `circa build`
 * makes. The build's synth.ys (what runFlow ran) and the gate-level step's
 * script (what src/sim/netlist.ts ran) are compared line for line, up to the
 * output command (JSON for nextpnr, Verilog for the simulators), and the two
 * netlists hold the same cells, type for type.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { netlistCellCounts, runFlow } from '../src/flow/index.ts';
import { loadBoard, pcfFor } from '../src/target/ice40/boards.ts';
import { buildScript, netlistScript, readCommands, renameCommands, synthesisPart, synthesisScript } from '../src/target/ice40/script.ts';
import { template } from '../src/verilog/index.ts';
import { gateLevelNetlist } from '../src/sim/netlist.ts';

const work = mkdtempSync(join(tmpdir(), 'circa-flow-script-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A registered 8 x 8 product and its accumulator (one SB_MAC16) fed by shift registers (flip-flops): small. */
const MAC8 = `
module mac8(input clk, input uart_rx, output uart_tx, output [1:0] led);
  reg [7:0] a = 0, b = 0;
  reg [15:0] p = 0;
  reg [19:0] acc = 0;
  always @(posedge clk) begin
    a <= {a[6:0], uart_rx};
    b <= {b[6:0], a[7]};
    p <= a * b;
    acc <= acc + p;
  end
  assign uart_tx = ^acc;
  assign led = acc[19:18];
endmodule
`;

describe('one synthesis script for circa build and gate-level simulation', () => {
  it('the text per part: reads, then synth_ice40 with the part\'s options, then the output', () => {
    const s = { sources: [{ name: 'a.v' }, { name: 'b.sv' }, { name: 'rom/w.hex' }], top: 't', part: 'UP5K' as const };
    expect(synthesisScript(s)).toBe('# circa: synthesis of t for iCE40UP5K (src/flow/script.ts)\nread_verilog a.v\nread_verilog -sv b.sv\nsynth_ice40 -top t -device u -dsp\n');
    expect(buildScript(s)).toBe(`${synthesisScript(s)}write_json netlist.json\n`);
    expect(netlistScript(s)).toBe(`${synthesisScript(s)}write_verilog -noattr netlist.v\n`);
    expect(synthesisScript({ ...s, part: 'HX8K' })).toMatch(/^synth_ice40 -top t -device hx$/m);
    expect(synthesisScript({ ...s, part: 'HX8K' })).not.toMatch(/-dsp/);
    expect(readCommands(s.sources)).toEqual(['read_verilog a.v', 'read_verilog -sv b.sv']);
  });

  it('a design that instantiates the dual 8x8 multiplier\'s placeholder cell gets it renamed to SB_MAC16 after synth_ice40, no other design does', () => {
    const dual = { name: 'dsp_dual8.v', text: template('dsp_dual8.v').text };
    const s = { sources: [dual, { name: 'top.v', text: 'module top; endmodule\n' }], top: 'top', part: 'UP5K' as const };
    expect(synthesisScript(s)).toMatch(/\nsynth_ice40 -top top -device u -dsp\nchtype -map circa_sb_mac16_8x8 SB_MAC16\n$/);
    expect(renameCommands([{ name: 'top.v', text: 'module top; endmodule\n' }, { name: 'a.v' }])).toEqual([]);
    // the module declaration alone (no instance) renames nothing
    expect(renameCommands([{ name: 'bb.v', text: '(* blackbox *)\nmodule circa_sb_mac16_8x8 (input CLK);\nendmodule\n' }])).toEqual([]);
  });

  it('the gate-level netlist comes from the script text the bitstream\'s flow ran, with the same cells', { tags: ['tools'] }, async () => {
    const board = loadBoard('icebreaker');
    const part = 'UP5K' as const;
    expect(board.part).toBe(part);
    const sources = [{ name: 'mac8.v', text: MAC8 }];
    const outDir = join(work, 'mac8');
    const report = await runFlow({
      sources, top: 'mac8', board, toolchain: 'yowasp', outDir,
      pcf: pcfFor(board, { clk: 'clk', uart_rx: 'uart_rx', uart_tx: 'uart_tx', leds: ['led[0]', 'led[1]'] }),
    });
    expect(report.cells.dsp).toBe(1);
    const flowRan = readFileSync(join(outDir, 'synth.ys'), 'utf8');
    const gate = await gateLevelNetlist(sources, 'mac8', part);
    // the same text up to the output line, and that text is the builder's
    expect(synthesisPart(gate.script)).toBe(synthesisPart(flowRan));
    expect(synthesisPart(flowRan)).toBe(synthesisScript({ sources, top: 'mac8', part }));
    expect(flowRan).toBe(buildScript({ sources, top: 'mac8', part }));
    // and the same netlist: every cell type in the same number
    const fromFlow = Object.fromEntries(netlistCellCounts(readFileSync(join(outDir, 'netlist.json'), 'utf8'), 'mac8'));
    const fromGate: Record<string, number> = {};
    for (const m of gate.text.matchAll(/^\s*(SB_\w+)\s/gm)) fromGate[m[1]] = (fromGate[m[1]] ?? 0) + 1;
    expect(fromFlow.SB_MAC16).toBe(1);
    expect(Object.keys(fromFlow).length).toBeGreaterThan(1);
    expect(fromGate).toEqual(fromFlow);
  });
});
