/**
 * Layer co-simulation: the reference model says what the RTL must compute;
 * this runs both on the same vectors and compares value for value, and
 * compares the measured cycles with the cost face's prediction.
 */
import type { LoadedLayer } from '../layers/load.ts';
import { makeVectors, type LabelledVector } from './vectors.ts';
import { simulateStream, type StreamResult } from './stream.ts';

export interface Mismatch {
  vector: number;
  vectorKind: string;
  index: number;
  expected: number | string;
  got: number | string;
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
    predictedLatency: number;
    predictedPeriod: number;
    /** measured latency per vector (first input to last output); only meaningful without stalls */
    measuredLatency: number[];
    measuredPeriod: number[];
    formula: string;
  };
  backpressure: { validPct: number; readyPct: number };
  sim: Pick<StreamResult, 'buildSeconds' | 'cached' | 'runSeconds' | 'totalCycles'>;
}

export interface CosimOptions {
  vectors?: number;
  seed?: number;
  validPct?: number;
  readyPct?: number;
  /** give explicit vectors instead of generated ones */
  inputs?: LabelledVector[];
  onProgress?: (msg: string) => void;
}

export async function cosimLayer(layer: LoadedLayer, opts: CosimOptions = {}): Promise<CosimReport> {
  const { kind, plan } = layer;
  const shape = kind.shape(plan);
  const inputs = opts.inputs ?? makeVectors(opts.vectors ?? 100, shape.inputs, shape.inWidth, opts.seed ?? 1);
  const expected = inputs.map((v) => kind.reference(plan, v.x));
  const rtl = kind.rtl(plan);
  const validPct = opts.validPct ?? 100;
  const readyPct = opts.readyPct ?? 100;
  const res = await simulateStream(rtl, inputs.map((v) => v.x.map((e) => [e])), {
    validPct, readyPct, seed: opts.seed ?? 1, onProgress: opts.onProgress,
  });
  const mismatches: Mismatch[] = [];
  let exact = 0;
  for (let k = 0; k < inputs.length; k++) {
    const want = expected[k].y;
    const got = res.outputs[k];
    let ok = got.length === want.length;
    if (!ok) mismatches.push({ vector: k, vectorKind: inputs[k].kind, index: -1, expected: `${want.length} outputs`, got: `${got.length} outputs` });
    for (let i = 0; i < Math.min(want.length, got.length); i++) {
      if (want[i] !== got[i]) {
        ok = false;
        if (mismatches.length < 20) mismatches.push({ vector: k, vectorKind: inputs[k].kind, index: i, expected: want[i], got: got[i] });
      }
    }
    if (ok) exact++;
  }
  const cost = kind.cost(plan);
  return {
    layer: plan.name ?? kind.kind,
    vectors: inputs.length,
    exact,
    mismatches,
    overflowExpected: expected.some((e) => e.overflow),
    overflowGot: res.overflow,
    cycles: {
      predictedLatency: cost.cycles.latency,
      predictedPeriod: cost.cycles.period,
      measuredLatency: res.lastOut.map((t, k) => t - res.firstIn[k]),
      measuredPeriod: res.firstIn.slice(1).map((t, k) => t - res.firstIn[k]),
      formula: cost.cycles.formula,
    },
    backpressure: { validPct, readyPct },
    sim: { buildSeconds: res.buildSeconds, cached: res.cached, runSeconds: res.runSeconds, totalCycles: res.totalCycles },
  };
}

export function formatMismatch(m: Mismatch): string {
  return `vector ${m.vector} (${m.vectorKind}), output ${m.index}: expected ${m.expected}, got ${m.got}`;
}
