// fft_round: arithmetic shift right by SHIFT with rounding, bit for bit
// shiftRound() in src/fixed/index.ts. The result keeps every value: it has
// W_IN + 1 - SHIFT bits (one more than the kept bits, so that rounding the
// largest value up cannot wrap). fft_fit then saturates or wraps it into the
// output width; callers put a register between the two so that each carry
// path stays short.
//
//   ROUND = 0 truncate   (toward minus infinity: drop the bits)
//           1 half-up    (nearest, ties toward plus infinity)
//           2 convergent (nearest, ties to even)
//
// Purely combinational.
module fft_round #(
    parameter integer W_IN  = 34,
    parameter integer SHIFT = 14,
    parameter integer ROUND = 2
) (
    input  wire signed [W_IN-1:0]    din,
    output wire signed [W_IN-SHIFT:0] dout
);
    localparam integer W_R = W_IN + 1 - SHIFT;

    generate
        if (SHIFT == 0) begin : g_noshift
            assign dout = {din[W_IN-1], din};
        end else begin : g_shift
            // floor(din / 2^SHIFT): the kept bits, sign-extended by one
            wire signed [W_R-1:0] floored = {din[W_IN-1], din[W_IN-1:SHIFT]};
            // The dropped bits against one half: the top dropped bit is the half,
            // the bits below it tell "above half" from "exactly half". Deciding the
            // round-up bit first keeps the carry chain to the kept bits only.
            wire half_bit = din[SHIFT-1];
            wire rest_nonzero;
            if (SHIFT > 1) begin : g_rest
                assign rest_nonzero = |din[SHIFT-2:0];
            end else begin : g_norest
                assign rest_nonzero = 1'b0;
            end
            wire round_up = (ROUND == 0) ? 1'b0 :
                            (ROUND == 1) ? half_bit :
                                           (half_bit & (rest_nonzero | din[SHIFT]));
            assign dout = floored + {{(W_R - 1){1'b0}}, round_up};
        end
    endgenerate
endmodule
