/**
 * Co-simulation: the reference model says what the RTL must compute; this
 * runs both on the same vectors, compares value for value, and compares the
 * measured cycle stamps of every vector with the cost model's timeline.
 *
 * The comparison streams: the harness's binary records are checked as they
 * arrive (src/sim/stream.ts), keeping counters, running cycle figures and
 * the first few mismatches, never the outputs or the vectors themselves
 * (unless asked), so the host's memory stays flat as the vector count grows.
 * Vectors are made again from their source (a seed, an array, a dataset) as
 * they are packed. The reference model runs once per vector set (VectorSet)
 * when its outputs are small enough to keep (REFERENCE_CACHE_VALUES), and
 * once per run otherwise.
 */
import type { LayerRtl, ReferenceResult, VectorHandshakes } from './dut-types.ts';
import { vectorStream, type LabelledVector, type VectorKind } from './vectors.ts';
import { elementsInput, inWordsOf, packLanes, runStream, type RunStreamOptions, type RunSummary, type StreamInput, type StreamSink } from './stream.ts';
import { CircaError } from '../errors.ts';
import { existsSync, lstatSync } from 'node:fs';
import { checkFile } from '../output.ts';
import type { SimulatorChoice } from './simulator.ts';

/** Anything with a stream interface, a reference model and a cycle model: a layer or a network. */
export interface DesignUnderTest {
  label: string;
  rtl: LayerRtl;
  inputs: number;
  inWidth: number;
  reference(x: readonly number[]): ReferenceResult;
  /** predicted first-input and last-output cycles of `count` vectors offered back to back, outputs always taken */
  timeline(count: number): { firstIn: number[]; lastOut: number[] };
  formula: string;
  /** this design's own test vectors (a layer kind's vectors face), instead of makeVectors */
  vectors?(count: number, seed: number): LabelledVector[];
  /**
   * How a vector's elements go into input beats, when not inLanes consecutive
   * elements per beat (a design whose stream is wider than the layer inside
   * it: test/random-cosim.ts runs several layers from one build this way).
   */
  beats?(x: readonly number[]): number[][];
}

export interface Mismatch {
  vector: number;
  vectorKind: string;
  /** the output's index in the vector (-1: the vector gave the wrong number of outputs) */
  index: number;
  expected: number | string;
  got: number | string;
  /** the cycle the wrong output beat was taken (the harness's cycle count; -1 when the output never came) */
  cycle: number;
  /** the output beat of the vector (0-based) and the lane in it that carried the wrong value (-1 with index -1) */
  beat?: number;
  lane?: number;
}

/** A vector whose measured cycles differ from the prediction (full rate only: stalls move them). */
export interface CycleMismatch {
  vector: number;
  measuredLatency: number;
  predictedLatency: number;
  /** first input of this vector to the next one's (-1 for the last vector) */
  measuredPeriod: number;
  predictedPeriod: number;
}

export interface CosimReport {
  layer: string;
  vectors: number;
  exact: number;
  /** the first MAX_MISMATCHES wrong outputs (the comparison keeps no more) */
  mismatches: Mismatch[];
  /** how many outputs were wrong in all (wrong values, plus one per vector with a wrong output count) */
  wrongOutputs: number;
  /** the overflow flag the model predicts over all vectors, and the one the RTL raised */
  overflowExpected: boolean;
  overflowGot: boolean;
  cycles: {
    /** vector 0's latency and the steady-state period, predicted */
    predictedLatency: number;
    predictedPeriod: number;
    /** every vector's latency (first input to last output), measured and predicted: min, max, mean, count */
    latency: { measured: SeriesStats; predicted: SeriesStats };
    /** every vector's period but the last's (first input to the next vector's first input) */
    period: { measured: SeriesStats; predicted: SeriesStats };
    /** how many vectors' measured latency, and period, differ from the prediction */
    wrongLatencies: number;
    wrongPeriods: number;
    /** per vector, predicted and measured (only with keepCycles: the check itself keeps no arrays) */
    predictedLatencies?: number[];
    predictedPeriods?: number[];
    measuredLatency?: number[];
    measuredPeriod?: number[];
    /** whether every vector's measured figures equal their prediction (meaningful only without stalls) */
    match: boolean;
    /** the first few vectors whose measured cycles differ from the prediction */
    mismatches: CycleMismatch[];
    formula: string;
  };
  backpressure: { validPct: number; readyPct: number };
  /** the RTL's outputs, vector by vector (only with keepOutputs) */
  outputs?: number[][];
  /** the reference model's outputs, vector by vector (only with keepOutputs) */
  expected?: number[][];
  /** the VCD written for the first failing vector (mismatchVcd), with the cycle of its first wrong output */
  mismatchVcd?: { path: string; vector: number; cycle: number };
  sim: Pick<RunSummary, 'buildSeconds' | 'cached' | 'buildPhases' | 'runSeconds' | 'simSeconds' | 'totalCycles' | 'simulator'> & {
    /**
     * CPU seconds of this process during the run (packing, reading, comparing,
     * the reference model when not cached), less the WebAssembly simulator's
     * run and less a CXXRTL build's tools (they run in this process's worker
     * threads: buildPhases.cpuSeconds)
     */
    hostSeconds: number;
  };
}

