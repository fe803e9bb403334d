/**
 * circa's framed UART protocol: the host-side encoding and decoding, and the
 * generated device top (`circa_proto_top`) that speaks it around a streamed
 * design (stream port convention of src/sim/stream.ts).
 *
 * Every frame, in both directions:
 *
 *   | command | length L (2 bytes, LE) | payload (L bytes) | checksum |
 *
 * checksum = the two's complement of the 8-bit sum of the command, the two
 * length bytes and the payload, so that all L + 4 bytes sum to 0 mod 256.
 *
 * Host -> device:
 *
 * | cmd  | name        | payload                                         | answer |
 * |------|-------------|-------------------------------------------------|--------|
 * | 0x01 | LOAD_INPUT  | one input vector: each element ceil(W_in/8)     | 0x81 + the output vector |
 * |      |             | bytes, little-endian, sign-extended             |        |
 * | 0x02 | READ_OUTPUT | none                                            | 0x82 + the last output vector |
 * | 0x03 | WRITE_REG   | address (2 bytes LE), value (4 bytes LE)        | 0x83, no payload |
 * | 0x04 | READ_STATUS | none                                            | 0x84 + 12 status bytes |
 * | 0x05 | WRITE_BLOCK | address (2 bytes LE), then K >= 1 values (4     | 0x85, no payload |
 * |      |             | bytes LE each): L = 2 + 4K, so K <= 16383       |        |
 *
 * Device -> host answers: the command | 0x80 on success, 0xFF on error with
 * payload [error code, command]. Error codes: 1 bad checksum, 2 unknown
 * command, 3 bad length (the payload does not have the command's size), 4
 * bad address (WRITE_REG / WRITE_BLOCK outside the config port, or a design
 * without one), 5 no output yet (READ_OUTPUT before any LOAD_INPUT). When
 * several apply, the first in this order is answered. A rejected frame
 * changes nothing but the error counters, except a WRITE_BLOCK with a bad
 * checksum (below).
 *
 * WRITE_BLOCK writes its K values to the same config address, in order, one
 * config write each, exactly as K WRITE_REG frames to that address would; a
 * block-circulant SPRAM layer's weight load is one frame per 16383 words
 * instead of one per word. The device has no room to hold up to 64 KB until
 * the checksum is known, so it applies the writes as the payload streams in:
 *   - the length is checked from the header, before any write: not 2 + 4K
 *     with K >= 1 -> nothing is written, the answer is "bad length";
 *   - the address is checked from the payload's first two bytes, before any
 *     write: outside the config port -> nothing is written, "bad address";
 *   - then each value is written as its 4th byte arrives;
 *   - the checksum is known only after the last write: a bad checksum is
 *     answered with the error (and counted) AFTER the writes were applied,
 *     with whatever values arrived. This is the one exception to "a rejected
 *     frame changes nothing": the registers now hold unknown values, and the
 *     host must redo the whole load (for SPRAM weights: the restart, then
 *     every word). A bad checksum with a bad length or address wrote nothing.
 *   - a WRITE_BLOCK cut short (the inter-byte timeout, or a byte lost on the
 *     line, after which the values are misaligned) has written what arrived
 *     and gets no answer: the same, the host must redo the load.
 * The answer comes after the whole payload's line time (65538 bytes of a
 * full frame: 5.7 s at 115200 baud); the host sizes its wait by the frame.
 *
 * Output vector: every output value (kept lane) in order, ceil(W_out/8)
 * bytes each, little-endian, sign-extended.
 *
 * Status (12 bytes):
 *   0     flags: bit 0 overflow (the design's sticky flag), bit 1 design busy,
 *         bit 2 an output is stored, bit 3 the UART receiver lost a byte (sticky)
 *   1     protocol version (2: WRITE_BLOCK; 1 had none)
 *   2-3   checksum errors (16-bit LE, saturating)
 *   4-5   frame errors (16-bit LE, saturating): malformed frames (unknown
 *         command, bad length), partial frames dropped by the inter-byte
 *         timeout, bytes lost by the UART receiver. Refused requests (bad
 *         address, no output yet) are answered with an error, not counted.
 *   6-9   cycles of the last inference, from the design's first input
 *         handshake to its last output handshake (32-bit LE): the design's
 *         latency, which the cost model predicts (Design.cost().latency)
 *   10-11 inferences since reset (16-bit LE, wrapping)
 *
 * WRITE_REG (and every value of a WRITE_BLOCK) writes the design's config
 * port, one cfg_we pulse: cfg_addr = address, cfg_data = the low cfg-width
 * bits of the value. In a network, layer k's register r is
 * at address 4k + r; a TVSCM layer's registers are 0 = a, 1 = b (raw, in the
 * weight format) and 2 = clear its overflow flag (src/network/rtl.ts); a
 * block-circulant or dense layer with SPRAM has 0 = restart the weight load,
 * 1 = the next weight word. Each kind's `registers` face (src/layers/types.ts) says.
 *
 * The device carries out one frame at a time: the host sends a frame and
 * waits for its answer. A frame left incomplete for the inter-byte timeout
 * (default ~100 ms of line time) is dropped, so a lost byte does not shift
 * every later frame.
 */
