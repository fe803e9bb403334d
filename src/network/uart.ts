/**
 * UART board bridge: wraps one streamed layer so a host can feed it vectors
 * over a serial line and read the answers back.
 *
 *   uart_rx -> uart_bytes_to_words -> <layer> -> lanes_to_uart_bytes -> uart_tx
 *
 * Protocol, per vector (8N1, CLKS_PER_BIT clock cycles per bit):
 * - the host sends `inBeats` words; each word is one input beat (inLanes lanes
 *   of inWidth bits packed, lane 0 in the low bits) as ceil(inLanes*inWidth/8)
 *   little-endian bytes;
 * - the device answers with every kept output lane, in beat and lane order, as
 *   ceil(outWidth/8) little-endian bytes, sign-extended to whole bytes.
 * `busy` is high from the first byte of a vector until the last byte of its
 * answer has left the transmitter (stop bit included). `ovf` is the layer's
 * sticky overflow flag. `frame_err` is sticky and says a received byte was
 * lost: it had a low stop bit, or it arrived while the previous byte was still
 * waiting (receiver overrun). Both kinds of loss shift every later vector, so
 * the host should reset the board after either.
 */
import { CircaInputError } from '../errors.ts';
import { toUnsigned } from '../fixed/index.ts';
import { header, instance, template, type ParamValue, type SourceFile } from '../verilog/index.ts';

export const UART_TOP_MODULE = 'circa_uart_top';

export interface UartTopOptions {
  /** module name of the streamed layer (stream port convention of src/sim/stream.ts) */
  layerModule: string;
  /** parameters passed to the layer instance as they are */
  layerParams: Record<string, ParamValue>;
  /**
   * Connections for layer ports beyond the stream convention (a config port
   * tied off, a status output), and the declarations they need.
   */
  layerExtraPorts?: Record<string, string>;
  layerExtraDecls?: string[];
  inLanes: number;
  inWidth: number;
  /** input beats per vector */
  inBeats: number;
  outLanes: number;
  outWidth: number;
  /** clock cycles per UART bit: round(f_clk / baud), e.g. 104 for 115200 baud at 12 MHz */
  clksPerBit: number;
}

export interface UartByteCountOptions {
  inLanes: number;
  inWidth: number;
  inBeats: number;
  outWidth: number;
  /** kept output lanes per vector (the number of output values) */
  outValues: number;
}

export const bytesFor = (bits: number): number => Math.ceil(bits / 8);

function checkInt(name: string, v: unknown, min: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new CircaInputError(`uart: ${name} must be an integer >= ${min}, got ${String(v)}`);
  }
}

function checkOptions(o: UartTopOptions): void {
  if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(o.layerModule ?? '')) {
    throw new CircaInputError(`uart: layerModule must be a Verilog identifier, got ${JSON.stringify(o.layerModule)}`);
  }
  if (o.layerModule === UART_TOP_MODULE) throw new CircaInputError(`uart: layerModule cannot be ${UART_TOP_MODULE}`);
  for (const k of ['inLanes', 'inWidth', 'inBeats', 'outLanes', 'outWidth'] as const) checkInt(k, o[k], 1);
  // The receiver needs a few cycles per bit to find the middle of a bit.
  checkInt('clksPerBit', o.clksPerBit, 4);
}

/** Bytes per vector in each direction. */
export function uartByteCounts(o: UartByteCountOptions): { inBytes: number; outBytes: number } {
  for (const k of ['inLanes', 'inWidth', 'inBeats', 'outWidth'] as const) checkInt(k, o[k], 1);
  checkInt('outValues', o.outValues, 0);
  return { inBytes: o.inBeats * bytesFor(o.inLanes * o.inWidth), outBytes: o.outValues * bytesFor(o.outWidth) };
}

/** Host side: the bytes of one vector, given as its beats (each inLanes signed lane values). */
export function uartEncodeVector(beats: readonly (readonly number[])[], inLanes: number, inWidth: number): number[] {
  const nbytes = bytesFor(inLanes * inWidth);
  const out: number[] = [];
  for (const beat of beats) {
    if (beat.length !== inLanes) throw new CircaInputError(`uart: a beat has ${beat.length} lanes, expected ${inLanes}`);
    let v = 0n;
    for (let l = inLanes - 1; l >= 0; l--) v = (v << BigInt(inWidth)) | toUnsigned(beat[l], inWidth);
    for (let b = 0; b < nbytes; b++) out.push(Number((v >> BigInt(8 * b)) & 0xffn));
  }
  return out;
}

