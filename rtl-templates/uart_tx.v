// uart_tx: 8N1 UART transmitter with a valid/ready byte stream input.
//
// Line format (8N1): idle high, start bit low, eight data bits LSB first, stop
// bit high; each bit lasts CLKS_PER_BIT clock cycles. The line is driven from
// a register, so it never glitches.
//
// Schedule:
//   S_IDLE   line high, s_ready high. A handshake loads the byte and starts
//            the start bit on the next cycle.
//   S_START  CLKS_PER_BIT cycles of low.
//   S_DATA   eight bits, CLKS_PER_BIT cycles each, LSB first.
//   S_STOP   CLKS_PER_BIT cycles of high. In the last cycle of the stop bit
//            `done` pulses and s_ready is high, so a waiting byte starts its
//            start bit right after the stop bit: back-to-back bytes take
//            exactly 10 * CLKS_PER_BIT cycles each.
//
// Reset: synchronous, active high; the line goes idle (high).
module uart_tx #(
  parameter CLKS_PER_BIT = 104   // clock cycles per bit; at least 2
) (
  input  wire       clk,
  input  wire       rst,
  input  wire       s_valid,
  output wire       s_ready,
  input  wire [7:0] s_data,
  output wire       tx,          // serial line to the host
  output wire       done         // one-cycle pulse: the last cycle of a byte's stop bit
);
  localparam CNT_W = (CLKS_PER_BIT > 2) ? $clog2(CLKS_PER_BIT) : 1;
  localparam integer BIT_END_I = CLKS_PER_BIT - 1;
  localparam [CNT_W-1:0] BIT_END = BIT_END_I[CNT_W-1:0];

  localparam [1:0] S_IDLE  = 2'd0;
  localparam [1:0] S_START = 2'd1;
  localparam [1:0] S_DATA  = 2'd2;
  localparam [1:0] S_STOP  = 2'd3;

  reg [1:0]       state;
  reg [CNT_W-1:0] cnt;       // cycles spent in the current bit
  reg [2:0]       bit_idx;   // data bit on the line
  reg [7:0]       shift;     // data bits still to send, next one in bit 0
  reg             line;

  wire bit_end = (cnt == BIT_END);

  // `done` is registered (decided a cycle ahead, cnt counting up through the
  // stop bit), so s_ready comes straight from flip-flops: the framer and the
  // controller that wait on it get no counter compare in front of them (Fmax).
  localparam integer BIT_END1_I = CLKS_PER_BIT - 2;
  localparam [CNT_W-1:0] BIT_END1 = BIT_END1_I[CNT_W-1:0];
  reg done_r;
  always @(posedge clk) begin
    if (rst) done_r <= 1'b0;
    else     done_r <= (state == S_STOP) && (cnt == BIT_END1);
  end
  assign done    = done_r;
  assign s_ready = (state == S_IDLE) || done;
  assign tx      = line;

  wire fire = s_valid && s_ready;

  always @(posedge clk) begin
    if (rst) begin
      state   <= S_IDLE;
      cnt     <= {CNT_W{1'b0}};
      bit_idx <= 3'd0;
      shift   <= 8'd0;
      line    <= 1'b1;
    end else begin
      case (state)
        S_IDLE: begin
          cnt <= {CNT_W{1'b0}};
          if (fire) begin
            state <= S_START;
            shift <= s_data;
            line  <= 1'b0;                       // start bit
          end
        end

        S_START: begin
          if (bit_end) begin
            cnt     <= {CNT_W{1'b0}};
            state   <= S_DATA;
            bit_idx <= 3'd0;
            line    <= shift[0];                 // data bit 0
            shift   <= {1'b0, shift[7:1]};
          end else begin
            cnt <= cnt + 1'b1;
          end
        end

        S_DATA: begin
          if (bit_end) begin
            cnt <= {CNT_W{1'b0}};
            if (bit_idx == 3'd7) begin
              state <= S_STOP;
              line  <= 1'b1;                     // stop bit
            end else begin
              bit_idx <= bit_idx + 1'b1;
              line    <= shift[0];               // data bit bit_idx + 1
              shift   <= {1'b0, shift[7:1]};
            end
          end else begin
            cnt <= cnt + 1'b1;
          end
        end

        default: begin // S_STOP
          if (bit_end) begin
            cnt <= {CNT_W{1'b0}};
            if (fire) begin                      // next byte follows at once
              state <= S_START;
              shift <= s_data;
              line  <= 1'b0;
            end else begin
              state <= S_IDLE;
            end
          end else begin
            cnt <= cnt + 1'b1;
          end
        end
      endcase
    end
  end
endmodule
