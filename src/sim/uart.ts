/**
 * UART co-simulation: the Verilated harness plays the host on the serial
 * line of a circa_uart_top design (ports clk, rst, uart_rx, uart_tx, busy,
 * ovf, frame_err). This file writes the bytes to send, runs the harness and
 * reads back what the design transmitted; checking is left to the caller.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CircaError, CircaInputError } from '../errors.ts';
import type { SourceFile } from '../verilog/index.ts';
import { buildVerilated } from './verilator.ts';

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

  const built = await buildVerilated(
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
    opts.onProgress?.(`simulating ${bytesIn.length} bytes over UART`);
    try {
      await run(built.binary, [inPath, outPath, String(maxCycles), opts.waitIdle === false ? '0' : '1'], {
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (e) {
      const err = e as { stderr?: string };
      throw new CircaError(`UART simulation of ${design.top} failed: ${(err.stderr ?? String(e)).trim()}`);
    }
    return { ...parseOutput(readFileSync(outPath, 'utf8')), buildSeconds: built.seconds, cached: built.cached };
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
