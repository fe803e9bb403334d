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
//   T_PAY   L payload bytes pass from the pl_* stream to the m_* stream.
//   T_CHK   the checksum byte, then back to T_IDLE.
// Every byte goes through an output register (o_valid, o_data) on its way
// to m_*: a byte is handed over when the register is empty, so m_ready
// (the UART transmitter's) only empties the register and reaches neither
// the state, the payload source's pl_ready nor the checksum (Fmax). One
// byte per two cycles at most, far above any UART's rate. `idle` waits for
// the register to empty too: the last byte is with the transmitter then.
// The checksum register `chk` holds minus the sum of the bytes handed over,
// so it is the checksum byte itself; each byte is subtracted a cycle after
// its handshake, from the output register (the byte mux and the payload
// source's own muxes stay off the carry chain). The register is full in the
// cycle after a handshake, so the next byte, and the checksum byte, are
// handed over at the earliest a cycle later, with chk complete.
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
  output wire [7:0]  m_data
);
  localparam [2:0] T_IDLE = 3'd0;
  localparam [2:0] T_CODE = 3'd1;
  localparam [2:0] T_LEN0 = 3'd2;
  localparam [2:0] T_LEN1 = 3'd3;
  localparam [2:0] T_PAY  = 3'd4;
  localparam [2:0] T_CHK  = 3'd5;

  reg [2:0]  state;
  reg [7:0]  code_r;
  reg [15:0] left;    // payload bytes still to send (the length itself until T_PAY)
  reg [7:0]  chk;     // minus the 8-bit sum of the bytes handed over before the last cycle
  reg        fire_r;  // a byte was handed over last cycle (it is in o_data)
  reg        o_valid; // the output register holds a byte for the transmitter
  reg [7:0]  o_data;

  assign idle     = (state == T_IDLE) && !o_valid;
  assign m_valid  = o_valid;
  assign m_data   = o_data;
  assign pl_ready = (state == T_PAY) && !o_valid;

  // the byte this state offers
  wire      b_valid = (state == T_PAY) ? pl_valid : (state != T_IDLE);
  reg [7:0] b_data;
  always @* begin
    case (state)
      T_CODE:  b_data = code_r;
      T_LEN0:  b_data = left[7:0];
      T_LEN1:  b_data = left[15:8];
      T_PAY:   b_data = pl_data;
      T_CHK:   b_data = chk;
      default: b_data = 8'd0;
    endcase
  end

  wire fire = b_valid && !o_valid;   // handed over into the output register

  always @(posedge clk) begin
    if (rst) begin
      state   <= T_IDLE;
      code_r  <= 8'd0;
      left    <= 16'd0;
      chk     <= 8'd0;
      fire_r  <= 1'b0;
      o_valid <= 1'b0;
      o_data  <= 8'd0;
    end else begin
      fire_r <= fire;
      if (fire) begin
        o_valid <= 1'b1;
        o_data  <= b_data;
      end else if (m_ready) begin
        o_valid <= 1'b0;
      end
      if (fire_r) chk <= chk - o_data;
      case (state)
        T_IDLE: if (start) begin
          code_r <= code;
          left   <= len;
          chk    <= 8'd0;
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
