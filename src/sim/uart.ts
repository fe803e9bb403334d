/**
 * UART co-simulation: the Verilated harness plays the host on the serial
 * line of a board-level design (ports clk, rst, uart_rx, uart_tx, busy, ovf,
 * frame_err: circa_proto_top of src/network/proto-top.ts). Checking is left to the
 * caller. Two ways to drive it:
 *
 * - simulateUart: a scripted run. All bytes to send are written up front;
 *   the harness plays them back to back and records what came back.
 * - startUartSession: an interactive session. It is a ByteTransport, so the
 *   host tool (src/host/) talks to the simulated device exactly as to a
 *   serial port. Simulated time runs only while the host has sent something
 *   the device has not finished with: when the device goes quiet the harness
 *   waits for the host, so a read that asks for more bytes than the device
 *   sent fails at once instead of after a wall-clock timeout.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CircaError, CircaInputError } from '../errors.ts';
import type { SourceFile } from '../verilog/index.ts';
import { ReceiveBuffer, type ByteTransport } from './transport.ts';
import { buildVerilated } from './verilator.ts';
import { buildHarness, resolveSimulator, type SimulatorChoice, type SimulatorName } from './simulator.ts';

const run = promisify(execFile);

export interface UartDesign {
  sources: readonly SourceFile[];
  top: string;
}

export interface UartSimOptions {
  /** clock cycles per bit; must match the design's CLKS_PER_BIT */
  clksPerBit: number;
  /** give up after this many cycles (default: generous, from the byte counts) */
  maxCycles?: number;
  /**
   * indices into bytesIn of bytes to send with a low stop bit (a framing
   * error), each followed by two bit times of idle line
   */
  badStopBits?: readonly number[];
  /** wait for `busy` to fall before ending (default true) */
  waitIdle?: boolean;
  onProgress?: (msg: string) => void;
  /** which back end runs the harness (default auto: Verilator when on PATH, else CXXRTL) */
  simulator?: SimulatorChoice;
}

export interface UartSimResult {
  /** bytes decoded from uart_tx, in order (more than expected if the design sent extra) */
  bytes: number[];
  /** per byte: the cycle its stop bit was sampled */
  byteCycles: number[];
  /** sticky frame_err of the design at the end */
  frameErr: boolean;
  /** sticky ovf of the design at the end */
  ovf: boolean;
  /** busy at the end (false unless waitIdle was false) */
  busy: boolean;
  /** every change of busy */
  busyEdges: { cycle: number; busy: boolean }[];
  /** bytes the design sent with a low stop bit (should be 0) */
  txFrameErrors: number;
  /** cycles simulated after reset */
  cycles: number;
  buildSeconds: number;
  cached: boolean;
  /** the back end that ran */
  simulator: SimulatorName;
}

