/**
 * The device side of circa's framed UART protocol (src/network/protocol.ts):
 * the generated top `circa_proto_top` that speaks it around a streamed design
 * (stream port convention of src/sim/stream.ts), and the hand-written
 * templates it instantiates (uart_rx, uart_tx, lanes_to_uart_bytes, proto_*).
 * The board top (src/network/board.ts) wraps it with the clock, reset and LEDs.
 */
import { CircaInputError } from '../errors.ts';
import type { LayerRtl } from '../layers/types.ts';
import { header, instance, template, type SourceFile } from '../verilog/index.ts';
import { bytesPerValue, DEFAULT_TIMEOUT_BITS, protoShape } from './protocol.ts';

export const PROTO_TOP_MODULE = 'circa_proto_top';

export interface ProtoTopOptions {
  /** clock cycles per UART bit: round(f_clk / baud) */
  clksPerBit: number;
  /** inter-byte timeout in bit times (default DEFAULT_TIMEOUT_BITS) */
  timeoutBits?: number;
}

/** The hand-written templates circa_proto_top instantiates (the design's own sources are not included). */
export function templatesForProto(): SourceFile[] {
  return [
    'uart_rx.v', 'uart_tx.v', 'lanes_to_uart_bytes.v',
    'proto_rx_frame.v', 'proto_tx_frame.v', 'proto_ctrl.v', 'proto_in_buf.v', 'proto_out_buf.v',
  ].map(template);
}

const clog2 = (n: number): number => (n <= 1 ? 0 : Math.ceil(Math.log2(n)));
/** bits of a counter that holds 0..n */
const countBits = (n: number): number => Math.max(1, clog2(n + 1));

/**
 * Generate circa_proto_top.v around the design `rtl`: ports clk, rst (sync,
 * active high), uart_rx, uart_tx, busy (a command is being carried out or
 * its answer is still being sent), ovf (the design's sticky overflow flag)
 * and frame_err (sticky: any error since reset).
 */
