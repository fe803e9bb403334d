/**
 * Co-simulation: the reference model says what the RTL must compute; this
 * runs both on the same vectors, compares value for value, and compares the
 * measured cycle stamps of every vector with the cost model's timeline.
 */
import type { LoadedLayer } from '../layers/load.ts';
import { layerRtl, type NetworkLayer } from '../network/plan.ts';
import type { LayerRtl, ReferenceResult, VectorHandshakes } from '../layers/types.ts';
import { makeVectors, type LabelledVector } from './vectors.ts';
import { simulateStream, type StreamResult } from './stream.ts';
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
  index: number;
  expected: number | string;
  got: number | string;
  /** the cycle the wrong output beat was taken (the harness's cycle count; -1 when the output never came) */
  cycle: number;
}

export interface CosimReport {
  layer: string;
  vectors: number;
  exact: number;
  mismatches: Mismatch[];
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
    formula: string;
  };
  backpressure: { validPct: number; readyPct: number };
  /** the RTL's outputs, vector by vector (only with keepOutputs) */
  outputs?: number[][];
  /** the reference model's outputs, vector by vector (only with keepOutputs; computed once, for the comparison) */
  expected?: number[][];
  /** the VCD written for the first failing vector (mismatchVcd), with the cycle of its first wrong output */
  mismatchVcd?: { path: string; vector: number; cycle: number };
  sim: Pick<StreamResult, 'buildSeconds' | 'cached' | 'runSeconds' | 'totalCycles' | 'simulator'>;
}

export interface CosimOptions {
  vectors?: number;
  seed?: number;
  validPct?: number;
  readyPct?: number;
  /** give explicit vectors instead of generated ones */
  inputs?: LabelledVector[];
  /** keep the RTL's outputs of every vector in the report (dataset runs classify them) */
  keepOutputs?: boolean;
  onProgress?: (msg: string) => void;
  /** the back end (default auto) */
  simulator?: SimulatorChoice;
  /** write a VCD of one vector */
  vcd?: { path: string; vector: number };
  /** on a mismatch, write the first failing vector's VCD here (the run is repeated up to that vector with tracing on) */
  mismatchVcd?: string;
}

const diffs = (a: readonly number[], b: readonly number[]) => a.map((t, k) => t - b[k]);
const steps = (a: readonly number[]) => a.slice(1).map((t, k) => t - a[k]);

export async function cosim(dut: DesignUnderTest, opts: CosimOptions = {}): Promise<CosimReport> {
  const count = opts.vectors ?? 100;
  const seed = opts.seed ?? 1;
  const inputs = opts.inputs ?? dut.vectors?.(count, seed) ?? makeVectors(count, dut.inputs, dut.inWidth, seed);
  const expected = inputs.map((v) => dut.reference(v.x));
  const validPct = opts.validPct ?? 100;
  const readyPct = opts.readyPct ?? 100;
  // a beat carries inLanes consecutive elements (lane 0 first): one for most kinds, re and im for the FFT
  const lanes = dut.rtl.io.inLanes;
  const beats = dut.beats ?? ((x: readonly number[]) => Array.from({ length: Math.ceil(x.length / lanes) }, (_, b) => x.slice(b * lanes, b * lanes + lanes)));
  const streamOpts = { validPct, readyPct, seed: opts.seed ?? 1, onProgress: opts.onProgress, simulator: opts.simulator };
  const res = await simulateStream(dut.rtl, inputs.map((v) => beats(v.x)), { ...streamOpts, vcd: opts.vcd });
  // the cycle output i of vector k was taken: its beat, counting kept lanes
  const cycleOf = (k: number, i: number) => {
    let n = 0;
    for (const b of res.beats[k] ?? []) {
      for (let l = 0; l < b.lanes.length; l++) if ((b.keep >> l) & 1 && n++ === i) return b.cycle;
    }
    return -1;
  };
  const mismatches: Mismatch[] = [];
  let exact = 0;
  for (let k = 0; k < inputs.length; k++) {
    const want = expected[k].y;
    const got = res.outputs[k];
    let ok = got.length === want.length;
    if (!ok) mismatches.push({ vector: k, vectorKind: inputs[k].kind, index: -1, expected: `${want.length} outputs`, got: `${got.length} outputs`, cycle: cycleOf(k, Math.min(want.length, got.length)) });
    for (let i = 0; i < Math.min(want.length, got.length); i++) {
      if (want[i] !== got[i]) {
        ok = false;
        if (mismatches.length < 20) mismatches.push({ vector: k, vectorKind: inputs[k].kind, index: i, expected: want[i], got: got[i], cycle: cycleOf(k, i) });
      }
    }
    if (ok) exact++;
  }
  const predicted = dut.timeline(inputs.length);
  const predictedLatencies = diffs(predicted.lastOut, predicted.firstIn);
  const predictedPeriods = steps(predicted.firstIn);
  const measuredLatency = diffs(res.lastOut, res.firstIn);
  const measuredPeriod = steps(res.firstIn);
  let mismatchVcd: CosimReport['mismatchVcd'];
  if (opts.mismatchVcd && mismatches.length) {
    // the design and the stall pattern are deterministic: the first k+1 vectors replay the failing run exactly
    const first = mismatches.reduce((a, m) => (m.vector < a.vector || (m.vector === a.vector && m.cycle < a.cycle) ? m : a));
    const k = first.vector;
    opts.onProgress?.(`writing the VCD of vector ${k} (first mismatch)`);
    await simulateStream(dut.rtl, inputs.slice(0, k + 1).map((v) => beats(v.x)), { ...streamOpts, vcd: { path: opts.mismatchVcd, vector: k } });
    mismatchVcd = { path: opts.mismatchVcd, vector: k, cycle: first.cycle };
  }
  const steady = dut.timeline(16);
  return {
    layer: dut.label,
    vectors: inputs.length,
    exact,
    mismatches,
    overflowExpected: expected.some((e) => e.overflow),
    overflowGot: res.overflow,
    cycles: {
      predictedLatency: predictedLatencies[0],
      predictedPeriod: steady.firstIn[15] - steady.firstIn[14],
      predictedLatencies,
      predictedPeriods,
      measuredLatency,
      measuredPeriod,
      match: measuredLatency.every((c, k) => c === predictedLatencies[k]) && measuredPeriod.every((c, k) => c === predictedPeriods[k]),
      formula: dut.formula,
    },
    backpressure: { validPct, readyPct },
    ...(opts.keepOutputs ? { outputs: res.outputs, expected: expected.map((e) => e.y) } : {}),
    ...(mismatchVcd ? { mismatchVcd } : {}),
    sim: { buildSeconds: res.buildSeconds, cached: res.cached, runSeconds: res.runSeconds, totalCycles: res.totalCycles, simulator: res.simulator },
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

export function cosimLayer(layer: LoadedLayer, opts: CosimOptions = {}): Promise<CosimReport> {
  return cosim(layerDut(layer), opts);
}

export function formatMismatch(m: Mismatch): string {
  return `vector ${m.vector} (${m.vectorKind}), output ${m.index}: expected ${m.expected}, got ${m.got}${m.cycle >= 0 ? ` (cycle ${m.cycle})` : ''}`;
}
