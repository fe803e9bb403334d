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
import { fftCost } from '../../fft/index.ts';
import type { LayerCost, LayerTiming } from '../types.ts';
import type { FftLayerPlan } from './plan.ts';

export function fftLayerTiming(p: FftLayerPlan): LayerTiming {
  const c = fftCost(p);
  return {
    outputs: (inputs) => Array.from({ length: p.n }, (_, i) => inputs[0] + c.latencyFirst + i),
    nextReady: (inputs) => inputs[inputs.length - 1] + 1,
  };
}

export function fftLayerCost(p: FftLayerPlan): LayerCost {
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
