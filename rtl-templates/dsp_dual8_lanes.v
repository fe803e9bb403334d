// dsp_dual8_lanes: P lanes that multiply one shared signed operand `a` by
// their own signed operand (lane j: b[j*B_W +: B_W]), two lanes per
// dsp_dual8 (SB_MAC16 in its 8x8 mode): lane 2q in the bottom half, lane
// 2q+1 in the top half, ceil(P/2) DSPs; with an odd P the last DSP's top half
// multiplies by zero. The operands are sign-extended to 8 bits (A_W, B_W <=
// 8) and each product is registered inside the DSP when ce is high, as
// `always @(posedge clk) if (ce) p_j <= a * b_j;` in fabric: lane j's
// PROD_W-bit product at p[j*PROD_W +: PROD_W] one cycle later (the 16-bit
// product holds it exactly). Used by dense_layer.v and conv_layer.v (a: the
// input element, b: the lanes' weights) and tvscm_layer.v (a: the weight a,
// b: the lanes' centre elements) with DUAL8 = 1.
module dsp_dual8_lanes #(
    parameter P      = 2,
    parameter A_W    = 8,
    parameter B_W    = 8,
    parameter PROD_W = 16
) (
    input  wire                clk,
    input  wire                ce,
    input  wire [A_W-1:0]      a,
    input  wire [P*B_W-1:0]    b,
    output wire [P*PROD_W-1:0] p
);
    localparam PAIRS = (P + 1) / 2;
    wire signed [A_W-1:0] a_n = a;
    /* verilator lint_off WIDTH */
    wire signed [7:0]     a8  = a_n;   // sign-extended (A_W <= 8)
    /* verilator lint_on WIDTH */
    genvar q;
    generate
        for (q = 0; q < PAIRS; q = q + 1) begin : g_pair
            localparam HAS_HI = (2 * q + 1) < P;
            wire signed [B_W-1:0] b_lo_n = b[(2 * q) * B_W +: B_W];
            /* verilator lint_off WIDTH */
            wire signed [7:0]     b_lo   = b_lo_n;   // sign-extended (B_W <= 8)
            /* verilator lint_on WIDTH */
            wire signed [7:0]     b_hi;
            wire [15:0]           prod_lo, prod_hi;
            if (HAS_HI) begin : g_hi
                wire signed [B_W-1:0] b_hi_n = b[(2 * q + 1) * B_W +: B_W];
                /* verilator lint_off WIDTH */
                assign b_hi = b_hi_n;
                /* verilator lint_on WIDTH */
                assign p[(2 * q + 1) * PROD_W +: PROD_W] = prod_hi[PROD_W-1:0];
            end else begin : g_no_hi
                assign b_hi = 8'sd0;
            end
            dsp_dual8 #(.A_SIGNED(1), .B_SIGNED(1), .REG(1)) u_dual8 (
                .clk(clk), .ce(ce),
                .a_hi(a8), .b_hi(b_hi), .a_lo(a8), .b_lo(b_lo),
                .p_hi(prod_hi), .p_lo(prod_lo));
            assign p[(2 * q) * PROD_W +: PROD_W] = prod_lo[PROD_W-1:0];
            wire unused_prod = &{1'b0, prod_lo, prod_hi};
        end
    endgenerate
endmodule
