// circ_out: the output side of a streaming circulant layer. It takes the
// inverse FFT's natural-order samples (position p = output index), keeps the
// real part of positions 0..OUT-1 and drops the rest (a circulant of size
// K > OUT computes K outputs; Cheng et al. keep the first ones), then
//   DIAG = 0 (circulant):       y = act(requant(z))
//   DIAG = 1 (diag-circulant):  y = act(requant(z * d_p + (b_p << BSHIFT)))
// with d_p, b_p read from a generated ROM (src/layers/diag-circulant/rtl.ts).
// requant.v rounds and saturates or wraps (sticky ovf on kept outputs), act
// is identity or ReLU. Bit for bit the output stage of the reference models.
//
// Pipeline (registers move when en = 1: the skid buffer has room):
//   take z at t: z, keep, last registered; ROM read issued          (t + 1)
//   DIAG: product z * d                                                (t + 2)
//   DIAG: accumulator product + aligned bias                           (t + 3)
//   requantised value pushed into the skid buffer; it leaves one cycle later.
// So an output leaves 2 (DIAG = 0) or 4 (DIAG = 1) cycles after its sample
// left the inverse FFT, when nothing stalls.
module circ_out #(
    parameter integer LOG2K  = 4,    // K = 2^LOG2K positions per vector
    parameter integer OUT    = 16,   // outputs kept, 1..K
    parameter integer OA_W   = 4,    // bits of an output index 0..OUT-1
    parameter integer Z_W    = 19,   // inverse FFT output width
    parameter integer DIAG   = 0,
    parameter integer D_W    = 8,    // diagonal width (DIAG = 1)
    parameter integer B_W    = 8,    // bias width (DIAG = 1)
    parameter integer BSHIFT = 0,    // bias alignment onto the product's fraction bits
    parameter integer ACC_W  = 28,   // product plus aligned bias, exactly (DIAG = 1)
    parameter integer Y_W    = 8,
    parameter integer SHIFT  = 7,
    parameter integer ROUND  = 2,
    parameter integer SAT    = 1,
    parameter integer RELU   = 0
) (
    input  wire               clk,
    input  wire               rst,
    input  wire               z_valid,
    output wire               z_ready,
    input  wire [2*Z_W-1:0]   z_data,     // {im, re}: the real part is used
    output wire [OA_W-1:0]    rom_addr,   // output index, for the d/b ROM
    output wire               rom_en,
    input  wire [D_W-1:0]     d_q,
    input  wire [B_W-1:0]     b_q,
    output wire               m_valid,
    input  wire               m_ready,
    output wire [Y_W-1:0]     m_data,
    output wire               m_last,
    output reg                ovf,
    output wire               busy
);
    localparam integer OUT_I  = OUT;
    localparam integer LAST_I = OUT - 1;
    localparam [LOG2K:0]  OUT_C  = OUT_I[LOG2K:0];
    localparam [LOG2K:0]  LAST_C = LAST_I[LOG2K:0];

    wire en;          // the skid buffer can take a value whatever the reader does
    assign z_ready = en;
    wire take = z_valid & en;

    // ---- stage 0: position, keep, last ---------------------------------------
    reg  [LOG2K-1:0] pos;
    wire keep = {1'b0, pos} < OUT_C;
    wire last = {1'b0, pos} == LAST_C;
    reg                  v0, l0;
    reg signed [Z_W-1:0] z0;
    assign rom_addr = pos[OA_W-1:0];
    assign rom_en   = en;
    always @(posedge clk) begin
        if (en) begin
            z0 <= z_data[Z_W-1:0];
            l0 <= last;
        end
    end

    // ---- the value to requantise: z, or z * d + b --------------------------------
    wire        v_fin, l_fin;
    wire [Y_W-1:0] rq;
    wire        rq_ovf;
    wire        rq_below;   // the requantiser's input is negative
    generate
        if (DIAG != 0) begin : g_diag
            reg                       v1, l1, v2, l2;
            reg signed [Z_W+D_W-1:0]  p1;
            reg signed [B_W-1:0]      b1;
            reg signed [ACC_W-1:0]    a2;
            wire signed [D_W-1:0]     d_s = d_q;
            wire signed [ACC_W-1:0]   p_ext = {{(ACC_W-Z_W-D_W){p1[Z_W+D_W-1]}}, p1};
            wire [ACC_W-1:0]          b_ext = {{(ACC_W-B_W){b1[B_W-1]}}, b1};
            wire signed [ACC_W-1:0]   b_al  = b_ext << BSHIFT;
            always @(posedge clk) begin
                if (en) begin
                    p1 <= z0 * d_s;
                    b1 <= b_q;
                    l1 <= l0;
                    a2 <= p_ext + b_al;
                    l2 <= l1;
                end
            end
            always @(posedge clk) begin
                if (rst) begin
                    v1 <= 1'b0;
                    v2 <= 1'b0;
                end else if (en) begin
                    v1 <= v0;
                    v2 <= v1;
                end
            end
            requant #(.IN_W(ACC_W), .OUT_W(Y_W), .SHIFT(SHIFT), .ROUND(ROUND), .SAT(SAT)) u_rq (.din(a2), .dout(rq), .ovf(rq_ovf));
            assign rq_below = a2[ACC_W-1];
            assign v_fin = v2;
            assign l_fin = l2;
            assign busy  = v0 | v1 | v2 | m_valid;
        end else begin : g_plain
            requant #(.IN_W(Z_W), .OUT_W(Y_W), .SHIFT(SHIFT), .ROUND(ROUND), .SAT(SAT)) u_rq (.din(z0), .dout(rq), .ovf(rq_ovf));
            assign rq_below = z0[Z_W-1];
            assign v_fin = v0;
            assign l_fin = l0;
            assign busy  = v0 | m_valid;
            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_rom = &{1'b0, d_q, b_q};
            /* verilator lint_on UNUSEDSIGNAL */
        end
    endgenerate
    wire [Y_W-1:0] y = (RELU != 0 && rq[Y_W-1]) ? {Y_W{1'b0}} : rq;
    // Overflow = the output lost information (requantActivate() in
    // src/fixed/index.ts): a value below the range that ReLU zeroes anyway
    // (saturated, or wrapped to a negative) is not an overflow.
    wire lost = rq_ovf & ~(RELU != 0 && rq_below && y == {Y_W{1'b0}});

    // ---- control -----------------------------------------------------------------
    always @(posedge clk) begin
        if (rst) begin
            pos <= {LOG2K{1'b0}};
            v0  <= 1'b0;
            ovf <= 1'b0;
        end else begin
            if (take) pos <= pos + 1'b1;
            if (en) v0 <= take & keep;
            if (en & v_fin & lost) ovf <= 1'b1;
        end
    end

    // ---- output buffer: m_ready never reaches the pipeline's enable combinationally ----
    wire [Y_W:0] skid_out;
    fft_skid #(.W(Y_W + 1)) u_skid (
        .clk      (clk),
        .rst      (rst),
        .in_valid (v_fin),
        .in_ready (en),
        .in_data  ({l_fin, y}),
        .out_valid(m_valid),
        .out_ready(m_ready),
        .out_data (skid_out)
    );
    assign m_data = skid_out[Y_W-1:0];
    assign m_last = skid_out[Y_W];

    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_im = &{1'b0, z_data[2*Z_W-1:Z_W]};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
