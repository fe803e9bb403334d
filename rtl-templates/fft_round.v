// fft_round: arithmetic shift right by SHIFT with rounding, then fit into
// W_OUT bits by saturating or wrapping. Bit for bit the same operation as
// requantize() / shiftRound() + fit() in src/fixed/index.ts.
//
//   ROUND = 0 truncate   (toward minus infinity: drop the bits)
//           1 half-up    (nearest, ties toward plus infinity: add 2^(SHIFT-1), drop)
//           2 convergent (nearest, ties to even: add 2^(SHIFT-1) - 1 + bit SHIFT, drop)
//   SAT   = 1 saturate to the W_OUT range, 0 wrap (keep the low W_OUT bits)
//   ovf   = 1 when the rounded value does not fit W_OUT bits (either mode)
//
// Purely combinational; the caller registers the result.
module fft_round #(
    parameter integer W_IN  = 33,
    parameter integer SHIFT = 14,
    parameter integer W_OUT = 16,
    parameter integer ROUND = 2,
    parameter integer SAT   = 1
) (
    input  wire signed [W_IN-1:0]  din,
    output wire signed [W_OUT-1:0] dout,
    output wire                    ovf
);
    // Width after the rounding add (one bit wider than the input, so adding the
    // bias to the largest input cannot wrap) and the shift.
    localparam integer W_R = W_IN + 1 - SHIFT;

    wire signed [W_R-1:0] rounded;

    generate
        if (SHIFT == 0) begin : g_noshift
            assign rounded = {din[W_IN-1], din};
        end else begin : g_shift
            wire signed [W_IN:0] ext = {din[W_IN-1], din};
            wire signed [W_IN:0] bias;
            if (ROUND == 0) begin : g_trunc
                assign bias = {(W_IN + 1){1'b0}};
            end else if (ROUND == 1) begin : g_halfup
                assign bias = $signed({{(W_IN + 1 - SHIFT){1'b0}}, 1'b1, {(SHIFT - 1){1'b0}}});
            end else begin : g_conv
                // 2^(SHIFT-1) - 1 + din[SHIFT]: ties go up only when the kept part is odd
                wire [W_IN:0] half_m1 = {{(W_IN + 2 - SHIFT){1'b0}}, {(SHIFT - 1){1'b1}}};
                assign bias = $signed(half_m1 + {{W_IN{1'b0}}, din[SHIFT]});
            end
            wire signed [W_IN:0] biased = ext + bias;
            // The dropped fraction bits are not needed after the add.
            /* verilator lint_off UNUSEDSIGNAL */
            wire [SHIFT-1:0] dropped = biased[SHIFT-1:0];
            /* verilator lint_on UNUSEDSIGNAL */
            assign rounded = biased[W_IN:SHIFT];
        end
    endgenerate

    generate
        if (W_OUT >= W_R) begin : g_wide
            // The output holds every rounded value: sign-extend, never overflow.
            if (W_OUT > W_R) begin : g_ext
                assign dout = {{(W_OUT - W_R){rounded[W_R-1]}}, rounded};
            end else begin : g_same
                assign dout = rounded;
            end
            assign ovf = 1'b0;
        end else begin : g_narrow
            // The value fits when every bit above W_OUT-1 equals the sign bit.
            wire [W_R-W_OUT:0] top = rounded[W_R-1:W_OUT-1];
            wire fits = (&top) | ~(|top);
            assign ovf = ~fits;
            if (SAT != 0) begin : g_sat
                wire neg = rounded[W_R-1];
                assign dout = fits ? rounded[W_OUT-1:0] : {neg, {(W_OUT - 1){~neg}}};
            end else begin : g_wrap
                assign dout = rounded[W_OUT-1:0];
            end
        end
    endgenerate
endmodule