export function emitProtoTop(rtl: LayerRtl, opts: ProtoTopOptions): SourceFile {
  const cpb = opts.clksPerBit;
  if (!Number.isInteger(cpb) || cpb < 4) throw new CircaInputError(`protocol top: clksPerBit must be an integer >= 4, got ${cpb}`);
  const timeoutBits = opts.timeoutBits ?? DEFAULT_TIMEOUT_BITS;
  if (!Number.isInteger(timeoutBits) || timeoutBits < 20) {
    throw new CircaInputError(`protocol top: timeoutBits must be an integer >= 20 (two byte times), got ${timeoutBits}`);
  }
  if (rtl.top === PROTO_TOP_MODULE) throw new CircaInputError(`protocol top: the design cannot be called ${PROTO_TOP_MODULE}`);
  const io = rtl.io;
  const shape = protoShape(rtl);
  if (shape.inPayload > 0xffff) {
    throw new CircaInputError(`protocol top: an input vector of ${shape.inPayload} bytes does not fit one frame (65535 bytes at most)`);
  }
  // At most this many output values per vector; the frame's length field must hold them.
  if (io.outBeats * io.outLanes * bytesPerValue(io.outWidth) > 0xffff) {
    throw new CircaInputError(`protocol top: an output vector of up to ${io.outBeats * io.outLanes} values does not fit one frame (65535 bytes at most)`);
  }
  if (shape.cfg && (shape.cfg.addrWidth > 16 || shape.cfg.dataWidth > 32)) {
    throw new CircaInputError(`protocol top: the config port (${shape.cfg.addrWidth} address bits, ${shape.cfg.dataWidth} data bits) is wider than WRITE_REG carries (16, 32)`);
  }
  const timeout = cpb * timeoutBits;
  const cfgA = shape.cfg?.addrWidth ?? 1;
  const cfgW = shape.cfg?.dataWidth ?? 1;

  // The design's extra ports: the config port from the controller, busy observed, the rest tied off.
  const extra: Record<string, string> = {};
  const decls: string[] = [];
  const sinks: string[] = [];
  let hasBusy = false;
  for (const p of rtl.extraPorts) {
    if (shape.cfg && p.name === 'cfg_we') extra.cfg_we = 'cfg_we';
    else if (shape.cfg && p.name === 'cfg_addr') extra.cfg_addr = 'cfg_addr';
    else if (shape.cfg && p.name === 'cfg_data') extra.cfg_data = 'cfg_data';
    else if (p.name === 'busy' && p.dir === 'output' && p.width === 1) {
      extra.busy = 'd_busy';
      hasBusy = true;
    } else if (p.dir === 'input') {
      extra[p.name] = `{${p.width}{1'b0}}`;
    } else {
      decls.push(`wire [${p.width - 1}:0] d_${p.name};   // not used by the protocol`);
      extra[p.name] = `d_${p.name}`;
      sinks.push(`d_${p.name}`);
    }
  }
  decls.push(hasBusy ? 'wire d_busy;   // the design is computing' : "wire d_busy = 1'b0;   // the design has no busy output");
  if (!shape.cfg) sinks.push('cfg_we', 'cfg_addr', 'cfg_data');

  const head = header(
    `${PROTO_TOP_MODULE}: ${rtl.top} behind circa's framed UART protocol`,
    {
      design: rtl.top,
      inputs: `${shape.inputs} x ${io.inWidth} bits (${io.inBeats} beat(s) of ${io.inLanes} lane(s)), ${shape.inPayload} payload bytes`,
      outputs: `up to ${io.outBeats} beat(s) of ${io.outLanes} x ${io.outWidth} bits, ${bytesPerValue(io.outWidth)} byte(s) per value`,
      config: shape.cfg ? `${shape.cfg.addrWidth} address bits, ${shape.cfg.dataWidth} data bits` : 'none',
      clksPerBit: cpb,
      timeout: `${timeoutBits} bit times (${timeout} cycles)`,
    },
    [
      'Frames: command, length (2 bytes LE), payload, checksum (all bytes sum to 0 mod 256).',
      'Commands: 0x01 LOAD_INPUT, 0x02 READ_OUTPUT, 0x03 WRITE_REG, 0x04 READ_STATUS, 0x05 WRITE_BLOCK',
      '(its writes are applied as the payload arrives, before its checksum is known);',
      'answers: command | 0x80, or 0xFF {error code, command}. Table: src/network/protocol.ts.',
      '',
      'Data path: uart_rx -> proto_ctrl (parser) -> proto_in_buf (the vector, until its',
      'checksum is known) -> the design at one beat per cycle -> proto_out_buf (always',
      'ready, so the design never stalls) -> proto_ctrl (framer) -> uart_tx.',
      'The status cycle counter spans the design\'s first input handshake to its last',
      'output handshake: its latency as the cost model predicts it.',
    ],
  );

  const clk = { clk: 'clk', rst: 'rst' };
  const body = `
module ${PROTO_TOP_MODULE} (
  input  wire clk,
  input  wire rst,        // synchronous, active high
  input  wire uart_rx,    // serial line from the host
  output wire uart_tx,    // serial line to the host
  output wire busy,       // a command is being carried out or answered
  output wire ovf,        // the design's sticky overflow flag
  output wire frame_err   // sticky: an error (rejected frame, timeout, lost byte) since reset
);
  localparam CLKS_PER_BIT = ${cpb};
  localparam IN_W       = ${io.inWidth};
  localparam IN_LANES   = ${io.inLanes};
  localparam IN_BEATS   = ${io.inBeats};
  localparam OUT_W      = ${io.outWidth};
  localparam OUT_LANES  = ${io.outLanes};
  localparam OUT_BEATS  = ${io.outBeats};
  localparam CFG_A      = ${cfgA};
  localparam CFG_W      = ${cfgW};

  // ---- serial line -> bytes -------------------------------------------------
  wire       rx_valid, rx_ready, rx_lost, rx_frame_err, rx_overrun;
  wire [7:0] rx_byte;
${instance('uart_rx', 'u_uart_rx', { CLKS_PER_BIT: 'CLKS_PER_BIT' }, {
    ...clk, rx: 'uart_rx', m_valid: 'rx_valid', m_ready: 'rx_ready', m_data: 'rx_byte',
    frame_err: 'rx_frame_err', overrun: 'rx_overrun', lost: 'rx_lost',
  })}

  // ---- the controller: parser, commands, status, framer --------------------
  wire             tx_valid, tx_ready;
  wire [7:0]       tx_byte;
  wire             ib_clear, ib_wr, ib_start;
  wire [7:0]       ib_data;
  wire             ob_arm, ob_done, ob_send, ob_valid, ob_ready;
  wire [15:0]      ob_values;
  wire [7:0]       ob_data;
  wire             d_in_fire, d_ovf, ctrl_busy, err_sticky;
  wire             cfg_we;
  wire [CFG_A-1:0] cfg_addr;
  wire [CFG_W-1:0] cfg_data;
${decls.map((d) => `  ${d}`).join('\n')}
${instance('proto_ctrl', 'u_ctrl', {
    IN_PAYLOAD: shape.inPayload, OUT_BYTES: bytesPerValue(io.outWidth), HAS_CFG: shape.cfg ? 1 : 0,
    CFG_A: 'CFG_A', CFG_W: 'CFG_W', TIMEOUT: timeout, TIMEOUT_W: countBits(timeout),
  }, {
    ...clk, rx_valid: 'rx_valid', rx_ready: 'rx_ready', rx_data: 'rx_byte', rx_lost: 'rx_lost',
    tx_valid: 'tx_valid', tx_ready: 'tx_ready', tx_data: 'tx_byte',
    ib_clear: 'ib_clear', ib_wr: 'ib_wr', ib_data: 'ib_data', ib_start: 'ib_start',
    ob_arm: 'ob_arm', ob_done: 'ob_done', ob_values: 'ob_values', ob_send: 'ob_send',
    ob_valid: 'ob_valid', ob_ready: 'ob_ready', ob_data: 'ob_data',
    d_in_fire: 'd_in_fire', d_ovf: 'd_ovf', d_busy: 'd_busy',
    cfg_we: 'cfg_we', cfg_addr: 'cfg_addr', cfg_data: 'cfg_data',
    busy: 'ctrl_busy', err_sticky: 'err_sticky',
  })}

  // ---- the input vector, replayed at one beat per cycle --------------------
  wire                      in_valid, in_ready, in_last;
  wire [IN_LANES*IN_W-1:0]  in_data;
${instance('proto_in_buf', 'u_in_buf', { W: 'IN_W', LANES: 'IN_LANES', BEATS: 'IN_BEATS', CNT_W: countBits(io.inBeats), ADDR_W: Math.max(1, clog2(io.inBeats)) }, {
    ...clk, clear: 'ib_clear', wr_valid: 'ib_wr', wr_data: 'ib_data', start: 'ib_start',
    m_valid: 'in_valid', m_ready: 'in_ready', m_data: 'in_data', m_last: 'in_last',
  })}
  assign d_in_fire = in_valid & in_ready;

  // ---- the design ----------------------------------------------------------
  wire                       out_valid, out_ready, out_last;
  wire [OUT_LANES*OUT_W-1:0] out_data;
  wire [OUT_LANES-1:0]       out_keep;
${instance(rtl.top, 'u_design', {}, {
    ...clk, s_valid: 'in_valid', s_ready: 'in_ready', s_data: 'in_data', s_last: 'in_last',
    m_valid: 'out_valid', m_ready: 'out_ready', m_data: 'out_data', m_keep: 'out_keep', m_last: 'out_last',
    ovf: 'd_ovf', ...extra,
  })}

  // ---- the output vector: captured, then sent as payload bytes -------------
${instance('proto_out_buf', 'u_out_buf', { LANES: 'OUT_LANES', W: 'OUT_W', DEPTH: 'OUT_BEATS', CNT_W: countBits(io.outBeats), ADDR_W: Math.max(1, clog2(io.outBeats)) }, {
    ...clk, arm: 'ob_arm', s_valid: 'out_valid', s_ready: 'out_ready', s_data: 'out_data', s_keep: 'out_keep', s_last: 'out_last',
    done: 'ob_done', values: 'ob_values', send: 'ob_send', m_valid: 'ob_valid', m_ready: 'ob_ready', m_data: 'ob_data',
  })}

  // ---- bytes -> serial line ------------------------------------------------
  wire tx_done_unused;
${instance('uart_tx', 'u_uart_tx', { CLKS_PER_BIT: 'CLKS_PER_BIT' }, {
    ...clk, s_valid: 'tx_valid', s_ready: 'tx_ready', s_data: 'tx_byte', tx: 'uart_tx', done: 'tx_done_unused',
  })}

  // busy also covers the last answer byte while it is on the line (the
  // transmitter is ready only when idle or in the last cycle of a stop bit)
  assign busy      = ctrl_busy | ~tx_ready;
  assign ovf       = d_ovf;
  assign frame_err = err_sticky;
  wire unused_ok = &{1'b0, rx_frame_err, rx_overrun, tx_done_unused${sinks.map((s) => `, ${s}`).join('')}};
endmodule
`;
  return { name: `${PROTO_TOP_MODULE}.v`, text: head + body };
}

/** Every source of a framed-protocol device around `rtl`: the design's, the templates, the top (last). */
export function protoDesign(rtl: LayerRtl, opts: ProtoTopOptions): { sources: SourceFile[]; top: string } {
  const seen = new Set<string>();
  const sources: SourceFile[] = [];
  for (const s of [...rtl.sources, ...templatesForProto()]) {
    if (seen.has(s.name)) continue;
    seen.add(s.name);
    sources.push(s);
  }
  sources.push(emitProtoTop(rtl, opts));
  return { sources, top: PROTO_TOP_MODULE };
}
