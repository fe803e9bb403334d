#!/usr/bin/env node
// The fabric cost of accumulating dual 8x8 products (README, "Two multiplies
// per DSP"): two lanes of 8 x 8 products with 24-bit accumulators, on one
// SB_MAC16 in 8x8 mode (rtl-templates/dsp_dual8.v) and as the layers write
// them today (one inferred SB_MAC16 per product), synthesised by YoWASP yosys
// with synth_ice40 -device u -dsp and the placeholder rename of
// src/target/ice40/script.ts. Prints the cell counts of each.
//   node scripts/dsp-dual8-cost.mjs
import { readFileSync } from 'node:fs';
import { runYosys } from '@yowasp/yosys';

const dual8 = readFileSync(new URL('../rtl-templates/dsp_dual8.v', import.meta.url), 'utf8');
const designs = {
  acc_dual: `module acc_dual(input clk, input ce, input first, input [7:0] x, input [7:0] w0, input [7:0] w1, output reg [23:0] acc0, output reg [23:0] acc1);
  wire [15:0] p0, p1;
  dsp_dual8 #(.A_SIGNED(1), .B_SIGNED(1), .REG(1)) u (.clk(clk), .ce(ce), .a_hi(x), .b_hi(w1), .a_lo(x), .b_lo(w0), .p_hi(p1), .p_lo(p0));
  always @(posedge clk) if (ce) begin
    acc0 <= (first ? 24'd0 : acc0) + {{8{p0[15]}}, p0};
    acc1 <= (first ? 24'd0 : acc1) + {{8{p1[15]}}, p1};
  end
endmodule
`,
  acc_single: `module acc_single(input clk, input ce, input first, input signed [7:0] x, input signed [7:0] w0, input signed [7:0] w1, output reg [23:0] acc0, output reg [23:0] acc1);
  reg signed [15:0] p0, p1;
  always @(posedge clk) if (ce) begin p0 <= x * w0; p1 <= x * w1; end
  always @(posedge clk) if (ce) begin
    acc0 <= (first ? 24'd0 : acc0) + {{8{p0[15]}}, p0};
    acc1 <= (first ? 24'd0 : acc1) + {{8{p1[15]}}, p1};
  end
endmodule
`,
  mul_dual: `module mul_dual(input clk, input ce, input [7:0] x, input [7:0] w0, input [7:0] w1, output [15:0] p0, output [15:0] p1);
  dsp_dual8 #(.A_SIGNED(1), .B_SIGNED(1), .REG(1)) u (.clk(clk), .ce(ce), .a_hi(x), .b_hi(w1), .a_lo(x), .b_lo(w0), .p_hi(p1), .p_lo(p0));
endmodule
`,
};
for (const [top, text] of Object.entries(designs)) {
  let log = '';
  const sink = (b) => { if (b) log += new TextDecoder().decode(b); };
  await runYosys(['-p', `read_verilog dsp_dual8.v ${top}.v; synth_ice40 -top ${top} -device u -dsp; chtype -map circa_sb_mac16_8x8 SB_MAC16; tee -o stat.txt stat`],
    { 'dsp_dual8.v': dual8, [`${top}.v`]: text }, { stdout: sink, stderr: sink });
  const stat = log.slice(log.lastIndexOf(`=== ${top} ===`));
  const count = (cell) => Number(stat.match(new RegExp(`\\b${cell}\\s+(\\d+)`))?.[1] ?? 0);
  const dff = [...stat.matchAll(/\bSB_DFF\w*\s+(\d+)/g)].reduce((a, m) => a + Number(m[1]), 0);
  console.log(`${top.padEnd(11)} SB_MAC16 ${count('SB_MAC16')}  LUT4 ${count('SB_LUT4')}  SB_CARRY ${count('SB_CARRY')}  DFF ${dff}`);
}