export interface CosimOptions {
  vectors?: number;
  seed?: number;
  validPct?: number;
  readyPct?: number;
  /** give explicit vectors instead of generated ones */
  inputs?: readonly LabelledVector[];
  /** or a source that makes them on demand, in order (a dataset: a large run never holds its vectors) */
  source?: VectorSource;
  /** keep the reference outputs of a set when count x outputs per vector is at most this (default REFERENCE_CACHE_VALUES; tests: 0) */
  referenceCacheValues?: number;
  /** keep every vector's measured and predicted cycles in the report (predictedLatencies, measuredLatency, ...) */
  keepCycles?: boolean;
  /** called as each vector is done with the RTL's outputs and the model's (a dataset run tallies its classes) */
  onVector?: (k: number, outputs: readonly number[], expected: readonly number[]) => void;
  /** a vector set made by vectorSet() (its reference outputs computed once, shared by every run) */
  set?: VectorSet;
  /** keep the RTL's outputs of every vector in the report (dataset runs classify them) */
  keepOutputs?: boolean;
  onProgress?: (msg: string) => void;
  /** the back end (default auto) */
  simulator?: SimulatorChoice;
  /** write a VCD of one vector (an existing file is replaced only with `replace`, and never a non-regular one: src/output.ts) */
  vcd?: { path: string; vector: number; replace?: boolean };
  /** on a mismatch, write the first failing vector's VCD here (the run is repeated up to that vector with tracing on) */
  mismatchVcd?: string;
  /** binary I/O chunk size in bytes (tests: small, to stream across chunk boundaries) */
  chunkBytes?: number;
  /** fault injection into the harness's output bytes (tests; see runStream) */
  tamper?: RunStreamOptions['tamper'];
}

/** The comparison keeps this many wrong outputs (and counts the rest). */
export const MAX_MISMATCHES = 20;
const MAX_CYCLE_MISMATCHES = 5;

type Packed = Int8Array | Int16Array | Int32Array | Float64Array;

/** The narrowest typed array for signed values of `w` bits. */
function packedArray(w: number, length: number): Packed {
  return w <= 8 ? new Int8Array(length) : w <= 16 ? new Int16Array(length) : w <= 32 ? new Int32Array(length) : new Float64Array(length);
}

/** values in the narrowest typed array for `w` bits (Float64Array if one does not fit) */
function packed(w: number, values: readonly number[]): Packed {
  const a = packedArray(w, values.length);
  for (let i = 0; i < values.length; i++) {
    a[i] = values[i];
    if (a[i] !== values[i]) return Float64Array.from(values);
  }
  return a;
}

/** A growable typed array of w-bit values (the narrowest type; Float64Array if a value does not fit). */
class Values {
  private a: Packed;
  length = 0;
  constructor(w: number, capacity: number) {
    this.a = packedArray(w, Math.max(16, capacity));
  }
  push(v: number) {
    if (this.length === this.a.length) this.grow(this.a.length * 2, false);
    this.a[this.length] = v;
    if (this.a[this.length] !== v) {
      this.grow(this.a.length, true);
      this.a[this.length] = v;
    }
    this.length++;
  }
  private grow(size: number, wide: boolean) {
    const next = wide || this.a instanceof Float64Array ? new Float64Array(size) : new (this.a.constructor as new (n: number) => Packed)(size);
    next.set(this.a.subarray(0, this.length));
    this.a = next;
  }
  done(): Packed {
    return this.a.subarray(0, this.length);
  }
}

