// proto_tx_frame: wraps an answer's payload into a frame for the UART
// transmitter.
//
// Frame (device -> host), same shape as the host's frames:
//   code, length L (2 bytes, little-endian), L payload bytes, checksum
// where the checksum is the two's complement of the 8-bit sum of the bytes
// before it (all L+4 bytes sum to 0 mod 256).
//
// Schedule:
//   T_IDLE  `idle` is high. A `start` pulse latches code and length.
//   T_CODE, T_LEN0, T_LEN1   header bytes, one handshake each.
//   T_PAY   L payload bytes pass straight from the pl_* stream to the m_*
//           stream (pl_ready = m_ready here, and only here), so the payload
//           source sees the transmitter's backpressure directly.
//   T_CHK   the checksum byte, then back to T_IDLE.
// The running sum adds every byte as it is handed over.
//
// Reset: synchronous, active high.
module proto_tx_frame (
  input  wire        clk,
  input  wire        rst,
  // answer request
  input  wire        start,      // pulse, honoured while idle
  input  wire [7:0]  code,
  input  wire [15:0] len,
  output wire        idle,
  // payload bytes (exactly len of them are taken)
  input  wire        pl_valid,
  output wire        pl_ready,
  input  wire [7:0]  pl_data,
  // bytes to the UART transmitter
  output wire        m_valid,
  input  wire        m_ready,
  output reg  [7:0]  m_data
);
  localparam [2:0] T_IDLE = 3'd0;
  localparam [2:0] T_CODE = 3'd1;
  localparam [2:0] T_LEN0 = 3'd2;
  localparam [2:0] T_LEN1 = 3'd3;
  localparam [2:0] T_PAY  = 3'd4;
  localparam [2:0] T_CHK  = 3'd5;

  reg [2:0]  state;
  reg [7:0]  code_r;
  reg [15:0] left;   // payload bytes still to send (the length itself until T_PAY)
  reg [7:0]  sum;    // 8-bit sum of the bytes sent so far

  assign idle     = (state == T_IDLE);
  assign m_valid  = (state == T_PAY) ? pl_valid : (state != T_IDLE);
  assign pl_ready = (state == T_PAY) && m_ready;

  always @* begin
    case (state)
      T_CODE:  m_data = code_r;
      T_LEN0:  m_data = left[7:0];
      T_LEN1:  m_data = left[15:8];
      T_PAY:   m_data = pl_data;
      T_CHK:   m_data = 8'd0 - sum;
      default: m_data = 8'd0;
    endcase
  end

  wire fire = m_valid && m_ready;

  always @(posedge clk) begin
    if (rst) begin
      state  <= T_IDLE;
      code_r <= 8'd0;
      left   <= 16'd0;
      sum    <= 8'd0;
    end else begin
      if (fire) sum <= sum + m_data;
      case (state)
        T_IDLE: if (start) begin
          code_r <= code;
          left   <= len;
          sum    <= 8'd0;
          state  <= T_CODE;
        end
        T_CODE: if (fire) state <= T_LEN0;
        T_LEN0: if (fire) state <= T_LEN1;
        T_LEN1: if (fire) state <= (left == 16'd0) ? T_CHK : T_PAY;
        T_PAY:  if (fire) begin
          left <= left - 16'd1;
          if (left == 16'd1) state <= T_CHK;
        end
        T_CHK:  if (fire) state <= T_IDLE;
        default: state <= T_IDLE;
      endcase
    end
  end
endmodule
