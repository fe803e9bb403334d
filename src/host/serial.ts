/**
 * A serial port as a ByteTransport, through the `serialport` package: its
 * prebuilt native bindings (installed from npm, nothing to compile) drive the
 * line on Linux, macOS and Windows alike (raw 8N1 at the baud rate, no flow
 * control). The port is /dev/ttyUSB1 or /dev/cu.usbserial-… or COM3.
 *
 * The package is loaded when a port is opened, not when the command starts.
 * Tests pass @serialport/binding-mock's MockBinding as `binding`.
 */
import { existsSync, statSync } from 'node:fs';
import type { OpenOptions, SerialPortStream } from '@serialport/stream';
import { CircaError, CircaInputError } from '../errors.ts';
import { ReceiveBuffer, type ByteTransport } from '../sim/transport.ts';

export interface SerialOpenOptions {
  /** the serialport binding (default: the platform's native one); tests use @serialport/binding-mock */
  binding?: OpenOptions['binding'];
}

/** What to tell the user when a port cannot be opened: the cause, and what usually fixes it. */
function openHint(message: string): string {
  if (/permission denied|EACCES|access is denied/i.test(message)) {
    return process.platform === 'win32' ? ' (another program may have it open)' : ' (add yourself to the dialout group, or check the permissions)';
  }
  if (/lock|busy|EBUSY/i.test(message)) return ' (another program has it open)';
  return '';
}

const NO_DEVICE_HINT = process.platform === 'win32'
  ? 'Is the board plugged in? (see the COM ports in Device Manager)'
  : process.platform === 'darwin'
    ? 'Is the board plugged in? (list candidates with `ls /dev/cu.usbserial*`)'
    : 'Is the board plugged in? (the iCEBreaker\'s UART is the FTDI\'s second channel, usually /dev/ttyUSB1; list candidates with `ls /dev/ttyUSB* /dev/ttyACM*`)';

export class SerialTransport implements ByteTransport {
  readonly label: string;
  private readonly rx = new ReceiveBuffer();
  private closed = false;

  private constructor(readonly port: SerialPortStream, readonly path: string, readonly baud: number) {
    this.label = `serial ${path} at ${baud} baud`;
    port.on('data', (chunk: Buffer) => this.rx.push(chunk));
    port.on('error', (e: Error) => this.rx.fail(new CircaError(`${this.label}: ${e.message}`)));
    port.on('close', () => {
      if (!this.closed) this.rx.fail(new CircaError(`${this.label}: the port closed (was the board unplugged?)`));
    });
  }

  /** Open and configure `path`. CircaInputError when it does not exist or cannot be opened. */
  static async open(path: string, baud: number, opts: SerialOpenOptions = {}): Promise<SerialTransport> {
    if (!Number.isInteger(baud) || baud <= 0) throw new CircaInputError(`--baud: must be a positive integer, got ${baud}`);
    // a device file that is not there: say so before the binding does, with where to look
    if (!opts.binding && process.platform !== 'win32' && !existsSync(path)) {
      throw new CircaInputError(`--port ${path}: no such device. ${NO_DEVICE_HINT}`);
    }
    if (!opts.binding && process.platform !== 'win32' && statSync(path).isFile()) {
      throw new CircaInputError(`--port ${path}: not a serial device (a regular file). ${NO_DEVICE_HINT}`);
    }
    const { SerialPortStream } = await import('@serialport/stream');
    const binding = opts.binding ?? (await import('serialport')).SerialPort.binding;
    const port = new SerialPortStream({
      binding, path, baudRate: baud, dataBits: 8, stopBits: 1, parity: 'none', rtscts: false, xon: false, xoff: false, autoOpen: false,
    });
    try {
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    } catch (e) {
      const message = (e as Error).message;
      if (/does not exist|no such file|cannot find|file not found/i.test(message)) {
        throw new CircaInputError(`--port ${path}: no such device (${message}). ${NO_DEVICE_HINT}`);
      }
      throw new CircaInputError(`--port ${path}: cannot open it: ${message}${openHint(message)}`);
    }
    return new SerialTransport(port, path, baud);
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.closed) throw new CircaError(`${this.label}: closed`);
    await new Promise<void>((resolve, reject) => {
      this.port.write(Buffer.from(bytes), (err) => (err ? reject(new CircaError(`${this.label}: write failed: ${err.message}`)) : resolve()));
    });
  }

  read(n: number, timeoutMs: number): Promise<Uint8Array> {
    return this.rx.read(n, timeoutMs, (got) => new CircaError(`${this.label}: ${got} of ${n} bytes within ${timeoutMs} ms`));
  }

  discard(): void {
    this.rx.discard();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rx.fail(new CircaError(`${this.label}: closed`));
    if (!this.port.isOpen) return;
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }
}

export const openSerialPort = (path: string, baud: number, opts: SerialOpenOptions = {}): Promise<SerialTransport> => SerialTransport.open(path, baud, opts);
