/**
 * Dense cost face: a model of the schedule in rtl-templates/dense_layer.v.
 *
 *   LOAD  n cycles (one element per beat)
 *   RUN   G*n issue cycles, G = ceil(m/P) groups of P rows, one MAC per lane
 *         per cycle; then 4 register stages (R reads, P products,
 *         C accumulate, O output) before the last output handshake, the last
 *         of which is the handshake cycle itself.
 *   latency = n + G*n + 3 (first input to last output, no stalls)
 *   period  = n + G*n     (the buffer is free once the last read is issued,
 *                          so the next vector loads while this one drains)
 * Co-simulation asserts measured == predicted for every configuration tested.
 */
import type { CycleModel, LayerCost, LayerTiming } from '../types.ts';
import type { DensePlan } from './plan.ts';

/** Cycles from the last issue to the last output handshake: stages R, P, C, O. */
export const DENSE_PIPE_STAGES = 4;

/**
 * Handshakes of one vector when the output is never stalled: RUN starts the
 * cycle after the last input, group g's last issue is (g+1)*n cycles after
 * the last input, and its output beat handshakes DENSE_PIPE_STAGES cycles
 * after that issue. The buffer is free (s_ready high) the cycle after the
 * last issue, G*n + 1 cycles after the last input, whatever the outputs do.
 */
export function denseTiming(p: DensePlan): LayerTiming {
  return {
    outputs: (inputs) => {
      const last = inputs[inputs.length - 1];
      return Array.from({ length: p.groups }, (_, g) => last + (g + 1) * p.n + DENSE_PIPE_STAGES);
    },
    nextReady: (inputs) => inputs[inputs.length - 1] + p.groups * p.n + 1,
  };
}

export function denseCycles(p: DensePlan): CycleModel {
  const run = p.groups * p.n;
  return {
    latency: p.n + run + DENSE_PIPE_STAGES - 1,
    period: p.n + run,
    formula: `n + ceil(m/P)*n + ${DENSE_PIPE_STAGES - 1}`,
  };
}

export function denseCost(p: DensePlan): LayerCost {
  const { n, m, lanes, groups } = p;
  return {
    cycles: denseCycles(p),
    ops: {
      // Useful work per vector: m*n multiplies; per output n-1 accumulating
      // adds plus the bias add. The padded lanes of a partial last group
      // ((G*P - m) rows of zero weights) also run in hardware but do no work.
      multiplies: m * n,
      adds: m * n,
      // every weight and every bias read once from the ROM
      weightReads: m * n + m,
      // n elements written; one buffer read per issue cycle, shared by the P lanes
      bufferWrites: n,
      bufferReads: groups * n,
      parameters: m * n + m,
    },
    hardware: {
      multipliers: lanes,
      bufferBits: n * p.xWidth,
      // as stored: the ROMs hold G*P rows, the last group zero-padded
      weightBits: groups * lanes * (n * p.wWidth + p.bWidth),
    },
  };
}