const KINDS: VectorKind[] = ['all-max', 'all-min', 'alternating', 'zeros', 'impulse', 'random', 'dataset'];

/** Where a run's vectors come from: `count` vectors, made afresh and in order by each call of stream(). */
export interface VectorSource {
  count: number;
  stream(): Iterable<LabelledVector>;
}

/**
 * A vector set keeps its reference outputs (computed once, shared by every
 * run over it) when its count times the outputs per vector is at most this
 * many values (a megabyte or so); a larger set runs the model again in each
 * run, on each vector as it is made (runVectors), so that the host's memory
 * does not grow with the vector count.
 */
export const REFERENCE_CACHE_VALUES = 1 << 20;

/** a set's predicted cycles, run-length coded: `length[i]` vectors in a row with this latency and period (-1: the last vector's) */
interface PredictedRuns { length: number[]; latency: number[]; period: number[] }

/** What a run compares vector k's outputs with: values[start .. end) */
interface Expected { values: ArrayLike<number>; start: number; end: number; kind: VectorKind }

/** the expected outputs of a run's vectors, one after the other (vector 0 first) */
interface Expectations {
  next(): Expected;
  /** whether the model raises its overflow flag on any vector (once every vector was reached) */
  overflow(): boolean;
}

/**
 * A vector set: its source, and what every run over it shares. Vectors are
 * never kept: each run makes them again from the source (a seed, the given
 * array, a dataset) as it packs them. The reference outputs are kept packed
 * (typed arrays of the output width, computed once) while they fit
 * REFERENCE_CACHE_VALUES, else recomputed in each run (runVectors). The predicted cycles are computed once per count and
 * kept run-length coded (a steady-state design's are a few runs).
 */
export class VectorSet {
  readonly count: number;
  private readonly cache?: { expected: Packed; offsets: Uint32Array; kinds: Uint8Array; overflow: boolean };
  private readonly predictions = new Map<number, PredictedRuns>();
  private steady?: number;

  /** `cacheValues`: keep the reference outputs when count x outputs per vector is at most this (default REFERENCE_CACHE_VALUES) */
  constructor(private readonly dut: DesignUnderTest, readonly source: VectorSource, cacheValues = REFERENCE_CACHE_VALUES) {
    this.count = source.count;
    const perVector = Math.max(1, dut.rtl.io.outBeats * dut.rtl.io.outLanes);
    if (this.count * perVector <= cacheValues) this.cache = this.reference();
  }

  /** whether the reference outputs are kept (the model ran once for every run over the set) */
  get cached(): boolean {
    return !!this.cache;
  }

  /** the set's vectors in order, checked, made afresh */
  *vectors(): Generator<LabelledVector> {
    const n = this.dut.inputs;
    let k = 0;
    for (const v of this.source.stream()) {
      if (k >= this.count) return;
      if (v.x.length !== n) throw new CircaError(`vector ${k} has ${v.x.length} elements, the design takes ${n}`);
      yield v;
      k++;
    }
    if (k !== this.count) throw new CircaError(`the vector source gave ${k} vectors, not ${this.count}`);
  }

  private reference() {
    const io = this.dut.rtl.io;
    const expected = new Values(io.outWidth, this.count * Math.max(1, io.outBeats * io.outLanes));
    const offsets = new Uint32Array(this.count + 1);
    const kinds = new Uint8Array(this.count);
    let overflow = false;
    let k = 0;
    for (const v of this.vectors()) {
      const r = this.dut.reference(v.x);
      for (const y of r.y) expected.push(y);
      offsets[k + 1] = expected.length;
      overflow ||= r.overflow;
      kinds[k++] = KINDS.indexOf(v.kind);
    }
    return { expected: expected.done(), offsets, kinds, overflow };
  }