import { CircaError, CircaInputError } from '../errors.ts';
import { toUnsigned } from '../fixed/index.ts';
import type { LayerRtl } from '../layers/types.ts';
import { header, instance, template, type SourceFile } from '../verilog/index.ts';

export const PROTO_TOP_MODULE = 'circa_proto_top';
export const PROTOCOL_VERSION = 2;

export const CMD = { LOAD_INPUT: 0x01, READ_OUTPUT: 0x02, WRITE_REG: 0x03, READ_STATUS: 0x04, WRITE_BLOCK: 0x05 } as const;
export type CommandName = keyof typeof CMD;
/** the answer code of a successful command */
export const answerCode = (cmd: number): number => (cmd | 0x80) & 0xff;
export const ANSWER_ERROR = 0xff;

export const ERR = { BAD_CHECKSUM: 1, UNKNOWN_COMMAND: 2, BAD_LENGTH: 3, BAD_ADDRESS: 4, NO_OUTPUT: 5 } as const;
export type ErrorName = keyof typeof ERR;
const ERROR_TEXT: Record<number, string> = {
  1: 'bad checksum',
  2: 'unknown command',
  3: 'bad length',
  4: 'bad address',
  5: 'no output yet',
};

export const WRITE_REG_PAYLOAD = 6;
/** the most values one WRITE_BLOCK frame carries: 2 + 4 * 16383 = 65534 payload bytes */
export const WRITE_BLOCK_MAX = 16383;
export const STATUS_PAYLOAD = 12;
/** the inter-byte timeout the board top uses, in bit times (100 ms at 115200 baud) */
export const DEFAULT_TIMEOUT_BITS = 11520;

export function commandName(cmd: number): string {
  const e = Object.entries(CMD).find(([, v]) => v === cmd);
  return e ? e[0] : `0x${cmd.toString(16).padStart(2, '0')}`;
}

export function errorText(code: number): string {
  return ERROR_TEXT[code] ?? `error code ${code}`;
}

export const bytesPerValue = (bits: number): number => Math.ceil(bits / 8);

// ---------------------------------------------------------------------------
// Frames
// ---------------------------------------------------------------------------

/** The checksum byte for the bytes before it: (-sum) mod 256. */
export function checksum(bytes: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i++) s = (s + bytes[i]) & 0xff;
  return (0x100 - s) & 0xff;
}

