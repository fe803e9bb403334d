// stream_link: the buffer between two layers of a network. It stores output
// beats of LANES x W bits (a FIFO of DEPTH beats, in EBR when large) and
// hands their kept lanes on OUT_LANES elements per beat: the width of the
// next layer's input beat (its "beat" field; 1 for most kinds).
//
// OUT_LANES divides LANES (the network planner checks it), so an input beat
// is cut into LANES/OUT_LANES output beats of consecutive lanes and no output
// beat spans two input beats. Only the last output beat of a vector can hold
// fewer than OUT_LANES kept elements; its other slots carry the producer's
// unkept lanes, and the consumer ignores them (a TVSCM counts a short last
// beat's padding slots as zero; a dense layer's beat divides its inputs, so
// it never sees one).
//
// Kept lanes form a prefix (lanes 0..k-1), as every layer kind emits them.
// `empty` is high when no element of any beat is left (status only).
//
// DEPTH is the most beats the network timeline ever leaves in this buffer
// (src/network/cost.ts linkDepths), not a whole vector: at full rate the
// producer is never held. A write while full is refused, never lost: s_ready
// is low and the producer holds its beat. `held` is high in such a cycle; the
// network top turns a hold at full rate (input offered every cycle, output
// always taken since reset) into its sticky ovf, which the network
// co-simulation compares with the model's (no overflow there), so a link
// sized too small fails the co-simulation even where the hold would not move
// any output cycle.
//
// Schedule:
//   a beat written at cycle t can be read at t+1 (the count includes it),
//   and its first output beat is offered at t+2 (synchronous read into `q`);
//   while output beats flow, the next input beat is read in the cycle the last
//   output beat of the current one is taken, so they follow with no gap.
module stream_link #(
    parameter LANES  = 4,
    parameter W      = 8,
    parameter DEPTH  = 196,
    parameter ADDR_W = 8,
    parameter LANE_W = 2,
    parameter OUT_LANES = 1   // elements per output beat (divides LANES)
) (
    input  wire               clk,
    input  wire               rst,
    input  wire               s_valid,
    output wire               s_ready,
    input  wire [LANES*W-1:0] s_data,
    input  wire [LANES-1:0]   s_keep,
    input  wire               s_last,
    output wire               m_valid,
    input  wire               m_ready,
    output wire [OUT_LANES*W-1:0] m_data,
    output wire [OUT_LANES-1:0] m_keep,   // kept slots of the output beat (a prefix)
    output wire               m_last,
    output wire               empty,
    output wire               held      // a beat is offered while the buffer is full (held, not lost)
);
    localparam ENTRY_W = LANES * W + LANE_W + 1;   // data, index of the last kept lane, last
    localparam integer LAST_ADDR_I = DEPTH - 1;
    localparam [ADDR_W-1:0] LAST_ADDR = LAST_ADDR_I[ADDR_W-1:0];
    localparam integer DEPTH_I = DEPTH;
    localparam [ADDR_W:0] FULL = DEPTH_I[ADDR_W:0];

    // index of the highest kept lane of the incoming beat
    reg [LANE_W-1:0] in_last_lane;
    integer l;
    always @* begin
        in_last_lane = {LANE_W{1'b0}};
        for (l = 0; l < LANES; l = l + 1)
            if (s_keep[l]) in_last_lane = l[LANE_W-1:0];
    end

    reg [ENTRY_W-1:0] mem [0:DEPTH-1];
    reg [ADDR_W-1:0]  wr_ptr, rd_ptr;
    reg [ADDR_W:0]    count;          // beats in mem, not counting the one in q
    reg [ENTRY_W-1:0] q;              // the beat being handed on
    reg               q_valid;
    reg [LANE_W-1:0]  lane;           // its first lane being offered (a multiple of OUT_LANES)

    wire              full      = count == FULL;
    wire              wr        = s_valid & ~full;
    wire [LANE_W-1:0] q_last_lane = q[LANES*W +: LANE_W];
    wire              q_last      = q[ENTRY_W-1];
    // the output beat lanes lane .. lane+OUT_LANES-1 holds the beat's last kept lane
    localparam integer STEP_I = OUT_LANES;
    localparam [LANE_W:0] STEP = STEP_I[LANE_W:0];
    wire [LANE_W:0]   lane_end    = {1'b0, lane} + STEP;   // one past the output beat's lanes
    wire              elem_last   = (OUT_LANES == 1) ? (lane == q_last_lane) : (lane_end > {1'b0, q_last_lane});
    wire              take        = q_valid & m_ready;
    wire              rd          = (count != 0) & (~q_valid | (take & elem_last));

    always @(posedge clk) begin
        if (wr) mem[wr_ptr] <= {s_last, in_last_lane, s_data};
    end
    always @(posedge clk) begin
        if (rd) q <= mem[rd_ptr];
    end

    always @(posedge clk) begin
        if (rst) begin
            wr_ptr  <= {ADDR_W{1'b0}};
            rd_ptr  <= {ADDR_W{1'b0}};
            count   <= {(ADDR_W + 1){1'b0}};
            q_valid <= 1'b0;
            lane    <= {LANE_W{1'b0}};
        end else begin
            if (wr) wr_ptr <= (wr_ptr == LAST_ADDR) ? {ADDR_W{1'b0}} : wr_ptr + 1'b1;
            if (rd) rd_ptr <= (rd_ptr == LAST_ADDR) ? {ADDR_W{1'b0}} : rd_ptr + 1'b1;
            case ({wr, rd})
                2'b10:   count <= count + 1'b1;
                2'b01:   count <= count - 1'b1;
                default: count <= count;
            endcase
            if (rd) begin
                q_valid <= 1'b1;
                lane    <= {LANE_W{1'b0}};
            end else if (take) begin
                if (elem_last) q_valid <= 1'b0;
                lane <= elem_last ? {LANE_W{1'b0}} : lane_end[LANE_W-1:0];
            end
        end
    end

    assign s_ready = ~full;
    assign m_valid = q_valid;
    assign m_data  = q[lane*W +: OUT_LANES*W];
    assign m_last  = q_last & elem_last;
    // slot s of the output beat carries lane `lane + s`, kept while it is at
    // most the beat's last kept lane (with one slot it always is)
    genvar s_i;
    generate
        for (s_i = 0; s_i < OUT_LANES; s_i = s_i + 1) begin : g_keep
            if (OUT_LANES == 1) begin : g_one
                assign m_keep[s_i] = 1'b1;
            end else begin : g_slot
                localparam integer SLOT_I = s_i;
                localparam [LANE_W:0] SLOT = SLOT_I[LANE_W:0];
                assign m_keep[s_i] = ({1'b0, lane} + SLOT) <= {1'b0, q_last_lane};
            end
        end
    endgenerate
    assign empty   = (count == 0) & ~q_valid;
    assign held    = s_valid & full;
endmodule
