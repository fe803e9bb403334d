// requant: arithmetic shift right with rounding, then saturate or wrap.
// The same operation as requantize() in src/fixed/index.ts, bit for bit.
//
//   ROUND = 0 truncate   (toward minus infinity)
//           1 half-up    (nearest, ties toward plus infinity)
//           2 convergent (nearest, ties to even)
//   SAT   = 1 saturate to the OUT_W range, 0 wrap (keep the low OUT_W bits)
//   ovf   = 1 when the rounded value does not fit OUT_W bits
//
// Purely combinational; the caller registers the result.
module requant #(
    parameter IN_W  = 16,
    parameter OUT_W = 8,
    parameter SHIFT = 7,
    parameter ROUND = 2,
    parameter SAT   = 1
) (
    input  wire signed [IN_W-1:0]  din,
    output wire signed [OUT_W-1:0] dout,
    output wire                    ovf
);
    // Rounded value, one bit wider than the input so that rounding up the
    // largest input cannot wrap.
    wire signed [IN_W:0] rounded;

    generate
        if (SHIFT == 0) begin : g_noshift
            assign rounded = {din[IN_W-1], din};
        end else begin : g_shift
            // floor(din / 2^SHIFT): the kept bits, sign-extended
            wire signed [IN_W:0]   floored = {{(SHIFT + 1){din[IN_W-1]}}, din[IN_W-1:SHIFT]};
            // The dropped bits compared with one half: the top dropped bit is the
            // half, the bits below it decide "above" versus "exactly".
            wire half_bit = din[SHIFT-1];
            wire rest_nonzero;
            if (SHIFT > 1) begin : g_rest
                assign rest_nonzero = |din[SHIFT-2:0];
            end else begin : g_norest
                assign rest_nonzero = 1'b0;
            end
            wire above_half = half_bit & rest_nonzero;
            wire at_half    = half_bit & ~rest_nonzero;
            wire                    round_up   = (ROUND == 0) ? 1'b0 :
                                                 (ROUND == 1) ? (above_half | at_half) :
                                                                (above_half | (at_half & floored[0]));
            assign rounded = floored + {{IN_W{1'b0}}, round_up};
        end
    endgenerate

    generate
        if (OUT_W >= IN_W + 1) begin : g_wide
            // The output holds every rounded value: sign-extend, never overflow.
            assign dout = {{(OUT_W - IN_W - 1){rounded[IN_W]}}, rounded};
            assign ovf  = 1'b0;
        end else begin : g_narrow
            // Does the rounded value fit OUT_W bits?
            localparam signed [IN_W:0] MAXV = (1 <<< (OUT_W - 1)) - 1;
            localparam signed [IN_W:0] MINV = -(1 <<< (OUT_W - 1));
            wire too_big   = rounded > MAXV;
            wire too_small = rounded < MINV;
            assign ovf = too_big | too_small;
            if (SAT != 0) begin : g_sat
                assign dout = too_big   ? MAXV[OUT_W-1:0] :
                              too_small ? MINV[OUT_W-1:0] :
                                          rounded[OUT_W-1:0];
            end else begin : g_wrap
                assign dout = rounded[OUT_W-1:0];
            end
        end
    endgenerate
endmodule
