// fold_bfu: one butterfly unit of the folded FFT engine (src/fft/folded.ts,
// folded-rtl.ts). A free-running pipeline (the engine never stalls its
// passes): a pair (a, b) and a multiplier operand v = c + j d enter every
// cycle, the results leave LAT = 9 cycles later. Per input, MODE selects
//
//   0 dif:  p = fit((a + b) >> SH), q = fit((a - b) >> SH)   (pre-butterfly)
//           m = fit(q * v >> SH_M)                           (multiplier)
//           out = (p, m)
//   1 dit:  p = a, q = b;  m = fit(q * v >> SH_M)
//           out = (fit((p + m) >> SH), fit((p - m) >> SH))   (post-butterfly)
//   2 pmul: q = b;  m = fit(q * v >> SH_P);  out = (p, m)   (spectral product;
//           SH_P2 when SH = 1: two layers sharing one engine, each its own shift)
//
// CONJ multiplies by conj(v) instead. Every shift rounds (requant.v, ROUND)
// and every fit saturates or wraps (requant.v, SAT) into W bits; ovf is sticky
// over the fits of valid samples. The products are exact, so MULTS = 4
// (re = ac - bd, im = ad + bc) and MULTS = 3 (k1 = c(a + b), k2 = a(d - c),
// k3 = -b(c + d); re = k1 + k3, im = k1 + k2; conj swaps the two fields)
// give the same bits.
//
// Pipeline (registers at the end of each cycle):
//   r1 pre sums (W + 1 bits)   r2 pre round + fit      r3 multiplier operands
//   r4 products (SB_MAC16)     r5 re / im sums         r6 round decided (SH_M or SH_P)
//   r7 round added + fit -> m  r8 post sums            r9 post round + fit -> out
module fold_bfu #(
    parameter integer W     = 16,   // sample part width
    parameter integer VW    = 16,   // multiplier operand part width (c, d)
    parameter integer FW    = 16,   // width of the 3-multiplier fields d - c, -(c + d)
    parameter integer MULTS = 4,
    parameter integer SH_M  = 14,   // twiddle product shift: TW - 2
    parameter integer SH_P  = 14,   // spectral product shift (pmul)
    parameter integer SH_P2 = SH_P, // spectral product shift of a pmul op with in_sh = 1 (a shared engine's second layer)
    parameter integer ROUND = 2,
    parameter integer SAT   = 1
) (
    input  wire                clk,
    input  wire                rst,
    input  wire                in_valid,
    input  wire [1:0]          in_mode,
    input  wire                in_sh,
    input  wire                in_conj,
    input  wire signed [W-1:0] a_re,
    input  wire signed [W-1:0] a_im,
    input  wire signed [W-1:0] b_re,
    input  wire signed [W-1:0] b_im,
    input  wire signed [VW-1:0] v_c,
    input  wire signed [VW-1:0] v_d,
    output wire                out_valid,
    output reg  signed [W-1:0] top_re,
    output reg  signed [W-1:0] top_im,
    output reg  signed [W-1:0] bot_re,
    output reg  signed [W-1:0] bot_im,
    output reg                 ovf
);
    localparam integer OW = (FW > VW) ? FW : VW;
    // products and sums: |a c - b d| < 2^(W-1) 2^(OW-1) 2, k1 has W + 1 bits
    localparam integer AW = W + OW + 2;

    // ---- control travelling with the data: valid, mode, shift, conj --------
    // v_p[k]: valid of the data in register stage k + 1; mode_p / sh_p: 2 bits / 1 bit
    // per stage, stage k (1..8) at [2k-1:2k-2] / [k-1]
    reg [8:0]  v_p;
    reg [15:0] mode_p;
    reg [7:0]  sh_p;
    always @(posedge clk) begin
        if (rst) v_p <= 9'd0;
        else     v_p <= {v_p[7:0], in_valid};
        mode_p <= {mode_p[13:0], in_mode};
        sh_p   <= {sh_p[6:0], in_sh};
    end
    assign out_valid = v_p[8];

    // ---- r1: pre-butterfly sums (dif), or a and b as they are -------------------
    reg signed [W:0]    s1_re, s1_im, d1_re, d1_im;
    reg signed [VW-1:0] c1, dd1;
    reg                 cj1;
    always @(posedge clk) begin
        if (in_mode == 2'd0) begin
            s1_re <= a_re + b_re;  s1_im <= a_im + b_im;
            d1_re <= a_re - b_re;  d1_im <= a_im - b_im;
        end else begin
            s1_re <= {a_re[W-1], a_re};  s1_im <= {a_im[W-1], a_im};
            d1_re <= {b_re[W-1], b_re};  d1_im <= {b_im[W-1], b_im};
        end
        c1 <= v_c;
        dd1 <= v_d;
        cj1 <= in_conj;
    end

    // ---- r2: pre round (dif shift) and fit ------------------------------------
    wire pre_sh = (mode_p[1:0] == 2'd0) & sh_p[0];
    wire signed [W-1:0] p2n_re, p2n_im, q2n_re, q2n_im;
    wire [3:0] pre_ovf;
    fold_shfit #(.W_IN(W + 1), .W_OUT(W), .ROUND(ROUND), .SAT(SAT)) u_pre0 (.din(s1_re), .sh(pre_sh), .dout(p2n_re), .ovf(pre_ovf[0]));
    fold_shfit #(.W_IN(W + 1), .W_OUT(W), .ROUND(ROUND), .SAT(SAT)) u_pre1 (.din(s1_im), .sh(pre_sh), .dout(p2n_im), .ovf(pre_ovf[1]));
    fold_shfit #(.W_IN(W + 1), .W_OUT(W), .ROUND(ROUND), .SAT(SAT)) u_pre2 (.din(d1_re), .sh(pre_sh), .dout(q2n_re), .ovf(pre_ovf[2]));
    fold_shfit #(.W_IN(W + 1), .W_OUT(W), .ROUND(ROUND), .SAT(SAT)) u_pre3 (.din(d1_im), .sh(pre_sh), .dout(q2n_im), .ovf(pre_ovf[3]));
    reg signed [W-1:0]  p2_re, p2_im, q2_re, q2_im;
    reg signed [VW-1:0] c2, dd2;
    reg                 cj2, ovf2;
    always @(posedge clk) begin
        p2_re <= p2n_re;  p2_im <= p2n_im;
        q2_re <= q2n_re;  q2_im <= q2n_im;
        c2 <= c1;  dd2 <= dd1;  cj2 <= cj1;
        ovf2 <= v_p[0] & (|pre_ovf);
    end

    // ---- r3..r5: the complex multiplier ---------------------------------------
    // The product and sum registers load only when their input is valid. Without a
    // clock enable, yosys 0.55's ice40_dsp folds "registered product + registered
    // product" into one SB_MAC16 and leaves its addend undriven (test/netlist.test.ts);
    // with one, each product keeps its own SB_MAC16. Invalid slots carry no data.
    reg signed [W-1:0] p3_re, p3_im, p4_re, p4_im, p5_re, p5_im;
    reg                ovf3, ovf4, ovf5;
    reg signed [AW-1:0] acc_re, acc_im;
    generate
        if (MULTS == 3) begin : g_m3
            reg signed [W:0]    s3;            // a + b
            reg signed [W-1:0]  a3, b3;
            reg signed [OW-1:0] c3, f2, f3;    // c, d - c (conj: -(c + d)), -(c + d) (conj: d - c)
            wire signed [OW-1:0] cx, dx;       // c and d, sign-extended to the field width
            /* verilator lint_off UNUSEDSIGNAL */
            wire [1:0] cx_ovf_unused;
            /* verilator lint_on UNUSEDSIGNAL */
            requant #(.IN_W(VW), .OUT_W(OW), .SHIFT(0), .ROUND(0), .SAT(1)) u_cx (.din(c2), .dout(cx), .ovf(cx_ovf_unused[0]));
            requant #(.IN_W(VW), .OUT_W(OW), .SHIFT(0), .ROUND(0), .SAT(1)) u_dx (.din(dd2), .dout(dx), .ovf(cx_ovf_unused[1]));
            reg signed [W+OW:0]   k1;          // (a + b) c: W + 1 + OW bits
            reg signed [W+OW-1:0] k2, k3;
            wire signed [AW-1:0] k1x = {k1[W+OW], k1};
            wire signed [AW-1:0] k2x = {{2{k2[W+OW-1]}}, k2};
            wire signed [AW-1:0] k3x = {{2{k3[W+OW-1]}}, k3};
            always @(posedge clk) begin
                s3 <= {q2_re[W-1], q2_re} + {q2_im[W-1], q2_im};
                a3 <= q2_re;
                b3 <= q2_im;
                c3 <= cx;
                f2 <= cj2 ? -(cx + dx) : dx - cx;
                f3 <= cj2 ? dx - cx : -(cx + dx);
                if (v_p[2]) begin  // clock enables: see the note on the products below
                    k1 <= s3 * c3;
                    k2 <= a3 * f2;
                    k3 <= b3 * f3;
                end
                if (v_p[3]) begin
                    acc_re <= k1x + k3x;
                    acc_im <= k1x + k2x;
                end
            end
        end else begin : g_m4
            reg signed [W-1:0]  a3, b3;
            reg signed [VW-1:0] c3, d3;
            reg                 cj3, cj4;
            reg signed [W+VW-1:0] m_ac, m_bd, m_ad, m_bc;
            wire signed [AW-1:0] ac = {{(AW-W-VW){m_ac[W+VW-1]}}, m_ac};
            wire signed [AW-1:0] bd = {{(AW-W-VW){m_bd[W+VW-1]}}, m_bd};
            wire signed [AW-1:0] ad = {{(AW-W-VW){m_ad[W+VW-1]}}, m_ad};
            wire signed [AW-1:0] bc = {{(AW-W-VW){m_bc[W+VW-1]}}, m_bc};
            always @(posedge clk) begin
                a3 <= q2_re;
                b3 <= q2_im;
                c3 <= c2;
                d3 <= dd2;
                cj3 <= cj2;
                cj4 <= cj3;
                if (v_p[2]) begin  // clock enables: see the note on the products below
                    m_ac <= a3 * c3;
                    m_bd <= b3 * d3;
                    m_ad <= a3 * d3;
                    m_bc <= b3 * c3;
                end
                if (v_p[3]) begin
                    acc_re <= cj4 ? ac + bd : ac - bd;
                    acc_im <= cj4 ? bc - ad : ad + bc;
                end
            end
        end
    endgenerate
    always @(posedge clk) begin
        p3_re <= p2_re;  p3_im <= p2_im;
        p4_re <= p3_re;  p4_im <= p3_im;
        p5_re <= p4_re;  p5_im <= p4_im;
        ovf3 <= ovf2;  ovf4 <= ovf3;  ovf5 <= ovf4;
    end

    // ---- r6: the rounding of SH_M (twiddle) or SH_P / SH_P2 (spectral product),
    // decided but not yet added: the kept bits floor(acc / 2^SH) and the
    // round-up bit (requant.v's rule). The add waits for r7, so neither the
    // dropped bits' OR nor the shift select sits in front of a carry chain
    // (Fmax); r6 + r7 compute requant.v's round then fit, bit for bit.
    localparam integer SH_MP = (SH_M < SH_P) ? SH_M : SH_P;
    localparam integer SH_MIN = (SH_MP < SH_P2) ? SH_MP : SH_P2;
    localparam integer RW = AW + 1 - SH_MIN;
    wire use_p = (mode_p[9:8] == 2'd2);
    // a pmul op with SH set (stage 5's shift bit) rounds by SH_P2
    wire use_p2 = use_p & sh_p[4];
    // the round-up bit of x / 2^sh: half-up, or ties to even (requant.v)
    function automatic round_up_of(input [AW-1:0] x, input integer sh);
        reg [AW-1:0] below;   // the dropped bits under the half bit
        begin
            below = ({{(AW - 1){1'b0}}, 1'b1} << (sh - 1)) - {{(AW - 1){1'b0}}, 1'b1};
            if (ROUND == 0 || sh == 0) round_up_of = 1'b0;
            else if (ROUND == 1)       round_up_of = x[sh - 1];
            else                       round_up_of = x[sh - 1] & ((|(x & below)) | x[sh]);
        end
    endfunction
    // floor(x / 2^sh) in RW bits (sh >= SH_MIN, so it fits)
    function automatic signed [RW-1:0] floor_of(input signed [AW-1:0] x, input integer sh);
        /* verilator lint_off UNUSEDSIGNAL */
        reg signed [AW-1:0] shifted;   // its top bits repeat the sign
        /* verilator lint_on UNUSEDSIGNAL */
        begin
            shifted = x >>> sh;
            floor_of = shifted[RW-1:0];
        end
    endfunction
    localparam integer SH_Q = (SH_P2 != SH_P) ? SH_P2 : SH_P;
    reg signed [RW-1:0] f6_re, f6_im;   // kept bits
    reg                 u6_re, u6_im;   // round-up bits
    reg signed [W-1:0]  p6_re, p6_im;
    reg                 ovf6;
    always @(posedge clk) begin
        f6_re <= use_p2 ? floor_of(acc_re, SH_Q) : use_p ? floor_of(acc_re, SH_P) : floor_of(acc_re, SH_M);
        f6_im <= use_p2 ? floor_of(acc_im, SH_Q) : use_p ? floor_of(acc_im, SH_P) : floor_of(acc_im, SH_M);
        u6_re <= use_p2 ? round_up_of(acc_re, SH_Q) : use_p ? round_up_of(acc_re, SH_P) : round_up_of(acc_re, SH_M);
        u6_im <= use_p2 ? round_up_of(acc_im, SH_Q) : use_p ? round_up_of(acc_im, SH_P) : round_up_of(acc_im, SH_M);
        p6_re <= p5_re;  p6_im <= p5_im;
        ovf6 <= ovf5;
    end

    // ---- r7: add the round-up bit (a rounding alone always fits RW bits), fit -> m
    wire signed [RW-1:0] r6_re = f6_re + {{(RW - 1){1'b0}}, u6_re};
    wire signed [RW-1:0] r6_im = f6_im + {{(RW - 1){1'b0}}, u6_im};
    wire signed [W-1:0] m7n_re, m7n_im;
    wire                mo_re, mo_im;
    requant #(.IN_W(RW), .OUT_W(W), .SHIFT(0), .ROUND(ROUND), .SAT(SAT)) u_mfit_re (.din(r6_re), .dout(m7n_re), .ovf(mo_re));
    requant #(.IN_W(RW), .OUT_W(W), .SHIFT(0), .ROUND(ROUND), .SAT(SAT)) u_mfit_im (.din(r6_im), .dout(m7n_im), .ovf(mo_im));
    reg signed [W-1:0] m7_re, m7_im, p7_re, p7_im;
    reg                ovf7;
    always @(posedge clk) begin
        m7_re <= m7n_re;  m7_im <= m7n_im;
        p7_re <= p6_re;   p7_im <= p6_im;
        ovf7 <= ovf6 | (v_p[5] & (mo_re | mo_im));
    end

    // ---- r8: post-butterfly sums (dit), or p and m as they are ------------------
    reg signed [W:0] s8_re, s8_im, d8_re, d8_im;
    reg              ovf8;
    always @(posedge clk) begin
        if (mode_p[13:12] == 2'd1) begin
            s8_re <= p7_re + m7_re;  s8_im <= p7_im + m7_im;
            d8_re <= p7_re - m7_re;  d8_im <= p7_im - m7_im;
        end else begin
            s8_re <= {p7_re[W-1], p7_re};  s8_im <= {p7_im[W-1], p7_im};
            d8_re <= {m7_re[W-1], m7_re};  d8_im <= {m7_im[W-1], m7_im};
        end
        ovf8 <= ovf7;
    end

    // ---- r9: post round (dit shift) and fit -> out ------------------------------
    wire post_sh = (mode_p[15:14] == 2'd1) & sh_p[7];
    wire signed [W-1:0] t9_re, t9_im, b9_re, b9_im;
    wire [3:0] post_ovf;
    fold_shfit #(.W_IN(W + 1), .W_OUT(W), .ROUND(ROUND), .SAT(SAT)) u_post0 (.din(s8_re), .sh(post_sh), .dout(t9_re), .ovf(post_ovf[0]));
    fold_shfit #(.W_IN(W + 1), .W_OUT(W), .ROUND(ROUND), .SAT(SAT)) u_post1 (.din(s8_im), .sh(post_sh), .dout(t9_im), .ovf(post_ovf[1]));
    fold_shfit #(.W_IN(W + 1), .W_OUT(W), .ROUND(ROUND), .SAT(SAT)) u_post2 (.din(d8_re), .sh(post_sh), .dout(b9_re), .ovf(post_ovf[2]));
    fold_shfit #(.W_IN(W + 1), .W_OUT(W), .ROUND(ROUND), .SAT(SAT)) u_post3 (.din(d8_im), .sh(post_sh), .dout(b9_im), .ovf(post_ovf[3]));
    always @(posedge clk) begin
        top_re <= t9_re;  top_im <= t9_im;
        bot_re <= b9_re;  bot_im <= b9_im;
        if (rst) ovf <= 1'b0;
        else if (ovf8 | (v_p[7] & (|post_ovf))) ovf <= 1'b1;
    end
endmodule
