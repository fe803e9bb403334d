/**
 * Co-simulation: the reference model says what the RTL must compute; this
 * runs both on the same vectors, compares value for value, and compares the
 * measured cycle stamps of every vector with the cost model's timeline.
 *
 * The comparison streams: the harness's binary records are checked as they
 * arrive (src/sim/stream.ts), keeping counters, the first few mismatches and
 * two cycle stamps per vector, never the outputs themselves (unless asked).
 * The reference model runs once per vector set (VectorSet), however many
 * runs (full rate, stalled, a mismatch's replay) use it.
 */
import type { LoadedLayer } from '../layers/load.ts';
import { layerRtl, type NetworkLayer } from '../network/plan.ts';
import type { LayerRtl, ReferenceResult, VectorHandshakes } from '../layers/types.ts';
import { vectorStream, type LabelledVector, type VectorKind } from './vectors.ts';
import { elementsInput, inWordsOf, packLanes, runStream, type RunStreamOptions, type RunSummary, type StreamInput, type StreamSink } from './stream.ts';
import { CircaError } from '../errors.ts';
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
    /** per vector, predicted and measured: first input to last output, and first input to the next first input */
    predictedLatencies: number[];
    predictedPeriods: number[];
    measuredLatency: number[];
    measuredPeriod: number[];
    /** whether every measured figure equals its prediction (meaningful only without stalls) */
    match: boolean;
    /** the first few vectors whose measured cycles differ from the prediction */
    mismatches: CycleMismatch[];
    formula: string;
  };
  backpressure: { validPct: number; readyPct: number };
  /** the RTL's outputs, vector by vector (only with keepOutputs) */
  outputs?: number[][];
  /** the reference model's outputs, vector by vector (only with keepOutputs; computed once, for the comparison) */
  expected?: number[][];
  /** the VCD written for the first failing vector (mismatchVcd), with the cycle of its first wrong output */
  mismatchVcd?: { path: string; vector: number; cycle: number };
  sim: Pick<RunSummary, 'buildSeconds' | 'cached' | 'runSeconds' | 'simSeconds' | 'totalCycles' | 'simulator'> & {
    /** CPU seconds of this process during the run (packing, reading, comparing, the reference model when not cached), less the WebAssembly simulator's run */
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
  /** a vector set made by vectorSet() (its reference outputs computed once, shared by every run) */
  set?: VectorSet;
  /** keep the RTL's outputs of every vector in the report (dataset runs classify them) */
  keepOutputs?: boolean;
  onProgress?: (msg: string) => void;
  /** the back end (default auto) */
  simulator?: SimulatorChoice;
  /** write a VCD of one vector */
  vcd?: { path: string; vector: number };
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

/**
 * A vector set with its reference outputs, computed once and shared by every
 * run over it (full rate, stalled, a mismatch's VCD replay). Generated
 * vectors are packed as they are made (typed arrays of the narrowest width,
 * never one array per vector); given ones are referred to, not copied. The
 * expected outputs are packed the same way.
 */
export class VectorSet {
  readonly count: number;
  /** expected outputs of vector k: expected[offsets[k] .. offsets[k + 1]) */
  readonly expected: Packed;
  readonly offsets: Uint32Array;
  /** whether the model raises its overflow flag on any vector */
  readonly overflow: boolean;
  private readonly given?: readonly LabelledVector[];
  private readonly packed?: { x: Packed; n: number; kinds: Uint8Array };
  private timelines = new Map<number, { firstIn: number[]; lastOut: number[] }>();

  /** `vectors`: the given inputs (kept by reference), or a stream of `count` generated ones (packed) */
  constructor(private readonly dut: DesignUnderTest, vectors: readonly LabelledVector[] | { count: number; stream: Iterable<LabelledVector> }) {
    const given = 'stream' in vectors ? undefined : vectors;
    this.count = given ? given.length : (vectors as { count: number }).count;
    const outWidth = dut.rtl.io.outWidth;
    const expected = new Values(outWidth, this.count * Math.max(1, dut.rtl.io.outBeats * dut.rtl.io.outLanes));
    const offsets = new Uint32Array(this.count + 1);
    let overflow = false;
    const n = dut.inputs;
    const x = given ? undefined : new Values(dut.inWidth, this.count * n);
    const kinds = given ? undefined : new Uint8Array(this.count);
    let k = 0;
    for (const v of given ?? (vectors as { stream: Iterable<LabelledVector> }).stream) {
      if (k >= this.count) break;
      const r = dut.reference(v.x);
      for (const y of r.y) expected.push(y);
      offsets[k + 1] = expected.length;
      overflow ||= r.overflow;
      if (x) {
        if (v.x.length !== n) throw new CircaError(`vector ${k} has ${v.x.length} elements, the design takes ${n}`);
        for (const e of v.x) x.push(e);
        kinds![k] = KINDS.indexOf(v.kind);
      }
      k++;
    }
    if (k !== this.count) throw new CircaError(`the vector source gave ${k} vectors, not ${this.count}`);
    this.expected = expected.done();
    this.offsets = offsets;
    this.overflow = overflow;
    if (given) this.given = given;
    else this.packed = { x: x!.done(), n, kinds: kinds! };
  }
  kind(k: number): VectorKind {
    return this.given ? this.given[k].kind : KINDS[this.packed!.kinds[k]];
  }

  /** vector k's elements (a view: valid until the set is dropped) */
  x(k: number): ArrayLike<number> {
    if (this.given) return this.given[k].x;
    const { x, n } = this.packed!;
    return x.subarray(k * n, (k + 1) * n);
  }

  /** vector k's expected outputs, as an array */
  want(k: number): number[] {
    return Array.from(this.expected.subarray(this.offsets[k], this.offsets[k + 1]));
  }

  /** the predicted timeline of the first `count` vectors offered back to back (computed once per count) */
  timeline(count = this.count) {
    let t = this.timelines.get(count);
    if (!t) this.timelines.set(count, (t = this.dut.timeline(count)));
    return t;
  }
}

const sets = new WeakMap<DesignUnderTest, { generated: Map<string, VectorSet>; given: WeakMap<object, VectorSet> }>();

/**
 * The vector set of a run: the given inputs, or `count` generated ones from
 * `seed`, with the reference model's outputs. Cached per design object, so a
 * full-rate and a stalled run over the same vectors compute the model once.
 */
export function vectorSet(dut: DesignUnderTest, opts: Pick<CosimOptions, 'inputs' | 'vectors' | 'seed'> = {}): VectorSet {
  let cache = sets.get(dut);
  if (!cache) sets.set(dut, (cache = { generated: new Map(), given: new WeakMap() }));
  if (opts.inputs) {
    let s = cache.given.get(opts.inputs);
    if (!s) cache.given.set(opts.inputs, (s = new VectorSet(dut, opts.inputs)));
    return s;
  }
  const count = opts.vectors ?? 100;
  const seed = opts.seed ?? 1;
  const key = `${count}:${seed}`;
  let s = cache.generated.get(key);
  if (!s) {
    const stream = dut.vectors?.(count, seed) ?? vectorStream(count, dut.inputs, dut.inWidth, seed);
    cache.generated.set(key, (s = new VectorSet(dut, { count, stream })));
  }
  return s;
}

/**
 * The streaming comparison: each output beat is checked against the expected
 * outputs as it arrives; only counters, the first few mismatches and each
 * vector's two cycle stamps are kept.
 */
class Comparison implements StreamSink {
  exact = 0;
  wrongOutputs = 0;
  mismatches: Mismatch[] = [];
  readonly firstIn: Float64Array;
  readonly lastOut: Float64Array;
  readonly outputs?: number[][];
  private cur = -1;
  private got = 0;
  private ok = true;
  private extraCycle = -1;
  private want = 0;
  private end = 0;
  private kept?: number[];

  constructor(private readonly set: VectorSet, private readonly count: number, keep: boolean) {
    this.firstIn = new Float64Array(count).fill(-1);
    this.lastOut = new Float64Array(count).fill(-1);
    if (keep) this.outputs = [];
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
    this.want = this.set.offsets[k];
    this.end = this.set.offsets[k + 1];
    if (this.outputs) this.kept = [];
  }

  private close() {
    const k = this.cur;
    const wantLen = this.end - this.want;
    if (this.got !== wantLen) {
      this.ok = false;
      this.note({ vector: k, vectorKind: this.set.kind(k), index: -1, expected: `${wantLen} outputs`, got: `${this.got} outputs`, cycle: this.got > wantLen ? this.extraCycle : -1, beat: -1, lane: -1 });
    }
    if (this.ok) this.exact++;
    if (this.outputs) this.outputs.push(this.kept!);
  }

  /** move on to vector k, closing the ones before it (a vector without beats gave no outputs) */
  private advance(k: number) {
    while (this.cur < k) {
      if (this.cur >= 0) this.close();
      this.open(this.cur + 1);
    }
  }

  vectorStart(k: number, cycle: number) {
    this.firstIn[k] = cycle;
  }

  beat(k: number, beat: number, cycle: number, _last: boolean, keep: number, lanes: Float64Array) {
    if (k !== this.cur) this.advance(k);
    this.lastOut[k] = cycle;
    const expected = this.set.expected;
    const wantLen = this.end - this.want;
    for (let l = 0; l < lanes.length; l++) {
      if (!((keep >> l) & 1)) continue;
      const i = this.got++;
      const v = lanes[l];
      this.kept?.push(v);
      if (i < wantLen) {
        const e = expected[this.want + i];
        if (e !== v) {
          this.ok = false;
          this.note({ vector: k, vectorKind: this.set.kind(k), index: i, expected: e, got: v, cycle, beat, lane: l });
        }
      } else if (i === wantLen) this.extraCycle = cycle;
    }
  }

  finish() {
    this.advance(this.count - 1);
    if (this.cur >= 0) this.close();
  }
}

const diffs = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a, (t, k) => t - b[k]);
const steps = (a: ArrayLike<number>) => Array.from({ length: Math.max(0, a.length - 1) }, (_, k) => a[k + 1] - a[k]);

