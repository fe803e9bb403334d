/**
 * Stream co-simulation: feed input vectors to the harness (sim/stream_harness.cpp)
 * and read every output beat back with its cycle stamp, in binary on both
 * sides (no text on the hot path). Comparison against the reference model
 * lives in cosim.ts; this file only moves data.
 *
 * Port convention of a streamed design (the harness relies on it):
 *   clk, rst (sync, active high),
 *   s_valid, s_ready, s_data[IN_LANES*IN_W-1:0], s_last,
 *   m_valid, m_ready, m_data[OUT_LANES*OUT_W-1:0], m_keep[OUT_LANES-1:0], m_last,
 *   ovf (sticky overflow flag).
 * Lane l of a beat sits in bits [l*W +: W].
 */
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { endianness, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fromUnsigned, toUnsigned } from '../fixed/index.ts';
import { track } from '../cleanup.ts';
import { CircaError } from '../errors.ts';
import { writeFile } from '../output.ts';
import type { SourceFile, StreamInterface } from '../verilog/index.ts';
import { buildHarness, resolveSimulator, type SimulatorChoice, type SimulatorName } from './simulator.ts';
import type { BuildPhases } from './cxxrtl.ts';

export type { StreamInterface };

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
  /** write a VCD of one vector (from its first offered beat to its last output beat) to this path (replacing a regular file only with `replace`) */
  vcd?: { path: string; vector: number; replace?: boolean };
}

export interface OutputBeat {
  cycle: number;
  last: boolean;
  keep: number;
  lanes: number[];
}

export interface StreamResult extends RunSummary {
  /** per vector: the kept output lane values in order */
  outputs: number[][];
  /** per vector: every output beat */
  beats: OutputBeat[][];
  /** per vector: cycle of the first input handshake */
  firstIn: number[];
  /** per vector: cycle of the last output handshake */
  lastOut: number[];
}

/** The vectors of a run, packed on demand, so a large run never holds them all as beat arrays. */
export interface StreamInput {
  count: number;
  /** write vector k's beats into `into` (inBeats * inWords 32-bit words, zeroed): beat b's bits at words [b*inWords, (b+1)*inWords), LSW first */
  pack(k: number, into: Uint32Array): void;
  /**
   * Called before the first pack: whether the vectors are packed while the
   * records come (a pipe: a packed vector's outputs follow within a chunk or
   * two) or all before the run (the WebAssembly harness's input file).
   */
  begin?(piped: boolean): void;
}

/** 32-bit words per input beat of an interface */
export const inWordsOf = (io: StreamInterface) => Math.ceil((io.inLanes * io.inWidth) / 32);

/** Put a w-bit two's complement value at bit `bit` of `into` (words, LSW first). */
function putBits(into: Uint32Array, base: number, bit: number, w: number, x: number) {
  if (w <= 32 && (bit & 31) + w <= 32) {
    const mask = w === 32 ? 0xffffffff : 2 ** w - 1;
    into[base + (bit >>> 5)] |= ((x & mask) << (bit & 31)) >>> 0;
    return;
  }
  let u = toUnsigned(x, w);
  for (let i = 0; i < w; i++, u >>= 1n) if (u & 1n) into[base + ((bit + i) >>> 5)] |= (1 << ((bit + i) & 31)) >>> 0;
}

/** Pack one beat's lanes (signed values, lane l at bits [l*w +: w]) into `into` at word `base`. */
export function packLanes(into: Uint32Array, base: number, lanes: ArrayLike<number>, w: number, count = lanes.length) {
  for (let l = 0; l < count; l++) putBits(into, base, l * w, w, lanes[l]);
}

/** Vectors given as beats of lanes (`vectors[k][b]` is beat b of vector k). */
export function beatsInput(io: StreamInterface, vectors: readonly (readonly (readonly number[])[])[]): StreamInput {
  const words = inWordsOf(io);
  return {
    count: vectors.length,
    pack: (k, into) => {
      const vec = vectors[k];
      if (vec.length !== io.inBeats) throw new CircaError(`vector has ${vec.length} beats, the design takes ${io.inBeats}`);
      for (let b = 0; b < vec.length; b++) packLanes(into, b * words, vec[b], io.inWidth);
    },
  };
}