/** Host side: the bytes an answer carries for the given output values. */
export function uartEncodeValues(values: readonly number[], outWidth: number): number[] {
  const nbytes = bytesFor(outWidth);
  const out: number[] = [];
  for (const x of values) {
    const u = toUnsigned(x, 8 * nbytes); // sign-extended to whole bytes
    for (let b = 0; b < nbytes; b++) out.push(Number((u >> BigInt(8 * b)) & 0xffn));
  }
  return out;
}

/** Host side: output values from answer bytes (inverse of uartEncodeValues). */
export function uartDecodeValues(bytes: readonly number[], outWidth: number): number[] {
  const nbytes = bytesFor(outWidth);
  if (bytes.length % nbytes !== 0) {
    throw new CircaInputError(`uart: ${bytes.length} bytes is not a whole number of ${nbytes}-byte values`);
  }
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i += nbytes) {
    let u = 0n;
    for (let b = nbytes - 1; b >= 0; b--) u = (u << 8n) | BigInt(bytes[i + b] & 0xff);
    const bits = BigInt(8 * nbytes);
    out.push(Number(u >= 1n << (bits - 1n) ? u - (1n << bits) : u));
  }
  return out;
}

/** The hand-written templates circa_uart_top instantiates (the layer's own sources are not included). */
export function templatesForUart(): SourceFile[] {
  return ['uart_rx.v', 'uart_tx.v', 'uart_bytes_to_words.v', 'lanes_to_uart_bytes.v'].map(template);
}