/** A set's vectors as the harness's input: inLanes consecutive elements per beat, or the design's own beats(). */
function setInput(dut: DesignUnderTest, set: VectorSet, count: number): StreamInput {
  const io = dut.rtl.io;
  if (!dut.beats) return elementsInput(io, count, (k) => set.x(k));
  const words = inWordsOf(io);
  return {
    count,
    pack: (k, into) => {
      const vec = dut.beats!(Array.from(set.x(k)));
      if (vec.length !== io.inBeats) throw new CircaError(`vector has ${vec.length} beats, the design takes ${io.inBeats}`);
      for (let b = 0; b < vec.length; b++) packLanes(into, b * words, vec[b], io.inWidth);
    },
  };
}

export async function cosim(dut: DesignUnderTest, opts: CosimOptions = {}): Promise<CosimReport> {
  const cpu0 = process.cpuUsage();
  const set = opts.set ?? vectorSet(dut, opts);
  const count = set.count;
  const validPct = opts.validPct ?? 100;
  const readyPct = opts.readyPct ?? 100;
  const streamOpts = { validPct, readyPct, seed: opts.seed ?? 1, onProgress: opts.onProgress, simulator: opts.simulator, chunkBytes: opts.chunkBytes };
  const cmp = new Comparison(set, count, !!opts.keepOutputs);
  const res = await runStream(dut.rtl, setInput(dut, set, count), cmp, { ...streamOpts, vcd: opts.vcd, tamper: opts.tamper });
  cmp.finish();
  const predicted = set.timeline(count);
  const predictedLatencies = diffs(predicted.lastOut, predicted.firstIn);
  const predictedPeriods = steps(predicted.firstIn);
  const measuredLatency = diffs(cmp.lastOut, cmp.firstIn);
  const measuredPeriod = steps(cmp.firstIn);
  const cycleMismatches: CycleMismatch[] = [];
  let match = true;
  for (let k = 0; k < count; k++) {
    const latOk = measuredLatency[k] === predictedLatencies[k];
    const perOk = k === count - 1 || measuredPeriod[k] === predictedPeriods[k];
    if (latOk && perOk) continue;
    match = false;
    if (cycleMismatches.length < MAX_CYCLE_MISMATCHES) {
      cycleMismatches.push({
        vector: k, measuredLatency: measuredLatency[k], predictedLatency: predictedLatencies[k],
        measuredPeriod: measuredPeriod[k] ?? -1, predictedPeriod: predictedPeriods[k] ?? -1,
      });
    }
  }
  const hostCpu = process.cpuUsage(cpu0);
  let mismatchVcd: CosimReport['mismatchVcd'];
  const mismatches = cmp.mismatches;
  if (opts.mismatchVcd && mismatches.length) {
    // the design and the stall pattern are deterministic: the first k+1 vectors replay the failing run exactly
    const first = mismatches.reduce((a, m) => (m.vector < a.vector || (m.vector === a.vector && m.cycle < a.cycle) ? m : a));
    const k = first.vector;
    opts.onProgress?.(`writing the VCD of vector ${k} (first mismatch)`);
    const ignore: StreamSink = { vectorStart: () => {}, beat: () => {} };
    await runStream(dut.rtl, setInput(dut, set, k + 1), ignore, { ...streamOpts, vcd: { path: opts.mismatchVcd, vector: k } });
    mismatchVcd = { path: opts.mismatchVcd, vector: k, cycle: first.cycle };
  }
  const steady = set.timeline(16);
  return {
    layer: dut.label,
    vectors: count,
    exact: cmp.exact,
    mismatches,
    wrongOutputs: cmp.wrongOutputs,
    overflowExpected: set.overflow,
    overflowGot: res.overflow,
    cycles: {
      predictedLatency: predictedLatencies[0],
      predictedPeriod: steady.firstIn[15] - steady.firstIn[14],
      predictedLatencies,
      predictedPeriods,
      measuredLatency,
      measuredPeriod,
      match,
      mismatches: cycleMismatches,
      formula: dut.formula,
    },
    backpressure: { validPct, readyPct },
    ...(opts.keepOutputs ? { outputs: cmp.outputs, expected: Array.from({ length: count }, (_, k) => set.want(k)) } : {}),
    ...(mismatchVcd ? { mismatchVcd } : {}),
    sim: {
      buildSeconds: res.buildSeconds, cached: res.cached, runSeconds: res.runSeconds, simSeconds: res.simSeconds, totalCycles: res.totalCycles, simulator: res.simulator,
      // the WebAssembly simulator runs in this process: its run is not the host's work
      hostSeconds: Math.max(0, (hostCpu.user + hostCpu.system) / 1e6 - (res.simulator === 'cxxrtl' ? res.runSeconds : 0)),
    },
  };
}

