// lanes_to_uart_bytes: serialises the output beats of a layer into UART bytes.
//
// An input beat carries LANES lanes of W bits (lane l in bits [l*W +: W]) and a
// keep mask. For every kept lane, in lane order, BYTES = ceil(W/8) bytes leave
// little-endian (byte 0 = bits [7:0]); the lane is sign-extended to whole
// bytes. Lanes whose keep bit is clear send nothing.
//
// Schedule: a beat is taken into a holding register when the register is
// empty (s_ready = no lanes pending). `pending` holds the kept lanes not yet
// sent; the lane being sent is the lowest set bit of `pending`. Each byte
// handshake advances `byte_idx`; the last byte of a lane clears its pending
// bit. When `pending` is empty the next beat is accepted (one cycle later,
// which a UART transmitter taking 10 bit times per byte never notices).
// A beat with no kept lanes is accepted and sends nothing.
//
// `m_last` marks the last byte of a beat that had s_last set, i.e. the last
// byte of a vector (if the last beat of a vector keeps no lane, no byte is
// marked).
//
// Reset: synchronous, active high; drops a beat in progress.
module lanes_to_uart_bytes #(
  parameter LANES = 1,   // lanes per beat
  parameter W     = 8    // bits per lane
) (
  input  wire               clk,
  input  wire               rst,
  // beat stream from the layer
  input  wire               s_valid,
  output wire               s_ready,
  input  wire [LANES*W-1:0] s_data,
  input  wire [LANES-1:0]   s_keep,
  input  wire               s_last,
  // byte stream to the transmitter
  output wire               m_valid,
  input  wire               m_ready,
  output wire [7:0]         m_data,
  output wire               m_last
);
  localparam BYTES = (W + 7) / 8;
  localparam XW    = 8 * BYTES;                      // lane width sign-extended to whole bytes
  localparam BI_W  = (BYTES > 1) ? $clog2(BYTES) : 1;
  localparam integer LAST_BYTE_I = BYTES - 1;
  localparam [BI_W-1:0] LAST_BYTE = LAST_BYTE_I[BI_W-1:0];

  reg [LANES*W-1:0] beat_data;
  reg [LANES-1:0]   pending;    // kept lanes not yet fully sent
  reg               beat_last;
  reg [BI_W-1:0]    byte_idx;   // byte of the current lane on m_data

  // The lane being sent: lowest pending lane, one-hot.
  wire [LANES-1:0] cur  = pending & (~pending + 1'b1);
  wire [LANES-1:0] rest = pending & ~cur;

  reg [W-1:0] lane_val;
  integer l;
  always @* begin
    lane_val = {W{1'b0}};
    for (l = 0; l < LANES; l = l + 1)
      if (cur[l]) lane_val = beat_data[l*W +: W];
  end

  wire [XW-1:0] lane_ext;
  generate
    if (XW > W) begin : g_sext
      assign lane_ext = {{(XW-W){lane_val[W-1]}}, lane_val};
    end else begin : g_exact
      assign lane_ext = lane_val;
    end
  endgenerate

  wire last_byte_of_lane = (byte_idx == LAST_BYTE);

  assign m_valid = |pending;
  assign m_data  = lane_ext[byte_idx*8 +: 8];
  assign m_last  = beat_last && last_byte_of_lane && ~|rest;
  assign s_ready = ~|pending;

  always @(posedge clk) begin
    if (rst) begin
      pending   <= {LANES{1'b0}};
      beat_last <= 1'b0;
      byte_idx  <= {BI_W{1'b0}};
      beat_data <= {(LANES*W){1'b0}};
    end else if (s_valid && s_ready) begin
      beat_data <= s_data;
      pending   <= s_keep;
      beat_last <= s_last;
      byte_idx  <= {BI_W{1'b0}};
    end else if (m_valid && m_ready) begin
      if (last_byte_of_lane) begin
        byte_idx <= {BI_W{1'b0}};
        pending  <= rest;
      end else begin
        byte_idx <= byte_idx + 1'b1;
      end
    end
  end
endmodule