/** Generate circa_uart_top.v around the layer `opts.layerModule`. */
export function emitUartTop(opts: UartTopOptions): SourceFile {
  checkOptions(opts);
  const inBits = opts.inLanes * opts.inWidth;
  const outBits = opts.outLanes * opts.outWidth;
  const inBytes = bytesFor(inBits);
  const outBytesPerLane = bytesFor(opts.outWidth);

  const head = header(
    'circa_uart_top: UART bridge around one streamed layer',
    {
      layerModule: opts.layerModule,
      layerParams: opts.layerParams,
      inLanes: opts.inLanes,
      inWidth: opts.inWidth,
      inBeats: opts.inBeats,
      outLanes: opts.outLanes,
      outWidth: opts.outWidth,
      clksPerBit: opts.clksPerBit,
    },
    [
      'Protocol (8N1 UART, clksPerBit clock cycles per bit):',
      `  host -> device: ${opts.inBeats} words per vector; a word is one input beat`,
      `    (${opts.inLanes} x ${opts.inWidth} bits, lane 0 lowest) as ${inBytes} little-endian byte(s).`,
      '  device -> host: every kept output lane, in beat and lane order, as',
      `    ${outBytesPerLane} little-endian byte(s), sign-extended from ${opts.outWidth} bits.`,
      '  busy: high from the first byte of a vector until the last byte of its answer has left',
      '    the transmitter. ovf: the layer\'s sticky overflow flag.',
      '  frame_err: sticky, a received byte was lost (low stop bit or receiver overrun).',
      '  The receiver holds one byte and the byte-to-word stage one word; a host that sends',
      '  vectors back to back relies on the layer keeping up with the line, otherwise it',
      '  should wait for each answer (or for busy to fall) before sending the next vector.',
    ],
  );

  const clk = { clk: 'clk', rst: 'rst' };
  const body = `
module ${UART_TOP_MODULE} (
  input  wire clk,
  input  wire rst,        // synchronous, active high
  input  wire uart_rx,    // serial line from the host
  output wire uart_tx,    // serial line to the host
  output wire busy,
  output wire ovf,
  output wire frame_err
);
  localparam CLKS_PER_BIT = ${opts.clksPerBit};
  localparam IN_BITS      = ${inBits};    // ${opts.inLanes} lane(s) x ${opts.inWidth} bits
  localparam IN_BEATS     = ${opts.inBeats};
  localparam OUT_LANES    = ${opts.outLanes};
  localparam OUT_W        = ${opts.outWidth};

  // ---- receive: serial line -> bytes --------------------------------------
  wire       rx_valid;
  wire       rx_ready;
  wire [7:0] rx_byte;
  wire       rx_frame_err;
  wire       rx_overrun;
  wire       rx_lost;     // pulse per lost byte; the sticky flags above say the same here

${instance('uart_rx', 'u_rx', { CLKS_PER_BIT: 'CLKS_PER_BIT' }, {
    ...clk, rx: 'uart_rx', m_valid: 'rx_valid', m_ready: 'rx_ready', m_data: 'rx_byte',
    frame_err: 'rx_frame_err', overrun: 'rx_overrun', lost: 'rx_lost',
  })}

  // ---- bytes -> input beats, last on every IN_BEATS-th beat -----------------
  wire               in_valid;
  wire               in_ready;
  wire [IN_BITS-1:0] in_data;
  wire               in_last;
  wire               at_vector_start;

${instance('uart_bytes_to_words', 'u_gather', { W: 'IN_BITS', WORDS: 'IN_BEATS' }, {
    ...clk, s_valid: 'rx_valid', s_ready: 'rx_ready', s_data: 'rx_byte', at_vector_start: 'at_vector_start',
    m_valid: 'in_valid', m_ready: 'in_ready', m_data: 'in_data', m_last: 'in_last',
  })}

  // ---- the layer -------------------------------------------------------------
  wire                       out_valid;
  wire                       out_ready;
  wire [OUT_LANES*OUT_W-1:0] out_data;
  wire [OUT_LANES-1:0]       out_keep;
  wire                       out_last;
  wire                       layer_ovf;
${(opts.layerExtraDecls ?? []).map((d) => `  ${d}`).join('\n')}

${instance(opts.layerModule, 'u_layer', opts.layerParams, {
    ...clk, s_valid: 'in_valid', s_ready: 'in_ready', s_data: 'in_data', s_last: 'in_last',
    m_valid: 'out_valid', m_ready: 'out_ready', m_data: 'out_data', m_keep: 'out_keep', m_last: 'out_last',
    ovf: 'layer_ovf', ...(opts.layerExtraPorts ?? {}),
  })}

  // ---- kept output lanes -> bytes ---------------------------------------------
  wire       tx_valid;
  wire       tx_ready;
  wire [7:0] tx_byte;
  wire       tx_last;   // the last byte of a vector's answer
  wire       tx_done;   // the transmitter finishes a byte's stop bit

${instance('lanes_to_uart_bytes', 'u_serial', { LANES: 'OUT_LANES', W: 'OUT_W' }, {
    ...clk, s_valid: 'out_valid', s_ready: 'out_ready', s_data: 'out_data', s_keep: 'out_keep', s_last: 'out_last',
    m_valid: 'tx_valid', m_ready: 'tx_ready', m_data: 'tx_byte', m_last: 'tx_last',
  })}

  // ---- transmit: bytes -> serial line -------------------------------------------
${instance('uart_tx', 'u_tx', { CLKS_PER_BIT: 'CLKS_PER_BIT' }, {
    ...clk, s_valid: 'tx_valid', s_ready: 'tx_ready', s_data: 'tx_byte', tx: 'uart_tx', done: 'tx_done',
  })}

  // ---- busy: vectors started and not yet fully answered -------------------------
  // A vector starts when its first byte leaves the receiver; it ends when the
  // transmitter finishes the stop bit of its last answer byte. last_in_tx says
  // whether the byte now in the transmitter is such a last byte. When a byte
  // finishes and the next one is loaded in the same cycle, tx_done refers to
  // the finishing byte, so the old value of last_in_tx is the one tested.
  reg [7:0] in_flight;
  reg       last_in_tx;
  wire vector_started  = rx_valid && rx_ready && at_vector_start;
  wire vector_answered = tx_done && last_in_tx;

  always @(posedge clk) begin
    if (rst) begin
      in_flight  <= 8'd0;
      last_in_tx <= 1'b0;
    end else begin
      if (vector_started && !vector_answered)      in_flight <= in_flight + 8'd1;
      else if (vector_answered && !vector_started) in_flight <= in_flight - 8'd1;
      if (tx_valid && tx_ready) last_in_tx <= tx_last;
      else if (tx_done)         last_in_tx <= 1'b0;
    end
  end

  assign busy      = (in_flight != 8'd0);
  assign ovf       = layer_ovf;
  assign frame_err = rx_frame_err | rx_overrun;
  wire unused_rx = &{1'b0, rx_lost};
endmodule
`;
  return { name: `${UART_TOP_MODULE}.v`, text: head + body };
}