/** One layer's own top, driven directly: its timing() model, inputs back to back. */
export function layerDut(layer: LoadedLayer | NetworkLayer): DesignUnderTest {
  const { kind, plan } = layer;
  const shape = kind.shape(plan);
  // a planned layer renders once, with the design's module-name check (layerRtl)
  const rtl = 'io' in layer ? layerRtl(layer) : kind.rtl(plan);
  return {
    label: (plan as { name?: string }).name ?? kind.kind,
    rtl,
    inputs: shape.inputs,
    inWidth: shape.inWidth,
    reference: (x) => kind.reference(plan, x),
    timeline: (count) => {
      const t = kind.timing(plan);
      const firstIn: number[] = [];
      const lastOut: number[] = [];
      let ready = 0;
      let lastIn = -1;
      let prev: VectorHandshakes | undefined;
      for (let j = 0; j < count; j++) {
        const start = Math.max(ready, lastIn + 1);
        // one input beat per cycle (a beat is inLanes elements)
        const ins = Array.from({ length: rtl.io.inBeats }, (_, e) => start + e);
        const outs = t.outputs(ins, prev);
        ready = t.nextReady(ins, outs, prev);
        prev = { inputs: ins, outputs: outs };
        lastIn = ins[ins.length - 1];
        firstIn.push(start);
        lastOut.push(outs[outs.length - 1]);
      }
      return { firstIn, lastOut };
    },
    formula: kind.cost(plan).cycles.formula,
    ...(kind.vectors ? { vectors: (count: number, seed: number) => kind.vectors!(plan, count, seed) } : {}),
  };
}

const layerDuts = new WeakMap<LoadedLayer, DesignUnderTest>();

/** Co-simulate one layer. Its design (and so its vector sets and reference outputs) is made once per layer object. */
export function cosimLayer(layer: LoadedLayer, opts: CosimOptions = {}): Promise<CosimReport> {
  let dut = layerDuts.get(layer);
  if (!dut) layerDuts.set(layer, (dut = layerDut(layer)));
  return cosim(dut, opts);
}

export function formatMismatch(m: Mismatch): string {
  return `vector ${m.vector} (${m.vectorKind}), output ${m.index}: expected ${m.expected}, got ${m.got}${m.cycle >= 0 ? ` (cycle ${m.cycle})` : ''}`;
}
