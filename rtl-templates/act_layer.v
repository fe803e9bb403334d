// act_layer: elementwise requantisation and activation on a stream, one
// element per beat: y = f(requant(x)), f = identity | relu | hardtanh.
//
//   FUNC 0 identity, 1 relu (max(0, y)), 2 hardtanh (clip to [HT_LO, HT_HI],
//   the raw values of -1 and +1 in the output format, clamped to its range)
//   LSHIFT > 0 widens the input first (output has more fraction bits);
//   SHIFT > 0 shifts right with rounding ROUND (requant.v).
//
// Schedule: one register stage. The stage advances when its output is empty
// or being taken (ce), so s_ready = ce and backpressure passes straight
// through; an element handshaken at cycle t leaves at t + 1 at the earliest.
module act_layer #(
    parameter X_W    = 8,
    parameter Y_W    = 8,
    parameter LSHIFT = 0,
    parameter SHIFT  = 0,
    parameter ROUND  = 2,
    parameter SAT    = 1,
    parameter FUNC   = 1,
    parameter [Y_W-1:0] HT_HI = 0,
    parameter [Y_W-1:0] HT_LO = 0
) (
    input  wire           clk,
    input  wire           rst,
    input  wire           s_valid,
    output wire           s_ready,
    input  wire [X_W-1:0] s_data,
    input  wire           s_last,
    output wire           m_valid,
    input  wire           m_ready,
    output wire [Y_W-1:0] m_data,
    output wire [0:0]     m_keep,
    output wire           m_last,
    output wire           ovf
);
    localparam IN_W = X_W + LSHIFT;

    wire [IN_W-1:0] widened;
    generate
        if (LSHIFT > 0) begin : g_lshift
            assign widened = {s_data, {LSHIFT{1'b0}}};
        end else begin : g_noshift
            assign widened = s_data;
        end
    endgenerate

    wire signed [Y_W-1:0] rq;
    wire                  rq_ovf;
    requant #(
        .IN_W (IN_W),
        .OUT_W(Y_W),
        .SHIFT(SHIFT),
        .ROUND(ROUND),
        .SAT  (SAT)
    ) u_requant (
        .din (widened),
        .dout(rq),
        .ovf (rq_ovf)
    );

    reg [Y_W-1:0] f;
    always @* begin
        case (FUNC)
            1: f = rq[Y_W-1] ? {Y_W{1'b0}} : rq;
            2: f = ($signed(rq) > $signed(HT_HI)) ? HT_HI :
                   ($signed(rq) < $signed(HT_LO)) ? HT_LO : rq;
            default: f = rq;
        endcase
    end
    // Overflow = the output lost information (requantActivate() in
    // src/fixed/index.ts): it did not fit, and below the range relu's 0 or
    // hardtanh's HT_LO, above it hardtanh's HT_HI, is not the right answer anyway.
    wire below = widened[IN_W-1];
    wire f_right = below ? ((FUNC == 1 && f == {Y_W{1'b0}}) || (FUNC == 2 && f == HT_LO))
                         : (FUNC == 2 && f == HT_HI);
    wire lost = rq_ovf & ~f_right;

    reg           o_valid, o_last, ovf_r;
    reg [Y_W-1:0] o_data;
    wire ce = ~o_valid | m_ready;
    assign s_ready = ce;
    always @(posedge clk) begin
        if (rst) o_valid <= 1'b0;
        else if (ce) o_valid <= s_valid;
    end
    always @(posedge clk) begin
        if (ce) begin
            o_data <= f;
            o_last <= s_last;
        end
    end
    always @(posedge clk) begin
        if (rst) ovf_r <= 1'b0;
        else if (ce && s_valid && lost) ovf_r <= 1'b1;
    end
    assign m_valid = o_valid;
    assign m_data  = o_data;
    assign m_keep  = 1'b1;
    assign m_last  = o_last;
    assign ovf     = ovf_r;
endmodule
