/**
 * FFT cost face, from src/fft/cost.ts (the schedule of the templates):
 * a vector's first output leaves latencyFirst cycles after its first input,
 * the rest follow one per cycle, and the pipeline takes a new sample every
 * cycle (s_ready stays high while the output is taken), so vectors stream
 * back to back with period N.
 *
 * The timing face is exact for inputs on consecutive cycles, which is how a
 * design of its own is driven (src/sim/cosim.ts layerDut) and what the
 * co-simulation asserts. An FFT takes two lanes per beat, so it is not a
 * network layer (src/network/plan.ts refuses it); the circulant kinds use
 * the same pipeline inside.
 */
import { fftCost, engineCycles, engineFirstOutput, foldedFftSchedule } from '../../fft/index.ts';
import type { LayerCost, LayerTiming } from '../types.ts';
import { isFolded, type FftLayerPlan, type FoldedFftLayerPlan } from './plan.ts';

/**
 * The folded engine (src/fft/folded.ts): a vector is loaded, transformed in
 * place and unloaded before the next one enters. Output i leaves
 * engineFirstOutput + i cycles after the last input; the next vector's
 * first input is taken the cycle after the last output.
 */
function foldedTiming(p: FoldedFftLayerPlan): LayerTiming {
  const first = engineFirstOutput(foldedFftSchedule(p));
  return {
    outputs: (inputs) => Array.from({ length: p.n }, (_, i) => inputs[inputs.length - 1] + first + i),
    nextReady: (_inputs, outputs) => outputs[outputs.length - 1] + 1,
  };
}

function foldedCost(p: FoldedFftLayerPlan): LayerCost {
  const c = engineCycles(foldedFftSchedule(p));
  const n = p.n;
  const passes = p.passes.length;
  const mults = p.spec.multipliers;
  return {
    cycles: { latency: c.latency, period: c.period, formula: c.formula },
    ops: {
      // every butterfly of every pass runs its complex multiplier (trivial twiddles included)
      multiplies: (n / 2) * passes * mults,
      // 4 adds per butterfly (re, im sums and differences), 2 per complex product (3 more with Gauss pre-adds)
      adds: (n / 2) * passes * (4 + (mults === 3 ? 5 : 2)),
      weightReads: (n / 2) * passes,
      // each pass reads and writes every word once, plus the load and unload
      bufferWrites: n * (passes + 1),
      bufferReads: n * (passes + 1),
      parameters: 0,
    },
    hardware: {
      multipliers: p.butterflies * mults,
      bufferBits: n * 2 * p.memWidth,
      weightBits: p.butterflies * (n / 2) * 2 * p.twiddleWidth,
    },
  };
}

export function fftLayerTiming(p: FftLayerPlan): LayerTiming {
  if (isFolded(p)) return foldedTiming(p);
  const c = fftCost(p);
  return {
    outputs: (inputs) => Array.from({ length: p.n }, (_, i) => inputs[0] + c.latencyFirst + i),
    nextReady: (inputs) => inputs[inputs.length - 1] + 1,
  };
}

export function fftLayerCost(p: FftLayerPlan): LayerCost {
  if (isFolded(p)) return foldedCost(p);
  const c = fftCost(p);
  const n = p.n;
  const butterflies = p.butterflies.length;
  return {
    cycles: { latency: c.latencyLast, period: c.periodCycles, formula: `${c.formula}; period N = ${n}` },
    ops: {
      // every sample passes every twiddle stage's multiplier and every butterfly
      multiplies: c.realMultipliers * n,
      adds: c.adders * n,
      // one twiddle ROM read per sample per twiddle stage
      weightReads: c.complexMultipliers * n,
      // each butterfly writes and reads its delay line once per sample; the reorder buffer once more
      bufferWrites: (butterflies + (p.reorder === 'none' ? 0 : 1)) * n,
      bufferReads: (butterflies + (p.reorder === 'none' ? 0 : 1)) * n,
      parameters: 0,
    },
    hardware: {
      multipliers: c.realMultipliers,
      bufferBits: c.memory.delayRamBits + c.memory.delayFfBits + c.memory.reorderBits,
      weightBits: c.memory.romBits,
    },
  };
}
