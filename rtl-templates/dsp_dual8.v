// dsp_dual8: two independent 8 x 8 products per cycle from one iCE40
// UltraPlus DSP block (SB_MAC16 in its 8x8 mode):
//
//   p_hi = a_hi * b_hi      (the DSP's top half: A[15:8] x B[15:8])
//   p_lo = a_lo * b_lo      (the bottom half:    A[7:0]  x B[7:0])
//
// each a full 16-bit product, two's complement when the operand is signed
// (A_SIGNED for both a's, B_SIGNED for both b's), so every value is exact:
// signed x signed lies in [-16256, 16384], signed x unsigned in
// [-32640, 32385], unsigned x unsigned in [0, 65025].
//
// REG = 1 registers both products inside the DSP (TOP_8x8_MULT_REG and
// BOT_8x8_MULT_REG), loaded when ce is high: p_* is the product of the
// operands of the last cycle with ce high, one cycle of latency, exactly as
// `always @(posedge clk) if (ce) p <= a * b;` in fabric. REG = 0: combinational.
// The registers have no reset (the DSP's are asynchronous and tied low here).
//
// dsp_dual8 selects the SB_MAC16 instance (dsp_dual8_sb) for synthesis and
// the behavioural model (dsp_dual8_model) for the simulators (Verilator,
// CXXRTL, Icarus), by `ifdef SYNTHESIS (yosys defines it in every
// read_verilog; dsp_dual8_sb exists only then). `circa prove` proves
// dsp_dual8 as yosys reads it equal to dsp_dual8_model on yosys's SB_MAC16
// simulation model for every operand (src/formal/dsp.ts); gate-level
// co-simulation runs the synthesised netlist on that model
// (test/dsp-dual8.test.ts).
//
// The instance is written as a cell of type circa_sb_mac16_8x8 (a blackbox
// with SB_MAC16's ports and parameters) that the synthesis script renames
// to SB_MAC16 after synth_ice40 (src/flow/script.ts: chtype). Why:
// synth_ice40 -dsp runs yosys's ice40_dsp pass, which takes every SB_MAC16
// already in the design whose outputs are read and rebuilds it as a 16x16
// multiplier (MODE_8x8 = 0, both outputs the 32-bit product, the 8x8
// product registers dropped): the 8x8 mode does not survive it.
//
// The DSP's own adders are not used: in 8x8 mode each half accumulates in 16
// bits, and the bottom half's carry out feeds only the top half (it is no
// port), so a sum wider than 16 bits is formed in fabric carry chains by the
// user of the products (README, "Two multiplies per DSP").
module dsp_dual8 #(
    parameter A_SIGNED = 1,   // a_hi, a_lo are two's complement (0: unsigned)
    parameter B_SIGNED = 1,   // b_hi, b_lo are two's complement (0: unsigned)
    parameter REG      = 1    // 1: products registered in the DSP, loaded on ce
) (
    input  wire        clk,
    input  wire        ce,
    input  wire [7:0]  a_hi,
    input  wire [7:0]  b_hi,
    input  wire [7:0]  a_lo,
    input  wire [7:0]  b_lo,
    output wire [15:0] p_hi,
    output wire [15:0] p_lo
);
`ifdef SYNTHESIS
    dsp_dual8_sb #(.A_SIGNED(A_SIGNED), .B_SIGNED(B_SIGNED), .REG(REG)) u_mul (
        .clk(clk), .ce(ce), .a_hi(a_hi), .b_hi(b_hi), .a_lo(a_lo), .b_lo(b_lo), .p_hi(p_hi), .p_lo(p_lo));
`else
    dsp_dual8_model #(.A_SIGNED(A_SIGNED), .B_SIGNED(B_SIGNED), .REG(REG)) u_mul (
        .clk(clk), .ce(ce), .a_hi(a_hi), .b_hi(b_hi), .a_lo(a_lo), .b_lo(b_lo), .p_hi(p_hi), .p_lo(p_lo));
