// proto_ctrl: the device side of circa's framed UART protocol. It parses the
// host's frames (proto_rx_frame), carries out one command at a time, and
// frames the answer (proto_tx_frame). The vector buffers and the design sit
// outside, in the generated top (src/network/board.ts).
//
// Commands (the full table with payload layouts: src/network/protocol.ts):
//   0x01 LOAD_INPUT  payload: one input vector (IN_PAYLOAD bytes). The bytes
//                    go into the input buffer as they arrive; once the
//                    checksum is good the buffer is replayed into the design
//                    at full rate, the output is captured, and the answer
//                    0x81 carries it (values * OUT_BYTES bytes).
//   0x02 READ_OUTPUT no payload; answer 0x82 with the last output again.
//   0x03 WRITE_REG   payload: address (2 bytes LE), value (4 bytes LE). Writes
//                    value[CFG_W-1:0] to the design's config port at address
//                    [CFG_A-1:0] (one cfg_we pulse); answer 0x83, no payload.
//   0x04 READ_STATUS no payload; answer 0x84 with 12 status bytes:
//                    0 flags {4'b0, line_err, have_output, busy, ovf}
//                    1 protocol version (2)
//                    2-3 checksum errors, 4-5 frame errors (16-bit LE, saturating)
//                    6-9 cycles of the last inference (32-bit LE)
//                    10-11 inferences since reset (16-bit LE, wrapping)
//   0x05 WRITE_BLOCK payload: address (2 bytes LE), then K >= 1 values (4
//                    bytes LE each), length 2 + 4K. Each value is written to
//                    that address as WRITE_REG does (one cfg_we pulse each,
//                    in order); answer 0x85, no payload.
//   error answer 0xFF, payload {error code, command}: 1 bad checksum,
//   2 unknown command, 3 bad length, 4 bad address, 5 no output yet (the
//   first that applies, in this order).
// A rejected frame changes nothing but the error counters, with one
// exception: WRITE_BLOCK. Up to 65534 payload bytes cannot be kept until the
// checksum is known, so its writes go out while the payload streams in:
//   - its length is judged from the header: not 2 + 4K, K >= 1 -> no write;
//   - its address from the payload's first two bytes: outside the config
//     port (or no port) -> no write;
//   - otherwise each value is written two cycles after its 4th byte;
//   - a bad checksum is answered (and counted) only after all those writes:
//     the registers hold whatever arrived, and the host must redo the whole
//     load. A WRITE_BLOCK cut short (inter-byte timeout, lost byte) has also
//     written what arrived (misaligned after a lost byte), with no answer.
//
// Counters: a bad checksum counts as a checksum error. A frame error is a
// malformed frame (unknown command, bad length), a partial frame dropped by
// the parser's inter-byte timeout, or a byte the UART receiver lost (low stop
// bit, overrun). Refused requests in well-formed frames (bad address, no
// output yet) are answered with an error but not counted.
//
// Cycle counter: counts clock cycles from the design's first input handshake
// of a LOAD_INPUT to its last output handshake (their difference in cycle
// numbers, as the cost model's latency is defined). The input buffer offers
// a beat on every cycle and the output buffer is always ready, so with no
// other stall this equals the design's predicted latency.
//
// Schedule of the controller:
//   C_IDLE   the parser may start a frame. When one is complete (f_valid),
//            it is judged in that cycle and acknowledged (f_ready):
//              rejected     -> answer ERROR (C_ANSWER0)
//              LOAD_INPUT   -> pulse ib_start and ob_arm, C_RUN
//              READ_OUTPUT  -> answer 0x82 from the output buffer
//              WRITE_REG    -> cfg_we pulse in the next cycle, answer 0x83
//              WRITE_BLOCK  -> answer 0x85 (its cfg_we pulses went out
//                              while the parser took the payload, the
//                              controller in C_IDLE)
//              READ_STATUS  -> snapshot the status bytes, answer 0x84
//   C_RUN    the design computes; counts cycles; ends with the last output
//            handshake (ob_done).
//   C_ANSWER0  start the framer (and the output buffer's sender).
//   C_ANSWER   wait until the framer has handed its checksum byte to the
//            UART transmitter, then C_IDLE.
// The parser takes no new command byte outside C_IDLE; the host waits for
// each answer before sending the next frame.
//
// Reset: synchronous, active high.
module proto_ctrl #(
  parameter IN_PAYLOAD = 16,     // LOAD_INPUT payload bytes (one input vector)
  parameter OUT_BYTES  = 1,      // bytes per output value
  parameter HAS_CFG    = 1,      // the design has a config port
  parameter CFG_A      = 2,      // config address bits (1..16)
  parameter CFG_W      = 8,      // config data bits (1..32)
  parameter TIMEOUT    = 20000,  // inter-byte timeout in clock cycles
  parameter TIMEOUT_W  = 15      // $clog2(TIMEOUT + 1)
) (
  input  wire             clk,
  input  wire             rst,
  // bytes from the UART receiver, and its loss pulse
  input  wire             rx_valid,
  output wire             rx_ready,
  input  wire [7:0]       rx_data,
  input  wire             rx_lost,
  // bytes to the UART transmitter
  output wire             tx_valid,
  input  wire             tx_ready,
  output wire [7:0]       tx_data,
  // input buffer
  output wire             ib_clear,   // a new frame starts
  output wire             ib_wr,      // a LOAD_INPUT payload byte (on ib_data)
  output wire [7:0]       ib_data,
  output reg              ib_start,   // replay the vector into the design
  // output buffer
  output reg              ob_arm,     // capture the next output vector
  input  wire             ob_done,    // the design's last output handshake
  input  wire [15:0]      ob_values,  // values captured
  output reg              ob_send,    // send the captured vector as payload
  input  wire             ob_valid,
  output wire             ob_ready,
  input  wire [7:0]       ob_data,
  // the design
  input  wire             d_in_fire,  // an input handshake of the design
  input  wire             d_ovf,
  input  wire             d_busy,
  output reg              cfg_we,
  output reg  [CFG_A-1:0] cfg_addr,
  output reg  [CFG_W-1:0] cfg_data,
  // status
  output wire             busy,       // a command is being carried out or answered
  output wire             err_sticky  // any error seen since reset
);
  localparam [7:0] CMD_LOAD_INPUT  = 8'h01;
  localparam [7:0] CMD_READ_OUTPUT = 8'h02;
  localparam [7:0] CMD_WRITE_REG   = 8'h03;
  localparam [7:0] CMD_READ_STATUS = 8'h04;
  localparam [7:0] CMD_WRITE_BLOCK = 8'h05;
  localparam [7:0] ANS_ERROR       = 8'hFF;
  localparam [7:0] ERR_CHECKSUM    = 8'd1;
  localparam [7:0] ERR_UNKNOWN     = 8'd2;
  localparam [7:0] ERR_LENGTH      = 8'd3;
  localparam [7:0] ERR_ADDRESS     = 8'd4;
  localparam [7:0] ERR_NO_OUTPUT   = 8'd5;
  localparam [7:0] VERSION         = 8'd2;
  localparam integer IN_PAYLOAD_I  = IN_PAYLOAD;
  localparam integer OUT_BYTES_I   = OUT_BYTES;
  localparam [15:0] IN_LEN         = IN_PAYLOAD_I[15:0];
  localparam [15:0] OUT_MUL        = OUT_BYTES_I[15:0];
  localparam [15:0] WREG_LEN       = 16'd6;
  localparam [15:0] STATUS_LEN     = 16'd12;

  localparam [2:0] C_IDLE    = 3'd0;
  localparam [2:0] C_RUN     = 3'd1;
  localparam [2:0] C_WREG    = 3'd2;
  localparam [2:0] C_ANSWER0 = 3'd3;
  localparam [2:0] C_ANSWER  = 3'd4;

  reg [2:0] state;

  // ------------------------------------------------------------------
  // Frame parser
  // ------------------------------------------------------------------
  wire        h_start, p_valid, f_valid, f_sum_ok, rx_timeout;
  wire [7:0]  h_cmd, p_data;
  wire [15:0] h_len;
  wire        f_ready = (state == C_IDLE);

  proto_rx_frame #(
    .TIMEOUT   (TIMEOUT),
    .TIMEOUT_W (TIMEOUT_W)
  ) u_rx_frame (
    .clk      (clk),
    .rst      (rst),
    .s_valid  (rx_valid),
    .s_ready  (rx_ready),
    .s_data   (rx_data),
    .enable   (state == C_IDLE),
    .h_start  (h_start),
    .h_cmd    (h_cmd),
    .h_len    (h_len),
    .p_valid  (p_valid),
    .p_data   (p_data),
    .f_valid  (f_valid),
    .f_ready  (f_ready),
    .f_sum_ok (f_sum_ok),
    .timeout  (rx_timeout)
  );

  wire is_load = (h_cmd == CMD_LOAD_INPUT);
  wire is_read = (h_cmd == CMD_READ_OUTPUT);
  wire is_wreg = (h_cmd == CMD_WRITE_REG);
  wire is_stat = (h_cmd == CMD_READ_STATUS);
  wire is_wblk = (h_cmd == CMD_WRITE_BLOCK);
  wire known   = is_load | is_read | is_wreg | is_stat | is_wblk;
  // WRITE_BLOCK: 2 + 4K bytes, K >= 1 (at most 65534, K = 16383)
  wire blk_len_ok = (h_len[1:0] == 2'b10) && (h_len[15:2] != 14'd0);
  wire len_ok  = is_load ? (h_len == IN_LEN) : is_wreg ? (h_len == WREG_LEN) :
                 is_wblk ? blk_len_ok : (h_len == 16'd0);

  // Payload routing while it arrives: a LOAD_INPUT of the right length fills
  // the input buffer; a WRITE_REG or WRITE_BLOCK of the right length fills
  // pay_addr (its first two bytes) and pay_value (each value's 4 bytes,
  // shifted in from the top, so a value is complete with its 4th byte).
  // Which of them a payload byte goes to is decoded from the header into
  // registers (route_*): h_cmd and h_len are final a whole byte time (at
  // least 10 bit times) before the first payload byte, so the registered
  // decode is the current frame's, and the compares stay off the paths from
  // p_valid into the buffers (Fmax).
  reg route_load, route_wreg, route_blk;
  always @(posedge clk) begin
    if (rst) begin
      route_load <= 1'b0;
      route_wreg <= 1'b0;
      route_blk  <= 1'b0;
    end else begin
      route_load <= is_load && (h_len == IN_LEN);
      route_wreg <= is_wreg && (h_len == WREG_LEN);
      route_blk  <= is_wblk && blk_len_ok;
    end
  end
  assign ib_clear = h_start;
  assign ib_wr    = p_valid && route_load;
  assign ib_data  = p_data;

  reg         pay_addr_in;   // both address bytes have arrived
  reg  [1:0]  pay_byte;      // address bytes so far, then bytes of the current value
  reg  [15:0] pay_addr;
  reg  [31:0] pay_value;
  wire        wreg_pay   = p_valid && route_wreg;
  wire        blk_pay    = p_valid && route_blk;
  wire [31:0] value_next = {p_data, pay_value[31:8]};
  always @(posedge clk) begin
    if (rst) begin
      pay_addr_in <= 1'b0;
      pay_byte    <= 2'd0;
      pay_addr    <= 16'd0;
      pay_value   <= 32'd0;
    end else if (h_start) begin
      pay_addr_in <= 1'b0;
      pay_byte    <= 2'd0;
    end else if (wreg_pay || blk_pay) begin
      if (!pay_addr_in) begin
        if (pay_byte[0]) pay_addr[15:8] <= p_data;
        else             pay_addr[7:0]  <= p_data;
        pay_addr_in <= pay_byte[0];
        pay_byte    <= {1'b0, ~pay_byte[0]};
      end else begin
        pay_value <= value_next;
        pay_byte  <= pay_byte + 2'd1;
      end
    end
  end
  wire [15:0] wreg_addr  = pay_addr;
  wire [31:0] wreg_value = pay_value;

  // The address must fit the config port; a design without one has no
  // registers. It is complete from the payload's 2nd byte, so a WRITE_BLOCK
  // is judged on it before its first value.
  wire addr_ok;
  generate
    if (HAS_CFG == 0) begin : g_no_cfg
      assign addr_ok = 1'b0;
    end else if (CFG_A >= 16) begin : g_wide_cfg
      assign addr_ok = 1'b1;
    end else begin : g_cfg
      assign addr_ok = (pay_addr[15:CFG_A] == {(16-CFG_A){1'b0}});
    end
  endgenerate
  // A WRITE_BLOCK value is complete in pay_value the cycle after its 4th
  // byte (blk_we); its cfg_we pulse follows in the next. Bytes arrive at
  // most one per 10 bit times, so the pulses are apart.
  reg blk_we;
  always @(posedge clk) begin
    if (rst) blk_we <= 1'b0;
    else     blk_we <= blk_pay && pay_addr_in && (pay_byte == 2'd3) && addr_ok;
  end

  reg have_output;   // an inference has completed since reset

  // The verdict on a complete frame, first failing check first. Everything
  // but the checksum is judged ahead, in two register stages (the decode
  // j_*, j_known, j_len_ok, then err_pre): h_cmd and h_len are final a whole
  // byte time (at least 10 bit times) before f_valid rises (the checksum byte
  // follows them, and S_HOLD follows that), pay_addr at least four byte
  // times, and have_output does not change while a frame is parsed (frames
  // start only in C_IDLE). So the registered verdict is the current frame's
  // when it is judged, and the command decode stays off the path from
  // f_valid to the state and status registers (Fmax).
  reg       j_load, j_read, j_wreg, j_wblk, j_known, j_len_ok;
  reg [7:0] err_pre;
  always @(posedge clk) begin
    if (rst) begin
      j_load   <= 1'b0;
      j_read   <= 1'b0;
      j_wreg   <= 1'b0;
      j_wblk   <= 1'b0;
      j_known  <= 1'b0;
      j_len_ok <= 1'b0;
      err_pre  <= 8'd0;
    end else begin
      j_load   <= is_load;
      j_read   <= is_read;
      j_wreg   <= is_wreg;
      j_wblk   <= is_wblk;
      j_known  <= known;
      j_len_ok <= len_ok;
      if (!j_known)                              err_pre <= ERR_UNKNOWN;
      else if (!j_len_ok)                        err_pre <= ERR_LENGTH;
      else if ((j_wreg || j_wblk) && !addr_ok)   err_pre <= ERR_ADDRESS;
      else if (j_read && !have_output)           err_pre <= ERR_NO_OUTPUT;
      else                                       err_pre <= 8'd0;
    end
  end
  wire [7:0] err_code = f_sum_ok ? err_pre : ERR_CHECKSUM;
  wire judge    = f_valid && f_ready;
  wire rejected = judge && (err_code != 8'd0);
  wire accepted = judge && (err_code == 8'd0);

  // ------------------------------------------------------------------
  // Status: error counters, cycle counter, inference count
  // ------------------------------------------------------------------
  reg [15:0] chk_errs;
  reg [15:0] frame_errs;
  reg [31:0] cycles;        // running count of the current inference
  reg [31:0] last_cycles;   // the last complete inference
  reg        counting;      // the design took its first input of this inference
  reg [15:0] inferences;
  reg        line_err;      // sticky: the UART receiver lost a byte
  reg        any_err;       // sticky: any error

  wire       chk_event  = rejected && (err_code == ERR_CHECKSUM);
  wire       rej_event  = rejected && (err_code == ERR_UNKNOWN || err_code == ERR_LENGTH);
  // The error counters count a cycle late, from registered events (Fmax: the
  // verdict and the timeout stay off their carry chains); READ_STATUS reads
  // them many cycles after any event.
  reg        chk_event_r, rej_event_r, timeout_r, lost_r;
  always @(posedge clk) begin
    if (rst) begin
      chk_event_r <= 1'b0;
      rej_event_r <= 1'b0;
      timeout_r   <= 1'b0;
      lost_r      <= 1'b0;
    end else begin
      chk_event_r <= chk_event;
      rej_event_r <= rej_event;
      timeout_r   <= rx_timeout;
      lost_r      <= rx_lost;
    end
  end
  // frame errors a cycle ago: 0..3 (a rejected frame, a timeout, a lost byte)
  wire [1:0] frame_events = {1'b0, rej_event_r} + {1'b0, timeout_r} + {1'b0, lost_r};
  wire [16:0] frame_sum   = {1'b0, frame_errs} + {15'd0, frame_events};

  wire first_in = (state == C_RUN) && d_in_fire && !counting;

  always @(posedge clk) begin
    if (rst) begin
      chk_errs    <= 16'd0;
      frame_errs  <= 16'd0;
      cycles      <= 32'd0;
      last_cycles <= 32'd0;
      counting    <= 1'b0;
      inferences  <= 16'd0;
      line_err    <= 1'b0;
      any_err     <= 1'b0;
    end else begin
      if (chk_event_r && chk_errs != 16'hFFFF) chk_errs <= chk_errs + 16'd1;
      frame_errs <= frame_sum[16] ? 16'hFFFF : frame_sum[15:0];
      if (rx_lost) line_err <= 1'b1;
      if (rejected || rx_timeout || rx_lost) any_err <= 1'b1;

      // cycle n after the first input handshake holds n; the last output
      // handshake's cycle latches it (0 if both happen in one cycle)
      if (accepted && j_load) begin
        counting <= 1'b0;
      end else if (first_in) begin
        counting <= 1'b1;
        cycles   <= 32'd1;
      end else if (counting && cycles != 32'hFFFFFFFF) begin
        cycles <= cycles + 32'd1;
      end
      if (state == C_RUN && ob_done) begin
        last_cycles <= first_in ? 32'd0 : cycles;
        inferences  <= inferences + 16'd1;
        counting    <= 1'b0;
      end
    end
  end

  // ------------------------------------------------------------------
  // Answers
  // ------------------------------------------------------------------
  localparam [1:0] SRC_NONE   = 2'd0;   // no payload
  localparam [1:0] SRC_STATUS = 2'd1;   // the status snapshot, 12 bytes
  localparam [1:0] SRC_ERROR  = 2'd2;   // {error code, command}, 2 bytes
  localparam [1:0] SRC_OUT    = 2'd3;   // the output buffer

  reg [7:0]  ans_code;
  reg [1:0]  ans_src;
  // The status is copied when READ_STATUS is judged, so the bytes of one
  // answer agree with each other even if a counter moves while it is sent.
  // Load-only registers (no shifting) and a byte mux keep this small.
  reg [95:0] status_snap;
  reg [7:0]  err_code_r, err_cmd_r;
  reg [3:0]  pl_idx;        // byte of a status / error payload being sent

  wire [15:0] out_len = ob_values * OUT_MUL;
  reg  [15:0] ans_len;
  always @* begin
    case (ans_src)
      SRC_STATUS: ans_len = STATUS_LEN;
      SRC_ERROR:  ans_len = 16'd2;
      SRC_OUT:    ans_len = out_len;
      default:    ans_len = 16'd0;
    endcase
  end

  reg [7:0] status_byte;
  always @* begin
    case (pl_idx)
      4'd0:    status_byte = status_snap[7:0];
      4'd1:    status_byte = status_snap[15:8];
      4'd2:    status_byte = status_snap[23:16];
      4'd3:    status_byte = status_snap[31:24];
      4'd4:    status_byte = status_snap[39:32];
      4'd5:    status_byte = status_snap[47:40];
      4'd6:    status_byte = status_snap[55:48];
      4'd7:    status_byte = status_snap[63:56];
      4'd8:    status_byte = status_snap[71:64];
      4'd9:    status_byte = status_snap[79:72];
      4'd10:   status_byte = status_snap[87:80];
      default: status_byte = status_snap[95:88];
    endcase
  end

  wire        fr_idle, pl_valid, pl_ready;
  reg  [7:0]  pl_data;
  reg         fr_start;

  always @* begin
    case (ans_src)
      SRC_STATUS: pl_data = status_byte;
      SRC_ERROR:  pl_data = pl_idx[0] ? err_cmd_r : err_code_r;
      SRC_OUT:    pl_data = ob_data;
      default:    pl_data = 8'd0;
    endcase
  end
  assign pl_valid = (ans_src == SRC_OUT) ? ob_valid : (ans_src != SRC_NONE);
  assign ob_ready = (ans_src == SRC_OUT) && pl_ready;

  proto_tx_frame u_tx_frame (
    .clk      (clk),
    .rst      (rst),
    .start    (fr_start),
    .code     (ans_code),
    .len      (ans_len),
    .idle     (fr_idle),
    .pl_valid (pl_valid),
    .pl_ready (pl_ready),
    .pl_data  (pl_data),
    .m_valid  (tx_valid),
    .m_ready  (tx_ready),
    .m_data   (tx_data)
  );

  wire [7:0] flags = {4'b0000, line_err, have_output, d_busy, d_ovf};

  // ------------------------------------------------------------------
  // Controller
  // ------------------------------------------------------------------
  always @(posedge clk) begin
    if (rst) begin
      state         <= C_IDLE;
      ib_start      <= 1'b0;
      ob_arm        <= 1'b0;
      ob_send       <= 1'b0;
      fr_start      <= 1'b0;
      cfg_we        <= 1'b0;
      cfg_addr      <= {CFG_A{1'b0}};
      cfg_data      <= {CFG_W{1'b0}};
      ans_code      <= 8'd0;
      ans_src       <= SRC_NONE;
      status_snap   <= 96'd0;
      err_code_r    <= 8'd0;
      err_cmd_r     <= 8'd0;
      pl_idx        <= 4'd0;
      have_output   <= 1'b0;
    end else begin
      ib_start <= 1'b0;
      ob_arm   <= 1'b0;
      ob_send  <= 1'b0;
      fr_start <= 1'b0;
      cfg_we   <= 1'b0;
      if (pl_valid && pl_ready) pl_idx <= pl_idx + 4'd1;
      // a WRITE_BLOCK value, while its frame arrives (state C_IDLE, no judge)
      if (blk_we) begin
        cfg_we   <= 1'b1;
        cfg_addr <= pay_addr[CFG_A-1:0];
        cfg_data <= pay_value[CFG_W-1:0];
      end

      case (state)
        C_IDLE: if (judge) begin
          if (rejected) begin
            ans_code   <= ANS_ERROR;
            ans_src    <= SRC_ERROR;
            err_code_r <= err_code;
            err_cmd_r  <= h_cmd;
            state      <= C_ANSWER0;
          end else if (j_load) begin
            ib_start <= 1'b1;
            ob_arm   <= 1'b1;
            state    <= C_RUN;
          end else if (j_read) begin
            ans_code <= CMD_READ_OUTPUT | 8'h80;
            ans_src  <= SRC_OUT;
            state    <= C_ANSWER0;
          end else if (j_wreg) begin
            cfg_we   <= 1'b1;
            cfg_addr <= wreg_addr[CFG_A-1:0];
            cfg_data <= wreg_value[CFG_W-1:0];
            ans_code <= CMD_WRITE_REG | 8'h80;
            ans_src  <= SRC_NONE;
            state    <= C_WREG;
          end else if (j_wblk) begin
            ans_code <= CMD_WRITE_BLOCK | 8'h80;   // the writes are out
            ans_src  <= SRC_NONE;
            state    <= C_ANSWER0;
          end else begin // READ_STATUS
            ans_code    <= CMD_READ_STATUS | 8'h80;
            ans_src     <= SRC_STATUS;
            status_snap <= {inferences, last_cycles, frame_errs, chk_errs, VERSION, flags};
            state       <= C_ANSWER0;
          end
        end

        C_RUN: if (ob_done) begin
          have_output <= 1'b1;
          ans_code    <= CMD_LOAD_INPUT | 8'h80;
          ans_src     <= SRC_OUT;
          state       <= C_ANSWER0;   // ob_values is complete from the next cycle
        end

        C_WREG: state <= C_ANSWER0;   // the cfg_we pulse is out this cycle

        C_ANSWER0: begin
          pl_idx   <= 4'd0;
          fr_start <= 1'b1;
          ob_send  <= (ans_src == SRC_OUT);
          state    <= C_ANSWER;
        end

        C_ANSWER: if (fr_idle && !fr_start) state <= C_IDLE;

        default: state <= C_IDLE;
      endcase
    end
  end

  assign busy       = (state != C_IDLE);
  assign err_sticky = any_err;

  // bits of the WRITE_REG / WRITE_BLOCK values and addresses above the config
  // port's widths are not used
  wire unused_ok = &{1'b0, wreg_value, wreg_addr};
endmodule
