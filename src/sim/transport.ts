/**
 * The byte pipe between the host tool and a device. A serial port
 * (src/host/serial.ts) and the Verilated board top (src/sim/uart.ts,
 * startUartSession) both provide it, so `circa run` works the same on the
 * board and in simulation.
 */
export interface ByteTransport {
  /** what the bytes go to, for messages: "serial /dev/ttyUSB1 at 115200 baud" */
  readonly label: string;
  /** send bytes (resolves once they are handed to the device or the OS) */
  write(bytes: Uint8Array): Promise<void>;
  /**
   * Exactly n received bytes, in order. Rejects with a CircaError when they
   * do not arrive within timeoutMs, or as soon as the transport knows they
   * never will (a simulated device that went quiet, a closed port).
   */
  read(n: number, timeoutMs: number): Promise<Uint8Array>;
  /** drop bytes received and not yet read */
  discard(): void;
  close(): Promise<void>;
}

/** Received bytes waiting for a reader: the part of a transport both implementations share. */
export class ReceiveBuffer {
  private chunks: number[] = [];
  private waiter: { n: number; resolve: (b: Uint8Array) => void; reject: (e: Error) => void; timer?: NodeJS.Timeout } | null = null;
  private failure: Error | null = null;

  get length(): number {
    return this.chunks.length;
  }

  push(bytes: ArrayLike<number>): void {
    for (let i = 0; i < bytes.length; i++) this.chunks.push(bytes[i] & 0xff);
    this.settle();
  }

  /** no more bytes will come (until more are asked for): fail a reader that waits for more than there are */
  starve(err: () => Error): void {
    if (this.waiter && this.chunks.length < this.waiter.n) this.finish(null, err());
  }

  /** the transport is gone: fail the reader now and every later one */
  fail(err: Error): void {
    this.failure = err;
    if (this.waiter) this.finish(null, err);
  }

  discard(): void {
    this.chunks = [];
  }

  read(n: number, timeoutMs: number, onTimeout: (got: number) => Error): Promise<Uint8Array> {
    if (this.waiter) return Promise.reject(new Error('ReceiveBuffer: one read at a time'));
    if (this.chunks.length >= n) return Promise.resolve(this.take(n));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { n, resolve, reject };
      if (Number.isFinite(timeoutMs)) {
        this.waiter.timer = setTimeout(() => this.finish(null, onTimeout(this.chunks.length)), timeoutMs);
      }
    });
  }

  private take(n: number): Uint8Array {
    const out = Uint8Array.from(this.chunks.slice(0, n));
    this.chunks = this.chunks.slice(n);
    return out;
  }

  private settle(): void {
    if (this.waiter && this.chunks.length >= this.waiter.n) this.finish(this.take(this.waiter.n), null);
  }

  private finish(bytes: Uint8Array | null, err: Error | null): void {
    const w = this.waiter;
    if (!w) return;
    this.waiter = null;
    if (w.timer) clearTimeout(w.timer);
    if (err) w.reject(err);
    else w.resolve(bytes!);
  }
}
