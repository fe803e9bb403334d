// requant: arithmetic shift right by SHIFT with rounding, then saturate or
// wrap into OUT_W bits. The same operation as requantize() in
// src/fixed/index.ts (shiftRound(), then fit()), bit for bit. It is circa's
// one rounding block: every layer kind and both FFT engines use it.
//
//   ROUND = 0 truncate   (toward minus infinity: drop the bits)
//           1 half-up    (nearest, ties toward plus infinity)
//           2 convergent (nearest, ties to even)
//   SAT   = 1 saturate to the OUT_W range, 0 wrap (keep the low OUT_W bits)
//   ovf   = 1 when the rounded value does not fit OUT_W bits (in either mode)
//
// The rounded value has R_W = IN_W + 1 - SHIFT bits (the kept bits and one
// more, so that rounding the largest value up cannot wrap; IN_W bits when
// SHIFT = 0). Two uses need only one half, and a pipeline may put a register
// between the halves to keep each carry path short:
//   - round only: OUT_W >= R_W (the value always fits: sign extension, ovf = 0);
//   - fit only:   SHIFT = 0.
//
// Purely combinational; the caller registers the result.
module requant #(
    parameter integer IN_W  = 16,
    parameter integer OUT_W = 8,
    parameter integer SHIFT = 7,
    parameter integer ROUND = 2,
    parameter integer SAT   = 1
) (
    input  wire signed [IN_W-1:0]  din,
    output wire signed [OUT_W-1:0] dout,
    output wire                    ovf
);
    localparam integer R_W = (SHIFT == 0) ? IN_W : IN_W + 1 - SHIFT;
    wire signed [R_W-1:0] rounded;
    wire        [R_W-1:0] floored_any;    // the kept bits (din itself when SHIFT = 0)
    wire                  round_up_any;   // rounded = floored_any + round_up_any

    // ---- shift and round ----------------------------------------------------
    generate
        if (SHIFT == 0) begin : g_noshift
            assign rounded      = din;
            assign floored_any  = din;
            assign round_up_any = 1'b0;
        end else begin : g_shift
            // floor(din / 2^SHIFT): the kept bits, sign-extended by one
            wire signed [R_W-1:0] floored = {din[IN_W-1], din[IN_W-1:SHIFT]};
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
            assign rounded = floored + {{(R_W - 1){1'b0}}, round_up};
            assign floored_any  = floored;
            assign round_up_any = round_up;
        end
    endgenerate

    // ---- saturate or wrap into OUT_W bits -----------------------------------
    generate
        if (OUT_W > R_W) begin : g_ext
            assign dout = {{(OUT_W - R_W){rounded[R_W-1]}}, rounded};
            assign ovf  = 1'b0;
            wire unused_fl = &{1'b0, floored_any, round_up_any};
        end else if (OUT_W == R_W) begin : g_same
            assign dout = rounded;
            assign ovf  = 1'b0;
            wire unused_fl = &{1'b0, floored_any, round_up_any};
        end else begin : g_narrow
            // The value fits when every bit from OUT_W-1 up equals the sign bit.
            // That is decided on the floored value, beside the rounding adder
            // rather than after it (Fmax): rounding up by one changes the
            // verdict only at the two edges, floored = the largest value (it
            // no longer fits) and floored = the smallest minus one (now it
            // does). Where it fits, the low OUT_W bits of floored + round_up
            // are the result, so the adder that feeds dout is OUT_W bits
            // wide; where it does not, the sign is din's (the rounded and
            // floored values differ by at most one, far from zero).
            localparam [R_W-1:0] F_MAX = {{(R_W - OUT_W + 1){1'b0}}, {(OUT_W - 1){1'b1}}};    // 2^(OUT_W-1) - 1
            localparam [R_W-1:0] F_MIN1 = {{(R_W - OUT_W){1'b1}}, 1'b0, {(OUT_W - 1){1'b1}}};   // -2^(OUT_W-1) - 1
            wire [R_W-1:0] fl = floored_any;
            wire [R_W-OUT_W:0] top = fl[R_W-1:OUT_W-1];
            wire fits_fl = (&top) | ~(|top);
            wire at_max  = (fl == F_MAX);
            wire at_min1 = (fl == F_MIN1);
            wire fits = (fits_fl & ~(at_max & round_up_any)) | (at_min1 & round_up_any);
            wire [OUT_W-1:0] low = fl[OUT_W-1:0] + {{(OUT_W - 1){1'b0}}, round_up_any};
            assign ovf = ~fits;
            if (SAT != 0) begin : g_sat
                wire neg = din[IN_W-1];
                assign dout = fits ? low : {neg, {(OUT_W - 1){~neg}}};
            end else begin : g_wrap
                assign dout = low;
            end
            wire unused_rounded = &{1'b0, rounded};
        end
    endgenerate
endmodule
