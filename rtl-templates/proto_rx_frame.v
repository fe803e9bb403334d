// proto_rx_frame: parses the host's frames out of a UART byte stream.
//
// Frame (host -> device), see src/network/protocol.ts for the full table:
//   byte 0        command
//   bytes 1, 2    payload length L, little-endian (0 .. 65535)
//   bytes 3..L+2  payload
//   byte  L+3     checksum: the two's complement of the 8-bit sum of every
//                 byte before it, so that all L+4 bytes sum to 0 mod 256
//
// Schedule (one state per byte position; a byte is taken when s_valid and
// s_ready are both high):
//   S_CMD   waits for a command byte, but only while `enable` is high (the
//           controller is idle): until then the byte waits in the UART
//           receiver. Taking it pulses `h_start` and starts the sum.
//   S_LEN0, S_LEN1   the length, low byte first.
//   S_PAY   L payload bytes; each one is shown for one cycle on p_valid /
//           p_data (the header h_cmd / h_len is stable meanwhile), so the
//           controller can route it while it arrives.
//   S_CHK   the checksum byte; the frame's verdict `f_sum_ok` is stored.
//   S_HOLD  the frame is complete: f_valid stays high, and no byte is taken,
//           until the controller answers with f_ready.
// Inter-byte timeout: in S_LEN0 .. S_CHK, if no byte arrives for TIMEOUT
// clock cycles, the partial frame is dropped, `timeout` pulses for one cycle
// and the parser waits for a new command byte. This resynchronises the host
// and the device after a lost byte (a framing error or an overrun), which
// would otherwise shift every later frame.
//
// Reset: synchronous, active high.
module proto_rx_frame #(
  parameter TIMEOUT   = 20000,   // clock cycles without a byte that abandon a frame (>= 2)
  parameter TIMEOUT_W = 15       // bits of the timeout counter: $clog2(TIMEOUT + 1)
) (
  input  wire        clk,
  input  wire        rst,
  // bytes from the UART receiver
  input  wire        s_valid,
  output wire        s_ready,
  input  wire [7:0]  s_data,
  // the controller is idle: a new frame may start
  input  wire        enable,
  // header of the frame being received (valid from S_LEN1 on / from S_PAY on)
  output wire        h_start,    // pulse: a command byte was taken
  output reg  [7:0]  h_cmd,
  output reg  [15:0] h_len,
  // payload bytes as they arrive
  output wire        p_valid,    // pulse: p_data is the next payload byte
  output wire [7:0]  p_data,
  // the finished frame
  output wire        f_valid,
  input  wire        f_ready,
  output reg         f_sum_ok,
  // pulse: a partial frame was dropped after TIMEOUT idle cycles
  output wire        timeout
);
  localparam [2:0] S_CMD  = 3'd0;
  localparam [2:0] S_LEN0 = 3'd1;
  localparam [2:0] S_LEN1 = 3'd2;
  localparam [2:0] S_PAY  = 3'd3;
  localparam [2:0] S_CHK  = 3'd4;
  localparam [2:0] S_HOLD = 3'd5;
  localparam integer TIMEOUT_LAST_I = TIMEOUT - 1;
  localparam [TIMEOUT_W-1:0] TIMEOUT_LAST = TIMEOUT_LAST_I[TIMEOUT_W-1:0];

  reg [2:0]           state;
  reg [7:0]           sum;       // 8-bit sum of the frame's bytes so far
  reg [15:0]          left;      // payload bytes still to come
  reg [TIMEOUT_W-1:0] idle_cnt;  // cycles since the last byte, inside a frame
  reg                 idle_last; // idle_cnt == TIMEOUT_LAST, decided a cycle ahead (Fmax)

  wire in_frame = (state == S_LEN0) || (state == S_LEN1) || (state == S_PAY) || (state == S_CHK);

  assign s_ready = (state == S_CMD) ? enable : in_frame;
  wire take = s_valid && s_ready;

  assign h_start = take && (state == S_CMD);
  assign p_valid = take && (state == S_PAY);
  assign p_data  = s_data;
  assign f_valid = (state == S_HOLD);
  assign timeout = in_frame && !take && idle_last;

  always @(posedge clk) begin
    if (rst) begin
      state    <= S_CMD;
      sum      <= 8'd0;
      left     <= 16'd0;
      idle_cnt <= {TIMEOUT_W{1'b0}};
      idle_last <= 1'b0;
      h_cmd    <= 8'd0;
      h_len    <= 16'd0;
      f_sum_ok <= 1'b0;
    end else begin
      // inter-byte timeout counter: restarts on every byte, runs inside a frame
      // (idle_last follows the counter's next value; TIMEOUT >= 2, so a restart is never the last)
      if (take || !in_frame) begin
        idle_cnt  <= {TIMEOUT_W{1'b0}};
        idle_last <= 1'b0;
      end else begin
        idle_cnt  <= idle_cnt + 1'b1;
        idle_last <= (idle_cnt == TIMEOUT_LAST - 1'b1);
      end

      if (timeout) begin
        state <= S_CMD;                      // drop the partial frame
      end else begin
        case (state)
          S_CMD: if (take) begin
            h_cmd <= s_data;
            sum   <= s_data;
            state <= S_LEN0;
          end
          S_LEN0: if (take) begin
            h_len[7:0] <= s_data;
            sum        <= sum + s_data;
            state      <= S_LEN1;
          end
          S_LEN1: if (take) begin
            h_len[15:8] <= s_data;
            left        <= {s_data, h_len[7:0]};
            sum         <= sum + s_data;
            state       <= ({s_data, h_len[7:0]} == 16'd0) ? S_CHK : S_PAY;
          end
          S_PAY: if (take) begin
            sum   <= sum + s_data;
            left  <= left - 16'd1;
            if (left == 16'd1) state <= S_CHK;
          end
          S_CHK: if (take) begin
            f_sum_ok <= ((sum + s_data) == 8'd0);
            state    <= S_HOLD;
          end
          S_HOLD: if (f_ready) state <= S_CMD;
          default: state <= S_CMD;
        endcase
      end
    end
  end
endmodule
