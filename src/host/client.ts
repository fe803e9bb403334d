/**
 * The host side of circa's framed UART protocol (src/network/protocol.ts):
 * one request, one answer, over any ByteTransport.
 */
import { CircaError } from '../errors.ts';
import {
  ANSWER_ERROR, CMD, ERR, STATUS_PAYLOAD, WRITE_BLOCK_MAX, answerCode, bytesPerValue, commandName, decodeError, decodeFrame, decodeStatus,
  decodeValues, encodeFrame, encodeValues, encodeWriteBlock, encodeWriteReg, frameLength, type DeviceStatus, type Frame,
} from '../network/protocol.ts';
import type { ByteTransport } from '../sim/transport.ts';

/** The device answered with an error frame. */
export class DeviceError extends CircaError {
  constructor(readonly code: number, readonly command: number, text: string) {
    super(`the device rejected ${commandName(command)}: ${text} (error ${code})`);
  }
}

export interface ClientShape {
  /** input elements per vector and their width in bits */
  inputs: number;
  inWidth: number;
  /** output values per vector (known from the design) and their width */
  outputs: number;
  outWidth: number;
}

export interface ClientOptions {
  /** line rate, to size the wait for an answer (default 115200) */
  baud?: number;
  /** time allowed beyond the line time of an answer (default 2000 ms) */
  slackMs?: number;
  /** most values per WRITE_BLOCK frame (default and maximum WRITE_BLOCK_MAX, 16383) */
  blockValues?: number;
}

export class ProtocolClient {
  private readonly baud: number;
  private readonly slackMs: number;
  private readonly blockValues: number;

  constructor(readonly transport: ByteTransport, readonly shape: ClientShape, opts: ClientOptions = {}) {
    this.baud = opts.baud ?? 115200;
    this.slackMs = opts.slackMs ?? 2000;
    this.blockValues = opts.blockValues ?? WRITE_BLOCK_MAX;
    if (!Number.isInteger(this.blockValues) || this.blockValues < 1 || this.blockValues > WRITE_BLOCK_MAX) {
      throw new CircaError(`blockValues must be an integer in 1..${WRITE_BLOCK_MAX}, got ${this.blockValues}`);
    }
  }

  /**
   * Wall time for `bytes` bytes on the line (10 bits each: 8N1), plus slack.
   * The first wait of a request counts the whole request frame as well as the
   * answer's header: a WRITE_BLOCK is answered only after its last byte is in
   * (16383 values: 65538 bytes, 5.7 s at 115200 baud), and transport.write
   * may resolve as soon as the OS holds the bytes.
   */
  timeoutFor(bytes: number): number {
    return Math.ceil((bytes * 10 * 1000) / this.baud) + this.slackMs;
  }

  /**
   * Send one frame and read the answer frame. Throws DeviceError for an error
   * answer, CircaError for a bad or unexpected answer or none at all.
   */
  async request(cmd: number, payload: ArrayLike<number> = []): Promise<Frame> {
    const frame = encodeFrame(cmd, payload);
    this.transport.discard();
    await this.transport.write(frame);
    const what = `${commandName(cmd)} on ${this.transport.label}`;
    let head: Uint8Array;
    try {
      // the request is still on the line while the answer is prepared
      head = await this.transport.read(3, this.timeoutFor(frame.length + 3));
    } catch (e) {
      throw new CircaError(`no answer to ${what}: ${(e as Error).message}. ` +
        'Is the board programmed with a circa bitstream, and is the baud rate right?', 1, { cause: e });
    }
    const len = frameLength(head);
    let rest: Uint8Array;
    try {
      rest = await this.transport.read(len + 1, this.timeoutFor(len + 1));
    } catch (e) {
      throw new CircaError(`incomplete answer to ${what} (code 0x${head[0].toString(16)}, ${len} payload bytes announced): ${(e as Error).message}`, 1, { cause: e });
    }
    const answer = decodeFrame([...head, ...rest]);
    if (answer.code === ANSWER_ERROR) {
      const err = decodeError(answer.payload);
      throw new DeviceError(err.code, err.command, err.text);
    }
    if (answer.code !== answerCode(cmd)) {
      throw new CircaError(`unexpected answer to ${what}: code 0x${answer.code.toString(16)}, expected 0x${answerCode(cmd).toString(16)}`);
    }
    return answer;
  }