  /** the expected outputs of one run, vector by vector: the kept ones, or the model on each vector as it is reached */
  expectations(): Expectations {
    const c = this.cache;
    if (c) {
      let k = 0;
      return {
        next: () => ({ values: c.expected, start: c.offsets[k], end: c.offsets[k + 1], kind: KINDS[c.kinds[k++]] }),
        overflow: () => c.overflow,
      };
    }
    const it = this.vectors();
    let overflow = false;
    return {
      next: () => {
        const v = it.next();
        if (v.done) throw new CircaError(`the vector source gave fewer than ${this.count} vectors`);
        const r = this.dut.reference(v.value.x);
        overflow ||= r.overflow;
        return { values: r.y, start: 0, end: r.y.length, kind: v.value.kind };
      },
      overflow: () => overflow,
    };
  }

  /** the predicted cycles of the first `count` vectors offered back to back (the design's timeline, computed once per count) */
  predicted(count = this.count): PredictedRuns {
    let p = this.predictions.get(count);
    if (p) return p;
    const t = this.dut.timeline(count);
    p = { length: [], latency: [], period: [] };
    for (let k = 0, i = -1; k < count; k++) {
      const lat = t.lastOut[k] - t.firstIn[k];
      const per = k + 1 < count ? t.firstIn[k + 1] - t.firstIn[k] : -1;
      if (i >= 0 && p.latency[i] === lat && p.period[i] === per) p.length[i]++;
      else {
        p.length.push(1); p.latency.push(lat); p.period.push(per);
        i++;
      }
    }
    this.predictions.set(count, p);
    return p;
  }

  /** the predicted steady-state period: first input to first input of vectors 14 and 15 */
  steadyPeriod(): number {
    if (this.steady === undefined) {
      const t = this.dut.timeline(16);
      this.steady = t.firstIn[15] - t.firstIn[14];
    }
    return this.steady;
  }
}

const sets = new WeakMap<DesignUnderTest, { generated: Map<string, VectorSet>; given: WeakMap<object, VectorSet> }>();

/**
 * The vector set of a run: the given inputs or source, or `count` generated
 * ones from `seed`. Cached per design object, so a full-rate and a stalled
 * run over the same vectors share its reference outputs and predictions.
 */
export function vectorSet(dut: DesignUnderTest, opts: Pick<CosimOptions, 'inputs' | 'source' | 'vectors' | 'seed' | 'referenceCacheValues'> = {}): VectorSet {
  let cache = sets.get(dut);
  if (!cache) sets.set(dut, (cache = { generated: new Map(), given: new WeakMap() }));
  const budget = opts.referenceCacheValues ?? REFERENCE_CACHE_VALUES;
  const given = opts.source ?? opts.inputs;
  if (given) {
    let s = cache.given.get(given);
    if (!s || s.cached !== (s.count * Math.max(1, dut.rtl.io.outBeats * dut.rtl.io.outLanes) <= budget)) {
      const inputs = opts.inputs;
      const source = opts.source ?? { count: inputs!.length, stream: () => inputs! };
      cache.given.set(given, (s = new VectorSet(dut, source, budget)));
    }
    return s;
  }
  const count = opts.vectors ?? 100;
  const seed = opts.seed ?? 1;
  const key = `${count}:${seed}:${budget}`;
  let s = cache.generated.get(key);
  if (!s) {
    const source = { count, stream: () => dut.vectors?.(count, seed) ?? vectorStream(count, dut.inputs, dut.inWidth, seed) };
    cache.generated.set(key, (s = new VectorSet(dut, source, budget)));
  }
  return s;
}

/** Running figures of a series: min, max, mean, count (without keeping it). */
export interface SeriesStats { min: number; max: number; mean: number; count: number }

class Stats {
  min = Infinity;
  max = -Infinity;
  sum = 0;
  count = 0;
  add(v: number) {
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.sum += v;
    this.count++;
  }
  get(): SeriesStats {
    return this.count ? { min: this.min, max: this.max, mean: this.sum / this.count, count: this.count } : { min: -1, max: -1, mean: -1, count: 0 };
  }
}