/** A whole frame: command, length, payload, checksum. */
export function encodeFrame(cmd: number, payload: ArrayLike<number> = []): Uint8Array {
  if (!Number.isInteger(cmd) || cmd < 0 || cmd > 255) throw new CircaInputError(`frame: command ${cmd} is not a byte`);
  if (payload.length > 0xffff) throw new CircaInputError(`frame: a payload of ${payload.length} bytes is longer than 65535`);
  const f = new Uint8Array(payload.length + 4);
  f[0] = cmd;
  f[1] = payload.length & 0xff;
  f[2] = payload.length >> 8;
  for (let i = 0; i < payload.length; i++) {
    const b = payload[i];
    if (!Number.isInteger(b) || b < 0 || b > 255) throw new CircaInputError(`frame: payload byte ${i} (${b}) is not a byte`);
    f[3 + i] = b;
  }
  f[f.length - 1] = checksum(f.subarray(0, f.length - 1));
  return f;
}

export interface Frame {
  code: number;
  payload: Uint8Array;
}

/** Length of the payload a frame header announces (bytes 1, 2). */
export function frameLength(headerBytes: ArrayLike<number>): number {
  return headerBytes[1] | (headerBytes[2] << 8);
}

/**
 * Decode one complete frame. Throws CircaError when its length field does not
 * match the bytes or its checksum is wrong.
 */
export function decodeFrame(bytes: ArrayLike<number>): Frame {
  if (bytes.length < 4) throw new CircaError(`frame: ${bytes.length} bytes is shorter than a frame (4)`);
  const len = frameLength(bytes);
  if (bytes.length !== len + 4) throw new CircaError(`frame: the header says ${len} payload bytes, the frame has ${bytes.length - 4}`);
  let s = 0;
  for (let i = 0; i < bytes.length; i++) s = (s + bytes[i]) & 0xff;
  if (s !== 0) throw new CircaError(`frame 0x${bytes[0].toString(16)}: bad checksum (the bytes sum to 0x${s.toString(16)} mod 256, not 0)`);
  return { code: bytes[0], payload: Uint8Array.from({ length: len }, (_, i) => bytes[3 + i]) };
}

// ---------------------------------------------------------------------------
// Payloads
// ---------------------------------------------------------------------------

/** Values as ceil(width/8) little-endian bytes each, sign-extended. Checks each value fits `width` signed bits. */
export function encodeValues(values: readonly number[], width: number): number[] {
  const nb = bytesPerValue(width);
  const lo = -(2 ** (width - 1));
  const hi = 2 ** (width - 1) - 1;
  const out: number[] = [];
  values.forEach((x, i) => {
    if (!Number.isInteger(x) || x < lo || x > hi) throw new CircaInputError(`value ${i} (${x}) does not fit ${width} signed bits (${lo}..${hi})`);
    const u = toUnsigned(x, 8 * nb);
    for (let b = 0; b < nb; b++) out.push(Number((u >> BigInt(8 * b)) & 0xffn));
  });
  return out;
}

/** Inverse of encodeValues: signed values of ceil(width/8) bytes each. */
export function decodeValues(bytes: ArrayLike<number>, width: number): number[] {
  const nb = bytesPerValue(width);
  if (bytes.length % nb !== 0) throw new CircaError(`${bytes.length} bytes is not a whole number of ${nb}-byte values`);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i += nb) {
    let u = 0n;
    for (let b = nb - 1; b >= 0; b--) u = (u << 8n) | BigInt(bytes[i + b] & 0xff);
    const bits = BigInt(8 * nb);
    out.push(Number(u >= 1n << (bits - 1n) ? u - (1n << bits) : u));
  }
  return out;
}

function checkAddress(address: number): void {
  if (!Number.isInteger(address) || address < 0 || address > 0xffff) throw new CircaInputError(`register address ${address} must be in 0..65535`);
}

/** A register value as 4 little-endian bytes (two's complement). */
function valueBytes(value: number): number[] {
  if (!Number.isInteger(value) || value < -(2 ** 31) || value > 2 ** 32 - 1) {
    throw new CircaInputError(`register value ${value} must fit 32 bits (-2147483648..4294967295)`);
  }
  const u = value < 0 ? value + 2 ** 32 : value;
  return [u & 0xff, (u >>> 8) & 0xff, (u >>> 16) & 0xff, (u >>> 24) & 0xff];
}

