/**
 * TVSCM cost face: a model of the schedule in rtl-templates/tvscm_layer.v.
 *
 *   LOAD  B = ceil(n/k) cycles (k elements per beat) into the free one of two buffers
 *   RUN   F = ROWS + 2*RB fetches, one per cycle, then 5 register stages
 *         (G window, C sums, P products, Q accumulate, O output) before the
 *         last output handshake; the F stage is the fetch cycle itself.
 *   A vector's run starts at max(its last input + 1, the previous run's
 *   start + F); a buffer is free again after its run's last fetch, so the
 *   next vector loads while this one computes.
 *   latency = B + F + 5 (from idle), period = max(B, F) back to back
 *   (one buffer: the next vector loads after the last fetch, period B + F).
 * Co-simulation asserts measured == predicted for every configuration tested.
 */
import type { CycleModel, LayerCost, LayerTiming, VectorHandshakes } from '../types.ts';
import type { TvscmPlan } from './plan.ts';

/** Register stages between a fetch and its output handshake. */
export const TVSCM_PIPE_STAGES = 5;

/** Row fetches per vector: ROWS + 2*RB. */
export const tvscmFetches = (p: TvscmPlan): number => p.rows + 2 * p.windowRows;

/**
 * Handshakes: the layer takes a vector's inputs whenever offered while its
 * buffer is free. Its run starts at s = max(last input + 1, previous run's
 * start + F) (the previous run's start is its last output - F - 5); fetch u
 * runs at s + u and row t's output beat (fetch u = t + 2*RB) handshakes
 * TVSCM_PIPE_STAGES + 1 cycles after its fetch. The next vector's buffer is
 * the previous vector's, free from that run's start + F, so the next first
 * input is taken at max(last input + 1, previous run's start + F).
 */
export function tvscmTiming(p: TvscmPlan): LayerTiming {
  const F = tvscmFetches(p);
  const runStart = (v: VectorHandshakes) => v.outputs[v.outputs.length - 1] - F - TVSCM_PIPE_STAGES;
  const start = (inputs: readonly number[], prev?: VectorHandshakes) =>
    Math.max(inputs[inputs.length - 1] + 1, prev ? runStart(prev) + F : -Infinity);
  return {
    overlaps: p.buffers > 1,
    outputs: (inputs, prev) => {
      const s = start(inputs, prev);
      return Array.from({ length: p.rows }, (_, t) => s + t + 2 * p.windowRows + TVSCM_PIPE_STAGES + 1);
    },
    // two buffers: the next vector's buffer is the previous vector's; one: this vector's
    nextReady: (inputs, outputs, prev) => p.buffers > 1
      ? Math.max(inputs[inputs.length - 1] + 1, prev ? runStart(prev) + F : -Infinity)
      : runStart({ inputs, outputs }) + F,
  };
}

export function tvscmCycles(p: TvscmPlan): CycleModel {
  const F = tvscmFetches(p);
  const latency = p.beats + F + TVSCM_PIPE_STAGES;
  const fetches = p.placement === 'band' ? 'ceil(n/P) + 2*ceil(r/P)' : 'ceil(n/P)';
  const load = p.beat > 1 ? `ceil(n/${p.beat})` : 'n';
  return {
    latency,
    period: p.buffers > 1 ? Math.max(p.beats, F) : p.beats + F,
    formula: `${load} + ${fetches} + ${TVSCM_PIPE_STAGES}; period ${p.buffers > 1 ? `max(${load}, ${fetches})` : `${load} + ${fetches}`}`,
  };
}

export function tvscmCost(p: TvscmPlan): LayerCost {
  const n = p.n;
  const band = p.placement === 'band';
  // Band: per output one multiply by a, one by b; 2r pre-adds and the final add.
  // Complement: per output one multiply by (a-b) and one add; plus S (n-1 adds),
  // a - b (1 add) and b*S (1 multiply) per vector.
  const multiplies = band ? 2 * n : n + 1;
  const adds = band ? n * (2 * p.radius) : n + (n - 1) + 1;
  return {
    cycles: tvscmCycles(p),
    ops: {
      multiplies,
      adds,
      // a and b are registers: two reads per output in the band form, one
      // (a-b) per output plus b once in the complement form.
      weightReads: band ? 2 * n : n + 1,
      bufferWrites: n,
      bufferReads: p.rows * p.lanes,
      parameters: 2,
    },
    hardware: {
      multipliers: band ? 2 * p.lanes : p.lanes + 1,
      // input buffers (two: load overlaps compute): ROWS x P elements and a head/tail pair each
      bufferBits: p.buffers * (p.rows * p.lanes * p.xWidth + (band ? 2 * p.radius * p.xWidth : 0)),
      weightBits: 2 * p.wWidth,
    },
  };
}
