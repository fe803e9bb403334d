// conv_layer: a 2-D convolution over a streamed image,
// y[oy][ox][o] = act(requant(bias[o] + sum_{ky,kx,c} W[o][ky][kx][c] x[iy][ix][c])),
// iy = oy*S - PT + ky, ix = ox*S - PL + kx, zero outside the H x W image.
//
// Stream order: raster, pixel by pixel, the C channels of a pixel together.
// An input beat carries BEAT channels of one pixel (CW = C/BEAT beats a
// pixel); an output beat carries P output channels of one pixel (GROUPS beats
// a pixel, m_keep on the last one), m_last on the image's last beat.
//
// The weights and biases live outside in two generated ROMs (src/layers/
// conv2d/rtl.ts), read synchronously like dense_layer's:
//   weight ROM  GROUPS*KK words of P*W_W bits, KK = K*K*C: word g*KK + k,
//               lane j = W[g*P + j] at window element k = (ky*K + kx)*C + c
//   bias ROM    GROUPS words of P*B_W bits
// (or the weight memory in SPRAM, "memory": "spram", the same reads.)
//
// Block-circulant weights (BK > 1, "structure": "block-circulant"): at each
// kernel position W[o][c] = w[o/BK][c/BK][(o - c) mod BK], and the weight
// memory holds only the BK values of each block: one word of SLOTS = RB*BK
// values per (row group, kernel position pos = ky*K + kx, block column
// c/BK), word (rg*K*KH + pos)*(C/BK) + c/BK, slot b*BK + t = w[rg*RB + b]
// [c/BK][t] at pos. A row group is RB = max(1, P/BK) block rows, read by
// GPR = max(1, BK/P) consecutive groups. The word is read once per BK
// issues (c mod BK = 0) and rotated by one slot within each block row
// every issue after: after n rotations slot s holds the value t = (s - n)
// mod BK of its block row, and lane j reads slot (g mod GPR)*P + j, which
// is t = (o - c) mod BK for o = g*P + j. So no lane has a BK:1 multiplexer:
// a register of SLOTS*W_W bits with a 2:1 multiplexer in front (and a
// GPR:1 one per lane when P < BK). The schedule is the dense one.
//
// Line buffer (one RAM, yosys infers EBR): NB rows of W pixels of CW words of
// BEAT*X_W bits, written in order by the loader with a wrapping address, so
// image rows go to row slots 0, 1, .., NB-1, 0, .. (across images too).
//   avail = rows completely loaded - the first row the compute still needs
//           (signed: rows no window reads are passed over before they load)
//   LOAD  the first beat of a row is taken only while avail < NB (its slot is
//         free); the others of the row as they come. The last beat of a row
//         adds one to avail.
//   RUN   output row oy reads input rows lo..hi (lo = max(0, oy*S - PT),
//         hi = min(H-1, oy*S - PT + K - 1)). It starts (running, the cycle
//         after the check) when avail >= hi - lo + 1, and issues WO*GROUPS*KK
//         cycles back to back: pixel ox, group g, window element k, one MAC
//         per lane per cycle (padded positions multiply zero). Its last issue
//         frees the rows below the next output row's lo (all at the image's
//         end): avail and the first row's slot advance the cycle after.
//   Pipeline after an issue, as dense_layer: R reads, P products, C
//   accumulate, O requantise + activation + output register.
// src/layers/conv2d/cost.ts models this schedule cycle for cycle.
//
// Backpressure: `ce` holds the issue counters and stages R..C when a
// finished group in C cannot move into the output register.
//
// MODE 1 (max) and 2 (average) make it a pooling layer on the same engine
// (src/layers/pool/): CI = 1 (no channel loop: KK = K*K), P = BEAT lanes and
// GROUPS = CW, so group g reads word g of each window pixel and lane j pools
// channel g*BEAT + j of it; C keeps the largest value (max) or the sum
// (average, requantised by SHIFT = log2(K*K) more); no weights (w_data and
// b_data are tied to zero by the top and not read).
module conv_layer #(
    parameter MODE    = 0,     // 0 convolution, 1 max pooling, 2 average pooling
    parameter CI      = 1,     // channel iterations per window position: C (convolution), 1 (pooling)
    parameter H       = 8,
    parameter W       = 8,
    parameter C       = 1,
    parameter M       = 4,     // output channels
    parameter P       = 1,     // lanes
    parameter GROUPS  = 4,     // ceil(M / P)
    parameter K       = 3,     // kernel width
    parameter KH      = 3,     // kernel height (1: conv1d)
    parameter S       = 1,
    parameter PT      = 0,     // padding rows above the image
    parameter PL      = 0,     // padding columns left of the image
    parameter HO      = 6,
    parameter WO      = 6,
    parameter NB      = 4,     // line-buffer rows
    parameter BEAT    = 1,     // channels per input beat
    parameter CW      = 1,     // C / BEAT
    parameter KK      = 9,     // K*K*C
    parameter POS_W   = 6,     // signed positions -PT..H+K
    parameter AV_W    = 6,     // signed avail
    parameter XA_W    = 6,     // line buffer address
    parameter RB_W    = 3,     // beat of a row 0..W*CW-1
    parameter C_W     = 1,     // channel 0..CI-1 (pooling: also a word of a pixel 0..CW-1)
    parameter KX_W    = 2,     // 0..K-1
    parameter KY_W    = 2,     // 0..KH-1
    parameter OX_W    = 3,     // 0..WO-1
    parameter OY_W    = 3,     // 0..HO-1
    parameter SL_W    = 2,     // slot 0..NB-1
    parameter L_W     = 1,     // lane of a beat 0..BEAT-1
    parameter G_W     = 2,
    parameter WA_W    = 6,     // weight words: 0..GROUPS*KK-1 (block-circulant: 0..GROUPS/GPR*K*KH*C/BK-1)
    parameter BK      = 1,     // circulant block size (1: dense weights)
    parameter SLOTS   = P,     // weight values per word: P (dense; the default), RB*BK (block-circulant)
    parameter GPR     = 1,     // groups per row group (block-circulant: max(1, BK/P))
    parameter CB_W    = 1,     // 0..BK-1
    parameter GR_W    = 1,     // 0..GPR-1
    parameter X_W     = 8,
    parameter W_W     = 8,
    parameter B_W     = 8,
    parameter BSHIFT  = 7,
    parameter PROD_W  = 16,
    parameter ACC_W   = 20,
    parameter Y_W     = 8,
    parameter SHIFT   = 7,
    parameter ROUND   = 2,
    parameter SAT     = 1,
    parameter ACT     = 0,
    parameter signed [Y_W-1:0] CLIP_LO = -128,
    parameter signed [Y_W-1:0] CLIP_HI = 127,
    parameter DUAL8   = 0      // 1 (MODE 0, X_W and W_W <= 8): lanes 2i and 2i+1 share one SB_MAC16 in 8x8 mode (dsp_dual8.v)
) (
    input  wire               clk,
    input  wire               rst,
    input  wire               s_valid,
    output wire               s_ready,
    input  wire [BEAT*X_W-1:0] s_data,
    input  wire               s_last,   // accepted, not needed: the layer counts H*W*CW
    output wire               m_valid,
    input  wire               m_ready,
    output wire [P*Y_W-1:0]   m_data,
    output wire [P-1:0]       m_keep,
    output wire               m_last,
    output wire               ovf,
    output wire               busy,
    output wire               rom_en,
    output wire [WA_W-1:0]    w_addr,
    input  wire [SLOTS*W_W-1:0] w_data,
    output wire [G_W-1:0]     b_addr,
    input  wire [P*B_W-1:0]   b_data
);
    localparam LAST_LANES = M - (GROUPS - 1) * P;
    localparam [P-1:0] ALL_KEEP  = {P{1'b1}};
    localparam [P-1:0] LAST_KEEP = ALL_KEEP >> (P - LAST_LANES);
    localparam integer DEPTH_I   = NB * W * CW;      // line buffer words
    localparam integer ROWB_I    = W * CW;           // beats (words) per image row
    localparam PROD_PAD = ACC_W - PROD_W;
    localparam BIAS_PAD = ACC_W - B_W;
    localparam integer LAST_WA_I = DEPTH_I - 1;
    localparam integer LAST_RB_I = ROWB_I - 1;
    localparam integer LAST_C_I  = CI - 1;
    localparam integer LAST_KX_I = K - 1;
    localparam integer LAST_KY_I = KH - 1;
    localparam integer LAST_G_I  = GROUPS - 1;
    localparam integer LAST_OX_I = WO - 1;
    localparam integer LAST_OY_I = HO - 1;
    localparam integer LAST_CB_I = BK - 1;
    localparam integer LAST_GR_I = GPR - 1;
    localparam integer LAST_KK_I = KK - 1;       // (K*K*CI: the window elements of a group; for reports)
    localparam integer C_I       = C;            // (the channels: CI and CW cover them; for reports)
    localparam [XA_W-1:0] LAST_WA  = LAST_WA_I[XA_W-1:0];
    localparam [RB_W-1:0] LAST_RB  = LAST_RB_I[RB_W-1:0];
    localparam [C_W-1:0]  LAST_C   = LAST_C_I[C_W-1:0];
    localparam [KX_W-1:0] LAST_KX  = LAST_KX_I[KX_W-1:0];
    localparam [KY_W-1:0] LAST_KY  = LAST_KY_I[KY_W-1:0];
    localparam [G_W-1:0]  LAST_G   = LAST_G_I[G_W-1:0];
    localparam [CB_W-1:0] LAST_CB  = LAST_CB_I[CB_W-1:0];
    localparam [GR_W-1:0] LAST_GR  = LAST_GR_I[GR_W-1:0];
    localparam [OX_W-1:0] LAST_OX  = LAST_OX_I[OX_W-1:0];
    localparam [OY_W-1:0] LAST_OY  = LAST_OY_I[OY_W-1:0];
    localparam [SL_W:0]   NB_S     = NB;
    localparam signed [AV_W-1:0] NB_A = NB;
    localparam signed [POS_W-1:0] H_P = H;
    localparam signed [POS_W-1:0] W_P = W;
    localparam signed [POS_W-1:0] S_P = S;
    localparam signed [POS_W-1:0] K1_P = KH - 1;
    localparam signed [POS_W-1:0] START_Y = -PT;
    localparam signed [POS_W-1:0] START_X = -PL;
    localparam signed [POS_W-1:0] ZERO_P = 0;

    reg  c_done;
    reg  o_valid;
    wire ce = ~(c_done & o_valid & ~m_ready);

    // ------------------------------------------------------------------
    // LOAD: the line buffer, written in order with a wrapping address
    // ------------------------------------------------------------------
    reg signed [AV_W-1:0] avail;
    reg [XA_W-1:0] wa;
    reg [RB_W-1:0] rb;
    wire row_first = rb == {RB_W{1'b0}};
    assign s_ready = ~row_first | (avail < NB_A);
    wire in_fire  = s_valid & s_ready;
    wire row_done = in_fire & (rb == LAST_RB);
    reg [BEAT*X_W-1:0] lbuf [0:DEPTH_I-1];
    always @(posedge clk) begin
        if (in_fire) lbuf[wa] <= s_data;
    end

    // ------------------------------------------------------------------
    // RUN: counters (innermost first) c, kx, ky, g, ox; row registers oy,
    // by = oy*S - PT, lo, slot_lo (slot of input row lo); bx = ox*S - PL.
    // ------------------------------------------------------------------
    reg             running;
    reg [C_W-1:0]   kc;
    reg [KX_W-1:0]  kx;
    reg [KY_W-1:0]  ky;
    reg [G_W-1:0]   g;
    reg [OX_W-1:0]  ox;
    reg [OY_W-1:0]  oy;
    reg signed [POS_W-1:0] by, bx, lo;
    reg [SL_W-1:0]  slot_lo;
    reg [WA_W-1:0]  waddr;
    reg [WA_W-1:0]  wbase;    // block-circulant: the row group's first word
    reg [CB_W-1:0]  cb;       // block-circulant: c mod BK
    reg [GR_W-1:0]  gr;       // block-circulant: g mod GPR
    wire c_last  = kc == LAST_C;
    wire kx_last = kx == LAST_KX;
    wire ky_last = ky == LAST_KY;
    wire k_last  = c_last & kx_last & ky_last;
    wire g_last  = g == LAST_G;
    wire ox_last = ox == LAST_OX;
    wire oy_last = oy == LAST_OY;
    wire issue   = running & ce;
    wire row_end = issue & k_last & g_last & ox_last;

    // rows the output row needs: hi - lo + 1, hi = min(H-1, by + KH - 1)
    wire signed [POS_W-1:0] top_row = by + K1_P;
    wire signed [POS_W-1:0] hi      = (top_row > H_P - 1) ? H_P - 1 : top_row;
    wire signed [POS_W-1:0] need    = hi - lo + 1;
    /* verilator lint_off WIDTH */
    wire start_ok = ~running & (avail >= need);
    // the next row's by and lo; the rows this row's end frees
    wire signed [POS_W-1:0] by_next = by + S_P;
    wire signed [POS_W-1:0] lo_next = oy_last ? ZERO_P : (by_next < 0 ? ZERO_P : by_next);
    wire signed [POS_W-1:0] freed   = oy_last ? H_P - lo : lo_next - lo;
    wire [SL_W:0] slot_sum  = slot_lo + freed;
    wire [SL_W:0] slot_wrap = (slot_sum >= NB_S) ? slot_sum - NB_S : slot_sum;
    wire [SL_W-1:0] slot_next = slot_wrap[SL_W-1:0];
    wire signed [AV_W-1:0] avail_next = avail + (row_done ? 1 : 0) - (row_end ? freed : 0);
    /* verilator lint_on WIDTH */

    always @(posedge clk) begin
        if (rst) begin
            avail   <= {AV_W{1'b0}};
            wa      <= {XA_W{1'b0}};
            rb      <= {RB_W{1'b0}};
            running <= 1'b0;
            kc      <= {C_W{1'b0}};
            kx      <= {KX_W{1'b0}};
            ky      <= {KY_W{1'b0}};
            g       <= {G_W{1'b0}};
            ox      <= {OX_W{1'b0}};
            oy      <= {OY_W{1'b0}};
            by      <= START_Y;
            bx      <= START_X;
            lo      <= ZERO_P;
            slot_lo <= {SL_W{1'b0}};
            waddr   <= {WA_W{1'b0}};
            wbase   <= {WA_W{1'b0}};
            cb      <= {CB_W{1'b0}};
            gr      <= {GR_W{1'b0}};
        end else begin
            avail <= avail_next;
            if (in_fire) begin
                wa <= (wa == LAST_WA) ? {XA_W{1'b0}} : wa + 1'b1;
                rb <= (rb == LAST_RB) ? {RB_W{1'b0}} : rb + 1'b1;
            end
            if (start_ok) running <= 1'b1;
            else if (row_end) running <= 1'b0;
            if (issue && BK == 1) waddr <= (k_last & g_last) ? {WA_W{1'b0}} : waddr + 1'b1;
            if (issue && BK > 1) begin
                // a word per BK issues; at a group's end the next group of the
                // same row group reads the row group's words again
                cb <= (cb == LAST_CB) ? {CB_W{1'b0}} : cb + 1'b1;
                if (k_last & g_last) begin
                    waddr <= {WA_W{1'b0}};
                    wbase <= {WA_W{1'b0}};
                    gr    <= {GR_W{1'b0}};
                end else if (k_last) begin
                    gr <= (gr == LAST_GR) ? {GR_W{1'b0}} : gr + 1'b1;
                    if (gr == LAST_GR) begin
                        waddr <= waddr + 1'b1;
                        wbase <= waddr + 1'b1;
                    end else begin
                        waddr <= wbase;
                    end
                end else if (cb == LAST_CB) begin
                    waddr <= waddr + 1'b1;
                end
            end
            if (issue) begin
                kc <= c_last ? {C_W{1'b0}} : kc + 1'b1;
                if (c_last) begin
                    kx <= kx_last ? {KX_W{1'b0}} : kx + 1'b1;
                    if (kx_last) begin
                        ky <= ky_last ? {KY_W{1'b0}} : ky + 1'b1;
                        if (ky_last) begin
                            g <= g_last ? {G_W{1'b0}} : g + 1'b1;
                            if (g_last) begin
                                ox <= ox_last ? {OX_W{1'b0}} : ox + 1'b1;
                                bx <= ox_last ? START_X : bx + S_P;
                            end
                        end
                    end
                end
            end
            if (row_end) begin
                oy      <= oy_last ? {OY_W{1'b0}} : oy + 1'b1;
                by      <= oy_last ? START_Y : by_next;
                lo      <= lo_next;
                slot_lo <= slot_next;
            end
        end
    end

    // ------------------------------------------------------------------
    // Stage R: the window element's line-buffer word, weight and bias reads
    // ------------------------------------------------------------------
    /* verilator lint_off WIDTH */
    wire signed [POS_W-1:0] iy = by + ky;
    wire signed [POS_W-1:0] ix = bx + kx;
    wire pad = (iy < 0) | (iy >= H_P) | (ix < 0) | (ix >= W_P);
    wire [SL_W:0] rs_sum = slot_lo + (iy - lo);
    wire [SL_W:0] rs     = (rs_sum >= NB_S) ? rs_sum - NB_S : rs_sum;
    /* verilator lint_on WIDTH */
    wire [C_W-1:0] cword;     // the word of the pixel holding channel kc: kc / BEAT (pooling: the group)
    generate
        if (MODE != 0) begin : g_cpool
            /* verilator lint_off WIDTH */
            assign cword = g;
            /* verilator lint_on WIDTH */
        end else if (BEAT == 1) begin : g_c1
            assign cword = kc;
        end else begin : g_cw
            /* verilator lint_off WIDTH */
            assign cword = kc / BEAT;
            /* verilator lint_on WIDTH */
        end
    endgenerate
    /* verilator lint_off WIDTH */
    wire [XA_W+POS_W-1:0] rd_full = pad ? 0 : (rs * W + ix) * CW + cword;
    /* verilator lint_on WIDTH */
    wire [XA_W-1:0] rd_addr = rd_full[XA_W-1:0];

    assign rom_en = ce;
    assign w_addr = waddr;
    assign b_addr = g;

    reg [BEAT*X_W-1:0] r_xw;
    reg r_valid, r_first, r_last, r_lastg, r_vlast, r_pad;
    always @(posedge clk) begin
        if (ce) r_xw <= lbuf[rd_addr];
    end
    always @(posedge clk) begin
        if (rst) r_valid <= 1'b0;
        else if (ce) r_valid <= running;
    end
    always @(posedge clk) begin
        if (ce) begin
            r_pad   <= pad;
            r_first <= (kc == {C_W{1'b0}}) & (kx == {KX_W{1'b0}}) & (ky == {KY_W{1'b0}});
            r_last  <= k_last;
            r_lastg <= g_last;
            r_vlast <= g_last & ox_last & oy_last;
        end
    end
    // the element the lanes multiply (channel kc of the word read in R; zero at a padded position)
    wire [X_W-1:0] r_elem;
    generate
        if (BEAT == 1 || MODE != 0) begin : g_x1
            // one element per word, or pooling (each lane takes its own element of the word)
            assign r_elem = r_xw[X_W-1:0];
        end else begin : g_xw
            reg [L_W-1:0] r_lane;
            /* verilator lint_off WIDTH */
            always @(posedge clk) if (ce) r_lane <= kc % BEAT;
            /* verilator lint_on WIDTH */
            wire [X_W-1:0] word_lane [0:BEAT-1];
            genvar e;
            for (e = 0; e < BEAT; e = e + 1) begin : g_lane_of_word
                assign word_lane[e] = r_xw[e*X_W +: X_W];
            end
            assign r_elem = word_lane[r_lane];
        end
    endgenerate
    wire [X_W-1:0] r_x = r_pad ? {X_W{1'b0}} : r_elem;

    // ------------------------------------------------------------------
    // Stage R: the lanes' weights (block-circulant: the rotated word)
    // ------------------------------------------------------------------
    wire [P*W_W-1:0] r_w;
    generate
        if (BK == 1) begin : g_wdense
            assign r_w = w_data;
        end else begin : g_wcirc
            reg r_cb0;                        // c mod BK = 0: the word just read
            reg [SLOTS*W_W-1:0] rot;           // the word rotated n = c mod BK times
            always @(posedge clk) if (ce) r_cb0 <= cb == {CB_W{1'b0}};
            wire [SLOTS*W_W-1:0] cur = r_cb0 ? w_data : rot;
            wire [SLOTS*W_W-1:0] rot_next;
            genvar b, s;
            for (b = 0; b < SLOTS / BK; b = b + 1) begin : g_block
                for (s = 0; s < BK; s = s + 1) begin : g_rot
                    // slot s takes slot s - 1 (mod BK) of its block row
                    assign rot_next[(b*BK + s)*W_W +: W_W] = cur[(b*BK + (s + BK - 1) % BK)*W_W +: W_W];
                end
            end
            always @(posedge clk) if (ce) rot <= rot_next;
            genvar jw;
            for (jw = 0; jw < P; jw = jw + 1) begin : g_lanew
                if (GPR == 1) begin : g_fixed
                    assign r_w[jw*W_W +: W_W] = cur[jw*W_W +: W_W];
                end else begin : g_sel
                    // the group's place in its block row: slot (g mod GPR)*P + j
                    reg [GR_W-1:0] r_gr;
                    always @(posedge clk) if (ce) r_gr <= gr;
                    wire [W_W-1:0] opt [0:GPR-1];
                    genvar q;
                    for (q = 0; q < GPR; q = q + 1) begin : g_opt
                        assign opt[q] = cur[(q*P + jw)*W_W +: W_W];
                    end
                    assign r_w[jw*W_W +: W_W] = opt[r_gr];
                end
            end
        end
    endgenerate

    // ------------------------------------------------------------------
    // Stage P, C tags
    // ------------------------------------------------------------------
    reg p_valid, p_first, p_last, p_lastg, p_vlast;
    reg c_lastg, c_vlast;
    always @(posedge clk) begin
        if (rst) begin
            p_valid <= 1'b0;
            c_done  <= 1'b0;
        end else if (ce) begin
            p_valid <= r_valid;
            c_done  <= p_valid & p_last;
        end
    end
    always @(posedge clk) begin
        if (ce) begin
            p_first <= r_first;
            p_last  <= r_last;
            p_lastg <= r_lastg;
            p_vlast <= r_vlast;
            c_lastg <= p_lastg;
            c_vlast <= p_vlast;
        end
    end

    // ------------------------------------------------------------------
    // Lanes: product (P), accumulate (C), requantise and activate (to O)
    // ------------------------------------------------------------------
    wire [P*Y_W-1:0] y_lanes;
    wire [P-1:0]     y_ovf;
    genvar j;

    // Stage P with DUAL8 (convolution): two lanes' products per dsp_dual8
    // (dsp_dual8_lanes.v: SB_MAC16 in 8x8 mode, products registered in the DSP on ce, the stage
    // of p_prod), lane 2q in the bottom half and 2q+1 in the top, both
    // multiplying the same element r_x; lane j's product in
    // dual_prod[j*PROD_W +: PROD_W]. With an odd P the last DSP's top half
    // multiplies by zero. Operands sign-extended to 8 bits.
    /* verilator lint_off UNUSED */
    wire [P*PROD_W-1:0] dual_prod;   // read only with DUAL8
    /* verilator lint_on UNUSED */
    generate
        if (DUAL8 != 0 && MODE == 0) begin : g_dual8
            dsp_dual8_lanes #(.P(P), .A_W(X_W), .B_W(W_W), .PROD_W(PROD_W)) u_lanes (
                .clk(clk), .ce(ce), .a(r_x), .b(r_w), .p(dual_prod));
        end else begin : g_no_dual8
            assign dual_prod = {P*PROD_W{1'b0}};
        end
    endgenerate

    generate
        for (j = 0; j < P; j = j + 1) begin : g_lane
            reg  signed [ACC_W-1:0]  c_acc;
            if (MODE == 0) begin : g_mac
                wire signed [X_W-1:0] x_s = r_x;
                wire signed [W_W-1:0] w_s = r_w[j*W_W +: W_W];
                wire signed [PROD_W-1:0] p_prod;
                reg  signed [B_W-1:0]    p_bias;
                if (DUAL8 != 0) begin : g_prod_dual8
                    // the product from lane j's half of a dsp_dual8 (registered there)
                    assign p_prod = dual_prod[j*PROD_W +: PROD_W];
                    wire unused_xw = &{1'b0, x_s, w_s};
                end else begin : g_prod
                    reg signed [PROD_W-1:0] p_prod_r;
                    /* verilator lint_off WIDTH */
                    always @(posedge clk) if (ce) p_prod_r <= x_s * w_s;
                    /* verilator lint_on WIDTH */
                    assign p_prod = p_prod_r;
                end
                always @(posedge clk) if (ce) p_bias <= b_data[j*B_W +: B_W];
                wire signed [ACC_W-1:0] prod_ext;
                if (PROD_PAD > 0) begin : g_pad
                    assign prod_ext = {{PROD_PAD{p_prod[PROD_W-1]}}, p_prod};
                end else begin : g_nopad
                    assign prod_ext = p_prod;
                end
                wire [ACC_W-1:0]        bias_sx = {{BIAS_PAD{p_bias[B_W-1]}}, p_bias};
                wire signed [ACC_W-1:0] bias_al = bias_sx << BSHIFT;
                always @(posedge clk) begin
                    if (ce && p_valid) c_acc <= (p_first ? bias_al : c_acc) + prod_ext;
                end
            end else begin : g_pool
                // stage P holds lane j's element; C keeps the largest (max) or the sum (average)
                reg  signed [X_W-1:0] p_x;
                always @(posedge clk) if (ce) p_x <= r_pad ? {X_W{1'b0}} : r_xw[j*X_W +: X_W];
                wire signed [ACC_W-1:0] x_ext;
                if (ACC_W > X_W) begin : g_ext
                    assign x_ext = {{(ACC_W - X_W){p_x[X_W-1]}}, p_x};
                end else begin : g_noext
                    assign x_ext = p_x;
                end
                always @(posedge clk) begin
                    if (ce && p_valid) begin
                        if (MODE == 1) c_acc <= (p_first || x_ext > c_acc) ? x_ext : c_acc;
                        else           c_acc <= (p_first ? {ACC_W{1'b0}} : c_acc) + x_ext;
                    end
                end
            end
            // Requantise (rounding, saturate or wrap), activate, and whether
            // the output lost information (requant_act.v)
            requant_act #(
                .IN_W   (ACC_W),
                .OUT_W  (Y_W),
                .SHIFT  (SHIFT),
                .ROUND  (ROUND),
                .SAT    (SAT),
                .ACT    (ACT),
                .CLIP_LO(CLIP_LO),
                .CLIP_HI(CLIP_HI)
            ) u_requant_act (
                .din (c_acc),
                .dout(y_lanes[j*Y_W +: Y_W]),
                .ovf (y_ovf[j])
            );
        end
    endgenerate

    // ------------------------------------------------------------------
    // Stage O: the output register
    // ------------------------------------------------------------------
    reg             o_last, ovf_r;
    reg [P-1:0]     o_keep;
    reg [P*Y_W-1:0] o_data;
    wire            o_load = ce & c_done;
    wire [P-1:0]    c_keep = c_lastg ? LAST_KEEP : ALL_KEEP;
    integer lane;
    always @(posedge clk) begin
        if (rst) o_valid <= 1'b0;
        else if (o_load) o_valid <= 1'b1;
        else if (m_ready) o_valid <= 1'b0;
    end
    always @(posedge clk) begin
        if (o_load) begin
            o_last <= c_vlast;
            o_keep <= c_keep;
            for (lane = 0; lane < P; lane = lane + 1)
                o_data[lane*Y_W +: Y_W] <= c_keep[lane] ? y_lanes[lane*Y_W +: Y_W] : {Y_W{1'b0}};
        end
    end
    always @(posedge clk) begin
        if (rst) ovf_r <= 1'b0;
        else if (o_load && |(y_ovf & c_keep)) ovf_r <= 1'b1;
    end

    assign m_valid = o_valid;
    assign m_last  = o_last;
    assign m_keep  = o_keep;
    assign m_data  = o_data;
    assign ovf     = ovf_r;
    assign busy    = ~row_first | (avail != {AV_W{1'b0}}) | running | r_valid | p_valid | c_done | o_valid;
    // (pooling reads no weights; convolution reads lanes through r_x)
    wire unused_mode = &{1'b0, w_data, r_w, b_data, r_x, r_elem};
    wire unused_ok = &{1'b0, s_last, rd_full[XA_W+POS_W-1:XA_W], slot_wrap[SL_W], LAST_KK_I[0], C_I[0]};
endmodule