  private outputsOf(answer: Frame): number[] {
    const want = this.shape.outputs * bytesPerValue(this.shape.outWidth);
    if (answer.payload.length !== want) {
      throw new CircaError(`the device sent ${answer.payload.length} output bytes, the design has ${this.shape.outputs} outputs of ${bytesPerValue(this.shape.outWidth)} byte(s) (${want}): ` +
        'is the board programmed with a bitstream of this spec?');
    }
    return decodeValues(answer.payload, this.shape.outWidth);
  }

  /** LOAD_INPUT: run one vector (raw integers in the input format) and return the raw outputs. */
  async loadInput(x: readonly number[]): Promise<number[]> {
    if (x.length !== this.shape.inputs) throw new CircaError(`a vector of ${x.length} elements; the design takes ${this.shape.inputs}`);
    return this.outputsOf(await this.request(CMD.LOAD_INPUT, encodeValues(x, this.shape.inWidth)));
  }

  /** READ_OUTPUT: the last outputs again. */
  async readOutput(): Promise<number[]> {
    return this.outputsOf(await this.request(CMD.READ_OUTPUT));
  }

  /** WRITE_REG: write `value` to config address `address`. */
  async writeReg(address: number, value: number): Promise<void> {
    await this.request(CMD.WRITE_REG, encodeWriteReg(address, value));
  }

  /**
   * WRITE_BLOCK: write every value to config address `address`, in order, as
   * that many WRITE_REGs would, in frames of at most `blockValues` values
   * (WRITE_BLOCK_MAX = 16383), each waiting for its answer. `onFrame` is
   * called before each frame with the number of values already written.
   * Returns the number of frames sent.
   *
   * The device applies a frame's writes as its payload arrives, so a "bad
   * checksum" answer comes after the writes: the DeviceError says so, and the
   * whole load has to be redone (src/network/protocol.ts).
   */
  async writeBlock(address: number, values: readonly number[], onFrame?: (written: number) => void): Promise<number> {
    // every frame's payload first, so a bad address or value is refused before any byte goes out
    const payloads: { first: number; count: number; bytes: number[] }[] = [];
    for (let i = 0; i < values.length; i += this.blockValues) {
      const chunk = values.slice(i, i + this.blockValues);
      payloads.push({ first: i, count: chunk.length, bytes: encodeWriteBlock(address, chunk) });
    }
    for (const p of payloads) {
      onFrame?.(p.first);
      try {
        await this.request(CMD.WRITE_BLOCK, p.bytes);
      } catch (e) {
        if (e instanceof DeviceError && e.code === ERR.BAD_CHECKSUM) {
          throw new DeviceError(e.code, e.command, `bad checksum, answered after the frame's writes were applied as they arrived (values ${p.first}..${p.first + p.count - 1} ` +
            `of ${values.length} to address ${address}): the registers hold unknown values, redo the whole load`);
        }
        if (e instanceof DeviceError && e.code === ERR.UNKNOWN_COMMAND && e.command === CMD.WRITE_BLOCK) {
          throw new DeviceError(e.code, e.command, 'unknown command: the bitstream predates WRITE_BLOCK (protocol version 1); rebuild it with this circa');
        }
        throw e;
      }
    }
    return payloads.length;
  }

  /** READ_STATUS */
  async readStatus(): Promise<DeviceStatus> {
    const a = await this.request(CMD.READ_STATUS);
    if (a.payload.length !== STATUS_PAYLOAD) throw new CircaError(`status answer of ${a.payload.length} bytes, expected ${STATUS_PAYLOAD}`);
    return decodeStatus(a.payload);
  }
}
