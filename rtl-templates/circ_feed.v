// circ_feed: the input side of a streaming circulant layer (circulant and
// diag-circulant kinds, src/layers/circulant-common/stream-rtl.ts). It loads
// one vector of IN real elements and then feeds the K-point FFT with K
// positions back to back: elements 0..IN-1 (sign-flipped when SIGN = 1),
// then K - IN zeros (the zero padding of Cheng et al. / Araujo et al. for
// a circulant of size K >= IN).
//
// Why load first: the FFT's delay-feedback butterflies hold part of a vector
// until the next samples arrive, so a vector fed with gaps would leave at
// times that depend on the gaps. Fed back to back, every vector leaves the
// FFT at a fixed latency (src/fft/cost.ts), whatever the input timing was.
//
// Schedule (no stalls; T = cycle of the last input handshake):
//   LOAD   s_ready = 1; element i is written to xbuf[i], negated first
//          when NEG[i] = 1 (stored with one more bit: -(-2^(X_W-1)) fits).
//   FEED   from T + 1: position p (0..K-1) is issued at T + 1 + p: xbuf[p]
//          is read into `rd` (zero padding past IN), and offered to the FFT
//          at T + 2 + p as {im = 0, re = value << SHIFT} (F_W bits).
//   NEXT   the next vector may start loading while this one is fed: element
//          i is taken only once position i + (K - IN) has been issued, so a
//          write never overtakes the read of the same address and the next
//          vector's last element arrives after the last position was issued.
//          The first element of the next vector is taken at T + K - IN + 2
//          at the earliest.
// Backpressure: the feed advances when its output register is empty or
// taken (f_ready = the FFT's s_ready, its global enable).
module circ_feed #(
    parameter integer IN    = 16,    // inputs per vector, 1..K
    parameter integer K     = 16,    // transform length
    parameter integer LOG2K = 4,
    parameter integer X_W   = 8,     // input width
    parameter integer S_W   = 9,     // stored width: X_W + SIGN
    parameter integer F_W   = 16,    // FFT sample width
    parameter integer SHIFT = 7,     // F_W - S_W: the value sits in the top S_W bits
    parameter integer SIGN  = 1,     // 1: apply the sign flip NEG
    parameter [K-1:0] NEG   = {K{1'b0}}  // bit i set: element i is negated (D_ii = -1)
) (
    input  wire               clk,
    input  wire               rst,
    input  wire               s_valid,
    output wire               s_ready,
    input  wire [X_W-1:0]     s_data,
    output reg                f_valid,
    input  wire               f_ready,
    output wire [2*F_W-1:0]   f_data,   // {im, re}
    output wire               vec_in,   // pulse: the last element of a vector was taken
    output wire               busy
);
    localparam integer PAD_I  = K - IN;
    localparam integer LAST_I = IN - 1;
    localparam integer END_I  = K - 1;
    localparam [LOG2K-1:0] PAD      = PAD_I[LOG2K-1:0];
    localparam [LOG2K-1:0] LAST_IN  = LAST_I[LOG2K-1:0];
    localparam [LOG2K-1:0] LAST_POS = END_I[LOG2K-1:0];

    // ---- load -----------------------------------------------------------------
    reg  [LOG2K-1:0] in_count;   // index of the next element of the vector loading
    reg              feeding;    // positions of the loaded vector are being issued
    reg  [LOG2K-1:0] fpos;       // next position to issue, 0..K-1
    wire [LOG2K-1:0] lag = in_count + PAD;   // <= K - 1: no wrap
    assign s_ready = ~feeding | (fpos > lag);
    wire in_fire = s_valid & s_ready;
    wire in_last = in_count == LAST_IN;

    wire [S_W-1:0] stored;
    generate
        if (SIGN != 0) begin : g_sign
            wire signed [S_W-1:0] wide = {s_data[X_W-1], s_data};
            assign stored = NEG[in_count] ? -wide : wide;
        end else begin : g_nosign
            assign stored = s_data;
        end
    endgenerate

    reg [S_W-1:0] xbuf [0:K-1];
    always @(posedge clk) begin
        if (in_fire) xbuf[in_count] <= stored;
    end

    // ---- feed -----------------------------------------------------------------
    wire adv   = ~f_valid | f_ready;
    wire issue = feeding & adv;
    wire fpad  = {1'b0, fpos} > {1'b0, LAST_IN};   // position in the zero padding
    reg [S_W-1:0] rd;
    reg           rd_pad;
    always @(posedge clk) begin
        if (issue & ~fpad) rd <= xbuf[fpos];
        if (issue) rd_pad <= fpad;
    end

    always @(posedge clk) begin
        if (rst) begin
            in_count <= {LOG2K{1'b0}};
            feeding  <= 1'b0;
            fpos     <= {LOG2K{1'b0}};
            f_valid  <= 1'b0;
        end else begin
            if (adv) f_valid <= feeding;
            if (in_fire) in_count <= in_last ? {LOG2K{1'b0}} : in_count + 1'b1;
            // The last element is taken only when no feed is running (see NEXT above).
            if (in_fire & in_last) begin
                feeding <= 1'b1;
                fpos    <= {LOG2K{1'b0}};
            end else if (issue) begin
                if (fpos == LAST_POS) feeding <= 1'b0;
                fpos <= fpos + 1'b1;
            end
        end
    end

    // the value in the top S_W bits of an F_W-bit sample; zero in the padding
    wire [F_W-1:0] placed;
    generate
        if (SHIFT > 0) begin : g_shift
            assign placed = {rd, {SHIFT{1'b0}}};
        end else begin : g_noshift
            assign placed = rd;
        end
    endgenerate
    assign f_data = {{F_W{1'b0}}, rd_pad ? {F_W{1'b0}} : placed};
    assign vec_in = in_fire & in_last;
    assign busy   = feeding | f_valid | (in_count != {LOG2K{1'b0}});
endmodule
