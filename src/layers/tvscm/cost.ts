/**
 * TVSCM cost face: a model of the schedule in rtl-templates/tvscm_layer.v.
 *
 *   LOAD  n cycles (one element per beat)
 *   RUN   ROWS + 2*RB fetches, one per cycle, then 5 register stages
 *         (G window, C sums, P products, Q accumulate, O output) before the
 *         last output handshake; the F stage is the fetch cycle itself.
 *   latency = n + ROWS + 2*RB + 5, period = latency + 1 (the next vector's
 *   first input is taken the cycle after the last output).
 * Co-simulation asserts measured == predicted for every configuration tested.
 */
import type { CycleModel, LayerCost, LayerTiming } from '../types.ts';
import type { TvscmPlan } from './plan.ts';

/** Register stages between a fetch and its output handshake. */
export const TVSCM_PIPE_STAGES = 5;

/**
 * Handshakes: the layer takes inputs whenever offered while loading; fetch u
 * runs u + 1 cycles after the last input, and row t's output beat (fetch
 * u = t + 2*RB) handshakes TVSCM_PIPE_STAGES + 1 cycles after its fetch. The
 * next vector's first input is taken the cycle after the last output.
 */
export function tvscmTiming(p: TvscmPlan): LayerTiming {
  const first = 1 + 2 * p.windowRows + TVSCM_PIPE_STAGES + 1;
  return {
    outputs: (inputs) => {
      const last = inputs[inputs.length - 1];
      return Array.from({ length: p.rows }, (_, t) => last + first + t);
    },
    nextReady: (_inputs, outputs) => outputs[outputs.length - 1] + 1,
  };
}

export function tvscmCycles(p: TvscmPlan): CycleModel {
  const latency = p.n + p.rows + 2 * p.windowRows + TVSCM_PIPE_STAGES;
  return {
    latency,
    period: latency + 1,
    formula: `n + ceil(n/P) + 2*ceil(r/P) + ${TVSCM_PIPE_STAGES}`.replace(' + 2*ceil(r/P)', p.placement === 'band' ? ' + 2*ceil(r/P)' : ''),
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
      bufferBits: p.rows * p.lanes * p.xWidth + (band ? 2 * p.radius * p.xWidth : 0),
      weightBits: 2 * p.wWidth,
    },
  };
}
