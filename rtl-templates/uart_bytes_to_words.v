// uart_bytes_to_words: gathers UART bytes into the input beats of a layer.
//
// A beat of W bits (IN_LANES * IN_W for a layer) travels as BYTES = ceil(W/8)
// bytes, little-endian: byte 0 carries bits [7:0]. Bits of the last byte above
// W are ignored. WORDS beats make one vector; `m_last` is raised on the last
// beat of each vector, counted from reset.
//
// Schedule: bytes 0 .. BYTES-2 of a beat go into a gather register as they
// arrive. The last byte completes the beat, which is written, together with
// that byte, into the output register in the same cycle. The gather register
// keeps filling while the output register waits for the layer, so the only
// byte that ever waits is the last byte of the next beat (s_ready is low only
// then, while the output register is full and not being emptied).
//
// `at_vector_start` is high while the next byte accepted is the first byte of
// a vector (the top level uses it to raise `busy`).
//
// Reset: synchronous, active high; restarts the byte and beat counts.
module uart_bytes_to_words #(
  parameter W     = 8,    // bits per beat
  parameter WORDS = 1     // beats per vector
) (
  input  wire         clk,
  input  wire         rst,
  // byte stream from the receiver
  input  wire         s_valid,
  output wire         s_ready,
  input  wire [7:0]   s_data,
  output wire         at_vector_start,
  // beat stream to the layer
  output reg          m_valid,
  input  wire         m_ready,
  output reg  [W-1:0] m_data,
  output reg          m_last
);
  localparam BYTES = (W + 7) / 8;
  localparam BI_W  = (BYTES > 1) ? $clog2(BYTES) : 1;
  localparam WI_W  = (WORDS > 1) ? $clog2(WORDS) : 1;
  localparam integer LAST_BYTE_I = BYTES - 1;
  localparam integer LAST_WORD_I = WORDS - 1;
  localparam [BI_W-1:0] LAST_BYTE = LAST_BYTE_I[BI_W-1:0];
  localparam [WI_W-1:0] LAST_WORD = LAST_WORD_I[WI_W-1:0];

  reg [BI_W-1:0] byte_idx;   // byte of the beat expected next
  reg [WI_W-1:0] word_idx;   // beat of the vector being gathered

  wire byte_is_last = (byte_idx == LAST_BYTE);
  wire word_is_last = (word_idx == LAST_WORD);
  wire out_free     = !m_valid || m_ready;

  assign s_ready         = !byte_is_last || out_free;
  assign at_vector_start = (byte_idx == {BI_W{1'b0}}) && (word_idx == {WI_W{1'b0}});

  wire take = s_valid && s_ready;

  // The beat completed by the byte on s_data: that byte on top of the gathered ones.
  wire [8*BYTES-1:0] whole;
  generate
    if (BYTES > 1) begin : g_gather
      reg [8*(BYTES-1)-1:0] low_bytes;
      always @(posedge clk) begin
        if (take && !byte_is_last) low_bytes[byte_idx*8 +: 8] <= s_data;
      end
      assign whole = {s_data, low_bytes};
    end else begin : g_single
      assign whole = s_data;
    end
  endgenerate

  // Bits of the last byte above W are padding.
  wire unused_ok = &{1'b0, whole};

  always @(posedge clk) begin
    if (rst) begin
      byte_idx <= {BI_W{1'b0}};
      word_idx <= {WI_W{1'b0}};
      m_valid  <= 1'b0;
      m_last   <= 1'b0;
      m_data   <= {W{1'b0}};
    end else begin
      if (m_valid && m_ready) m_valid <= 1'b0;
      if (take) begin
        if (byte_is_last) begin
          byte_idx <= {BI_W{1'b0}};
          m_valid  <= 1'b1;                  // (overrides the clear above)
          m_data   <= whole[W-1:0];
          m_last   <= word_is_last;
          word_idx <= word_is_last ? {WI_W{1'b0}} : word_idx + 1'b1;
        end else begin
          byte_idx <= byte_idx + 1'b1;
        end
      end
    end
  end
endmodule
