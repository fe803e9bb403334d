// tvscm_layer: a Two-Valued Symmetric Circulant Matrix layer, y = W x, n x n,
// with two weight registers a and b (arXiv 2605.16443).
//
//   PLACEMENT = 0 (band, radius RADIUS):
//       y_i = a*x_i + b*sum_{k=1..RADIUS} (x_{i-k} + x_{i+k}),  indices mod N
//       symmetric pre-adders form the pair sums, so each output costs one
//       multiply by a and one by b whatever the radius.
//   PLACEMENT = 1 (complement):
//       y_i = (a - b)*x_i + b*S,  S = sum_j x_j
//       b*S is one multiply per vector, shared by all lanes.
//
// Schedule (load and compute overlap: two input buffers, A and B):
//   LOAD  BEATS = ceil(N/BEAT) input beats of BEAT elements (element e of a
//         beat in s_data[e*X_W +: X_W]; BEAT divides P, so a beat fills BEAT
//         lanes of one row) are written into the P lane banks of buffer
//         `wsel`: element i goes to lane (i mod P), row (i div P); the padding
//         slots of a short last beat land past element N-1 and are never read.
//         The first RADIUS elements are also kept in that buffer's `head`,
//         the last RADIUS in its `tail` (2*RADIUS words: the wrap-around at
//         both ends, not a copy of x). The complement placement sums that
//         buffer's S as the elements arrive. After the last element the
//         buffer is full and the loader moves to the other one; s_ready is
//         high while the loader's buffer is not full.
//   RUN   a full buffer is fetched as soon as the fetch unit is free: the
//         cycle after its last input, or the cycle after the previous
//         vector's last fetch (runs follow each other with no gap). The
//         buffer is free again after its own last fetch, so the next vector
//         loads while this one computes and drains.
//         FETCHES = ROWS + 2*RB row fetches, one per cycle, where
//         RB = ceil(RADIUS/P) rows of window on each side. Fetch u reads row
//         v = u - RB from all banks at once (every lane the same address);
//         positions v*P + j below 0 come from `tail`, at or above N from
//         `head`. The fetched group shifts into a window of 2*RB+1 groups;
//         once full, the window holds rows t-RB..t+RB and P outputs of row
//         t = u - 2*RB are computed.
//   Pipeline after a fetch (one register stage each, all held by `ce` when
//   the output is stalled):
//         F fetch -> G window shift -> C centre and pair sums -> P products
//           -> Q accumulate -> O requantise, ReLU, output register
//   Latency from first input to last output with no stalls:
//         BEATS + ROWS + 2*RB + 5 cycles. Back to back, a vector's fetches start
//         at max(its last input + 1, the previous vector's first fetch +
//         FETCHES), and the next vector's first input is taken at
//         max(this vector's last input + 1, the previous vector's first
//         fetch + FETCHES): period max(BEATS, FETCHES) once both are busy
//         (src/layers/tvscm/cost.ts models exactly this).
//   Memory: each lane bank holds both buffers, rows 0..ROWS-1 (A) and
//         ROWS..2*ROWS-1 (B): twice the single-buffer depth.
//   BUFFERS = 1 keeps buffer A only (half the memory): the next vector loads
//         once this one's fetches are done, period BEATS + FETCHES.
//
// Config port: cfg_addr 0 writes a, 1 writes b, 2 clears the sticky overflow
// flag. Write between vectors (busy low) for a clean change of weights.
// busy: a vector is somewhere in the layer (loading, waiting, in the pipeline).
//
// Output beats carry P lanes (lane j in m_data[j*Y_W +: Y_W]); on the last
// beat of a vector only the first N - (ROWS-1)*P lanes are kept (m_keep), the
// others read zero.
module tvscm_layer #(
    parameter N         = 16,
    parameter P         = 1,
    parameter ROWS      = 16,   // ceil(N / P)
    parameter BUFFERS   = 2,    // input buffers: 2 overlaps load and compute, 1 loads only when the fetches are done
    parameter ROW_W     = 5,    // bits of a bank address 0..BUFFERS*ROWS-1
    parameter PLACEMENT = 0,    // 0 band, 1 complement
    parameter RADIUS    = 1,    // band radius (1 for complement: unused)
    parameter RB        = 1,    // window rows each side: ceil(RADIUS / P), 0 for complement
    parameter FETCHES   = 18,   // ROWS + 2*RB
    parameter FETCH_W   = 5,
    parameter BEAT      = 1,    // elements per input beat (divides P)
    parameter BEATS     = 16,   // input beats per vector: ceil(N / BEAT)
    parameter CNT_W     = 5,    // bits of a beat count 0..BEATS
    parameter POS_W     = 8,    // bits of a signed element position
    parameter X_W       = 8,
    parameter W_W       = 8,
    parameter SUM_W     = 9,    // band: pair-sum width; complement: width of S
    parameter DIFF_W    = 9,    // complement: width of a - b
    parameter PA_W      = 16,   // a*x (band) or (a-b)*x (complement)
    parameter PB_W      = 17,   // b*pairsum (band) or b*S (complement)
    parameter ACC_W     = 18,
    parameter Y_W       = 8,
    parameter SHIFT     = 7,
    parameter ROUND     = 2,    // 0 truncate, 1 half-up, 2 convergent
    parameter SAT       = 1,    // 1 saturate, 0 wrap
    parameter RELU      = 0,
    parameter [W_W-1:0] A_INIT = 0,
    parameter [W_W-1:0] B_INIT = 0,
    parameter DUAL8     = 0     // 1 (band, X_W and W_W <= 8): the a*x products of lanes 2i and 2i+1 on one SB_MAC16 in 8x8 mode (dsp_dual8.v)
) (
    input  wire               clk,
    input  wire               rst,
    // run-time weight registers
    input  wire               cfg_we,
    input  wire [1:0]         cfg_addr,
    input  wire [W_W-1:0]     cfg_data,
    // input stream: BEAT elements per beat (element e in s_data[e*X_W +: X_W])
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
    output wire               busy
);
    localparam GRPS   = P / BEAT;              // beats per row: lane groups of BEAT lanes
    localparam GRP_W  = (GRPS > 1) ? $clog2(GRPS) : 1;
    localparam LAST_SLOTS = N - (BEATS - 1) * BEAT;   // elements in the last beat
    localparam GROUPS = 2 * RB + 1;            // window length in rows
    localparam WIN    = GROUPS * P;            // window length in elements
    localparam LAST_LANES = N - (ROWS - 1) * P;  // lanes kept on the last row
    localparam [P-1:0] ALL_KEEP  = {P{1'b1}};
    localparam [P-1:0] LAST_KEEP = ALL_KEEP >> (P - LAST_LANES);
    // Sized copies of the counts the counters are compared with.
    localparam integer LAST_GRP_I   = GRPS - 1;
    localparam integer LAST_BEAT_I  = BEATS - 1;
    localparam integer LAST_FETCH_I = FETCHES - 1;
    localparam integer WARM_I       = 2 * RB;       // fetches before the window is full
    localparam [GRP_W-1:0]   LAST_GRP     = LAST_GRP_I[GRP_W-1:0];
    localparam [CNT_W-1:0]   LAST_BEAT    = LAST_BEAT_I[CNT_W-1:0];
    localparam [FETCH_W-1:0] LAST_FETCH   = LAST_FETCH_I[FETCH_W-1:0];
    localparam [FETCH_W-1:0] WARM_FETCHES = WARM_I[FETCH_W-1:0];

    // ------------------------------------------------------------------
    // Weight registers and the sticky overflow flag
    // ------------------------------------------------------------------
    reg signed [W_W-1:0] a_reg, b_reg;
    always @(posedge clk) begin
        if (rst) begin
            a_reg <= A_INIT;
            b_reg <= B_INIT;
        end else if (cfg_we && cfg_addr == 2'd0) begin
            a_reg <= cfg_data;
        end else if (cfg_we && cfg_addr == 2'd1) begin
            b_reg <= cfg_data;
        end
    end

    // Whole-pipeline clock enable: everything in RUN advances unless the
    // output register holds a beat the consumer has not taken.
    wire o_valid;
    wire ce = ~o_valid | m_ready;

    // ------------------------------------------------------------------
    // LOAD: counters, the two input buffers, head/tail, running sum
    // ------------------------------------------------------------------
    reg [1:0]        full;                   // buffer b holds a vector not yet fetched to the end
    reg              wsel;                   // buffer the loader writes
    reg              rsel;                   // buffer being fetched
    reg              nsel;                   // buffer the next run fetches
    reg [CNT_W-1:0]  in_count;               // beats taken this vector
    reg [GRP_W-1:0]  wr_grp;                 // lane group the beat goes to: lanes wr_grp*BEAT ..
    reg [ROW_W-1:0]  wr_addr;                // bank address: row, plus ROWS in buffer B
    assign s_ready = ~full[wsel];
    wire in_fire    = s_valid & s_ready;
    wire in_is_last = in_count == LAST_BEAT;
    wire load_done  = in_fire & in_is_last;

    // RUN bookkeeping
    reg                     fetching;
    reg [FETCH_W-1:0]       fetch_u;
    reg signed [POS_W-1:0]  fetch_base;      // (u - RB) * P: position of lane 0
    reg signed [POS_W-1:0]  fetch_row;       // u - RB: the row this fetch reads
    wire fetch_last = fetching & ce & (fetch_u == LAST_FETCH);
    // a run starts when the fetch unit is free (or frees up now) and the
    // next buffer is full (or fills up now)
    // (with one buffer nsel is rsel: the buffer its own last fetch frees is not full)
    wire next_full  = (full[nsel] & ~(fetch_last & (nsel == rsel))) | (load_done & (wsel == nsel));
    wire run_start  = (~fetching | fetch_last) & next_full;

    localparam signed [POS_W-1:0] BASE0 = -(RB * P);
    localparam signed [POS_W-1:0] STEP  = P;
    localparam signed [POS_W-1:0] ROW0  = -RB;
    localparam signed [POS_W-1:0] NROWS = ROWS;
    localparam integer BANK_B_I = (BUFFERS > 1) ? ROWS : 0;
    localparam [ROW_W-1:0] BANK_B = BANK_B_I[ROW_W-1:0];   // first row of buffer B
    localparam TWO = BUFFERS > 1;                           // with one buffer, A is used for every vector

    always @(posedge clk) begin
        if (rst) begin
            full       <= 2'b00;
            wsel       <= 1'b0;
            rsel       <= 1'b0;
            nsel       <= 1'b0;
            in_count   <= {CNT_W{1'b0}};
            wr_grp     <= {GRP_W{1'b0}};
            wr_addr    <= {ROW_W{1'b0}};
            fetching   <= 1'b0;
            fetch_u    <= {FETCH_W{1'b0}};
            fetch_base <= BASE0;
            fetch_row  <= ROW0;
        end else begin
            // buffer flags: filled by the loader, freed by the last fetch
            // (never the same buffer: the loader only writes a free one)
            full[0] <= (full[0] & ~(fetch_last & ~rsel)) | (load_done & ~wsel);
            full[1] <= (full[1] & ~(fetch_last &  rsel)) | (load_done &  wsel);
            // LOAD
            if (in_fire) begin
                if (in_is_last) begin
                    wsel     <= TWO & ~wsel;
                    in_count <= {CNT_W{1'b0}};
                    wr_grp   <= {GRP_W{1'b0}};
                    wr_addr  <= wsel ? {ROW_W{1'b0}} : BANK_B;
                end else begin
                    in_count <= in_count + 1'b1;
                    if (wr_grp == LAST_GRP) begin
                        wr_grp  <= {GRP_W{1'b0}};
                        wr_addr <= wr_addr + 1'b1;
                    end else begin
                        wr_grp  <= wr_grp + 1'b1;
                    end
                end
            end
            // RUN
            if (run_start) begin
                fetching   <= 1'b1;
                rsel       <= nsel;
                nsel       <= TWO & ~nsel;
                fetch_u    <= {FETCH_W{1'b0}};
                fetch_base <= BASE0;
                fetch_row  <= ROW0;
            end else if (fetch_last) begin
                fetching <= 1'b0;
            end else if (ce && fetching) begin
                fetch_u    <= fetch_u + 1'b1;
                fetch_base <= fetch_base + STEP;
                fetch_row  <= fetch_row + 1'b1;
            end
        end
    end

    // Row the current fetch reads (0 when the row is outside the banks; those
    // lanes take head/tail values instead).
    wire row_in_banks = (fetch_row >= 0) && (fetch_row < NROWS);
    wire [ROW_W-1:0] rd_row = row_in_banks ? fetch_row[ROW_W-1:0] : {ROW_W{1'b0}};
    wire [ROW_W-1:0] rd_addr = rd_row + (rsel ? BANK_B : {ROW_W{1'b0}});

    // Lane banks: one memory per lane, BUFFERS*ROWS deep (buffers A and B),
    // synchronous read held by ce.
    wire [P*X_W-1:0] bank_q;
    genvar j;
    generate
        for (j = 0; j < P; j = j + 1) begin : g_bank
            localparam integer      LANE_I  = j;
            localparam integer      GRP_I   = LANE_I / BEAT;
            localparam [GRP_W-1:0]  GRP_ID  = GRP_I[GRP_W-1:0];
            localparam integer      SLOT    = LANE_I % BEAT;   // its element in the beat
            reg [X_W-1:0] mem [0:BUFFERS*ROWS-1];
            reg [X_W-1:0] q;
            always @(posedge clk) begin
                if (in_fire && wr_grp == GRP_ID) mem[wr_addr] <= s_data[SLOT*X_W +: X_W];
            end
            always @(posedge clk) begin
                if (ce) q <= mem[rd_addr];
            end
            assign bank_q[j*X_W +: X_W] = q;
        end
    endgenerate

    // ------------------------------------------------------------------
    // Stage F: per-lane source select (bank, head, tail), registered with
    // the bank read so both arrive together.
    // ------------------------------------------------------------------
    reg              f_valid;       // a fetch is in flight
    reg              f_row;         // ... and it completes a window (u >= 2*RB)
    reg              f_last;        // ... of the last row
    reg [P-1:0]      f_sel_bank;    // lane takes the bank word
    reg [P*X_W-1:0]  f_reg_val;     // otherwise this head/tail word (or zero)

    wire [P-1:0]     sel_bank_n;
    wire [P*X_W-1:0] reg_val_n;

    generate
        if (PLACEMENT == 0) begin : g_wrap
            // head: x_0..x_{RADIUS-1}; tail: x_{N-RADIUS}..x_{N-1}; one pair
            // per buffer (A: head_a, tail_a; B: head_b, tail_b), the fetch
            // reads the pair of the buffer it fetches
            reg [RADIUS*X_W-1:0] head_a, head_b;
            reg [RADIUS*X_W-1:0] tail_a, tail_b;
            integer h;
            // element h is slot h % BEAT of beat h / BEAT (compared at POS_W bits)
            localparam integer     BEAT_I = BEAT;
            localparam integer     TAIL_I = N - RADIUS;
            localparam [POS_W-1:0] BEAT_P = BEAT_I[POS_W-1:0];
            localparam [POS_W-1:0] TAIL0  = TAIL_I[POS_W-1:0];
            wire [POS_W-1:0] beat_no = {{(POS_W - CNT_W){1'b0}}, in_count};
            always @(posedge clk) begin
                if (in_fire) begin
                    for (h = 0; h < RADIUS; h = h + 1) begin
                        if (beat_no == h[POS_W-1:0] / BEAT_P) begin
                            if (wsel) head_b[h*X_W +: X_W] <= s_data[(h % BEAT)*X_W +: X_W];
                            else      head_a[h*X_W +: X_W] <= s_data[(h % BEAT)*X_W +: X_W];
                        end
                    end
                end
            end
            if (BEAT > 1) begin : g_tailw
                // wide beats: element N-RADIUS+t is slot (N-RADIUS+t) % BEAT of beat (N-RADIUS+t) / BEAT
                integer t;
                always @(posedge clk) begin
                    if (in_fire) begin
                        for (t = 0; t < RADIUS; t = t + 1) begin
                            if (beat_no == (TAIL0 + t[POS_W-1:0]) / BEAT_P) begin
                                if (wsel) tail_b[t*X_W +: X_W] <= s_data[((N - RADIUS + t) % BEAT)*X_W +: X_W];
                                else      tail_a[t*X_W +: X_W] <= s_data[((N - RADIUS + t) % BEAT)*X_W +: X_W];
                            end
                        end
                    end
                end
            end else if (RADIUS == 1) begin : g_tail1
                always @(posedge clk) begin
                    if (in_fire && wsel)  tail_b <= s_data;
                    if (in_fire && !wsel) tail_a <= s_data;
                end
            end else begin : g_tailn
                always @(posedge clk) begin
                    if (in_fire && wsel)  tail_b <= {s_data, tail_b[RADIUS*X_W-1:X_W]};
                    if (in_fire && !wsel) tail_a <= {s_data, tail_a[RADIUS*X_W-1:X_W]};
                end
            end
            wire [RADIUS*X_W-1:0] head = rsel ? head_b : head_a;
            wire [RADIUS*X_W-1:0] tail = rsel ? tail_b : tail_a;

            for (j = 0; j < P; j = j + 1) begin : g_lane_src
                localparam signed [POS_W-1:0] LANE = j;
                localparam signed [POS_W-1:0] NPOS = N;
                wire signed [POS_W-1:0] pos = fetch_base + LANE;
                wire signed [POS_W-1:0] tail_idx = pos + RADIUS[POS_W-1:0];  // pos + RADIUS
                wire signed [POS_W-1:0] head_idx = pos - NPOS;               // pos - N
                reg  [X_W-1:0] val;
                reg            from_bank;
                integer k;
                always @* begin
                    from_bank = 1'b0;
                    val       = {X_W{1'b0}};
                    if (pos < 0) begin
                        for (k = 0; k < RADIUS; k = k + 1)
                            if (tail_idx == k[POS_W-1:0]) val = tail[k*X_W +: X_W];
                    end else if (pos >= NPOS) begin
                        for (k = 0; k < RADIUS; k = k + 1)
                            if (head_idx == k[POS_W-1:0]) val = head[k*X_W +: X_W];
                    end else begin
                        from_bank = 1'b1;
                    end
                end
                assign sel_bank_n[j] = from_bank;
                assign reg_val_n[j*X_W +: X_W] = val;
            end
        end else begin : g_nowrap
            // complement: every fetched row is inside the banks
            assign sel_bank_n = {P{1'b1}};
            assign reg_val_n  = {P*X_W{1'b0}};
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) begin
            f_valid <= 1'b0;
        end else if (ce) begin
            f_valid <= fetching;
        end
    end
    always @(posedge clk) begin
        if (ce) begin
            f_row      <= (RB == 0) || (fetch_u >= WARM_FETCHES);
            f_last     <= fetch_u == LAST_FETCH;
            f_sel_bank <= sel_bank_n;
            f_reg_val  <= reg_val_n;
        end
    end

    // ------------------------------------------------------------------
    // Stage G: the fetched group shifts into the window
    // ------------------------------------------------------------------
    wire [P*X_W-1:0] group_in;
    generate
        for (j = 0; j < P; j = j + 1) begin : g_group
            assign group_in[j*X_W +: X_W] = f_sel_bank[j] ? bank_q[j*X_W +: X_W] : f_reg_val[j*X_W +: X_W];
        end
    endgenerate

    reg [WIN*X_W-1:0] win;       // element e holds position (t - RB)*P + e
    reg               g_valid, g_last;
    generate
        if (GROUPS == 1) begin : g_win1
            always @(posedge clk) if (ce && f_valid) win <= group_in;
        end else begin : g_winn
            always @(posedge clk) if (ce && f_valid) win <= {group_in, win[WIN*X_W-1:P*X_W]};
        end
    endgenerate
    always @(posedge clk) begin
        if (rst) begin
            g_valid <= 1'b0;
        end else if (ce) begin
            g_valid <= f_valid & f_row;
        end
    end
    always @(posedge clk) if (ce) g_last <= f_last;

    // ------------------------------------------------------------------
    // Stage C: centre element and symmetric pair sums per lane
    // Stage P: products (SB_MAC16 on UltraPlus)
    // Stage Q: accumulate
    // Stage O: requantise, ReLU, output register
    // ------------------------------------------------------------------
    reg c_valid, c_last, p_valid, p_last, q_valid, q_last;
    always @(posedge clk) begin
        if (rst) begin
            c_valid <= 1'b0;
            p_valid <= 1'b0;
            q_valid <= 1'b0;
        end else if (ce) begin
            c_valid <= g_valid;
            p_valid <= c_valid;
            q_valid <= p_valid;
        end
    end
    always @(posedge clk) begin
        if (ce) begin
            c_last <= g_last;
            p_last <= c_last;
            q_last <= p_last;
        end
    end

    // Complement: running sum S, a - b, and the shared product b*S.
    wire signed [PB_W-1:0] shared_pb;
    /* verilator lint_off UNUSED */
    wire signed [DIFF_W-1:0] lane_weight_a;   // unread with DUAL8 (the dsp_dual8 takes a_reg)
    /* verilator lint_on UNUSED */
    generate
        if (PLACEMENT == 1) begin : g_sum
            // S of each buffer (total_a, total_b) while it loads; the fetched
            // buffer's S travels with its rows (f_total, g_total) so that b*S
            // (stage C) belongs to the row it is added to when runs follow
            // each other with no gap.
            reg signed [SUM_W-1:0]  total_a, total_b, f_total, g_total;
            reg signed [DIFF_W-1:0] diff;
            reg signed [PB_W-1:0]   bs;
            // the beat's elements (the last beat's padding slots count zero)
            reg  signed [SUM_W-1:0] x_ext;
            integer e;
            always @* begin
                x_ext = {SUM_W{1'b0}};
                for (e = 0; e < BEAT; e = e + 1)
                    if (!(in_is_last && e >= LAST_SLOTS))
                        x_ext = x_ext + {{(SUM_W - X_W){s_data[e*X_W + X_W - 1]}}, s_data[e*X_W +: X_W]};
            end
            wire signed [SUM_W-1:0] total_w = wsel ? total_b : total_a;
            wire signed [SUM_W-1:0] total_n = (in_count == {CNT_W{1'b0}}) ? x_ext : total_w + x_ext;
            always @(posedge clk) begin
                if (in_fire && wsel)  total_b <= total_n;
                if (in_fire && !wsel) total_a <= total_n;
            end
            always @(posedge clk) begin
                if (ce) begin
                    f_total <= rsel ? total_b : total_a;
                    g_total <= f_total;
                end
            end
            always @(posedge clk) begin
                diff <= {a_reg[W_W-1], a_reg} - {b_reg[W_W-1], b_reg};
            end
            /* verilator lint_off WIDTH */
            always @(posedge clk) if (ce) bs <= b_reg * g_total;
            /* verilator lint_on WIDTH */
            assign shared_pb     = bs;
            assign lane_weight_a = diff;
        end else begin : g_nosum
            assign shared_pb     = {PB_W{1'b0}};
            assign lane_weight_a = {{(DIFF_W - W_W){a_reg[W_W-1]}}, a_reg};
        end
    endgenerate

    wire [P*Y_W-1:0] y_lanes;
    wire [P-1:0]     y_ovf;

    // Stage P with DUAL8 (band): the a*x products of lanes 2i (bottom half)
    // and 2i+1 (top half) from one dsp_dual8 (dsp_dual8_lanes.v), registered in the DSP on ce
    // like p_a; the centres c_x of all lanes gathered in c_x_all, the
    // products returned in dual_pa (lane j at [j*PA_W +: PA_W]). With an odd
    // P the last DSP's top half multiplies zero. The b*pairsum products
    // (wider pair sums) stay one per lane.
    /* verilator lint_off UNUSED */
    wire [P*X_W-1:0]  c_x_all;   // read only with DUAL8
    wire [P*PA_W-1:0] dual_pa;   // read only with DUAL8
    /* verilator lint_on UNUSED */
    generate
        if (DUAL8 != 0) begin : g_dual8
            dsp_dual8_lanes #(.P(P), .A_W(W_W), .B_W(X_W), .PROD_W(PA_W)) u_lanes (
                .clk(clk), .ce(ce), .a(a_reg), .b(c_x_all), .p(dual_pa));
        end else begin : g_no_dual8
            assign dual_pa = {P*PA_W{1'b0}};   // unread without DUAL8
            assign c_x_all = {P*X_W{1'b0}};
        end
    endgenerate

    generate
        for (j = 0; j < P; j = j + 1) begin : g_lane
            localparam CENTRE = RB * P + j;
            wire signed [X_W-1:0] centre = win[CENTRE*X_W +: X_W];
            reg  signed [X_W-1:0]   c_x;
            reg  signed [PA_W-1:0]  p_a;
            reg  signed [PB_W-1:0]  p_b;
            reg  signed [ACC_W-1:0] q_acc;

            if (PLACEMENT == 0) begin : g_pairs
                // sum_{k=1..RADIUS} (x_{i-k} + x_{i+k}) from the window
                reg signed [SUM_W-1:0] pair_sum;
                reg signed [SUM_W-1:0] c_sum;
                integer k;
                always @* begin
                    pair_sum = {SUM_W{1'b0}};
                    for (k = 1; k <= RADIUS; k = k + 1) begin
                        pair_sum = pair_sum
                            + {{(SUM_W - X_W){win[(CENTRE - k)*X_W + X_W - 1]}}, win[(CENTRE - k)*X_W +: X_W]}
                            + {{(SUM_W - X_W){win[(CENTRE + k)*X_W + X_W - 1]}}, win[(CENTRE + k)*X_W +: X_W]};
                    end
                end
                always @(posedge clk) if (ce) c_sum <= pair_sum;
                /* verilator lint_off WIDTH */
                always @(posedge clk) if (ce) p_b <= b_reg * c_sum;
                /* verilator lint_on WIDTH */
            end else begin : g_shared
                always @(posedge clk) if (ce) p_b <= shared_pb;
            end

            always @(posedge clk) begin
                if (ce) begin
                    c_x <= centre;
                    q_acc <= {{(ACC_W - PA_W){p_a[PA_W-1]}}, p_a} + {{(ACC_W - PB_W){p_b[PB_W-1]}}, p_b};
                end
            end
            // the a*x product this lane adds (stage P): its own multiply, or
            // with DUAL8 its half of a dsp_dual8 (registered inside the DSP)
            if (DUAL8 == 0) begin : g_pa
                /* verilator lint_off WIDTH */
                always @(posedge clk) if (ce) p_a <= lane_weight_a * c_x;
                /* verilator lint_on WIDTH */
            end else begin : g_pa_dual8
                always @* p_a = dual_pa[j*PA_W +: PA_W];
                assign c_x_all[j*X_W +: X_W] = c_x;
            end

            wire signed [Y_W-1:0] rq;
            wire                  rq_ovf;
            requant #(
                .IN_W (ACC_W),
                .OUT_W(Y_W),
                .SHIFT(SHIFT),
                .ROUND(ROUND),
                .SAT  (SAT)
            ) u_requant (
                .din (q_acc),
                .dout(rq),
                .ovf (rq_ovf)
            );
            assign y_lanes[j*Y_W +: Y_W] = (RELU != 0 && rq[Y_W-1]) ? {Y_W{1'b0}} : rq;
            // Overflow = the output lost information (requantActivate() in
            // src/fixed/index.ts): a value below the range that ReLU zeroes
            // anyway (saturated, or wrapped to a negative) is not an overflow.
            wire relu_right = RELU != 0 && q_acc[ACC_W-1] && (rq[Y_W-1] || rq == {Y_W{1'b0}});
            assign y_ovf[j] = rq_ovf & ~relu_right;
        end
    endgenerate

    // Output register
    reg             o_valid_r, o_last_r, ovf_r;
    reg [P-1:0]     o_keep_r;
    reg [P*Y_W-1:0] o_data_r;
    wire [P-1:0]    q_keep = q_last ? LAST_KEEP : ALL_KEEP;
    integer lane;
    always @(posedge clk) begin
        if (rst) begin
            o_valid_r <= 1'b0;
        end else if (ce) begin
            o_valid_r <= q_valid;
        end
    end
    always @(posedge clk) begin
        if (ce) begin
            o_last_r <= q_last;
            o_keep_r <= q_keep;
            for (lane = 0; lane < P; lane = lane + 1)
                o_data_r[lane*Y_W +: Y_W] <= q_keep[lane] ? y_lanes[lane*Y_W +: Y_W] : {Y_W{1'b0}};
        end
    end
    always @(posedge clk) begin
        if (rst) ovf_r <= 1'b0;
        else if (cfg_we && cfg_addr == 2'd2) ovf_r <= 1'b0;
        else if (ce && q_valid && |(y_ovf & q_keep)) ovf_r <= 1'b1;
    end

    assign o_valid = o_valid_r;
    assign m_valid = o_valid_r;
    assign m_last  = o_last_r;
    assign m_keep  = o_keep_r;
    assign m_data  = o_data_r;
    assign ovf     = ovf_r;
    assign busy    = (in_count != {CNT_W{1'b0}}) | (|full) | f_valid | g_valid | c_valid | p_valid | q_valid | o_valid_r;

    // s_last is part of the stream convention; the layer counts N itself.
    wire unused_ok = &{1'b0, s_last, shared_pb};
endmodule
