// proto_in_buf: holds one input vector received over the UART and replays
// it into the design at full rate.
//
// Write side (during a LOAD_INPUT frame): payload bytes arrive one at a time
// on wr_valid / wr_data. An element of W bits travels as EL_BYTES =
// ceil(W/8) bytes, little-endian; bits of its last byte above W are ignored
// (the host sends them sign-extended). LANES elements make one beat of the
// design's input (lane 0 in the low bits), and BEATS beats one vector. A
// `clear` pulse (a new frame starts) restarts the byte, lane and beat counts.
// Each completed beat is written into a RAM of BEATS words (EBR when large),
// so the buffer holds the vector until the frame's checksum is known: a frame
// with a bad checksum is never replayed.
//
// Replay side: a `start` pulse streams the BEATS beats out on m_*, with
// m_last on the last. The RAM has a registered read, so a read issued in
// cycle t delivers in t+1; a three-entry FIFO behind it absorbs the design's
// backpressure. A read is issued whenever at most two beats are buffered or
// in flight, counted from registers only: the design's m_ready (often a
// chain of its own logic) reaches the FIFO's pop and nothing else, so it is
// not on the path to the RAM's read enable and address (Fmax). The third
// entry covers the pop this cycle may not make. That keeps m_valid high on
// every cycle once the first beat is out (the design sees its input back to
// back, as in the cost model) and never overflows the FIFO when it stalls:
//   cycle 0: read beat 0   cycle 1: read beat 1, beat 0 in RAM register
//   cycle 2: beat 0 offered, read beat 2 ... one beat per cycle from then on.
//
// Reset: synchronous, active high; nothing is replayed until `start`.
module proto_in_buf #(
  parameter W     = 8,     // bits per element
  parameter LANES = 1,     // elements per beat
  parameter BEATS = 16,    // beats per vector
  parameter CNT_W = 5,     // bits of a beat count 0..BEATS: $clog2(BEATS + 1)
  parameter ADDR_W = 4     // bits of a RAM address: max(1, $clog2(BEATS))
) (
  input  wire               clk,
  input  wire               rst,
  // write side: payload bytes
  input  wire               clear,
  input  wire               wr_valid,
  input  wire [7:0]         wr_data,
  // replay side
  input  wire               start,
  output wire               m_valid,
  input  wire               m_ready,
  output wire [LANES*W-1:0] m_data,
  output wire               m_last
);
  localparam EL_BYTES = (W + 7) / 8;
  localparam BEAT_W   = LANES * W;
  localparam BI_W     = (EL_BYTES > 1) ? $clog2(EL_BYTES) : 1;
  localparam LI_W     = (LANES > 1) ? $clog2(LANES) : 1;
  localparam integer LAST_BYTE_I = EL_BYTES - 1;
  localparam integer LAST_LANE_I = LANES - 1;
  localparam integer BEATS_I     = BEATS;
  localparam integer LAST_BEAT_I = BEATS - 1;
  localparam [BI_W-1:0]  LAST_BYTE = LAST_BYTE_I[BI_W-1:0];
  localparam [LI_W-1:0]  LAST_LANE = LAST_LANE_I[LI_W-1:0];
  localparam [CNT_W-1:0] N_BEATS   = BEATS_I[CNT_W-1:0];
  localparam [CNT_W-1:0] LAST_BEAT = LAST_BEAT_I[CNT_W-1:0];

  // ------------------------------------------------------------------
  // Write side: bytes -> elements -> beats -> RAM
  // ------------------------------------------------------------------
  reg [BI_W-1:0]  byte_idx;   // byte of the element expected next
  reg [LI_W-1:0]  lane_idx;   // lane of the beat being gathered
  reg [CNT_W-1:0] wr_addr;    // beat being gathered

  wire byte_is_last = (byte_idx == LAST_BYTE);
  wire lane_is_last = (lane_idx == LAST_LANE);

  // The element completed by the byte on wr_data: that byte on top of the gathered ones.
  wire [8*EL_BYTES-1:0] el_whole;
  generate
    if (EL_BYTES > 1) begin : g_bytes
      reg [8*(EL_BYTES-1)-1:0] el_low;
      always @(posedge clk) begin
        if (wr_valid && !byte_is_last) el_low[byte_idx*8 +: 8] <= wr_data;
      end
      assign el_whole = {wr_data, el_low};
    end else begin : g_byte
      assign el_whole = wr_data;
    end
  endgenerate
  wire [W-1:0] element = el_whole[W-1:0];
  // Bits of the last byte above W are sign extension: not needed.
  wire unused_ext = &{1'b0, el_whole};

  // The beat completed by that element: it on top of the gathered lanes.
  wire [BEAT_W-1:0] beat_whole;
  generate
    if (LANES > 1) begin : g_lanes
      reg [(LANES-1)*W-1:0] beat_low;
      always @(posedge clk) begin
        if (wr_valid && byte_is_last && !lane_is_last) beat_low[lane_idx*W +: W] <= element;
      end
      assign beat_whole = {element, beat_low};
    end else begin : g_lane
      assign beat_whole = element;
    end
  endgenerate

  // A beat is written on the last byte of its last lane; beats past BEATS
  // (a longer payload than one vector: the controller never routes one) are dropped.
  wire mem_we = wr_valid && byte_is_last && lane_is_last && (wr_addr != N_BEATS);

  always @(posedge clk) begin
    if (rst || clear) begin
      byte_idx <= {BI_W{1'b0}};
      lane_idx <= {LI_W{1'b0}};
      wr_addr  <= {CNT_W{1'b0}};
    end else if (wr_valid) begin
      if (byte_is_last) begin
        byte_idx <= {BI_W{1'b0}};
        if (lane_is_last) begin
          lane_idx <= {LI_W{1'b0}};
          if (wr_addr != N_BEATS) wr_addr <= wr_addr + 1'b1;
        end else begin
          lane_idx <= lane_idx + 1'b1;
        end
      end else begin
        byte_idx <= byte_idx + 1'b1;
      end
    end
  end

  // ------------------------------------------------------------------
  // The vector RAM: one write port, one registered read port
  // ------------------------------------------------------------------
  reg [BEAT_W-1:0] mem [0:BEATS-1];
  reg [BEAT_W-1:0] rd_q;
  reg [CNT_W-1:0]  rd_addr;    // next beat to read; N_BEATS when all are read
  wire             issue;

  always @(posedge clk) begin
    if (mem_we) mem[wr_addr[ADDR_W-1:0]] <= beat_whole;
    if (issue)  rd_q <= mem[rd_addr[ADDR_W-1:0]];
  end

  // ------------------------------------------------------------------
  // Replay: RAM register -> three-entry FIFO -> m_*
  // ------------------------------------------------------------------
  reg              q_valid;    // rd_q holds the beat read last cycle
  reg              q_last;     // ... and it is the last beat
  reg [1:0]        cnt;        // beats in the FIFO (0..3)
  reg [BEAT_W-1:0] f0_data, f1_data, f2_data;   // f0 is the head
  reg              f0_last, f1_last, f2_last;

  assign m_valid = (cnt != 2'd0);
  assign m_data  = f0_data;
  assign m_last  = f0_last;

  wire pop  = m_valid && m_ready;
  wire push = q_valid;
  // beats buffered or in flight before this cycle's pop: a read issued now
  // lands in the FIFO two cycles on, so at most 2 leaves room for it even
  // if nothing is popped meanwhile
  assign issue = (rd_addr != N_BEATS) && !(cnt[1] && (cnt[0] || q_valid));
  // where a pushed beat goes: the first free entry after this cycle's pop
  wire [1:0] slot = cnt - {1'b0, pop};

  always @(posedge clk) begin
    if (rst) begin
      rd_addr <= N_BEATS;
      q_valid <= 1'b0;
      q_last  <= 1'b0;
      cnt     <= 2'd0;
      f0_data <= {BEAT_W{1'b0}};
      f1_data <= {BEAT_W{1'b0}};
      f2_data <= {BEAT_W{1'b0}};
      f0_last <= 1'b0;
      f1_last <= 1'b0;
      f2_last <= 1'b0;
    end else if (start) begin
      rd_addr <= {CNT_W{1'b0}};
      q_valid <= 1'b0;
      cnt     <= 2'd0;
    end else begin
      q_valid <= issue;
      if (issue) begin
        q_last  <= (rd_addr == LAST_BEAT);
        rd_addr <= rd_addr + 1'b1;
      end
      if (pop) begin
        f0_data <= f1_data; f0_last <= f1_last;
        f1_data <= f2_data; f1_last <= f2_last;
      end
      if (push) begin
        case (slot)
          2'd0:    begin f0_data <= rd_q; f0_last <= q_last; end
          2'd1:    begin f1_data <= rd_q; f1_last <= q_last; end
          default: begin f2_data <= rd_q; f2_last <= q_last; end
        endcase
      end
      cnt <= cnt + {1'b0, push} - {1'b0, pop};
    end
  end
endmodule
