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
// Widths: inputs W_IN bits; the exact sum or difference has W_IN + 1 bits;
// after the shift the result has W_OUT = W_IN + 1 - SHIFT bits. Unscaled
// (SHIFT = 0) it always fits. Scaled, exactly one value can overflow: a
// difference max - min = 2^W_IN - 1 (also reached through the -j/+j rotation)
// rounds up to 2^(W_IN-1) under half-up and convergent rounding; it saturates
// (SAT = 1) or wraps and sets the sticky ovf, like requantize() in src/fixed.
// The delay line holds inputs (first half) and differences (second half):
// W_F = max(W_IN, W_OUT).
//
// Latency: the sum y[i] leaves the output register one cycle after x[i+D]
// arrives, i.e. every sample is delayed by DELAY + 1 advances.
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
    output reg                     ovf        // sticky: a sum or difference did not fit
);
    localparam integer DELAY = 1 << LOG2_DELAY;
    localparam integer W_F   = (W_OUT > W_IN) ? W_OUT : W_IN;
    /* verilator lint_off WIDTH */
    localparam [LOG2_DELAY:0] PENDING_FULL = DELAY;  // fits: DELAY < 2^(LOG2_DELAY+1)
    /* verilator lint_on WIDTH */

    // ---- position and flush control -------------------------------------
    reg  [CNT_W-1:0]      cnt;      // stream position of the next input sample
    reg  [LOG2_DELAY:0]   pending;  // differences in the delay line not yet emitted
    wire [LOG2_DELAY:0]   pos          = cnt[LOG2_DELAY:0];  // position in the 2D block
    wire                  second_half  = pos[LOG2_DELAY];
    wire                  block_start  = ~(|pos);
    wire                  block_end    = &pos;
    wire                  have_pending = |pending;
    wire                  take  = en & in_valid;
    wire                  flush = en & ~in_valid & block_start & have_pending;
    wire                  adv   = take | flush;

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
    wire rot_now;
    generate
        if (ROT == 0) begin : g_norot
            assign rot_now = 1'b0;
        end else begin : g_rot
            assign rot_now = (cnt[ROT_LOG2-1:ROT_LOG2-2] == 2'b11);
        end
    endgenerate
    // x' = x * (-j) = (im, -re);  x' = x * (+j) = (-im, re)
    wire signed [W_IN-1:0] op_re  = rot_now ? in_im : in_re;
    wire signed [W_IN-1:0] op_im  = rot_now ? in_re : in_im;
    wire                   neg_re = rot_now & (ROT == 2);
    wire                   neg_im = rot_now & (ROT == 1);

    // ---- butterfly (second half: head holds x[pos - D], an input) ---------
    wire signed [W_IN:0] a_re = {head[W_IN-1], head[W_IN-1:0]};
    wire signed [W_IN:0] a_im = {head[W_F+W_IN-1], head[W_F+W_IN-1:W_F]};
    wire signed [W_IN:0] b_re = {op_re[W_IN-1], op_re};
    wire signed [W_IN:0] b_im = {op_im[W_IN-1], op_im};
    wire signed [W_IN:0] sum_re  = neg_re ? a_re - b_re : a_re + b_re;
    wire signed [W_IN:0] sum_im  = neg_im ? a_im - b_im : a_im + b_im;
    wire signed [W_IN:0] diff_re = neg_re ? a_re + b_re : a_re - b_re;
    wire signed [W_IN:0] diff_im = neg_im ? a_im + b_im : a_im - b_im;

    wire signed [W_OUT-1:0] sum_re_q, sum_im_q, diff_re_q, diff_im_q;
    wire [3:0] bf_ovf;
    fft_round #(.W_IN(W_IN + 1), .SHIFT(SHIFT), .W_OUT(W_OUT), .ROUND(ROUND), .SAT(SAT))
        u_rs_re (.din(sum_re),  .dout(sum_re_q),  .ovf(bf_ovf[0]));
    fft_round #(.W_IN(W_IN + 1), .SHIFT(SHIFT), .W_OUT(W_OUT), .ROUND(ROUND), .SAT(SAT))
        u_rs_im (.din(sum_im),  .dout(sum_im_q),  .ovf(bf_ovf[1]));
    fft_round #(.W_IN(W_IN + 1), .SHIFT(SHIFT), .W_OUT(W_OUT), .ROUND(ROUND), .SAT(SAT))
        u_rd_re (.din(diff_re), .dout(diff_re_q), .ovf(bf_ovf[2]));
    fft_round #(.W_IN(W_IN + 1), .SHIFT(SHIFT), .W_OUT(W_OUT), .ROUND(ROUND), .SAT(SAT))
        u_rd_im (.din(diff_im), .dout(diff_im_q), .ovf(bf_ovf[3]));

    // ---- what goes into the delay line and what comes out ----------------
    // second half: the difference; first half (and flush bubbles): the input.
    // (both sign-extended to the delay line width W_F)
    wire signed [W_F-1:0] in_re_f, in_im_f, diff_re_f, diff_im_f;
    generate
        if (W_F > W_IN) begin : g_ext_in
            assign in_re_f = {{(W_F - W_IN){in_re[W_IN-1]}}, in_re};
            assign in_im_f = {{(W_F - W_IN){in_im[W_IN-1]}}, in_im};
        end else begin : g_same_in
            assign in_re_f = in_re;
            assign in_im_f = in_im;
        end
        if (W_F > W_OUT) begin : g_ext_diff
            assign diff_re_f = {{(W_F - W_OUT){diff_re_q[W_OUT-1]}}, diff_re_q};
            assign diff_im_f = {{(W_F - W_OUT){diff_im_q[W_OUT-1]}}, diff_im_q};
        end else begin : g_same_diff
            assign diff_re_f = diff_re_q;
            assign diff_im_f = diff_im_q;
        end
    endgenerate
    assign fifo_in = second_half ? {diff_im_f, diff_re_f} : {in_im_f, in_re_f};

    // first half: the head is a W_OUT-bit difference of the previous block
    wire signed [W_OUT-1:0] head_re = head[W_OUT-1:0];
    wire signed [W_OUT-1:0] head_im = head[W_F+W_OUT-1:W_F];

    always @(posedge clk) begin
        if (rst) begin
            cnt       <= {CNT_W{1'b0}};
            pending   <= {(LOG2_DELAY + 1){1'b0}};
            out_valid <= 1'b0;
            ovf       <= 1'b0;
        end else if (en) begin
            // a sum in the second half; a stored difference in the first half or a flush
            out_valid <= adv & (second_half | have_pending);
            if (take) cnt <= cnt + 1'b1;
            // the butterfly works on real samples only in the second half
            if (take & second_half & (|bf_ovf)) ovf <= 1'b1;
            if (take & block_end)
                pending <= PENDING_FULL;
            else if (adv & ~second_half & have_pending)
                pending <= pending - 1'b1;
        end
    end

    always @(posedge clk) begin
        if (en) begin
            out_re <= second_half ? sum_re_q : head_re;
            out_im <= second_half ? sum_im_q : head_im;
        end
    end

endmodule
