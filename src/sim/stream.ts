/**
 * Stream co-simulation: write input vectors, run the Verilated harness, read
 * every output beat back with its cycle stamp. Comparison against the
 * reference model lives in compare.ts; this file only moves data.
 *
 * Port convention of a streamed design (the harness relies on it):
 *   clk, rst (sync, active high),
 *   s_valid, s_ready, s_data[IN_LANES*IN_W-1:0], s_last,
 *   m_valid, m_ready, m_data[OUT_LANES*OUT_W-1:0], m_keep[OUT_LANES-1:0], m_last,
 *   ovf (sticky overflow flag).
 * Lane l of a beat sits in bits [l*W +: W].
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromUnsigned, toUnsigned } from '../fixed/index.ts';
import { track, trackChild } from '../cleanup.ts';
import { CircaError } from '../errors.ts';
import type { SourceFile } from '../verilog/index.ts';
import { buildVerilated } from './verilator.ts';

const run = promisify(execFile);

export interface StreamInterface {
  inLanes: number;
  inWidth: number;
  outLanes: number;
  outWidth: number;
  /** input beats per vector */
  inBeats: number;
  /** output beats per vector */
  outBeats: number;
}

export interface StreamDesign {
  sources: readonly SourceFile[];
  top: string;
  io: StreamInterface;
  /** extra Verilator flags for this design (gate-level netlists, see src/sim/netlist.ts) */
  verilatorFlags?: readonly string[];
}

export interface StreamOptions {
  /** percent of cycles on which the harness offers new input (100 = every cycle) */
  validPct?: number;
  /** percent of cycles on which the harness accepts output (100 = always ready) */
  readyPct?: number;
  seed?: number;
  maxCycles?: number;
  onProgress?: (msg: string) => void;
}

export interface OutputBeat {
  cycle: number;
  last: boolean;
  keep: number;
  lanes: number[];
}

export interface StreamResult {
  /** per vector: the kept output lane values in order */
  outputs: number[][];
  /** per vector: every output beat */
  beats: OutputBeat[][];
  /** per vector: cycle of the first input handshake */
  firstIn: number[];
  /** per vector: cycle of the last output handshake */
  lastOut: number[];
  overflow: boolean;
  totalCycles: number;
  buildSeconds: number;
  cached: boolean;
  runSeconds: number;
}

/** Pack one beat's lanes (signed values) into a hex word. */
function packBeat(lanes: readonly number[], w: number): string {
  if (lanes.length * w <= 48) {
    // the common case: plain numbers are exact below 2^53
    let v = 0;
    for (let l = lanes.length - 1; l >= 0; l--) {
      const x = lanes[l];
      v = v * 2 ** w + (x < 0 ? x + 2 ** w : x);
    }
    return v.toString(16);
  }
  let v = 0n;
  for (let l = lanes.length - 1; l >= 0; l--) v = (v << BigInt(w)) | toUnsigned(lanes[l], w);
  return v.toString(16);
}

/**
 * Run vectors through a design. `vectors[k][b]` is beat b of vector k, given as
 * its lanes (length inLanes).
 */
export async function simulateStream(
  design: StreamDesign,
  vectors: readonly (readonly (readonly number[])[])[],
  opts: StreamOptions = {},
): Promise<StreamResult> {
  const io = design.io;
  const built = await buildVerilated(
    {
      sources: design.sources,
      top: design.top,
      harness: 'stream_harness.cpp',
      defines: { IN_LANES: io.inLanes, IN_W: io.inWidth, OUT_LANES: io.outLanes, OUT_W: io.outWidth },
      extraFlags: design.verilatorFlags,
    },
    opts.onProgress,
  );
  const dir = mkdtempSync(join(tmpdir(), 'circa-sim-'));
  const untrack = track(dir);
  try {
    const inPath = join(dir, 'in.txt');
    const outPath = join(dir, 'out.txt');
    const lines = [`${vectors.length} ${io.inBeats} ${io.outBeats}`];
    for (const vec of vectors) {
      if (vec.length !== io.inBeats) throw new CircaError(`vector has ${vec.length} beats, the design takes ${io.inBeats}`);
      lines.push(vec.map((beat) => packBeat(beat, io.inWidth)).join(' '));
    }
    writeFileSync(inPath, lines.join('\n') + '\n');
    const t0 = Date.now();
    const maxCycles = opts.maxCycles ?? 1_000_000 + vectors.length * (io.inBeats + io.outBeats) * 200;
    opts.onProgress?.(`simulating ${vectors.length} vectors`);
    try {
      const running = run(
        built.binary,
        [inPath, outPath, String(opts.seed ?? 1), String(opts.validPct ?? 100), String(opts.readyPct ?? 100), String(maxCycles)],
        { maxBuffer: 16 * 1024 * 1024 },
      );
      const untrackChild = trackChild(running.child);
      await running.finally(untrackChild);
    } catch (e) {
      const err = e as { stderr?: string };
      throw new CircaError(`simulation of ${design.top} failed: ${(err.stderr ?? String(e)).trim()}`);
    }
    const runSeconds = (Date.now() - t0) / 1000;
    return { ...parseOutput(readFileSync(outPath, 'utf8'), vectors.length, io), buildSeconds: built.seconds, cached: built.cached, runSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    untrack();
  }
}

function parseOutput(text: string, nvec: number, io: StreamInterface) {
  const w = io.outWidth;
  const decode = w <= 48
    ? (h: string) => {
        const u = parseInt(h, 16);
        return u >= 2 ** (w - 1) ? u - 2 ** w : u;
      }
    : (h: string) => fromUnsigned(BigInt(`0x${h}`), w);
  const firstIn: number[] = new Array(nvec).fill(-1);
  const beats: OutputBeat[][] = Array.from({ length: nvec }, () => []);
  let overflow = false;
  let totalCycles = 0;
  let beatIndex = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const t = line.split(' ');
    if (t[0] === 'v') firstIn[Number(t[1])] = Number(t[2]);
    else if (t[0] === 'o') {
      const keep = parseInt(t[3], 16);
      const lanes = t.slice(4).map(decode);
      const vec = Math.floor(beatIndex / io.outBeats);
      beats[vec].push({ cycle: Number(t[1]), last: t[2] === '1', keep, lanes });
      beatIndex++;
    } else if (t[0] === 'end') {
      totalCycles = Number(t[1]);
      overflow = t[2] === '1';
    }
  }
  const outputs = beats.map((bs) => bs.flatMap((b) => b.lanes.filter((_, l) => (b.keep >> l) & 1)));
  const lastOut = beats.map((bs) => (bs.length ? bs[bs.length - 1].cycle : -1));
  return { outputs, beats, firstIn, lastOut, overflow, totalCycles };
}
