// fft_fit: fit a signed W_IN-bit value into W_OUT bits by saturating (SAT = 1)
// or wrapping (SAT = 0, keep the low bits), bit for bit fit() in
// src/fixed/index.ts. ovf = 1 when the value does not fit, in either mode.
// When W_OUT >= W_IN every value fits: sign extension, ovf = 0.
//
// Purely combinational.
module fft_fit #(
    parameter integer W_IN  = 19,
    parameter integer W_OUT = 16,
    parameter integer SAT   = 1
) (
    input  wire signed [W_IN-1:0]  din,
    output wire signed [W_OUT-1:0] dout,
    output wire                    ovf
);
    generate
        if (W_OUT > W_IN) begin : g_ext
            assign dout = {{(W_OUT - W_IN){din[W_IN-1]}}, din};
            assign ovf  = 1'b0;
        end else if (W_OUT == W_IN) begin : g_same
            assign dout = din;
            assign ovf  = 1'b0;
        end else begin : g_narrow
            // The value fits when every bit from W_OUT-1 up equals the sign bit.
            wire [W_IN-W_OUT:0] top = din[W_IN-1:W_OUT-1];
            wire fits = (&top) | ~(|top);
            assign ovf = ~fits;
            if (SAT != 0) begin : g_sat
                wire neg = din[W_IN-1];
                assign dout = fits ? din[W_OUT-1:0] : {neg, {(W_OUT - 1){~neg}}};
            end else begin : g_wrap
                assign dout = din[W_OUT-1:0];
            end
        end
    endgenerate
endmodule