/** Vectors given as elements, inLanes consecutive elements per beat (lane 0 first; missing lanes 0). */
export function elementsInput(io: StreamInterface, count: number, x: (k: number) => ArrayLike<number>): StreamInput {
  const words = inWordsOf(io);
  const lanes = io.inLanes;
  return {
    count,
    pack: (k, into) => {
      const v = x(k);
      const beats = Math.ceil(v.length / lanes);
      if (beats !== io.inBeats) throw new CircaError(`vector has ${beats} beats, the design takes ${io.inBeats}`);
      if (words === 1 && lanes === 1 && io.inWidth < 32) {
        // the common case: one element per one-word beat
        const mask = 2 ** io.inWidth - 1;
        for (let b = 0; b < beats; b++) into[b] = v[b] & mask;
        return;
      }
      for (let b = 0; b < beats; b++) {
        for (let l = 0; l < lanes && b * lanes + l < v.length; l++) putBits(into, b * words, l * io.inWidth, io.inWidth, v[b * lanes + l]);
      }
    },
  };
}

/**
 * What the run reports, record by record, as it happens. `lanes` is a buffer
 * reused for every beat: copy what you keep.
 */
export interface StreamSink {
  /** vector k's first input beat was taken at `cycle` */
  vectorStart(k: number, cycle: number): void;
  /** output beat `beat` (0-based within the vector) of vector k was taken at `cycle` */
  beat(k: number, beat: number, cycle: number, last: boolean, keep: number, lanes: Float64Array): void;
}

export const INPUT_MAGIC = 0x49524943; // 'CIRI' little-endian
export const OUTPUT_MAGIC = 0x4f524943; // 'CIRO'
const TAG_VECTOR = 1;
const TAG_BEAT = 2;
const TAG_END = 3;

/**
 * Decodes the harness's binary records (sim/stream_harness.cpp) from chunks
 * of any size and split: a record cut by a chunk boundary is completed by the
 * next chunk. Memory: one chunk plus one record.
 */
export class RecordReader {
  private buf = new Uint8Array(1 << 16);
  private pending = 0;
  private started = false;
  private recordWords = 0;
  private laneWords = 0;
  private beatIndex = 0;
  private readonly lanes: Float64Array;
  private readonly decode: (w: Uint32Array, at: number) => number;
  /** the end record: cycles simulated, the overflow flag, the harness's CPU seconds (0 when it does not say) */
  end?: { totalCycles: number; overflow: boolean; cpuSeconds: number };

  constructor(private readonly io: StreamInterface, private readonly nvec: number, private readonly top: string, private readonly sink: StreamSink) {
    this.lanes = new Float64Array(io.outLanes);
    const w = io.outWidth;
    const shift = 32 - w;
    this.decode = w < 32
      ? (words, at) => (words[at] << shift) >> shift
      : w === 32
        ? (words, at) => words[at] | 0
        : (words, at) => {
            let u = 0n;
            for (let i = this.laneWords - 1; i >= 0; i--) u = (u << 32n) | BigInt(words[at + i]);
            return fromUnsigned(u, w);
          };
  }

  private protocol(why: string) {
    return new CircaError(`harness protocol error (${this.top}): ${why}`);
  }

  push(chunk: Uint8Array): void {
    const need = this.pending + chunk.length;
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.max(need, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.pending));
      this.buf = grown;
    }
    this.buf.set(chunk, this.pending);
    const total = need;
    const words = new Uint32Array(this.buf.buffer, 0, total >>> 2);
    let at = 0;
    if (!this.started) {
      if (words.length < 4) { this.pending = total; return; }
      if (words[0] !== OUTPUT_MAGIC || words[1] !== 1) throw this.protocol('the output does not start with a CIRO version 1 header');
      if (words[2] !== this.io.outLanes) throw this.protocol(`${words[2]} output lanes, the design has ${this.io.outLanes}`);
      this.laneWords = words[3];
      if (this.laneWords !== Math.ceil(this.io.outWidth / 32)) throw this.protocol(`lanes of ${this.laneWords} words for ${this.io.outWidth}-bit outputs`);
      this.recordWords = 4 + this.io.outLanes * this.laneWords;
      this.started = true;
      at = 4;
    }
    const rw = this.recordWords;
    const { io, nvec, sink, lanes, decode } = this;
    const outLanes = io.outLanes;
    const lw = this.laneWords;
    while (at + rw <= words.length) {
      const tag = words[at] & 0xff;
      const cycle = words[at + 1] + words[at + 2] * 2 ** 32;
      const aux = words[at + 3];
      if (this.end) throw this.protocol('a record after the end record');
      if (tag === TAG_BEAT) {
        const vec = Math.floor(this.beatIndex / io.outBeats);
        if (vec >= nvec) throw this.protocol(`more output beats than ${nvec} vectors of ${io.outBeats}`);
        for (let l = 0; l < outLanes; l++) lanes[l] = decode(words, at + 4 + l * lw);
        sink.beat(vec, this.beatIndex - vec * io.outBeats, cycle, (words[at] & 0x100) !== 0, aux, lanes);
        this.beatIndex++;
      } else if (tag === TAG_VECTOR) {
        if (aux < nvec) sink.vectorStart(aux, cycle);
      } else if (tag === TAG_END) {
        this.end = { totalCycles: cycle, overflow: aux !== 0, cpuSeconds: words[at + 4] / 1000 };
      } else throw this.protocol(`unknown record tag ${tag}`);
      at += rw;
    }
    const used = at * 4;
    this.buf.copyWithin(0, used, total);
    this.pending = total - used;
  }

  /** The end record; throws when the run stopped before it (or left half a record). */
  finish(): { totalCycles: number; overflow: boolean; cpuSeconds: number } {
    if (!this.end) throw this.protocol('no end record');
    if (this.pending) throw this.protocol(`${this.pending} bytes after the end record`);
    return this.end;
  }
}

