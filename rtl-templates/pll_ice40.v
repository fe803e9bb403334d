// pll_ice40: the board clock through the iCE40 PLL in simple feedback mode.
//
//   f_out = f_in * (DIVF + 1) / ((DIVR + 1) * 2^DIVQ)
//
// with f_in / (DIVR + 1) in 10..133 MHz, the VCO f_in * (DIVF + 1) / (DIVR + 1)
// in 533..1066 MHz and f_out in 16..275 MHz; src/flow/pll.ts chooses the
// dividers and FILTER_RANGE (iCE40 sysCLOCK PLL Design and Usage Guide).
//
// PAD = 1 uses SB_PLL40_PAD: clk_in must then come straight from the package
// pin (the PLL's dedicated input pad) and nothing else may use that pin.
// PAD = 0 uses SB_PLL40_CORE, fed from the clock net inside the fabric.
// The output drives a global buffer (PLLOUTGLOBAL). `locked` is the PLL's
// LOCK output; the board top holds its reset until it rises.
//
// Synthesis (yosys defines SYNTHESIS) gets the primitive. Simulation and lint
// get a stand-in that passes the input clock through and reports lock at
// once: the frequencies are not modelled there, only the connections.
module pll_ice40 #(
  parameter [3:0] DIVR         = 4'd0,
  parameter [6:0] DIVF         = 7'd63,
  parameter [2:0] DIVQ         = 3'd5,
  parameter [2:0] FILTER_RANGE = 3'd1,
  parameter       PAD          = 0
) (
  input  wire clk_in,
  output wire clk_out,
  output wire locked
);
`ifdef SYNTHESIS
  generate
    if (PAD != 0) begin : g_pad
      SB_PLL40_PAD #(
        .FEEDBACK_PATH ("SIMPLE"),
        .DIVR          (DIVR),
        .DIVF          (DIVF),
        .DIVQ          (DIVQ),
        .FILTER_RANGE  (FILTER_RANGE)
      ) u_pll (
        .PACKAGEPIN   (clk_in),
        .PLLOUTGLOBAL (clk_out),
        .LOCK         (locked),
        .RESETB       (1'b1),
        .BYPASS       (1'b0)
      );
    end else begin : g_core
      SB_PLL40_CORE #(
        .FEEDBACK_PATH ("SIMPLE"),
        .DIVR          (DIVR),
        .DIVF          (DIVF),
        .DIVQ          (DIVQ),
        .FILTER_RANGE  (FILTER_RANGE)
      ) u_pll (
        .REFERENCECLK (clk_in),
        .PLLOUTGLOBAL (clk_out),
        .LOCK         (locked),
        .RESETB       (1'b1),
        .BYPASS       (1'b0)
      );
    end
  endgenerate
`else
  assign clk_out = clk_in;
  assign locked  = 1'b1;
  // the dividers only matter to the real PLL
  wire unused_params = &{1'b0, DIVR, DIVF, DIVQ, FILTER_RANGE, PAD != 0};
`endif
endmodule