/**
 * The per-vector cycle check, as the stamps arrive: vector k is checked once
 * it has closed (its last output beat is known) and vector k+1 has started
 * (its period is known), so only the vectors in flight are held. Keeps
 * counts, running figures and the first few mismatches; every vector's
 * figures only when asked (keep).
 */
class CycleCheck {
  readonly latency = { measured: new Stats(), predicted: new Stats() };
  readonly period = { measured: new Stats(), predicted: new Stats() };
  wrongLatencies = 0;
  wrongPeriods = 0;
  readonly mismatches: CycleMismatch[] = [];
  readonly kept?: { predictedLatencies: number[]; predictedPeriods: number[]; measuredLatency: number[]; measuredPeriod: number[] };
  private readonly firstIns = new Map<number, number>();
  private readonly lastOuts = new Map<number, number>();
  private started = 0;
  private closed = 0;
  private next = 0;
  private run = 0;
  private runLeft: number;

  constructor(private readonly count: number, private readonly runs: PredictedRuns, keep: boolean) {
    this.runLeft = runs.length[0] ?? 0;
    if (keep) this.kept = { predictedLatencies: [], predictedPeriods: [], measuredLatency: [], measuredPeriod: [] };
  }

  start(k: number, cycle: number) {
    this.firstIns.set(k, cycle);
    if (k + 1 > this.started) this.started = k + 1;
    this.settle(false);
  }

  close(k: number, lastOut: number) {
    this.lastOuts.set(k, lastOut);
    if (k + 1 > this.closed) this.closed = k + 1;
    this.settle(false);
  }

  /** check what is left (the run is over: a stamp that did not come is -1) */
  finish() {
    this.settle(true);
  }

  private settle(all: boolean) {
    while (this.next < this.count && (all || (this.next < this.closed && (this.next === this.count - 1 || this.next + 1 < this.started)))) this.check(this.next++);
  }

  private check(k: number) {
    while (this.runLeft === 0) this.runLeft = this.runs.length[++this.run];
    this.runLeft--;
    const pl = this.runs.latency[this.run];
    const pp = this.runs.period[this.run];
    const first = this.firstIns.get(k) ?? -1;
    const lat = (this.lastOuts.get(k) ?? -1) - first;
    const hasNext = k < this.count - 1;
    const per = hasNext ? (this.firstIns.get(k + 1) ?? -1) - first : -1;
    this.firstIns.delete(k);
    this.lastOuts.delete(k);
    this.latency.measured.add(lat);
    this.latency.predicted.add(pl);
    if (hasNext) {
      this.period.measured.add(per);
      this.period.predicted.add(pp);
    }
    if (this.kept) {
      this.kept.measuredLatency.push(lat);
      this.kept.predictedLatencies.push(pl);
      if (hasNext) {
        this.kept.measuredPeriod.push(per);
        this.kept.predictedPeriods.push(pp);
      }
    }
    const latOk = lat === pl;
    const perOk = !hasNext || per === pp;
    if (!latOk) this.wrongLatencies++;
    if (!perOk) this.wrongPeriods++;
    if (!(latOk && perOk) && this.mismatches.length < MAX_CYCLE_MISMATCHES) {
      this.mismatches.push({ vector: k, measuredLatency: lat, predictedLatency: pl, measuredPeriod: per, predictedPeriod: hasNext ? pp : -1 });
    }
  }
}

/**
 * The streaming comparison: each output beat is checked against the expected
 * outputs as it arrives; only counters, the first few mismatches and the
 * vectors in flight are kept (every output only with keepOutputs).
 */
class Comparison implements StreamSink {
  exact = 0;
  wrongOutputs = 0;
  mismatches: Mismatch[] = [];
  readonly outputs?: number[][];
  readonly expected?: number[][];
  private cur = -1;
  private got = 0;
  private ok = true;
  private extraCycle = -1;
  private lastOut = -1;
  private exp: Expected = { values: [], start: 0, end: 0, kind: 'random' };
  private kept?: number[];

  constructor(
    private readonly expectations: Expectations,
    private readonly count: number,
    readonly cycles: CycleCheck,
    keep: boolean,
    private readonly onVector?: CosimOptions['onVector'],
  ) {
    if (keep) {
      this.outputs = [];
      this.expected = [];
    }
  }

