// pll_ice40_cells: declarations (blackboxes) of the two iCE40 PLL primitives
// pll_ice40 instantiates, for yosys runs that read the design without the
// iCE40 cell library (`read_verilog ...; hierarchy -check`, as circa's RTL
// checks do). synth_ice40 reads the library itself and replaces these
// declarations with its own ("Replacing existing blackbox module"), so the
// bitstream flow is unchanged. Port lists and parameters follow the Lattice
// iCE40 technology library; only the parameters pll_ice40 sets are declared.
//
// Simulators and linters do not define SYNTHESIS: for them this file is empty
// and pll_ice40 uses its pass-through stand-in instead of a primitive.
`ifdef SYNTHESIS
(* blackbox *)
module SB_PLL40_PAD (
  input        PACKAGEPIN,
  output       PLLOUTCORE,
  output       PLLOUTGLOBAL,
  input        EXTFEEDBACK,
  input  [7:0] DYNAMICDELAY,
  output       LOCK,
  input        BYPASS,
  input        RESETB,
  input        LATCHINPUTVALUE,
  output       SDO,
  input        SDI,
  input        SCLK
);
  parameter       FEEDBACK_PATH = "SIMPLE";
  parameter [3:0] DIVR          = 4'b0000;
  parameter [6:0] DIVF          = 7'b0000000;
  parameter [2:0] DIVQ          = 3'b000;
  parameter [2:0] FILTER_RANGE  = 3'b000;
endmodule

(* blackbox *)
module SB_PLL40_CORE (
  input        REFERENCECLK,
  output       PLLOUTCORE,
  output       PLLOUTGLOBAL,
  input        EXTFEEDBACK,
  input  [7:0] DYNAMICDELAY,
  output       LOCK,
  input        BYPASS,
  input        RESETB,
  input        LATCHINPUTVALUE,
  output       SDO,
  input        SDI,
  input        SCLK
);
  parameter       FEEDBACK_PATH = "SIMPLE";
  parameter [3:0] DIVR          = 4'b0000;
  parameter [6:0] DIVF          = 7'b0000000;
  parameter [2:0] DIVQ          = 3'b000;
  parameter [2:0] FILTER_RANGE  = 3'b000;
endmodule
`endif
