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
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fromUnsigned, toUnsigned } from '../fixed/index.ts';
import { track } from '../cleanup.ts';
import { CircaError } from '../errors.ts';
import type { SourceFile } from '../verilog/index.ts';
import { buildHarness, resolveSimulator, type SimulatorChoice, type SimulatorName } from './simulator.ts';

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
  /** the yosys passes to C++ for CXXRTL, when not the default (gate-level netlists) */
  cxxrtlScript?: string;
}

export interface StreamOptions {
  /** percent of cycles on which the harness offers new input (100 = every cycle) */
  validPct?: number;
  /** percent of cycles on which the harness accepts output (100 = always ready) */
  readyPct?: number;
  seed?: number;
  maxCycles?: number;
  onProgress?: (msg: string) => void;
  /** which back end runs the harness (default auto: Verilator when on PATH, else CXXRTL) */
  simulator?: SimulatorChoice;
  /** write a VCD of one vector (from its first offered beat to its last output beat) to this path */
  vcd?: { path: string; vector: number };
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
  /** the back end that ran */
  simulator: SimulatorName;
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
  const simulator = await resolveSimulator(opts.simulator);
  const harness = await buildHarness(
    simulator,
    {
      sources: design.sources,
      top: design.top,
      harness: 'stream_harness.cpp',
      defines: { IN_LANES: io.inLanes, IN_W: io.inWidth, OUT_LANES: io.outLanes, OUT_W: io.outWidth },
      verilatorFlags: design.verilatorFlags,
      cxxrtlScript: design.cxxrtlScript,
      trace: !!opts.vcd,
    },
    opts.onProgress,
  );
  const dir = mkdtempSync(join(tmpdir(), 'circa-sim-'));
  const untrack = track(dir);
  try {
    const lines = [`${vectors.length} ${io.inBeats} ${io.outBeats}`];
    for (const vec of vectors) {
      if (vec.length !== io.inBeats) throw new CircaError(`vector has ${vec.length} beats, the design takes ${io.inBeats}`);
      lines.push(vec.map((beat) => packBeat(beat, io.inWidth)).join(' '));
    }
    writeFileSync(join(dir, 'in.txt'), lines.join('\n') + '\n');
    const t0 = Date.now();
    const maxCycles = opts.maxCycles ?? 1_000_000 + vectors.length * (io.inBeats + io.outBeats) * 200;
    opts.onProgress?.(`simulating ${vectors.length} vectors (${simulator})`);
    const trace = opts.vcd ? [String(opts.vcd.vector), { file: 'trace.vcd' }] : [];
    await harness.run(dir, [
      { file: 'in.txt' }, { file: 'out.txt' },
      String(opts.seed ?? 1), String(opts.validPct ?? 100), String(opts.readyPct ?? 100), String(maxCycles),
      ...trace,
    ]);
    const runSeconds = (Date.now() - t0) / 1000;
    if (opts.vcd) {
      const vcd = join(dir, 'trace.vcd');
      if (!existsSync(vcd)) throw new CircaError(`${simulator}: the harness wrote no VCD (vector ${opts.vcd.vector} of ${vectors.length})`);
      // staged beside the target and renamed, so a VCD path never holds half a file
      mkdirSync(dirname(opts.vcd.path), { recursive: true });
      const staged = join(dirname(opts.vcd.path), `.${process.pid}-trace.vcd.tmp`);
      copyFileSync(vcd, staged);
      renameSync(staged, opts.vcd.path);
    }
    let text: string;
    try {
      text = readFileSync(join(dir, 'out.txt'), 'utf8');
    } catch {
      throw new CircaError(`${simulator}: the harness of ${design.top} wrote no results`);
    }
    return {
      ...parseOutput(text, vectors.length, io, design.top),
      buildSeconds: harness.seconds, cached: harness.cached, runSeconds, simulator,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    untrack();
  }
}

function parseOutput(text: string, nvec: number, io: StreamInterface, top: string) {
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
  let ended = false;
  const protocol = (why: string) => new CircaError(`harness protocol error (${top}): ${why}`);
  for (const line of text.split('\n')) {
    if (!line) continue;
    const t = line.split(' ');
    if (t[0] === 'v' && t.length === 3 && Number(t[1]) < nvec) firstIn[Number(t[1])] = Number(t[2]);
    else if (t[0] === 'o' && t.length === 4 + io.outLanes) {
      const keep = parseInt(t[3], 16);
      const lanes = t.slice(4).map(decode);
      const vec = Math.floor(beatIndex / io.outBeats);
      if (vec >= nvec) throw protocol(`more output beats than ${nvec} vectors of ${io.outBeats}`);
      beats[vec].push({ cycle: Number(t[1]), last: t[2] === '1', keep, lanes });
      beatIndex++;
    } else if (t[0] === 'end' && t.length === 3) {
      totalCycles = Number(t[1]);
      overflow = t[2] === '1';
      ended = true;
    } else throw protocol(`unexpected record '${line.slice(0, 80)}'`);
  }
  if (!ended) throw protocol('no end record');
  const outputs = beats.map((bs) => bs.flatMap((b) => b.lanes.filter((_, l) => (b.keep >> l) & 1)));
  const lastOut = beats.map((bs) => (bs.length ? bs[bs.length - 1].cycle : -1));
  return { outputs, beats, firstIn, lastOut, overflow, totalCycles };
}