  private note(m: Mismatch) {
    this.wrongOutputs++;
    if (this.mismatches.length < MAX_MISMATCHES) this.mismatches.push(m);
  }

  private open(k: number) {
    this.cur = k;
    this.got = 0;
    this.ok = true;
    this.extraCycle = -1;
    this.lastOut = -1;
    this.exp = this.expectations.next();
    if (this.outputs || this.onVector) this.kept = [];
  }

  private close() {
    const k = this.cur;
    const { start, end, kind, values } = this.exp;
    const wantLen = end - start;
    if (this.got !== wantLen) {
      this.ok = false;
      this.note({ vector: k, vectorKind: kind, index: -1, expected: `${wantLen} outputs`, got: `${this.got} outputs`, cycle: this.got > wantLen ? this.extraCycle : -1, beat: -1, lane: -1 });
    }
    if (this.ok) this.exact++;
    if (this.kept) {
      const want = Array.from({ length: wantLen }, (_, i) => values[start + i]);
      this.outputs?.push(this.kept);
      this.expected?.push(want);
      this.onVector?.(k, this.kept, want);
    }
    this.cycles.close(k, this.lastOut);
  }

  /** move on to vector k, closing the ones before it (a vector without beats gave no outputs) */
  private advance(k: number) {
    while (this.cur < k) {
      if (this.cur >= 0) this.close();
      this.open(this.cur + 1);
    }
  }

  vectorStart(k: number, cycle: number) {
    this.cycles.start(k, cycle);
  }

  beat(k: number, beat: number, cycle: number, _last: boolean, keep: number, lanes: Float64Array) {
    if (k !== this.cur) this.advance(k);
    this.lastOut = cycle;
    const { values, start, end, kind } = this.exp;
    const wantLen = end - start;
    for (let l = 0; l < lanes.length; l++) {
      if (!((keep >> l) & 1)) continue;
      const i = this.got++;
      const v = lanes[l];
      this.kept?.push(v);
      if (i < wantLen) {
        const e = values[start + i];
        if (e !== v) {
          this.ok = false;
          this.note({ vector: k, vectorKind: kind, index: i, expected: e, got: v, cycle, beat, lane: l });
        }
      } else if (i === wantLen) this.extraCycle = cycle;
    }
  }

  finish() {
    this.advance(this.count - 1);
    if (this.cur >= 0) this.close();
    this.cycles.finish();
  }

  /** the model's overflow flag over every vector (after finish) */
  overflowExpected(): boolean {
    return this.expectations.overflow();
  }
}

/** A queue (a run's vectors between the packer and the comparison): amortised O(1) at both ends. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  get length() {
    return this.items.length - this.head;
  }
  push(v: T) {
    this.items.push(v);
  }
  shift(): T {
    const v = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return v;
  }
}

/** Vectors as the harness's input, vector k from x(k) (asked in order): inLanes consecutive elements per beat, or the design's own beats(). */
function vectorInput(dut: DesignUnderTest, count: number, x: (k: number) => ArrayLike<number>): StreamInput {
  const io = dut.rtl.io;
  let next = 0;
  const inOrder = (k: number) => {
    if (k !== next) throw new CircaError(`internal: vectors are packed in order (asked for ${k}, next is ${next})`);
    next++;
    return x(k);
  };
  if (!dut.beats) return elementsInput(io, count, inOrder);
  const words = inWordsOf(io);
  return {
    count,
    pack: (k, into) => {
      const vec = dut.beats!(Array.from(inOrder(k)));
      if (vec.length !== io.inBeats) throw new CircaError(`vector has ${vec.length} beats, the design takes ${io.inBeats}`);
      for (let b = 0; b < vec.length; b++) packLanes(into, b * words, vec[b], io.inWidth);
    },
  };
}

/** the next vector of an iterator over a set */
function pull(it: Iterator<LabelledVector>, count: number): LabelledVector {
  const v = it.next();
  if (v.done) throw new CircaError(`the vector source gave fewer than ${count} vectors`);
  return v.value;
}

