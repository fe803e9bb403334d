// fold_shfit: shift right by 0 or 1 bit (chosen per sample by sh) with
// rounding, then saturate or wrap into W_OUT bits: requantize() of
// src/fixed/index.ts with shift sh. The butterfly adds of the folded FFT
// engine (fold_bfu.v) use it, where the scaling schedule sets sh per pass.
// ovf = 1 when the rounded value does not fit W_OUT bits.
//
// Purely combinational.
module fold_shfit #(
    parameter integer W_IN  = 17,
    parameter integer W_OUT = 16,
    parameter integer ROUND = 2,
    parameter integer SAT   = 1
) (
    input  wire signed [W_IN-1:0]  din,
    input  wire                    sh,
    output wire signed [W_OUT-1:0] dout,
    output wire                    ovf
);
    wire signed [W_IN-1:0] halved;   // round(din / 2): W_IN bits hold every value
    /* verilator lint_off UNUSEDSIGNAL */
    wire halved_ovf_unused;          // so it never overflows
    /* verilator lint_on UNUSEDSIGNAL */
    requant #(.IN_W(W_IN), .OUT_W(W_IN), .SHIFT(1), .ROUND(ROUND), .SAT(1)) u_round (.din(din), .dout(halved), .ovf(halved_ovf_unused));
    wire signed [W_IN-1:0] chosen = sh ? halved : din;
    requant #(.IN_W(W_IN), .OUT_W(W_OUT), .SHIFT(0), .ROUND(ROUND), .SAT(SAT)) u_fit (.din(chosen), .dout(dout), .ovf(ovf));
endmodule
