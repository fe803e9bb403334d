/**
 * A serial port as a ByteTransport, without native addons: `stty` sets the
 * line (raw 8N1 at the baud rate, no echo, no flow control), then the device
 * file is opened non-blocking and polled with node:fs.
 *
 * Non-blocking reads (EAGAIN when nothing has arrived) keep every read short,
 * so closing the port never leaves a libuv thread stuck in a blocking read.
 */
import { execFile } from 'node:child_process';
import { closeSync, constants as fsc, existsSync, openSync, read, statSync, write } from 'node:fs';
import { promisify } from 'node:util';
import { CircaError, CircaInputError } from '../errors.ts';
import { ReceiveBuffer, type ByteTransport } from './transport.ts';

const run = promisify(execFile);

/** The rates stty takes by name on Linux. */
export const STANDARD_BAUDS = [
  1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 500000, 576000, 921600,
  1000000, 1152000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000,
];

const POLL_MS = 2;

/** The stty arguments circa uses for a port (Linux `-F`, macOS `-f`). */
export function sttyArgs(path: string, baud: number, platform: NodeJS.Platform = process.platform): string[] {
  return [platform === 'darwin' ? '-f' : '-F', path, String(baud), 'raw', '-echo', 'cs8', '-cstopb', '-parenb', '-crtscts', 'clocal'];
}

export class SerialTransport implements ByteTransport {
  readonly label: string;
  private readonly rx = new ReceiveBuffer();
  private closed = false;
  private readonly buf = Buffer.alloc(4096);
  private pollTimer: NodeJS.Timeout | null = null;
  /** a read is in flight; close() waits for it, so the fd is never closed under it */
  private reading: Promise<void> | null = null;

  private constructor(private readonly fd: number, readonly path: string, readonly baud: number) {
    this.label = `serial ${path} at ${baud} baud`;
    this.poll();
  }

  /** Configure and open `path`. CircaInputError when it does not exist or is not a terminal device. */
  static async open(path: string, baud: number): Promise<SerialTransport> {
    if (!STANDARD_BAUDS.includes(baud)) {
      throw new CircaInputError(`--baud: ${baud} is not a rate stty takes; use one of ${STANDARD_BAUDS.join(', ')}`);
    }
    if (!existsSync(path)) {
      throw new CircaInputError(
        `--port ${path}: no such device. Is the board plugged in? (the iCEBreaker's UART is the FTDI's second channel, ` +
          'usually /dev/ttyUSB1; list candidates with `ls /dev/ttyUSB* /dev/ttyACM*`)',
      );
    }
    if (!statSync(path).isCharacterDevice()) throw new CircaInputError(`--port ${path}: not a serial device (not a character device)`);
    if (process.platform !== 'linux' && process.platform !== 'darwin') {
      throw new CircaInputError(`--port: serial access uses stty and device files, which ${process.platform} does not have`);
    }
    try {
      await run('stty', sttyArgs(path, baud));
    } catch (e) {
      const err = e as { stderr?: string; code?: string };
      if (err.code === 'ENOENT') throw new CircaError('stty is not installed (it is part of coreutils); circa run needs it to set up the port');
      throw new CircaInputError(`--port ${path}: stty could not configure it: ${(err.stderr ?? String(e)).trim()}`);
    }
    let fd: number;
    try {
      fd = openSync(path, fsc.O_RDWR | fsc.O_NOCTTY | fsc.O_NONBLOCK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const hint = code === 'EACCES' ? ' (add yourself to the dialout group, or check the permissions)' : code === 'EBUSY' ? ' (another program has it open)' : '';
      throw new CircaInputError(`--port ${path}: cannot open it: ${code ?? String(e)}${hint}`);
    }
    return new SerialTransport(fd, path, baud);
  }

  /** Read whatever has arrived, then look again in POLL_MS. */
  private poll(): void {
    if (this.closed) return;
    let done!: () => void;
    this.reading = new Promise((r) => (done = r));
    read(this.fd, this.buf, 0, this.buf.length, null, (err, n) => {
      this.reading = null;
      done();
      if (this.closed) return;
      if (err && err.code !== 'EAGAIN' && err.code !== 'EWOULDBLOCK') {
        this.rx.fail(new CircaError(`${this.label}: read failed: ${err.code ?? err.message}`));
        return;
      }
      if (!err && n > 0) {
        this.rx.push(this.buf.subarray(0, n));
        setImmediate(() => this.poll());
      } else {
        this.pollTimer = setTimeout(() => this.poll(), POLL_MS);
      }
    });
  }

  async write(bytes: Uint8Array): Promise<void> {
    let off = 0;
    while (off < bytes.length) {
      if (this.closed) throw new CircaError(`${this.label}: closed`);
      const n = await new Promise<number>((resolve, reject) => {
        write(this.fd, bytes, off, bytes.length - off, null, (err, written) => {
          if (err && (err.code === 'EAGAIN' || err.code === 'EWOULDBLOCK')) resolve(0);
          else if (err) reject(new CircaError(`${this.label}: write failed: ${err.code ?? err.message}`));
          else resolve(written);
        });
      });
      off += n;
      if (n === 0) await new Promise((r) => setTimeout(r, POLL_MS));   // the output queue is full
    }
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
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.rx.fail(new CircaError(`${this.label}: closed`));
    if (this.reading) await this.reading;
    closeSync(this.fd);
  }
}

export const openSerialPort = (path: string, baud: number): Promise<SerialTransport> => SerialTransport.open(path, baud);