/**
 * One run's vectors: the harness's input, made again from the set's source
 * as it is packed, and the expected outputs the comparison takes in turn.
 * A set that keeps its reference outputs gives those. Otherwise, when the
 * vectors are packed while the records come (a pipe), each vector is made
 * once: the packer runs the model on it and queues its outputs for the
 * comparison, which is at most a chunk or two behind; when they are all
 * packed before the run (a file), the comparison makes them again itself.
 */
function runVectors(dut: DesignUnderTest, set: VectorSet, count: number): { input: StreamInput; expectations: Expectations } {
  const it = set.vectors();
  if (set.cached) return { input: vectorInput(dut, count, () => pull(it, count).x), expectations: set.expectations() };
  let shared = false;
  let separate: Expectations | undefined;
  let overflow = false;
  const toPack = new Fifo<LabelledVector>();
  const toCompare = new Fifo<Expected>();
  const outWidth = dut.rtl.io.outWidth;
  const expect = (v: LabelledVector, queued: boolean): Expected => {
    const r = dut.reference(v.x);
    overflow ||= r.overflow;
    // a queued vector's outputs wait a chunk or two: packed in the narrowest typed array (long-lived arrays of numbers are what grows the heap)
    const values = queued ? packed(outWidth, r.y) : r.y;
    return { values, start: 0, end: r.y.length, kind: v.kind };
  };
  const input = vectorInput(dut, count, () => {
    if (!shared) return pull(it, count).x;
    if (toPack.length) return toPack.shift().x;
    const v = pull(it, count);
    toCompare.push(expect(v, true));
    return v.x;
  });
  input.begin = (piped) => {
    shared = piped;
  };
  const expectations: Expectations = {
    next: () => {
      if (!shared) return (separate ??= set.expectations()).next();
      if (toCompare.length) return toCompare.shift();
      // the comparison is ahead of the packer (a run that stopped reading its input): make the vector here
      const v = pull(it, count);
      toPack.push(v);
      return expect(v, false);
    },
    overflow: () => (shared ? overflow : separate?.overflow() ?? false),
  };
  return { input, expectations };
}

/** `path`, or `<stem>-2<ext>`, `-3`, ... when that exists. */
function unusedName(path: string): string {
  const dot = path.lastIndexOf('.');
  const [stem, ext] = dot > path.lastIndexOf('/') ? [path.slice(0, dot), path.slice(dot)] : [path, ''];
  let p = path;
  for (let i = 2; existsSync(p) || isSymlink(p); i++) p = `${stem}-${i}${ext}`;
  return p;
}
const isSymlink = (p: string) => {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
};

