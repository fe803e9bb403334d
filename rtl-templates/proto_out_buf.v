// proto_out_buf: captures one output vector of the design and sends it,
// as often as asked, as answer payload bytes.
//
// Capture: an `arm` pulse empties the buffer and raises s_ready. Every output
// beat (LANES lanes of W bits, lane l in bits [l*W +: W], and a keep mask) is
// written with its keep mask into a RAM of DEPTH words (EBR when large), one
// beat per cycle, so the design's output is never stalled while armed. The
// beat with s_last ends the capture: `done` pulses in that cycle, s_ready
// falls, and from the next cycle `values` holds the number of kept lanes of
// the vector (the answer carries values * ceil(W/8) bytes).
//
// Send: a `send` pulse reads the captured beats back in order (reads happen
// only between `send` and the last beat, never during a capture) and hands them
// to lanes_to_uart_bytes, which sends every kept lane as ceil(W/8) bytes,
// little-endian and sign-extended. The RAM read takes one cycle, and a beat is
// read only when the serialiser's holding register is free, so the byte
// stream carries the transmitter's backpressure all the way back. The buffer
// keeps its contents, so READ_OUTPUT can send the same vector again.
//
// Reset: synchronous, active high; the buffer is empty (values = 0).
module proto_out_buf #(
  parameter LANES = 1,     // lanes per output beat
  parameter W     = 8,     // bits per lane
  parameter DEPTH = 16,    // output beats per vector (RAM words)
  parameter CNT_W = 5,     // bits of a beat count 0..DEPTH: $clog2(DEPTH + 1)
  parameter ADDR_W = 4     // bits of a RAM address: max(1, $clog2(DEPTH))
) (
  input  wire               clk,
  input  wire               rst,
  // capture: the design's output stream
  input  wire               arm,
  input  wire               s_valid,
  output wire               s_ready,
  input  wire [LANES*W-1:0] s_data,
  input  wire [LANES-1:0]   s_keep,
  input  wire               s_last,
  output wire               done,
  output reg  [15:0]        values,
  // send: answer payload bytes
  input  wire               send,
  output wire               m_valid,
  input  wire               m_ready,
  output wire [7:0]         m_data
);
  localparam ENTRY_W = LANES * W + LANES;   // keep mask above the lanes
  localparam integer DEPTH_I = DEPTH;
  localparam [CNT_W-1:0] N_BEATS = DEPTH_I[CNT_W-1:0];

  // ------------------------------------------------------------------
  // Capture
  // ------------------------------------------------------------------
  reg             capturing;
  reg [CNT_W-1:0] wr_addr;   // beats captured so far
  reg [CNT_W-1:0] beats;     // beats of the stored vector

  assign s_ready = capturing;
  wire s_fire = s_valid && s_ready;
  assign done = s_fire && s_last;

  // kept lanes in this beat
  reg [15:0] kept;
  integer l;
  always @* begin
    kept = 16'd0;
    for (l = 0; l < LANES; l = l + 1) kept = kept + {15'd0, s_keep[l]};
  end

  // beats past DEPTH (never sent by a design that keeps its contract) are dropped
  wire mem_we = s_fire && (wr_addr != N_BEATS);

  always @(posedge clk) begin
    if (rst) begin
      capturing <= 1'b0;
      wr_addr   <= {CNT_W{1'b0}};
      beats     <= {CNT_W{1'b0}};
      values    <= 16'd0;
    end else if (arm) begin
      capturing <= 1'b1;
      wr_addr   <= {CNT_W{1'b0}};
      beats     <= {CNT_W{1'b0}};
      values    <= 16'd0;
    end else if (s_fire) begin
      values <= values + kept;
      if (wr_addr != N_BEATS) wr_addr <= wr_addr + 1'b1;
      if (s_last) begin
        capturing <= 1'b0;
        beats     <= (wr_addr != N_BEATS) ? wr_addr + 1'b1 : wr_addr;
      end
    end
  end

  // ------------------------------------------------------------------
  // The vector RAM
  // ------------------------------------------------------------------
  reg [ENTRY_W-1:0] mem [0:DEPTH-1];
  reg [ENTRY_W-1:0] rd_q;
  reg [CNT_W-1:0]   rd_addr;   // next beat to read
  wire              issue;

  always @(posedge clk) begin
    if (mem_we) mem[wr_addr[ADDR_W-1:0]] <= {s_keep, s_data};
    if (issue)  rd_q <= mem[rd_addr[ADDR_W-1:0]];
  end

  // ------------------------------------------------------------------
  // Send: RAM -> beat register (rd_q) -> lanes_to_uart_bytes
  // ------------------------------------------------------------------
  reg  sending;      // from `send` until the last beat is read (never while capturing)
  reg  rd_pend;      // a read was issued last cycle: rd_q becomes the beat
  reg  beat_valid;   // rd_q holds a beat the serialiser has not taken
  wire ser_ready;

  assign issue = sending && !rd_pend && !beat_valid && (rd_addr != beats);

  always @(posedge clk) begin
    if (rst || arm) begin
      sending    <= 1'b0;
      rd_addr    <= {CNT_W{1'b0}};
      rd_pend    <= 1'b0;
      beat_valid <= 1'b0;
    end else if (send) begin
      sending    <= 1'b1;
      rd_addr    <= {CNT_W{1'b0}};
      rd_pend    <= 1'b0;
      beat_valid <= 1'b0;
    end else begin
      rd_pend <= issue;
      if (issue) rd_addr <= rd_addr + 1'b1;
      if (issue && rd_addr + 1'b1 == beats) sending <= 1'b0;
      if (rd_pend) beat_valid <= 1'b1;
      else if (beat_valid && ser_ready) beat_valid <= 1'b0;
    end
  end

  wire ser_last_unused;
  lanes_to_uart_bytes #(
    .LANES (LANES),
    .W     (W)
  ) u_serial (
    .clk     (clk),
    .rst     (rst | send | arm),
    .s_valid (beat_valid),
    .s_ready (ser_ready),
    .s_data  (rd_q[LANES*W-1:0]),
    .s_keep  (rd_q[ENTRY_W-1:LANES*W]),
    .s_last  (1'b0),
    .m_valid (m_valid),
    .m_ready (m_ready),
    .m_data  (m_data),
    .m_last  (ser_last_unused)
  );
  wire unused_ok = &{1'b0, ser_last_unused};
endmodule
