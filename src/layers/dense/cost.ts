/**
 * Dense cost face: a model of the schedule in rtl-templates/dense_layer.v.
 *
 *   LOAD  B = n/beat cycles (beat elements per input beat; beat divides n)
 *         into the free one of two buffers
 *   RUN   G*n issue cycles, G = ceil(m/P) groups of P rows, one MAC per lane
 *         per cycle; then 4 register stages (R reads, P products,
 *         C accumulate, O output) before the last output handshake, the last
 *         of which is the handshake cycle itself.
 *   A vector's run starts at max(its last input + 1, the previous run's
 *   start + G*n); a buffer is free again after its run's last issue, so the
 *   next vector loads while this one computes.
 *   latency = B + G*n + 3 (first input to last output, from idle)
 *   period  = max(B, G*n) = G*n back to back (the load is hidden);
 *             one buffer ("buffers": 1): B + G*n
 * Wide beats shorten the load (so the latency, and the one-buffer period),
 * not the run: the issue still reads one element a cycle. The timing below
 * is written over the input beats' handshakes, so it holds for any beat.
 * Co-simulation asserts measured == predicted for every configuration tested.
 */
import type { CycleModel, LayerCost, LayerTiming, VectorHandshakes } from '../types.ts';
import type { DensePlan } from './plan.ts';

/** Cycles from the last issue to the last output handshake: stages R, P, C, O. */
export const DENSE_PIPE_STAGES = 4;

/**
 * Handshakes of one vector when the output is never stalled: its run starts
 * at s = max(last input + 1, previous run's start + G*n) (the previous run's
 * start is its last output - G*n - 3), group g's last issue is at
 * s + (g+1)*n - 1 and its output beat handshakes DENSE_PIPE_STAGES cycles
 * after that issue. The next vector's buffer is the previous vector's, free
 * from that run's start + G*n, so the next first input is taken at
 * max(last input + 1, previous run's start + G*n).
 */
export function denseTiming(p: DensePlan): LayerTiming {
  const run = p.groups * p.n;
  const runStart = (v: VectorHandshakes) => v.outputs[v.outputs.length - 1] - run - (DENSE_PIPE_STAGES - 1);
  const free = (inputs: readonly number[], prev?: VectorHandshakes) =>
    Math.max(inputs[inputs.length - 1] + 1, prev ? runStart(prev) + run : -Infinity);
  return {
    overlaps: p.buffers > 1,
    outputs: (inputs, prev) => {
      const s = free(inputs, prev);
      return Array.from({ length: p.groups }, (_, g) => s + (g + 1) * p.n - 1 + DENSE_PIPE_STAGES);
    },
    // two buffers: the next vector's buffer is the previous vector's; one: this vector's
    nextReady: (inputs, outputs, prev) => (p.buffers > 1 ? free(inputs, prev) : runStart({ inputs, outputs }) + run),
  };
}

export function denseCycles(p: DensePlan): CycleModel {
  const run = p.groups * p.n;
  const load = p.beat > 1 ? `n/${p.beat}` : 'n';
  return {
    latency: p.beats + run + DENSE_PIPE_STAGES - 1,
    period: p.buffers > 1 ? Math.max(p.beats, run) : p.beats + run,
    formula: `${load} + ceil(m/P)*n + ${DENSE_PIPE_STAGES - 1}; period ${p.buffers > 1 ? 'ceil(m/P)*n' : `${load} + ceil(m/P)*n`}`,
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
      // n elements written, beat per buffer word write; one buffer read per
      // issue cycle, shared by the P lanes
      bufferWrites: n,
      bufferReads: groups * n,
      parameters: m * n + m,
    },
    hardware: {
      multipliers: lanes,
      // input buffers (two: load overlaps compute)
      bufferBits: p.buffers * n * p.xWidth,
      // as stored: the ROMs hold G*P rows, the last group zero-padded
      weightBits: groups * lanes * (n * p.wWidth + p.bWidth),
    },
  };
}