export async function cosim(dut: DesignUnderTest, opts: CosimOptions = {}): Promise<CosimReport> {
  const cpu0 = process.cpuUsage();
  // refused now, not after the simulation: a VCD path that may not be written
  if (opts.vcd) checkFile(opts.vcd.path, { force: opts.vcd.replace, option: 'vcd.path', makeFolder: true });
  const set = opts.set ?? vectorSet(dut, opts);
  const count = set.count;
  const validPct = opts.validPct ?? 100;
  const readyPct = opts.readyPct ?? 100;
  const streamOpts = { validPct, readyPct, seed: opts.seed ?? 1, onProgress: opts.onProgress, simulator: opts.simulator, chunkBytes: opts.chunkBytes };
  const predicted = set.predicted(count);
  const cycles = new CycleCheck(count, predicted, !!opts.keepCycles);
  const run = runVectors(dut, set, count);
  const cmp = new Comparison(run.expectations, count, cycles, !!opts.keepOutputs, opts.onVector);
  const res = await runStream(dut.rtl, run.input, cmp, { ...streamOpts, vcd: opts.vcd, tamper: opts.tamper });
  cmp.finish();
  const hostCpu = process.cpuUsage(cpu0);
  let mismatchVcd: CosimReport['mismatchVcd'];
  const mismatches = cmp.mismatches;
  if (opts.mismatchVcd && mismatches.length) {
    // the design and the stall pattern are deterministic: the first k+1 vectors replay the failing run exactly
    const first = mismatches.reduce((a, m) => (m.vector < a.vector || (m.vector === a.vector && m.cycle < a.cycle) ? m : a));
    const k = first.vector;
    opts.onProgress?.(`writing the VCD of vector ${k} (first mismatch)`);
    const ignore: StreamSink = { vectorStart: () => {}, beat: () => {} };
    const it = set.vectors();
    const path = unusedName(opts.mismatchVcd); // an earlier run's VCD (or anyone's file) of that name stays
    await runStream(dut.rtl, vectorInput(dut, k + 1, () => pull(it, count).x), ignore, { ...streamOpts, vcd: { path, vector: k } });
    mismatchVcd = { path, vector: k, cycle: first.cycle };
  }
  return {
    layer: dut.label,
    vectors: count,
    exact: cmp.exact,
    mismatches,
    wrongOutputs: cmp.wrongOutputs,
    overflowExpected: cmp.overflowExpected(),
    overflowGot: res.overflow,
    cycles: {
      predictedLatency: predicted.latency[0] ?? -1,
      predictedPeriod: set.steadyPeriod(),
      latency: { measured: cycles.latency.measured.get(), predicted: cycles.latency.predicted.get() },
      period: { measured: cycles.period.measured.get(), predicted: cycles.period.predicted.get() },
      wrongLatencies: cycles.wrongLatencies,
      wrongPeriods: cycles.wrongPeriods,
      ...(cycles.kept ?? {}),
      match: cycles.wrongLatencies === 0 && cycles.wrongPeriods === 0,
      mismatches: cycles.mismatches,
      formula: dut.formula,
    },
    backpressure: { validPct, readyPct },
    ...(opts.keepOutputs ? { outputs: cmp.outputs, expected: cmp.expected } : {}),
    ...(mismatchVcd ? { mismatchVcd } : {}),
    sim: {
      buildSeconds: res.buildSeconds, cached: res.cached, ...(res.buildPhases ? { buildPhases: res.buildPhases } : {}),
      runSeconds: res.runSeconds, simSeconds: res.simSeconds, totalCycles: res.totalCycles, simulator: res.simulator,
      // the WebAssembly simulator and the CXXRTL build's tools run in this process: neither is the host's work
      hostSeconds: Math.max(0, (hostCpu.user + hostCpu.system) / 1e6 - (res.simulator === 'cxxrtl' ? res.runSeconds : 0) - (res.buildPhases?.cpuSeconds ?? 0)),
    },
  };
}

export function formatMismatch(m: Mismatch): string {
  return `vector ${m.vector} (${m.vectorKind}), output ${m.index}: expected ${m.expected}, got ${m.got}${m.cycle >= 0 ? ` (cycle ${m.cycle})` : ''}`;
}

/**
 * The time lines of `circa sim`: compile (the simulator's build, with a fresh
 * CXXRTL build's parts), simulation and host side, each apart.
 */
export function simTimeLines(runs: readonly CosimReport[], full: CosimReport): string[] {
  const sum = (f: (r: CosimReport) => number) => runs.reduce((s, r) => s + f(r), 0);
  const ph = full.sim.buildPhases;
  const parts = ph
    ? ` (yosys ${ph.translateSeconds.toFixed(1)} s alongside the runtime header ${ph.headerCached ? `${ph.headerSeconds.toFixed(1)} s from the cache` : `${ph.headerSeconds.toFixed(1)} s, precompiled once per installation`}, then clang ${ph.compileSeconds.toFixed(1)} s; ${ph.cpuSeconds.toFixed(1)} s CPU)`
    : '';
  return [
    `compile:       ${full.sim.cached ? `cached (${full.sim.simulator})` : `${full.sim.buildSeconds.toFixed(1)} s wall on ${full.sim.simulator}${parts}`}`,
    `simulation:    ${sum((r) => r.sim.totalCycles).toLocaleString('en-US')} cycles in ${sum((r) => r.sim.runSeconds).toFixed(2)} s wall, ${sum((r) => r.sim.simSeconds).toFixed(2)} s CPU (${full.sim.simulator})`,
    `host side:     ${sum((r) => r.sim.hostSeconds).toFixed(2)} s CPU (vectors, reference model, comparison; not the compile or the simulator)`,
  ];
}