export async function simulateUart(
  design: UartDesign,
  bytesIn: readonly number[],
  expectOut: number,
  opts: UartSimOptions,
): Promise<UartSimResult> {
  const cpb = opts.clksPerBit;
  if (!Number.isInteger(cpb) || cpb < 4) throw new CircaInputError(`simulateUart: clksPerBit must be an integer >= 4, got ${cpb}`);
  if (!Number.isInteger(expectOut) || expectOut < 0) throw new CircaInputError(`simulateUart: expectOut must be >= 0, got ${expectOut}`);
  for (const b of bytesIn) {
    if (!Number.isInteger(b) || b < 0 || b > 255) throw new CircaInputError(`simulateUart: ${b} is not a byte`);
  }
  const bad = new Set(opts.badStopBits ?? []);
  for (const i of bad) {
    if (!Number.isInteger(i) || i < 0 || i >= bytesIn.length) throw new CircaInputError(`simulateUart: badStopBits index ${i} is out of range`);
  }

  const simulator = await resolveSimulator(opts.simulator);
  const harness = await buildHarness(
    simulator,
    { sources: design.sources, top: design.top, harness: 'uart_harness.cpp', defines: { CLKS_PER_BIT: cpb } },
    opts.onProgress,
  );
  const dir = mkdtempSync(join(tmpdir(), 'circa-uart-'));
  try {
    const inPath = join(dir, 'in.txt');
    const outPath = join(dir, 'out.txt');
    const tokens = bytesIn.map((b, i) => b.toString(16).padStart(2, '0') + (bad.has(i) ? '!' : ''));
    writeFileSync(inPath, `${bytesIn.length} ${expectOut}\n${tokens.join(' ')}\n`);
    // Sending and answering overlap at best; their sum, doubled, plus slack for the layer, is generous.
    const maxCycles = opts.maxCycles ?? 2 * 12 * cpb * (bytesIn.length + expectOut) + 200_000;
    opts.onProgress?.(`simulating ${bytesIn.length} bytes over UART (${simulator})`);
    await harness.run(dir, [{ file: 'in.txt' }, { file: 'out.txt' }, String(maxCycles), opts.waitIdle === false ? '0' : '1']);
    return { ...parseOutput(readFileSync(outPath, 'utf8')), buildSeconds: harness.seconds, cached: harness.cached, simulator };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseOutput(text: string) {
  const bytes: number[] = [];
  const byteCycles: number[] = [];
  const busyEdges: { cycle: number; busy: boolean }[] = [];
  let txFrameErrors = 0;
  let cycles = 0;
  let frameErr = false;
  let ovf = false;
  let busy = false;
  let ended = false;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const t = line.split(' ');
    if (t[0] === 'r') {
      byteCycles.push(Number(t[1]));
      bytes.push(parseInt(t[2], 16));
    } else if (t[0] === 'x') txFrameErrors++;
    else if (t[0] === 'b') busyEdges.push({ cycle: Number(t[1]), busy: t[2] === '1' });
    else if (t[0] === 'end') {
      ended = true;
      cycles = Number(t[1]);
      frameErr = t[2] === '1';
      ovf = t[3] === '1';
      busy = t[4] === '1';
    }
  }
  if (!ended) throw new CircaError('UART simulation ended without its summary line');
  return { bytes, byteCycles, busyEdges, txFrameErrors, cycles, frameErr, ovf, busy };
}

// ---------------------------------------------------------------------------
// Interactive sessions
// ---------------------------------------------------------------------------

export interface UartSessionOptions {
  /** clock cycles per bit; must match the design's CLKS_PER_BIT */
  clksPerBit: number;
  /** fail when one command keeps the device busy longer than this (default 50,000,000 cycles) */
  maxCyclesPerCommand?: number;
  onProgress?: (msg: string) => void;
}

export interface UartSessionEnd {
  /** cycles simulated after reset */
  cycles: number;
  frameErr: boolean;
  ovf: boolean;
  busy: boolean;
}

/**
 * A simulated device on a serial line, driven over the harness's interactive
 * mode (sim/uart_harness.cpp, "-i"). It implements ByteTransport; the extra
 * methods let a test send a byte with a bad stop bit or let simulated time
 * pass with the line idle.
 */
export class UartSimSession implements ByteTransport {
  readonly label: string;
  /** the cycle of the harness's last report */
  cycle = 0;
  /** cycle at which each received byte's stop bit was sampled, in order (bytes read or not) */
  readonly byteCycles: number[] = [];
  /** bytes the device sent with a low stop bit (should stay 0) */
  txFrameErrors = 0;
  /** when set, received bytes go here instead of the read buffer */
  onData: ((bytes: Uint8Array) => void) | null = null;

  private readonly rx = new ReceiveBuffer();
  /** commands sent whose "i" (quiet) report has not come back */
  private outstanding = 0;
  private quietWaiters: (() => void)[] = [];
  private ended: Promise<UartSessionEnd>;
  private stderr = '';
  private exited = false;

  constructor(private readonly child: ChildProcessWithoutNullStreams, top: string) {
    this.label = `simulated ${top}`;
    let endLine: UartSessionEnd | null = null;
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const t = line.split(' ');
      if (t[0] === 'r') {
        this.cycle = Number(t[1]);
        this.byteCycles.push(this.cycle);
        const b = Uint8Array.of(parseInt(t[2], 16));
        if (this.onData) this.onData(b);
        else this.rx.push(b);
      } else if (t[0] === 'x') {
        this.txFrameErrors++;
      } else if (t[0] === 'i') {
        this.cycle = Number(t[1]);
        this.outstanding = Math.max(0, this.outstanding - 1);
        if (this.outstanding === 0) {
          this.rx.starve(() => new CircaError(`${this.label} went quiet at cycle ${this.cycle} before sending the bytes asked for`));
          for (const w of this.quietWaiters.splice(0)) w();
        }
      } else if (t[0] === 'end') {
        endLine = { cycles: Number(t[1]), frameErr: t[2] === '1', ovf: t[3] === '1', busy: t[4] === '1' };
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    // writing to a harness that has exited is reported by the 'close' handler below
    child.stdin.on('error', () => undefined);
    this.ended = new Promise((resolve, reject) => {
      child.on('close', (code) => {
        this.exited = true;
        const err = new CircaError(`UART simulation ended (exit ${code}): ${this.stderr.trim() || 'no message'}`);
        this.rx.fail(err);
        for (const w of this.quietWaiters.splice(0)) w();
        if (code === 0 && endLine) resolve(endLine);
        else reject(err);
      });
    });
    // A failure is reported through reads and close(); keep an unobserved rejection quiet.
    this.ended.catch(() => undefined);
  }

  private send(line: string): void {
    if (this.exited) throw new CircaError(`${this.label}: the simulation has ended: ${this.stderr.trim()}`);
    this.outstanding++;
    this.child.stdin.write(`${line}\n`);
  }

  async write(bytes: Uint8Array | readonly number[]): Promise<void> {
    if (bytes.length === 0) return;
    const hex = Array.from(bytes, (b) => (b & 0xff).toString(16).padStart(2, '0'));
    // one line per 4096 bytes keeps lines short; the device sees them back to back either way
    for (let i = 0; i < hex.length; i += 4096) this.send(`s ${hex.slice(i, i + 4096).join(' ')}`);
  }

  /** send one byte with a low stop bit (a framing error the receiver drops) */
  async writeBadStopBit(byte: number): Promise<void> {
    this.send(`e ${(byte & 0xff).toString(16)}`);
  }

  /** let `cycles` cycles pass (the line idle unless bytes are still queued) */
  async advance(cycles: number): Promise<void> {
    if (!Number.isInteger(cycles) || cycles < 0) throw new CircaInputError(`advance: ${cycles} is not a cycle count`);
    this.send(`w ${cycles}`);
    await this.quiet();
  }

  /** resolves once the device has finished with everything sent so far */
  quiet(): Promise<void> {
    if (this.outstanding === 0 || this.exited) return Promise.resolve();
    return new Promise((resolve) => this.quietWaiters.push(resolve));
  }

  read(n: number, timeoutMs: number): Promise<Uint8Array> {
    const p = this.rx.read(n, timeoutMs, (got) => new CircaError(`${this.label}: ${got} of ${n} bytes after ${timeoutMs} ms (wall clock)`));
    if (this.outstanding === 0 && this.rx.length < n) {
      this.rx.starve(() => new CircaError(`${this.label} is quiet at cycle ${this.cycle}: ${this.rx.length} of ${n} bytes received`));
    }
    return p;
  }

  /** bytes received and not yet read */
  get pending(): number {
    return this.rx.length;
  }

  discard(): void {
    this.rx.discard();
  }

  /** end the simulation: its final cycle count and flags */
  async close(): Promise<void> {
    await this.end();
  }

  async end(): Promise<UartSessionEnd> {
    if (!this.exited) {
      this.child.stdin.write('q\n');
      this.child.stdin.end();
    }
    return this.ended;
  }
}

/** Build (or reuse) the Verilated design with the UART harness and start an interactive session. */
export async function startUartSession(design: UartDesign, opts: UartSessionOptions): Promise<UartSimSession> {
  const cpb = opts.clksPerBit;
  if (!Number.isInteger(cpb) || cpb < 4) throw new CircaInputError(`startUartSession: clksPerBit must be an integer >= 4, got ${cpb}`);
  const built = await buildVerilated(
    { sources: design.sources, top: design.top, harness: 'uart_harness.cpp', defines: { CLKS_PER_BIT: cpb } },
    opts.onProgress,
  );
  const child = spawn(built.binary, ['-i', String(opts.maxCyclesPerCommand ?? 50_000_000)], { stdio: ['pipe', 'pipe', 'pipe'] });
  return new UartSimSession(child, design.top);
}