export interface RunSummary {
  overflow: boolean;
  totalCycles: number;
  buildSeconds: number;
  cached: boolean;
  /** CXXRTL: the parts of a fresh build (absent when cached, and for Verilator, whose build runs in child processes) */
  buildPhases?: BuildPhases;
  /** wall time of the simulator run (a piped run overlaps it with the host's work) */
  runSeconds: number;
  /** the harness's own CPU time, when the back end reports it (Verilator); else the wall time of the run */
  simSeconds: number;
  /** the back end that ran */
  simulator: SimulatorName;
}

/** Chunk sizes of the binary I/O (bytes): the input is packed and written this much at a time, the output read. */
export const CHUNK_BYTES = 1 << 20;

export interface RunStreamOptions extends StreamOptions {
  /** chunk size of the binary I/O in bytes (default CHUNK_BYTES; tests make it small to cross chunk boundaries) */
  chunkBytes?: number;
  /**
   * Fault injection, for tests: called on each chunk of the harness's output
   * bytes (at byte `offset` of the stream) before it is decoded; may change it.
   */
  tamper?: (chunk: Uint8Array, offset: number) => void;
}

/**
 * Run vectors through a design and hand every record to `sink` as it comes.
 * The Verilator harness runs with pipes: the input is packed and written
 * chunk by chunk while the records are read, so neither side holds the run.
 * The WebAssembly harness (which blocks while it runs) reads an input file
 * written chunk by chunk and writes a record file read back chunk by chunk.
 */
