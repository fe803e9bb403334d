// requant_act: the output tail of a MAC lane (dense_layer.v, conv_layer.v):
// requantise the accumulator (requant.v: shift with rounding, saturate or
// wrap), apply the activation, and tell whether the output lost information.
// The same operation as requantActivate() in src/fixed/index.ts, bit for bit.
//
//   ACT = 0 identity, 1 ReLU, 2 hardtanh (clip to [CLIP_LO, CLIP_HI], raw
//         output values)
//   ovf = the value did not fit OUT_W bits AND the activation of what was
//         kept differs from the activation of the true value: below the range
//         (din negative) ReLU gives 0 and hardtanh CLIP_LO anyway; above it
//         only hardtanh's CLIP_HI is still right.
//
// Purely combinational; the caller registers the result.
module requant_act #(
    parameter integer IN_W  = 16,
    parameter integer OUT_W = 8,
    parameter integer SHIFT = 7,
    parameter integer ROUND = 2,
    parameter integer SAT   = 1,
    parameter integer ACT   = 0,
    parameter signed [OUT_W-1:0] CLIP_LO = -128,
    parameter signed [OUT_W-1:0] CLIP_HI = 127
) (
    input  wire signed [IN_W-1:0]  din,
    output wire signed [OUT_W-1:0] dout,
    output wire                    ovf
);
    wire signed [OUT_W-1:0] rq;
    wire                    rq_ovf;
    requant #(
        .IN_W (IN_W),
        .OUT_W(OUT_W),
        .SHIFT(SHIFT),
        .ROUND(ROUND),
        .SAT  (SAT)
    ) u_requant (
        .din (din),
        .dout(rq),
        .ovf (rq_ovf)
    );
    reg signed [OUT_W-1:0] act;
    always @* begin
        if (ACT == 1)      act = rq[OUT_W-1] ? {OUT_W{1'b0}} : rq;
        else if (ACT == 2) act = (rq < CLIP_LO) ? CLIP_LO : (rq > CLIP_HI) ? CLIP_HI : rq;
        else               act = rq;
    end
    assign dout = act;
    // Saturating, the kept value is the range's end on the true value's side,
    // which ReLU and hardtanh map as they map the true value except ReLU above
    // the range: the verdict needs din's sign only, not the requantised value
    // (off the requantiser's carry chain, for Fmax).
    wire below = din[IN_W-1];
    wire act_right = (SAT != 0) ? (below ? (ACT == 1 || ACT == 2) : (ACT == 2))
                   : below ? ((ACT == 1 && act == {OUT_W{1'b0}}) || (ACT == 2 && act == CLIP_LO))
                           : (ACT == 2 && act == CLIP_HI);
    assign ovf = rq_ovf & ~act_right;
endmodule