`endif
endmodule

// The behavioural model: each operand extended to 16 bits by its signedness,
// the 16-bit product of the extended operands (exact: see above).
/* verilator lint_off DECLFILENAME */
module dsp_dual8_model #(
    parameter A_SIGNED = 1,
    parameter B_SIGNED = 1,
    parameter REG      = 1
) (
    input  wire        clk,
    input  wire        ce,
    input  wire [7:0]  a_hi,
    input  wire [7:0]  b_hi,
    input  wire [7:0]  a_lo,
    input  wire [7:0]  b_lo,
    output wire [15:0] p_hi,
    output wire [15:0] p_lo
);
    localparam AS = A_SIGNED != 0;
    localparam BS = B_SIGNED != 0;
    wire [15:0] ah = {{8{AS & a_hi[7]}}, a_hi};
    wire [15:0] bh = {{8{BS & b_hi[7]}}, b_hi};
    wire [15:0] al = {{8{AS & a_lo[7]}}, a_lo};
    wire [15:0] bl = {{8{BS & b_lo[7]}}, b_lo};
    wire [15:0] prod_hi = ah * bh;
    wire [15:0] prod_lo = al * bl;
    generate
        if (REG != 0) begin : g_reg
            reg [15:0] r_hi, r_lo;
            always @(posedge clk) begin
                if (ce) begin
                    r_hi <= prod_hi;
                    r_lo <= prod_lo;
                end
            end
            assign p_hi = r_hi;
            assign p_lo = r_lo;
        end else begin : g_comb
            assign p_hi = prod_hi;
            assign p_lo = prod_lo;
            wire unused_ok = &{1'b0, clk, ce};
        end
    endgenerate
endmodule
/* verilator lint_on DECLFILENAME */

`ifdef SYNTHESIS
// The primitive: SB_MAC16 in 8x8 mode, both outputs selecting the 8x8
// products (TOPOUTPUT_SELECT = BOTOUTPUT_SELECT = 2: F = A[15:8] x B[15:8] and
// G = A[7:0] x B[7:0], through the 8x8 product registers when REG = 1). No
// input registers, no pipeline registers of the 16x16 mode, adders and
// accumulators idle, C and D tied low, holds and resets inactive.
module dsp_dual8_sb #(
    parameter A_SIGNED = 1,
    parameter B_SIGNED = 1,
    parameter REG      = 1
) (
    input  wire        clk,
    input  wire        ce,
    input  wire [7:0]  a_hi,
    input  wire [7:0]  b_hi,
    input  wire [7:0]  a_lo,
    input  wire [7:0]  b_lo,
    output wire [15:0] p_hi,
    output wire [15:0] p_lo
);
    localparam [0:0] AS  = A_SIGNED != 0;
    localparam [0:0] BS  = B_SIGNED != 0;
    localparam [0:0] PRR = REG != 0;
    wire [31:0] o;
    circa_sb_mac16_8x8 #(
        .NEG_TRIGGER              (1'b0),
        .C_REG                    (1'b0),
        .A_REG                    (1'b0),
        .B_REG                    (1'b0),
        .D_REG                    (1'b0),
        .TOP_8x8_MULT_REG         (PRR),
        .BOT_8x8_MULT_REG         (PRR),
        .PIPELINE_16x16_MULT_REG1 (1'b0),
        .PIPELINE_16x16_MULT_REG2 (1'b0),
        .TOPOUTPUT_SELECT         (2'b10),
        .TOPADDSUB_LOWERINPUT     (2'b00),
        .TOPADDSUB_UPPERINPUT     (1'b0),
        .TOPADDSUB_CARRYSELECT    (2'b00),
        .BOTOUTPUT_SELECT         (2'b10),
        .BOTADDSUB_LOWERINPUT     (2'b00),
        .BOTADDSUB_UPPERINPUT     (1'b0),
        .BOTADDSUB_CARRYSELECT    (2'b00),
        .MODE_8x8                 (1'b1),
        .A_SIGNED                 (AS),
        .B_SIGNED                 (BS)
    ) u_mac16 (
        .CLK       (clk),
        .CE        (ce),
        .C         (16'h0000),
        .A         ({a_hi, a_lo}),
        .B         ({b_hi, b_lo}),
        .D         (16'h0000),
        .AHOLD     (1'b0),
        .BHOLD     (1'b0),
        .CHOLD     (1'b0),
        .DHOLD     (1'b0),
        .IRSTTOP   (1'b0),
        .IRSTBOT   (1'b0),
        .ORSTTOP   (1'b0),
        .ORSTBOT   (1'b0),
        .OLOADTOP  (1'b0),
        .OLOADBOT  (1'b0),
        .ADDSUBTOP (1'b0),
        .ADDSUBBOT (1'b0),
        .OHOLDTOP  (1'b0),
        .OHOLDBOT  (1'b0),
        .CI        (1'b0),
        .ACCUMCI   (1'b0),
        .SIGNEXTIN (1'b0),
        .O         (o),
        .CO        (),
        .ACCUMCO   (),
        .SIGNEXTOUT()
    );
    assign p_hi = o[31:16];
    assign p_lo = o[15:0];
endmodule

// SB_MAC16 under another name until synth_ice40 is done (see above): the
// same ports and parameters, so renaming the cell gives the SB_MAC16 above.
(* blackbox *)
module circa_sb_mac16_8x8 (
    input         CLK, CE,
    input  [15:0] C, A, B, D,
    input         AHOLD, BHOLD, CHOLD, DHOLD,
    input         IRSTTOP, IRSTBOT,
    input         ORSTTOP, ORSTBOT,
    input         OLOADTOP, OLOADBOT,
    input         ADDSUBTOP, ADDSUBBOT,
    input         OHOLDTOP, OHOLDBOT,
    input         CI, ACCUMCI, SIGNEXTIN,
    output [31:0] O,
    output        CO, ACCUMCO, SIGNEXTOUT
);
    parameter [0:0] NEG_TRIGGER = 0;
    parameter [0:0] C_REG = 0;
    parameter [0:0] A_REG = 0;
    parameter [0:0] B_REG = 0;
    parameter [0:0] D_REG = 0;
    parameter [0:0] TOP_8x8_MULT_REG = 0;
    parameter [0:0] BOT_8x8_MULT_REG = 0;
    parameter [0:0] PIPELINE_16x16_MULT_REG1 = 0;
    parameter [0:0] PIPELINE_16x16_MULT_REG2 = 0;
    parameter [1:0] TOPOUTPUT_SELECT = 0;
    parameter [1:0] TOPADDSUB_LOWERINPUT = 0;
    parameter [0:0] TOPADDSUB_UPPERINPUT = 0;
    parameter [1:0] TOPADDSUB_CARRYSELECT = 0;
    parameter [1:0] BOTOUTPUT_SELECT = 0;
    parameter [1:0] BOTADDSUB_LOWERINPUT = 0;
    parameter [0:0] BOTADDSUB_UPPERINPUT = 0;
    parameter [1:0] BOTADDSUB_CARRYSELECT = 0;
    parameter [0:0] MODE_8x8 = 0;
    parameter [0:0] A_SIGNED = 0;
    parameter [0:0] B_SIGNED = 0;
endmodule
`endif