export async function runStream(design: StreamDesign, input: StreamInput, sink: StreamSink, opts: RunStreamOptions = {}): Promise<RunSummary> {
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
  if (endianness() !== 'LE') throw new CircaError('the binary co-simulation records are little-endian; this host is not');
  const dir = mkdtempSync(join(tmpdir(), 'circa-sim-'));
  const untrack = track(dir);
  const chunkBytes = Math.max(4, opts.chunkBytes ?? CHUNK_BYTES);
  const nvec = input.count;
  const words = inWordsOf(io);
  const vecWords = io.inBeats * words;
  const perChunk = Math.max(1, Math.floor(chunkBytes / 4 / vecWords));
  // the input, chunk by chunk: a header, then packed vectors
  const header = Uint32Array.of(INPUT_MAGIC, 1, nvec, io.inBeats, io.outBeats, words);
  function* inputChunks(): Generator<Uint32Array> {
    yield header;
    for (let k0 = 0; k0 < nvec; k0 += perChunk) {
      const n = Math.min(perChunk, nvec - k0);
      const chunk = new Uint32Array(n * vecWords);
      for (let j = 0; j < n; j++) input.pack(k0 + j, chunk.subarray(j * vecWords, (j + 1) * vecWords));
      yield chunk;
    }
  }
  input.begin?.(!!harness.spawn);
  const reader = new RecordReader(io, nvec, design.top, sink);
  let offset = 0;
  const feed = (bytes: Uint8Array) => {
    for (let at = 0; at < bytes.length; at += chunkBytes) {
      const piece = bytes.subarray(at, Math.min(bytes.length, at + chunkBytes));
      opts.tamper?.(piece, offset);
      offset += piece.length;
      reader.push(piece);
    }
  };
  try {
    const maxCycles = opts.maxCycles ?? 1_000_000 + nvec * (io.inBeats + io.outBeats) * 200;
    const trace = opts.vcd ? [String(opts.vcd.vector), { file: 'trace.vcd' }] : [];
    const rest = [String(opts.seed ?? 1), String(opts.validPct ?? 100), String(opts.readyPct ?? 100), String(maxCycles), ...trace];
    let runSeconds: number;
    if (harness.spawn) {
      opts.onProgress?.(`simulating ${nvec} vectors (${simulator})`);
      const t0 = Date.now();
      const { child, done } = harness.spawn(dir, ['-', '-', ...rest]);
      let failure: unknown;
      child.stdout.on('data', (b: Buffer) => {
        if (failure) return;
        try {
          feed(b);
        } catch (e) {
          failure = e;
          child.kill('SIGKILL');
        }
      });
      // the input: written with backpressure; a harness that stops reading (an error) ends it
      child.stdin.on('error', () => {});
      const closed = new Promise<void>((r) => child.once('close', () => r()));
      const writing = (async () => {
        try {
          for (const chunk of inputChunks()) {
            if (failure || child.exitCode !== null || child.stdin.destroyed) return;
            const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
            if (!child.stdin.write(bytes)) await Promise.race([new Promise<void>((r) => child.stdin.once('drain', r)), closed]);
          }
          child.stdin.end();
        } catch (e) {
          // a vector that cannot be made or packed (vectors are made as they are packed): stop the harness
          failure ??= e;
          child.kill('SIGKILL');
        }
      })();
      try {
        await done;
      } catch (e) {
        if (!failure) throw e;
      }
      await writing;
      if (failure) throw failure;
      runSeconds = (Date.now() - t0) / 1000;
    } else {
      const fd = openSync(join(dir, 'in.bin'), 'w');
      try {
        for (const chunk of inputChunks()) writeSync(fd, chunk);
      } finally {
        closeSync(fd);
      }
      opts.onProgress?.(`simulating ${nvec} vectors (${simulator})`);
      const t0 = Date.now();
      await harness.run(dir, [{ file: 'in.bin' }, { file: 'out.bin' }, ...rest]);
      runSeconds = (Date.now() - t0) / 1000;
      let out: number;
      try {
        out = openSync(join(dir, 'out.bin'), 'r');
      } catch {
        throw new CircaError(`${simulator}: the harness of ${design.top} wrote no results`);
      }
      try {
        const buf = new Uint8Array(chunkBytes);
        for (let n; (n = readSync(out, buf, 0, chunkBytes, null)) > 0;) feed(buf.subarray(0, n));
      } finally {
        closeSync(out);
      }
    }
    const end = reader.finish();
    if (opts.vcd) {
      const vcd = join(dir, 'trace.vcd');
      if (!existsSync(vcd)) throw new CircaError(`${simulator}: the harness wrote no VCD (vector ${opts.vcd.vector} of ${nvec})`);
      // staged beside the target and renamed, so a VCD path never holds half a file (src/output.ts)
      writeFile(opts.vcd.path, { copyFrom: vcd }, { force: opts.vcd.replace, option: 'vcd.path', makeFolder: true });
    }
    return {
      overflow: end.overflow, totalCycles: end.totalCycles, buildSeconds: harness.seconds, cached: harness.cached,
      ...(harness.phases ? { buildPhases: harness.phases } : {}), runSeconds, simSeconds: end.cpuSeconds > 0 ? end.cpuSeconds : runSeconds, simulator,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    untrack();
  }
}

/**
 * Run vectors through a design and keep everything: every output beat with
 * its cycle (small runs, tests, the FFT's checks). `vectors[k][b]` is beat b
 * of vector k, given as its lanes (length inLanes). Co-simulation against a
 * reference streams instead (src/sim/cosim.ts).
 */
export async function simulateStream(
  design: StreamDesign,
  vectors: readonly (readonly (readonly number[])[])[],
  opts: RunStreamOptions = {},
): Promise<StreamResult> {
  const nvec = vectors.length;
  const firstIn: number[] = new Array(nvec).fill(-1);
  const beats: OutputBeat[][] = Array.from({ length: nvec }, () => []);
  const sink: StreamSink = {
    vectorStart: (k, cycle) => { firstIn[k] = cycle; },
    beat: (k, _b, cycle, last, keep, lanes) => { beats[k].push({ cycle, last, keep, lanes: Array.from(lanes) }); },
  };
  const r = await runStream(design, beatsInput(design.io, vectors), sink, opts);
  const outputs = beats.map((bs) => bs.flatMap((b) => b.lanes.filter((_, l) => (b.keep >> l) & 1)));
  const lastOut = beats.map((bs) => (bs.length ? bs[bs.length - 1].cycle : -1));
  return { outputs, beats, firstIn, lastOut, ...r };
}
