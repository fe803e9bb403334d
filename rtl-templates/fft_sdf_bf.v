// fft_sdf_bf: one radix-2 single-path delay feedback (SDF) butterfly with a
// feedback delay of DELAY = 2^LOG2_DELAY samples, for a stream of one complex
// sample per advance.
//
// Block semantics (what the stage computes): the stream is cut into blocks of
// 2*DELAY samples x[0..2D-1]; the stage emits
//     y[i]     = round((x[i] + x'[i+D]) / 2^SHIFT)      i = 0..D-1
//     y[i + D] = round((x[i] - x'[i+D]) / 2^SHIFT)
// in that order, where x' is the input sample, optionally rotated by -j
// (ROT = 1) or +j (ROT = 2) when its stream position modulo L = 2^ROT_LOG2
// lies in the last quarter [3L/4, L). That rotation is the trivial twiddle of
// a radix-2^2 pipeline (the BF2II stage); it is applied exactly, by swapping
// the real and imaginary parts and choosing add or subtract, so it can never
// overflow. The same block arithmetic serves decimation in frequency (forward)
// and in time (inverse): only the stage order and the twiddles differ.
//
// Schedule (D = DELAY, positions counted in valid input samples):
//   first half  (pos 0..D-1):  x[pos] goes into the delay line; the delay line
//                              returns the difference y[pos + D] of the previous
//                              block, which is emitted.
//   second half (pos D..2D-1): the delay line returns x[pos - D]; the sum is
//                              emitted, the difference goes into the delay line.
// The delay line only moves when the stage advances, so a stall anywhere keeps
// every sample in place.
//
// Flushing: when the input has no sample and the stage sits at the start of a
// block (pos 0) with differences still in the delay line (`pending` > 0), it
// advances on its own: it emits a difference and writes a bubble. A new block
// may then start at any time; its first half first emits the remaining
// `pending` differences and then reads the bubbles back (emitted as invalid),
// and its second half finds its own first half exactly DELAY advances old,
// because a stage never flushes inside a block. So the pipeline drains the
// last vector without more input and never loses, duplicates or misaligns a
// sample, whatever the gaps in the input.
//
// Widths: inputs W_IN bits; the exact sum or difference has W_F = W_IN + 1
// bits. The delay line holds inputs (first half) and exact differences
// (second half), both W_F bits, and a sample is rounded only on its way out,
// so that the add and the rounding sit in different pipeline stages (two
// short carry chains instead of one long path). After the shift the result
// has W_OUT = W_IN + 1 - SHIFT bits. Unscaled (SHIFT = 0) it always fits.
// Scaled, exactly one value can overflow: a difference max - min = 2^W_IN - 1
// (also reached through the -j/+j rotation) rounds up to 2^(W_IN-1) under
// half-up and convergent rounding; it saturates (SAT = 1) or wraps and sets
// the sticky ovf, like requantize() in src/fixed.
//
// Pipeline (each stage one register, all moving with en):
//   A: add / subtract, or pass the stored difference   -> raw_*
//   B: shift right and round (requant, round only)      -> rnd_*
//   C: saturate or wrap into W_OUT bits (requant, fit)   -> out_*
// so that no path holds more than one carry chain. Every sample is delayed
// by DELAY + 3 advances.
module fft_sdf_bf #(
    parameter integer W_IN       = 16,
    parameter integer SHIFT      = 1,
    parameter integer W_OUT      = 16,  // W_IN + 1 - SHIFT
    parameter integer LOG2_DELAY = 2,
    parameter integer ROT        = 1,   // 0 none, 1 times -j, 2 times +j
    parameter integer ROT_LOG2   = 4,   // rotation block L = 2^ROT_LOG2 (>= 2 when ROT != 0)
    parameter integer CNT_W      = 4,   // max(LOG2_DELAY + 1, ROT_LOG2)
    parameter integer USE_RAM    = 0,
    parameter integer ROUND      = 2,
    parameter integer SAT        = 1
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire                    en,        // global pipeline advance permission
    input  wire                    in_valid,
    input  wire signed [W_IN-1:0]  in_re,
    input  wire signed [W_IN-1:0]  in_im,
    output reg                     out_valid,
    output reg  signed [W_OUT-1:0] out_re,
    output reg  signed [W_OUT-1:0] out_im,
    output reg                     ovf        // sticky: a rounded sum or difference did not fit
);
    localparam integer DELAY = 1 << LOG2_DELAY;
    localparam integer W_F   = W_IN + 1;
    /* verilator lint_off WIDTH */
    localparam [LOG2_DELAY:0] PENDING_FULL = DELAY;  // fits: DELAY < 2^(LOG2_DELAY+1)
    /* verilator lint_on WIDTH */

    // ---- position and flush control -------------------------------------
    // The decisions that gate the advance (`have_pending`, `can_flush`) are
    // registers computed from the next state, so that only one LUT sits
    // between the global enable and the clock enables of this stage.
    reg  [CNT_W-1:0]      cnt;           // stream position of the next input sample
    reg  [LOG2_DELAY:0]   pending;       // differences in the delay line not yet emitted
    reg                   have_pending;  // pending != 0
    reg                   can_flush;     // pending != 0 and at the start of a block
    reg                   first_half_d;  // ~second_half: an inverted copy that drives the
                                         // delay-line chains (halves the select fan-out;
                                         // an identical copy would be merged by synthesis)
    wire [LOG2_DELAY:0]   pos          = cnt[LOG2_DELAY:0];  // position in the 2D block
    wire                  second_half  = pos[LOG2_DELAY];
    wire                  block_end    = &pos;
    wire                  take  = en & in_valid;
    wire                  adv   = en & (in_valid | can_flush);
    wire [CNT_W-1:0]      cnt_next = cnt + 1'b1;
    wire [CNT_W-1:0]      cnt_n    = take ? cnt_next : cnt;
    wire [LOG2_DELAY:0]   pending_n =
        (take & block_end)                   ? PENDING_FULL :
        (adv & ~second_half & have_pending)  ? pending - 1'b1 : pending;

    // ---- delay line --------------------------------------------------------
    wire [2*W_F-1:0] head;     // {im, re} of the word DELAY advances old
    wire [2*W_F-1:0] fifo_in;
    fft_delay #(
        .W          (2 * W_F),
        .LOG2_DELAY (LOG2_DELAY),
        .USE_RAM    (USE_RAM)
    ) u_delay (
        .clk  (clk),
        .rst  (rst),
        .en   (adv),
        .din  (fifo_in),
        .dout (head)
    );

    // ---- trivial rotation of the input (-j or +j) -----------------------------
    // rot_q says whether the sample at position cnt is rotated; it is updated
    // with the counter so that no comparison sits in front of the adders.
    reg rot_q;
    generate
        if (ROT == 0) begin : g_norot
            always @(posedge clk) rot_q <= 1'b0;
        end else begin : g_rot
            always @(posedge clk) begin
                if (rst) rot_q <= 1'b0;  // position 0 is never in the last quarter
                else if (take) rot_q <= (cnt_next[ROT_LOG2-1:ROT_LOG2-2] == 2'b11);
            end
        end
    endgenerate
    // x' = x * (-j) = (im, -re);  x' = x * (+j) = (-im, re)
    wire signed [W_IN-1:0] op_re  = rot_q ? in_im : in_re;
    wire signed [W_IN-1:0] op_im  = rot_q ? in_re : in_im;
    wire                   neg_re = rot_q & (ROT == 2);  // x'.re = -x.im
    wire                   neg_im = rot_q & (ROT == 1);  // x'.im = -x.re
    wire signed [W_F-1:0]  b_re   = {op_re[W_IN-1], op_re};
    wire signed [W_F-1:0]  b_im   = {op_im[W_IN-1], op_im};

    // ---- stage A: two carry chains per part, no multiplexer after either ------
    // head = x[pos - D] (an input) in the second half, a stored difference in
    // the first half. Each chain is {p, 1} + {q, c}: bits [W_F:1] are p + q + c,
    // so the carry-in c turns q = ~x into a subtraction in the same chain.
    //   output chain: second half  a + x'  (the sum)
    //                 first half   a + 0   (pass the stored difference)
    //   delay chain:  second half  a - x'  (the difference, stored)
    //                 first half   0 + x   (store the input; x' = x there)
    wire signed [W_F-1:0] a_re = head[W_F-1:0];
    wire signed [W_F-1:0] a_im = head[2*W_F-1:W_F];

    wire          o_sub_re = second_half & neg_re;
    wire          o_sub_im = second_half & neg_im;
    wire [W_F-1:0] o_b_re  = second_half ? (b_re ^ {W_F{o_sub_re}}) : {W_F{1'b0}};
    wire [W_F-1:0] o_b_im  = second_half ? (b_im ^ {W_F{o_sub_im}}) : {W_F{1'b0}};
    // (bit 0 of each chain is only the carry-in position)
    /* verilator lint_off UNUSEDSIGNAL */
    wire [W_F:0]   o_re    = {a_re, 1'b1} + {o_b_re, o_sub_re};
    wire [W_F:0]   o_im    = {a_im, 1'b1} + {o_b_im, o_sub_im};

    wire          d_sub_re = ~first_half_d & ~neg_re;
    wire          d_sub_im = ~first_half_d & ~neg_im;
    wire [W_F-1:0] d_a_re  = first_half_d ? {W_F{1'b0}} : a_re;
    wire [W_F-1:0] d_a_im  = first_half_d ? {W_F{1'b0}} : a_im;
    wire [W_F:0]   d_re    = {d_a_re, 1'b1} + {b_re ^ {W_F{d_sub_re}}, d_sub_re};
    wire [W_F:0]   d_im    = {d_a_im, 1'b1} + {b_im ^ {W_F{d_sub_im}}, d_sub_im};
    /* verilator lint_on UNUSEDSIGNAL */

    assign fifo_in = {d_im[W_F:1], d_re[W_F:1]};

    reg                   raw_valid;
    reg signed [W_F-1:0]  raw_re, raw_im;  // exact sum, or a stored exact difference
    always @(posedge clk) begin
        if (en) begin
            raw_re <= o_re[W_F:1];
            raw_im <= o_im[W_F:1];
        end
    end

    // ---- stage B: shift and round ---------------------------------------------
    localparam integer W_R = W_F + 1 - SHIFT;
    wire signed [W_R-1:0] r_re, r_im;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [1:0] r_ovf_unused;   // a rounding alone always fits its W_R bits
    /* verilator lint_on UNUSEDSIGNAL */
    requant #(.IN_W(W_F), .OUT_W(W_R), .SHIFT(SHIFT), .ROUND(ROUND), .SAT(1)) u_round_re (.din(raw_re), .dout(r_re), .ovf(r_ovf_unused[0]));
    requant #(.IN_W(W_F), .OUT_W(W_R), .SHIFT(SHIFT), .ROUND(ROUND), .SAT(1)) u_round_im (.din(raw_im), .dout(r_im), .ovf(r_ovf_unused[1]));

    reg                   rnd_valid;
    reg signed [W_R-1:0]  rnd_re, rnd_im;
    always @(posedge clk) begin
        if (en) begin
            rnd_re <= r_re;
            rnd_im <= r_im;
        end
    end

    // ---- stage C: saturate or wrap -------------------------------------------------
    wire signed [W_OUT-1:0] q_re, q_im;
    wire                    ovf_re, ovf_im;
    requant #(.IN_W(W_R), .OUT_W(W_OUT), .SHIFT(0), .ROUND(ROUND), .SAT(SAT)) u_fit_re (.din(rnd_re), .dout(q_re), .ovf(ovf_re));
    requant #(.IN_W(W_R), .OUT_W(W_OUT), .SHIFT(0), .ROUND(ROUND), .SAT(SAT)) u_fit_im (.din(rnd_im), .dout(q_im), .ovf(ovf_im));

    always @(posedge clk) begin
        if (en) begin
            out_re <= q_re;
            out_im <= q_im;
        end
    end

    // ---- control --------------------------------------------------------------
    always @(posedge clk) begin
        if (rst) begin
            cnt          <= {CNT_W{1'b0}};
            pending      <= {(LOG2_DELAY + 1){1'b0}};
            have_pending <= 1'b0;
            can_flush    <= 1'b0;
            first_half_d <= 1'b1;
            raw_valid <= 1'b0;
            rnd_valid <= 1'b0;
            out_valid <= 1'b0;
            ovf       <= 1'b0;
        end else if (en) begin
            cnt          <= cnt_n;
            pending      <= pending_n;
            have_pending <= |pending_n;
            can_flush    <= (|pending_n) & ~(|cnt_n[LOG2_DELAY:0]);
            first_half_d <= ~cnt_n[LOG2_DELAY];
            // a sum in the second half; a stored difference in the first half or a flush
            raw_valid <= adv & (second_half | have_pending);
            rnd_valid <= raw_valid;
            out_valid <= rnd_valid;
            if (rnd_valid & (ovf_re | ovf_im)) ovf <= 1'b1;
        end
    end
endmodule
