// fft_cmul: the twiddle stage of a radix-2^2 pipeline. Multiplies each valid
// input sample by the twiddle for its stream position modulo the twiddle
// block (2^ADDR_W samples), rounds the product back to W bits and saturates
// or wraps.
//
// Twiddles are Q1.(TW-2): +1, -1, +j and -j are exact, so the trivial
// entries of the table pass samples through unchanged. The table itself is a
// generated ROM outside this module (its contents come from the same quantiser
// as the TypeScript model); this stage drives its address with the position
// counter and takes its registered output, which lines up with p0 below.
//
//   MULTS = 4: ROM word {-d, d, c} for w = c + j d
//              re = a c + b (-d),  im = a d + b c       (4 real multipliers)
//   MULTS = 3: ROM word {-(c + d), d - c, c} (each still TW bits: |c +- d| < 2)
//              k1 = c (a + b), k2 = a (d - c), k3n = b (-(c + d))
//              re = k1 + k3n,      im = k1 + k2         (3 real multipliers)
// The ROM carries the negated term so that both sums are additions: a
// subtraction would put an inverting LUT between the multiplier output and
// the carry chain, on the critical path.
// Both compute the exact integer products and sums, so they round the same
// value and agree bit for bit; the choice only trades a multiplier for an
// adder and a wider data operand (W + 1 bits into k1).
//
// Pipeline (every register moves only when en = 1; validity travels along):
//   p0: input sample registered (and a + b for MULTS = 3); ROM word registered
//   p1: real products registered (SB_MAC16 pipeline register)
//   p2: re / im sums registered, W + TW bits
//   p3: condensed for rounding: the kept bits, the half bit and the OR of the
//       bits below it (the same rounding decision, three LUT levels fewer)
//   p4: shifted right with rounding (requant, round only), W + 3 bits
//   p5: saturated or wrapped into W bits (requant, fit) -> output
// Latency 6 advances. ovf is sticky: a valid product that did not fit.
module fft_cmul #(
    parameter integer W      = 16,
    parameter integer TW     = 16,
    parameter integer MULTS  = 4,
    parameter integer ADDR_W = 6,
    parameter integer ROUND  = 2,
    parameter integer SAT    = 1
) (
    input  wire                                   clk,
    input  wire                                   rst,
    input  wire                                   en,
    input  wire                                   in_valid,
    input  wire signed [W-1:0]                    in_re,
    input  wire signed [W-1:0]                    in_im,
    output wire [ADDR_W-1:0]                      rom_addr,
    input  wire [3*TW-1:0]                        rom_q,
    output reg                                    out_valid,
    output reg  signed [W-1:0]                    out_re,
    output reg  signed [W-1:0]                    out_im,
    output reg                                    ovf
);
    // Accumulator width. Twiddles have |c|, |d| <= 1, so |re|, |im| <=
    // 2^(W-1) (|c| + |d|) <= 2^(W-1) (sqrt(2) 2^(TW-2) + 1) < 2^(W+TW-2): every
    // result fits W + TW - 1 bits; AW = W + TW keeps one bit spare. The sums
    // are formed modulo 2^AW, which is exact because the result fits (the
    // 3-multiplier k1 is W + TW + 1 bits wide but only its low AW bits matter).
    // 16-bit data and twiddles give 32 bits, the width of the SB_MAC16 adder.
    localparam integer AW = W + TW;

    // ---- position counter: twiddle address of the current input ----------
    reg [ADDR_W-1:0] cnt;
    assign rom_addr = cnt;

    // ---- p0 ----------------------------------------------------------------
    reg                v0;
    reg signed [W-1:0] a0, b0;   // a = re, b = im

    // ---- p1 / p2 ---------------------------------------------------------------
    reg                v1, v2;
    reg signed [AW-1:0] acc_re, acc_im;

    wire signed [TW-1:0] tw_c = rom_q[TW-1:0];

    generate
        if (MULTS == 3) begin : g_m3
            wire signed [TW-1:0] tw_dmc = rom_q[2*TW-1:TW];    // d - c
            wire signed [TW-1:0] tw_ncd = rom_q[3*TW-1:2*TW];  // -(c + d)
            reg  signed [W:0]        s0;  // a + b
            /* verilator lint_off UNUSEDSIGNAL */
            reg  signed [W+TW:0]     k1;  // only the low AW bits are used (see AW)
            /* verilator lint_on UNUSEDSIGNAL */
            reg  signed [W+TW-1:0]   k2, k3n;
            always @(posedge clk) begin
                if (en) begin
                    s0 <= {in_re[W-1], in_re} + {in_im[W-1], in_im};
                    k1 <= s0 * tw_c;
                    k2 <= a0 * tw_dmc;
                    k3n <= b0 * tw_ncd;
                    acc_re <= k1[AW-1:0] + k3n;
                    acc_im <= k1[AW-1:0] + k2;
                end
            end
        end else begin : g_m4
            wire signed [TW-1:0] tw_d  = rom_q[2*TW-1:TW];
            wire signed [TW-1:0] tw_nd = rom_q[3*TW-1:2*TW];  // -d
            reg  signed [W+TW-1:0] m_ac, m_bnd, m_ad, m_bc;
            always @(posedge clk) begin
                if (en) begin
                    m_ac <= a0 * tw_c;
                    m_bnd <= b0 * tw_nd;
                    m_ad <= a0 * tw_d;
                    m_bc <= b0 * tw_c;
                    acc_re <= m_ac + m_bnd;
                    acc_im <= m_ad + m_bc;
                end
            end
        end
    endgenerate

    always @(posedge clk) begin
        if (en) begin
            a0 <= in_re;
            b0 <= in_im;
        end
    end

    // ---- p3: condense the dropped bits ------------------------------------------
    // Shifting by S = TW - 2 only needs the kept bits, the half bit (bit S-1)
    // and whether any bit below it is set: {kept, half, sticky} shifted by 2
    // rounds exactly like the full value shifted by S, in every mode.
    localparam integer S   = TW - 2;
    localparam integer W_C = AW - S + 2;
    reg                  v3, v4;
    reg signed [W_C-1:0] cnd_re, cnd_im;
    always @(posedge clk) begin
        if (en) begin
            cnd_re <= {acc_re[AW-1:S-1], |acc_re[S-2:0]};
            cnd_im <= {acc_im[AW-1:S-1], |acc_im[S-2:0]};
        end
    end

    // ---- p4: shift and round ----------------------------------------------------
    localparam integer W_R = W_C - 1;
    wire signed [W_R-1:0] r_re, r_im;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [1:0] r_ovf_unused;   // a rounding alone always fits its W_R bits
    /* verilator lint_on UNUSEDSIGNAL */
    requant #(.IN_W(W_C), .OUT_W(W_R), .SHIFT(2), .ROUND(ROUND), .SAT(1)) u_round_re (.din(cnd_re), .dout(r_re), .ovf(r_ovf_unused[0]));
    requant #(.IN_W(W_C), .OUT_W(W_R), .SHIFT(2), .ROUND(ROUND), .SAT(1)) u_round_im (.din(cnd_im), .dout(r_im), .ovf(r_ovf_unused[1]));
    reg signed [W_R-1:0] rnd_re, rnd_im;
    always @(posedge clk) begin
        if (en) begin
            rnd_re <= r_re;
            rnd_im <= r_im;
        end
    end

    // ---- p5: saturate or wrap ------------------------------------------------------
    wire signed [W-1:0] q_re, q_im;
    wire                ovf_re, ovf_im;
    requant #(.IN_W(W_R), .OUT_W(W), .SHIFT(0), .ROUND(ROUND), .SAT(SAT)) u_fit_re (.din(rnd_re), .dout(q_re), .ovf(ovf_re));
    requant #(.IN_W(W_R), .OUT_W(W), .SHIFT(0), .ROUND(ROUND), .SAT(SAT)) u_fit_im (.din(rnd_im), .dout(q_im), .ovf(ovf_im));
    always @(posedge clk) begin
        if (en) begin
            out_re <= q_re;
            out_im <= q_im;
        end
    end

    // ---- control: counter, valid pipeline, sticky overflow --------------------
    always @(posedge clk) begin
        if (rst) begin
            cnt       <= {ADDR_W{1'b0}};
            v0        <= 1'b0;
            v1        <= 1'b0;
            v2        <= 1'b0;
            v3        <= 1'b0;
            v4        <= 1'b0;
            out_valid <= 1'b0;
            ovf       <= 1'b0;
        end else if (en) begin
            if (in_valid) cnt <= cnt + 1'b1;
            v0        <= in_valid;
            v1        <= v0;
            v2        <= v1;
            v3        <= v2;
            v4        <= v3;
            out_valid <= v4;
            if (v4 & (ovf_re | ovf_im)) ovf <= 1'b1;
        end
    end
endmodule
