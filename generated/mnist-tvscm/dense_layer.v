// dense_layer: a fully connected layer, y = act(requant(W x + bias)),
// W is M x N (outputs x inputs), computed by P multiply-accumulate lanes.
//
// The weights and biases live outside this module in two generated ROMs (the
// generator writes their contents; see src/layers/dense/rtl.ts). Both ROMs
// are read synchronously: the word at the address presented in one cycle is
// on w_data / b_data in the next, and it is held while rom_en is low.
//   weight ROM  GROUPS*N words of P*W_W bits: word g*N + k, lane j holds
//               W[g*P + j][k] (zero for the rows g*P + j >= M)
//   bias ROM    GROUPS words of P*B_W bits: word g, lane j holds bias[g*P + j]
//
// Schedule (src/layers/dense/cost.ts models exactly this). The input buffer
// holds two vectors (buffer A: xbuf[0..N-1], B: xbuf[N..2N-1]), so the next
// vector loads while this one computes (BUFFERS = 1: buffer A only, the next
// vector loads once this one's last issue is done, period N + GROUPS*N):
//   LOAD  N/BEAT input beats of BEAT elements each (element e of a beat in
//         s_data[e*X_W +: X_W]) are written into the buffer the loader owns
//         (s_ready is high while it is free), one buffer word per beat. After
//         the last one the buffer is full and the loader moves to the other
//         buffer. With BEAT > 1 a buffer is N/BEAT words of BEAT elements.
//   RUN   a full buffer is issued as soon as the issue counters are free: the
//         cycle after its last input, or the cycle after the previous
//         vector's last issue (runs follow each other with no gap).
//         GROUPS*N issue cycles: group g = 0..GROUPS-1, element
//         k = 0..N-1. Each issue reads x[k] once (shared by all lanes: with
//         BEAT > 1 the word k/BEAT is read, lane k%BEAT selected in P) and
//         the weight word g*N + k (one weight per lane), so lane j forms the
//         dot product of row g*P + j, one MAC per lane per cycle.
//         After its last issue the buffer is free for the vector after next.
//   Pipeline after an issue cycle (one register stage each):
//         R  buffer, weight and bias reads
//         P  products x * w, one per lane (SB_MAC16 on UltraPlus); with
//            BEAT > 1 the element is first selected from the word read in R
//            (a BEAT-to-1 mux in front of the multipliers, no extra stage).
//            DUAL8 = 1: the same stage in the 8x8 product registers of
//            dsp_dual8, lanes 2i (bottom half) and 2i+1 (top half) on one
//            DSP, ceil(P/2) DSPs; the schedule does not change
//         C  accumulate: the first product of a row starts from the aligned
//            bias (bias << BSHIFT), the others add to the accumulator
//         O  requantise and activate (requant_act.v), output register
//   Latency, first input to last output with no stalls, from idle:
//         N/BEAT + GROUPS*N + 4 - 1 cycles;
//   period back to back: max(N/BEAT, GROUPS*N) = GROUPS*N (load hidden under
//   compute); one buffer: N/BEAT + GROUPS*N.
//
// Backpressure: one clock enable `ce` holds the issue counters, the reads and
// stages P and C when a finished group in C cannot move into the output
// register (it holds a beat the consumer has not taken). Stages never drop
// or duplicate a token, so results do not depend on valid/ready timing.
//
// Output beats carry P lanes (lane j in m_data[j*Y_W +: Y_W]), one beat per
// group; on the last beat only the first M - (GROUPS-1)*P lanes are kept
// (m_keep), the others read zero. ovf is sticky (cleared by rst): it rises when
// a kept lane's output lost information (its requantised value did not fit
// Y_W bits and the activation does not give the right answer anyway).
//
// ACT: 0 identity, 1 ReLU, 2 hardtanh (clip to [CLIP_LO, CLIP_HI], the raw
// values of -1 and +1 in the output format).
module dense_layer #(
    parameter N       = 16,   // inputs per vector
    parameter M       = 10,   // outputs per vector
    parameter P       = 1,    // MAC lanes
    parameter GROUPS  = 10,   // ceil(M / P)
    parameter K_W     = 4,    // bits of an element index 0..N-1
    parameter BEAT    = 1,    // elements per input beat (divides N)
    parameter L_W     = 1,    // bits of a lane of a beat 0..BEAT-1
    parameter BUFFERS = 2,    // input buffers: 2 overlaps load and compute, 1 loads once the issues are done
    parameter XA_W    = 5,    // bits of an input buffer word address 0..BUFFERS*N/BEAT-1
    parameter G_W     = 4,    // bits of a group index 0..GROUPS-1
    parameter WA_W    = 8,    // bits of a weight ROM address 0..GROUPS*N-1
    parameter X_W     = 8,    // input width
    parameter W_W     = 8,    // weight width
    parameter B_W     = 8,    // bias width
    parameter BSHIFT  = 7,    // bias alignment: accFrac - biasFrac
    parameter PROD_W  = 16,   // X_W + W_W
    parameter ACC_W   = 20,   // N products plus the aligned bias, exactly
    parameter Y_W     = 8,
    parameter SHIFT   = 7,    // requantisation shift: accFrac - yFrac
    parameter ROUND   = 2,    // 0 truncate, 1 half-up, 2 convergent
    parameter SAT     = 1,    // 1 saturate, 0 wrap
    parameter ACT     = 0,    // 0 identity, 1 ReLU, 2 hardtanh
    parameter signed [Y_W-1:0] CLIP_LO = -128,
    parameter signed [Y_W-1:0] CLIP_HI = 127,
    parameter DUAL8   = 0     // 1: lanes 2i and 2i+1 share one SB_MAC16 in 8x8 mode (dsp_dual8.v; X_W, W_W <= 8)
) (
    input  wire               clk,
    input  wire               rst,
    // input stream: BEAT elements per beat
    input  wire               s_valid,
    output wire               s_ready,
    input  wire [BEAT*X_W-1:0] s_data,
    input  wire               s_last,   // accepted, not needed: the layer counts N
    // output stream: P lanes per beat
    output wire               m_valid,
    input  wire               m_ready,
    output wire [P*Y_W-1:0]   m_data,
    output wire [P-1:0]       m_keep,
    output wire               m_last,
    output wire               ovf,
    output wire               busy,
    // weight and bias ROMs (generated, synchronous read held by rom_en)
    output wire               rom_en,
    output wire [WA_W-1:0]    w_addr,
    input  wire [P*W_W-1:0]   w_data,
    output wire [G_W-1:0]     b_addr,
    input  wire [P*B_W-1:0]   b_data
);
    localparam LAST_LANES = M - (GROUPS - 1) * P;   // lanes kept on the last group
    localparam [P-1:0] ALL_KEEP  = {P{1'b1}};
    localparam [P-1:0] LAST_KEEP = ALL_KEEP >> (P - LAST_LANES);
    // Sized copies of the counts the counters are compared with.
    localparam integer LAST_K_I = N - 1;
    localparam integer NB_I     = N / BEAT;              // input beats (buffer words) per vector
    localparam integer LAST_IN_I = NB_I - 1;
    localparam [K_W-1:0] LAST_IN = LAST_IN_I[K_W-1:0];
    localparam integer LAST_G_I = GROUPS - 1;
    localparam [K_W-1:0] LAST_K = LAST_K_I[K_W-1:0];
    localparam [G_W-1:0] LAST_G = LAST_G_I[G_W-1:0];
    localparam PROD_PAD = ACC_W - PROD_W;             // >= 0: the plan sizes ACC_W from the products
    localparam BIAS_PAD = ACC_W - B_W;                // > 0: ACC_W >= B_W + BSHIFT + 1

    // ------------------------------------------------------------------
    // Clock enable: stall everything from the issue counters to stage C
    // when C holds a finished group that the output register cannot take.
    // ------------------------------------------------------------------
    reg  c_done;        // stage C holds a finished group (all N products in)
    reg  o_valid;       // the output register holds a beat
    wire ce = ~(c_done & o_valid & ~m_ready);

    // ------------------------------------------------------------------
    // LOAD: count the elements in and write them into the loader's buffer
    // ------------------------------------------------------------------
    reg [1:0]       full;       // buffer b holds a vector not yet issued to the end
    reg             wsel;       // buffer the loader writes
    reg             rsel;       // buffer being issued
    reg             nsel;       // buffer the next run issues
    reg             running;    // RUN: issuing MACs from buffer rsel
    reg [K_W-1:0]   in_count;   // beats taken this vector
    assign s_ready = ~full[wsel];
    wire in_fire    = s_valid & s_ready;
    wire in_is_last = in_count == LAST_IN;
    wire load_done  = in_fire & in_is_last;

    localparam integer BUF_B_I = (BUFFERS > 1) ? NB_I : 0;
    localparam [K_W:0] BUF_B = BUF_B_I[K_W:0];   // first word of buffer B
    localparam TWO = BUFFERS > 1;                // with one buffer, A is used for every vector
    // buffer word addresses: beat index, plus N/BEAT in buffer B (XA_W <= K_W + 1 bits)
    reg [BEAT*X_W-1:0] xbuf [0:BUFFERS*NB_I-1];   // one word per input beat
    wire [K_W:0] x_wr = {1'b0, in_count} + (wsel ? BUF_B : {(K_W + 1){1'b0}});
    always @(posedge clk) begin
        if (in_fire) xbuf[x_wr[XA_W-1:0]] <= s_data;
    end

    // ------------------------------------------------------------------
    // RUN: issue counters. k walks the elements, g the groups of P rows,
    // waddr = g*N + k the weight ROM. All advance once per cycle with ce.
    // ------------------------------------------------------------------
    reg [K_W-1:0]  k;
    reg [G_W-1:0]  g;
    reg [WA_W-1:0] waddr;
    wire k_last = k == LAST_K;
    wire g_last = g == LAST_G;
    wire issue  = running & ce;
    wire run_end   = issue & k_last & g_last;       // the last issue of a run
    // (with one buffer nsel is rsel: the buffer its own last issue frees is not full)
    wire next_full = (full[nsel] & ~(run_end & (nsel == rsel))) | (load_done & (wsel == nsel));
    wire run_start = (~running | run_end) & next_full;

    always @(posedge clk) begin
        if (rst) begin
            full     <= 2'b00;
            wsel     <= 1'b0;
            rsel     <= 1'b0;
            nsel     <= 1'b0;
            running  <= 1'b0;
            in_count <= {K_W{1'b0}};
            k        <= {K_W{1'b0}};
            g        <= {G_W{1'b0}};
            waddr    <= {WA_W{1'b0}};
        end else begin
            // buffer flags: filled by the loader, freed by the last issue
            // (never the same buffer: the loader only writes a free one)
            full[0] <= (full[0] & ~(run_end & ~rsel)) | (load_done & ~wsel);
            full[1] <= (full[1] & ~(run_end &  rsel)) | (load_done &  wsel);
            // LOAD
            if (in_fire) begin
                if (in_is_last) begin
                    wsel     <= TWO & ~wsel;
                    in_count <= {K_W{1'b0}};
                end else begin
                    in_count <= in_count + 1'b1;
                end
            end
            // RUN: one issue per enabled cycle; the counters end back at zero
            if (issue) begin
                if (k_last) begin
                    k <= {K_W{1'b0}};
                    if (g_last) begin
                        g     <= {G_W{1'b0}};
                        waddr <= {WA_W{1'b0}};
                    end else begin
                        g     <= g + 1'b1;
                        waddr <= waddr + 1'b1;
                    end
                end else begin
                    k     <= k + 1'b1;
                    waddr <= waddr + 1'b1;
                end
            end
            if (run_start) begin
                running <= 1'b1;
                rsel    <= nsel;
                nsel    <= TWO & ~nsel;
            end else if (run_end) begin
                running <= 1'b0;
            end
        end
    end

    // ------------------------------------------------------------------
    // Stage R: the input buffer read (here), weight and bias ROM reads
    // (outside, same timing), and the issue's tags.
    // ------------------------------------------------------------------
    assign rom_en = ce;
    assign w_addr = waddr;
    assign b_addr = g;

    wire [K_W-1:0] x_word;      // the buffer word holding x[k] of this issue: k / BEAT
    wire [K_W:0] x_rd = {1'b0, x_word} + (rsel ? BUF_B : {(K_W + 1){1'b0}});
    reg [BEAT*X_W-1:0] r_xw;    // that word, read in R
    wire [X_W-1:0] r_x;         // x[k] of the issue in R, as the lanes' multipliers see it
    reg           r_valid;      // an issue is in R
    reg           r_first;      // ... with the first element of its rows (k = 0)
    reg           r_last;       // ... with the last element (k = N-1)
    reg           r_lastg;      // ... of the last group
    always @(posedge clk) begin
        if (ce) r_xw <= xbuf[x_rd[XA_W-1:0]];
    end
    generate
        if (BEAT == 1) begin : g_x1
            // one element per word: the word is x[k]
            assign x_word = k;
            assign r_x    = r_xw;
        end else begin : g_xw
            // words of BEAT elements: R reads word k/BEAT and notes the
            // lane k%BEAT, which is selected (combinationally) in front of
            // the multipliers of stage P. Issue counters beside k: the word
            // kw = k/BEAT and the lane kl = k%BEAT (N is a multiple of BEAT:
            // the last element is lane BEAT-1 of the last word, so both
            // wrap to zero with k).
            localparam integer LAST_L_I = BEAT - 1;
            localparam [L_W-1:0] LAST_L = LAST_L_I[L_W-1:0];
            reg [K_W-1:0] kw;
            reg [L_W-1:0] kl;
            reg [L_W-1:0] r_lane;
            always @(posedge clk) begin
                if (rst) begin
                    kw <= {K_W{1'b0}};
                    kl <= {L_W{1'b0}};
                end else if (issue) begin
                    if (kl == LAST_L) begin
                        kl <= {L_W{1'b0}};
                        kw <= k_last ? {K_W{1'b0}} : kw + 1'b1;
                    end else begin
                        kl <= kl + 1'b1;
                    end
                end
            end
            always @(posedge clk) begin
                if (ce) r_lane <= kl;
            end
            assign x_word = kw;
            wire [X_W-1:0] word_lane [0:BEAT-1];
            genvar e;
            for (e = 0; e < BEAT; e = e + 1) begin : g_lane_of_word
                assign word_lane[e] = r_xw[e*X_W +: X_W];
            end
            assign r_x = word_lane[r_lane];
        end
    endgenerate
    always @(posedge clk) begin
        if (rst) r_valid <= 1'b0;
        else if (ce) r_valid <= running;
    end
    always @(posedge clk) begin
        if (ce) begin
            r_first <= k == {K_W{1'b0}};
            r_last  <= k_last;
            r_lastg <= g_last;
        end
    end

    // ------------------------------------------------------------------
    // Stage P tags, stage C tags
    // ------------------------------------------------------------------
    reg p_valid, p_first, p_last, p_lastg;
    reg c_lastg;
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
            c_lastg <= p_lastg;
        end
    end

    // ------------------------------------------------------------------
    // Lanes: product (P), accumulate (C), requantise and activate (to O)
    // ------------------------------------------------------------------
    wire [P*Y_W-1:0] y_lanes;
    wire [P-1:0]     y_ovf;
    genvar j;

    // Stage P with DUAL8: two lanes' products per dsp_dual8 (SB_MAC16 in 8x8
    // mode, products registered in the DSP on ce; dsp_dual8_lanes.v), lane j in
    // dual_prod[j*PROD_W +: PROD_W]; with an odd P the last DSP's top half
    // multiplies by zero. Operands sign-extended to 8 bits; the 16-bit
    // product holds the PROD_W-bit one exactly.
    wire [P*PROD_W-1:0] dual_prod;
    generate
        if (DUAL8 != 0) begin : g_dual8
            dsp_dual8_lanes #(.P(P), .A_W(X_W), .B_W(W_W), .PROD_W(PROD_W)) u_lanes (
                .clk(clk), .ce(ce), .a(r_x), .b(w_data), .p(dual_prod));
        end else begin : g_no_dual8
            assign dual_prod = {P*PROD_W{1'b0}};
        end
    endgenerate

    generate
        for (j = 0; j < P; j = j + 1) begin : g_lane
            wire signed [X_W-1:0] x_s = r_x;
            wire signed [W_W-1:0] w_s = w_data[j*W_W +: W_W];
            wire signed [PROD_W-1:0] p_prod;
            reg  signed [B_W-1:0]    p_bias;
            reg  signed [ACC_W-1:0]  c_acc;

            // Stage P: one multiply per lane per cycle (SB_MAC16 on UltraPlus)
            if (DUAL8 != 0) begin : g_prod_dual8
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

            // Stage C: sign-extend the product; align the bias onto the
            // accumulator's fraction bits; accumulate.
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
    // Stage O: the output register. It takes a finished group when it is
    // empty or its beat is being taken in the same cycle.
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
            o_last <= c_lastg;
            o_keep <= c_keep;
            for (lane = 0; lane < P; lane = lane + 1)
                o_data[lane*Y_W +: Y_W] <= c_keep[lane] ? y_lanes[lane*Y_W +: Y_W] : {Y_W{1'b0}};
        end
    end
    // The overflow flags of a loaded group are registered per lane beside
    // o_data and gathered into the sticky ovf_r a cycle later (Fmax: the OR
    // over the lanes is off the requantiser's path); the group's first beat
    // is handed over at that edge at the earliest, so ovf is up by then.
    reg [P-1:0] o_ovf;
    always @(posedge clk) begin
        if (rst) begin
            o_ovf <= {P{1'b0}};
            ovf_r <= 1'b0;
        end else begin
            o_ovf <= o_load ? (y_ovf & c_keep) : {P{1'b0}};
            if (|o_ovf) ovf_r <= 1'b1;
        end
    end

    assign m_valid = o_valid;
    assign m_last  = o_last;
    assign m_keep  = o_keep;
    assign m_data  = o_data;
    assign ovf     = ovf_r;
    // a vector is somewhere in the layer: loading, issuing or in the pipeline
    assign busy    = (in_count != {K_W{1'b0}}) | (|full) | r_valid | p_valid | c_done | o_valid;
    // (with N = 1 or one buffer the top bit of x_wr and x_rd is unused)
    wire unused_addr = &{1'b0, x_wr, x_rd};

    // s_last is part of the stream convention; the layer counts N itself.
    wire unused_ok = &{1'b0, s_last, dual_prod};
endmodule
