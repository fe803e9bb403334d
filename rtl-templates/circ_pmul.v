// circ_pmul: the pointwise product of a streaming circulant layer,
// A[f] = H[f] X[f], between the forward FFT (bit-reversed output) and the
// inverse FFT (bit-reversed input), so no reorder buffer is needed.
//
// The stream position pos of a sample is the bit reversal of its bin f.
// H = FFT(w) of a real w is conjugate symmetric, so the ROM (generated, see
// src/layers/circulant-common/stream-rtl.ts) holds the half spectrum
// f = 0..K/2 and bin f > K/2 reads conj(H[K - f]). The conjugation is folded
// into the sums (no negation of a ROM value, which could overflow):
//   H = c + jd:         re = ac - bd,  im = bc + ad
//   H = conj(c + jd):   re = ac + bd,  im = bc - ad
// The sums are exact (P_W = X_W + H_W + 1 bits); requant.v then shifts
// right by SHIFT with rounding and saturates into O_W bits (sticky ovf),
// bit for bit corePointwise() in stream-reference.ts.
//
// Pipeline (every register moves when en = 1, the inverse FFT's s_ready):
//   take at t: position counter -> ROM address; a, b registered      (t + 1)
//   products ac, bd, ad, bc (one SB_MAC16 each on UltraPlus)          (t + 2)
//   sums                                                              (t + 3)
//   requantised output, offered to the inverse FFT                    (t + 4)
module circ_pmul #(
    parameter integer K     = 16,
    parameter integer LOG2K = 4,
    parameter integer X_W   = 16,   // forward FFT output width
    parameter integer H_W   = 16,   // spectrum width
    parameter integer P_W   = 33,   // exact sum width
    parameter integer O_W   = 16,   // inverse FFT input width
    parameter integer SHIFT = 14,
    parameter integer ROUND = 2
) (
    input  wire               clk,
    input  wire               rst,
    input  wire               en,
    input  wire               in_valid,
    output wire               in_ready,
    input  wire [2*X_W-1:0]   in_data,    // {im, re}
    output wire [LOG2K-1:0]   rom_addr,   // half-spectrum bin 0..K/2
    input  wire [2*H_W-1:0]   rom_q,      // {d, c}: registered on en, one cycle after rom_addr
    output reg                out_valid,
    output reg  [2*O_W-1:0]   out_data,   // {im, re}
    output reg                ovf
);
    localparam integer HALF_I = K / 2;
    localparam [LOG2K:0] HALF = HALF_I[LOG2K:0];

    assign in_ready = en;
    wire take = in_valid & en;

    // ---- position -> bin -> half-spectrum address ----------------------------
    reg  [LOG2K-1:0] pos;   // stream position of the next sample
    wire [LOG2K-1:0] bin;
    genvar i;
    generate
        for (i = 0; i < LOG2K; i = i + 1) begin : g_rev
            assign bin[i] = pos[LOG2K-1-i];
        end
    endgenerate
    wire conj_bin = {1'b0, bin} > HALF;
    assign rom_addr = conj_bin ? (~bin + 1'b1) : bin;   // K - f, or f

    // ---- stage 1: operands ----------------------------------------------------
    reg                   v1, conj1;
    reg signed [X_W-1:0]  a1, b1;
    always @(posedge clk) begin
        if (en) begin
            a1    <= in_data[X_W-1:0];
            b1    <= in_data[2*X_W-1:X_W];
            conj1 <= conj_bin;
        end
    end
    wire signed [H_W-1:0] hc = rom_q[H_W-1:0];
    wire signed [H_W-1:0] hd = rom_q[2*H_W-1:H_W];

    // ---- stage 2: products ------------------------------------------------------
    reg                          v2, conj2;
    reg signed [X_W+H_W-1:0]     m_ac, m_bd, m_ad, m_bc;
    always @(posedge clk) begin
        if (en) begin
            m_ac  <= a1 * hc;
            m_bd  <= b1 * hd;
            m_ad  <= a1 * hd;
            m_bc  <= b1 * hc;
            conj2 <= conj1;
        end
    end

    // ---- stage 3: exact sums -------------------------------------------------------
    reg                   v3;
    reg signed [P_W-1:0]  s_re, s_im;
    wire signed [P_W-1:0] e_ac = {{(P_W-X_W-H_W){m_ac[X_W+H_W-1]}}, m_ac};
    wire signed [P_W-1:0] e_bd = {{(P_W-X_W-H_W){m_bd[X_W+H_W-1]}}, m_bd};
    wire signed [P_W-1:0] e_ad = {{(P_W-X_W-H_W){m_ad[X_W+H_W-1]}}, m_ad};
    wire signed [P_W-1:0] e_bc = {{(P_W-X_W-H_W){m_bc[X_W+H_W-1]}}, m_bc};
    always @(posedge clk) begin
        if (en) begin
            s_re <= conj2 ? e_ac + e_bd : e_ac - e_bd;
            s_im <= conj2 ? e_bc - e_ad : e_bc + e_ad;
        end
    end

    // ---- stage 4: requantise into the inverse FFT's input width --------------------
    wire [O_W-1:0] q_re, q_im;
    wire           o_re, o_im;
    requant #(.IN_W(P_W), .OUT_W(O_W), .SHIFT(SHIFT), .ROUND(ROUND), .SAT(1)) u_rq_re (.din(s_re), .dout(q_re), .ovf(o_re));
    requant #(.IN_W(P_W), .OUT_W(O_W), .SHIFT(SHIFT), .ROUND(ROUND), .SAT(1)) u_rq_im (.din(s_im), .dout(q_im), .ovf(o_im));
    always @(posedge clk) begin
        if (en) out_data <= {q_im, q_re};
    end

    // ---- control ------------------------------------------------------------------
    always @(posedge clk) begin
        if (rst) begin
            pos       <= {LOG2K{1'b0}};
            v1        <= 1'b0;
            v2        <= 1'b0;
            v3        <= 1'b0;
            out_valid <= 1'b0;
            ovf       <= 1'b0;
        end else if (en) begin
            if (take) pos <= pos + 1'b1;
            v1        <= in_valid;
            v2        <= v1;
            v3        <= v2;
            out_valid <= v3;
            if (v3 & (o_re | o_im)) ovf <= 1'b1;
        end
    end
endmodule