/** WRITE_REG payload: address (16-bit LE), value (32-bit LE, two's complement). */
export function encodeWriteReg(address: number, value: number): number[] {
  checkAddress(address);
  return [address & 0xff, address >> 8, ...valueBytes(value)];
}

/** WRITE_BLOCK payload: address (16-bit LE), then 1..WRITE_BLOCK_MAX values (32-bit LE each, two's complement). */
export function encodeWriteBlock(address: number, values: readonly number[]): number[] {
  checkAddress(address);
  if (values.length < 1 || values.length > WRITE_BLOCK_MAX) {
    throw new CircaInputError(`WRITE_BLOCK carries 1..${WRITE_BLOCK_MAX} values, not ${values.length}`);
  }
  const out = [address & 0xff, address >> 8];
  for (const v of values) out.push(...valueBytes(v));
  return out;
}

export interface DeviceStatus {
  /** the design's sticky overflow flag */
  ovf: boolean;
  busy: boolean;
  /** an inference has completed since reset (READ_OUTPUT has something to send) */
  haveOutput: boolean;
  /** the UART receiver lost a byte since reset (low stop bit or overrun) */
  lineError: boolean;
  version: number;
  checksumErrors: number;
  frameErrors: number;
  /** cycles of the last inference, first input handshake to last output handshake */
  lastCycles: number;
  inferences: number;
}

export function decodeStatus(p: ArrayLike<number>): DeviceStatus {
  if (p.length !== STATUS_PAYLOAD) throw new CircaError(`status: expected ${STATUS_PAYLOAD} bytes, got ${p.length}`);
  const u16 = (i: number) => p[i] | (p[i + 1] << 8);
  return {
    ovf: (p[0] & 1) !== 0,
    busy: (p[0] & 2) !== 0,
    haveOutput: (p[0] & 4) !== 0,
    lineError: (p[0] & 8) !== 0,
    version: p[1],
    checksumErrors: u16(2),
    frameErrors: u16(4),
    lastCycles: (p[6] | (p[7] << 8) | (p[8] << 16)) + p[9] * 2 ** 24,
    inferences: u16(10),
  };
}

/** Host side: an error answer's payload, decoded. */
export function decodeError(p: ArrayLike<number>): { code: number; command: number; text: string } {
  if (p.length !== 2) throw new CircaError(`error answer: expected 2 payload bytes, got ${p.length}`);
  return { code: p[0], command: p[1], text: errorText(p[0]) };
}

// ---------------------------------------------------------------------------
// Device side: the generated top
// ---------------------------------------------------------------------------

export interface ProtoTopOptions {
  /** clock cycles per UART bit: round(f_clk / baud) */
  clksPerBit: number;
  /** inter-byte timeout in bit times (default DEFAULT_TIMEOUT_BITS) */
  timeoutBits?: number;
}

/** What a host needs to know about a device built around `rtl`. */
export interface ProtoShape {
  /** input elements per vector (inBeats * inLanes) and their width */
  inputs: number;
  inWidth: number;
  /** LOAD_INPUT payload bytes */
  inPayload: number;
  outWidth: number;
  /** config port: address and data widths, or null when the design has none */
  cfg: { addrWidth: number; dataWidth: number } | null;
}

export function protoShape(rtl: LayerRtl): ProtoShape {
  const io = rtl.io;
  const inputs = io.inBeats * io.inLanes;
  const we = rtl.extraPorts.find((p) => p.name === 'cfg_we' && p.dir === 'input');
  const addr = rtl.extraPorts.find((p) => p.name === 'cfg_addr' && p.dir === 'input');
  const data = rtl.extraPorts.find((p) => p.name === 'cfg_data' && p.dir === 'input');
  return {
    inputs,
    inWidth: io.inWidth,
    inPayload: inputs * bytesPerValue(io.inWidth),
    outWidth: io.outWidth,
    cfg: we && addr && data ? { addrWidth: addr.width, dataWidth: data.width } : null,
  };
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
