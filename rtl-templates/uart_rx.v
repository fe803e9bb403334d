// uart_rx: 8N1 UART receiver with a valid/ready byte stream output.
//
// Line format (8N1): idle high, one start bit (low), eight data bits least
// significant first, one stop bit (high). Each bit lasts CLKS_PER_BIT clock
// cycles (104 for 115200 baud at 12 MHz).
//
// Schedule, counted in cycles of the synchronised line `rx_sync`:
//   S_IDLE   wait for the line to go low (the start edge).
//   S_START  wait CLKS_PER_BIT/2 cycles to the middle of the start bit and look
//            again: still low -> a real start bit; high -> a glitch, back to idle.
//   S_DATA   eight times: wait CLKS_PER_BIT cycles (the middle of the next bit)
//            and shift the line into the byte, LSB first.
//   S_STOP   wait CLKS_PER_BIT cycles to the middle of the stop bit. High: the
//            byte is good and goes to the output register. Low: framing error,
//            the byte is dropped and `frame_err` (sticky) is raised.
//   S_BREAK  after a framing error, wait for the line to return high before
//            looking for the next start bit, so the rest of a low stop bit (or
//            a break) is not mistaken for a start bit.
// The receiver returns to S_IDLE in the middle of the stop bit, so back-to-back
// frames and a transmitter clock slightly off ours are both tolerated.
//
// Output: one byte register. It is held until the consumer takes it
// (m_valid && m_ready). If a new byte completes while the register is still
// full and not being taken in that cycle, the new byte is dropped and
// `overrun` (sticky) is raised; the older byte stays.
//
// `lost` pulses for one cycle whenever a byte is dropped (either reason), so a
// consumer can count the losses that the sticky flags only record once.
//
// Reset: synchronous, active high; clears the flags.
module uart_rx #(
  parameter CLKS_PER_BIT = 104   // clock cycles per bit; at least 4
) (
  input  wire       clk,
  input  wire       rst,
  input  wire       rx,          // serial line from the host (asynchronous)
  output wire       m_valid,
  input  wire       m_ready,
  output wire [7:0] m_data,
  output reg        frame_err,   // sticky: a stop bit was low
  output reg        overrun,     // sticky: a byte arrived while one was held
  output reg        lost         // pulse: a byte was dropped (low stop bit or overrun)
);
  localparam CNT_W = (CLKS_PER_BIT > 2) ? $clog2(CLKS_PER_BIT) : 1;
  // cycle count of the last cycle of a bit, and of the half-bit wait after the start edge
  localparam integer BIT_END_I  = CLKS_PER_BIT - 1;
  localparam integer HALF_END_I = CLKS_PER_BIT / 2 - 1;
  localparam [CNT_W-1:0] BIT_END  = BIT_END_I[CNT_W-1:0];
  localparam [CNT_W-1:0] HALF_END = HALF_END_I[CNT_W-1:0];

  localparam [2:0] S_IDLE  = 3'd0;
  localparam [2:0] S_START = 3'd1;
  localparam [2:0] S_DATA  = 3'd2;
  localparam [2:0] S_STOP  = 3'd3;
  localparam [2:0] S_BREAK = 3'd4;

  // Double-flop synchroniser; both flops reset to the idle level (high).
  reg rx_meta;
  reg rx_sync;
  always @(posedge clk) begin
    if (rst) begin
      rx_meta <= 1'b1;
      rx_sync <= 1'b1;
    end else begin
      rx_meta <= rx;
      rx_sync <= rx_meta;
    end
  end

  reg [2:0]       state;
  reg [CNT_W-1:0] cnt;       // cycles spent in the current bit (or half bit)
  reg [2:0]       bit_idx;   // data bit being received
  reg [7:0]       shift;     // data bits so far, shifted in from the top
  reg             hold_valid;
  reg [7:0]       hold_data;

  assign m_valid = hold_valid;
  assign m_data  = hold_data;

  wire hold_taken = hold_valid && m_ready;

  always @(posedge clk) begin
    if (rst) begin
      state      <= S_IDLE;
      cnt        <= {CNT_W{1'b0}};
      bit_idx    <= 3'd0;
      shift      <= 8'd0;
      hold_valid <= 1'b0;
      hold_data  <= 8'd0;
      frame_err  <= 1'b0;
      overrun    <= 1'b0;
      lost       <= 1'b0;
    end else begin
      lost <= 1'b0;
      if (hold_taken) hold_valid <= 1'b0;

      case (state)
        S_IDLE: begin
          cnt <= {CNT_W{1'b0}};
          if (!rx_sync) state <= S_START;
        end

        S_START: begin
          if (cnt == HALF_END) begin
            cnt     <= {CNT_W{1'b0}};
            bit_idx <= 3'd0;
            // middle of the start bit: still low means a real frame
            state   <= rx_sync ? S_IDLE : S_DATA;
          end else begin
            cnt <= cnt + 1'b1;
          end
        end

        S_DATA: begin
          if (cnt == BIT_END) begin
            cnt     <= {CNT_W{1'b0}};
            shift   <= {rx_sync, shift[7:1]};   // LSB arrives first
            bit_idx <= bit_idx + 1'b1;
            if (bit_idx == 3'd7) state <= S_STOP;
          end else begin
            cnt <= cnt + 1'b1;
          end
        end

        S_STOP: begin
          if (cnt == BIT_END) begin
            cnt <= {CNT_W{1'b0}};
            if (rx_sync) begin
              state <= S_IDLE;
              if (hold_valid && !m_ready) begin
                overrun <= 1'b1;             // keep the older byte, drop this one
                lost    <= 1'b1;
              end else begin
                hold_valid <= 1'b1;          // (overrides the clear above)
                hold_data  <= shift;
              end
            end else begin
              frame_err <= 1'b1;             // drop the byte
              lost      <= 1'b1;
              state     <= S_BREAK;
            end
          end else begin
            cnt <= cnt + 1'b1;
          end
        end

        S_BREAK: begin
          cnt <= {CNT_W{1'b0}};
          if (rx_sync) state <= S_IDLE;
        end

        default: begin
          cnt   <= {CNT_W{1'b0}};
          state <= S_IDLE;
        end
      endcase
    end
  end
endmodule
