/**
 * Argmax cost face (rtl-templates/argmax_layer.v): compare as elements arrive;
 * the result handshakes the cycle after the last element, and the next vector
 * is taken the cycle after that: latency n, period n + 1.
 */
import type { LayerCost, LayerTiming } from '../types.ts';
import type { ArgmaxPlan } from './plan.ts';

export function argmaxTiming(_p: ArgmaxPlan): LayerTiming {
  return {
    outputs: (inputs) => [inputs[inputs.length - 1] + 1],
    nextReady: (_inputs, outputs) => outputs[0] + 1,
  };
}

export function argmaxCost(p: ArgmaxPlan): LayerCost {
  return {
    cycles: { latency: p.n, period: p.n + 1, formula: 'n' },
    ops: { multiplies: 0, adds: p.n - 1, weightReads: 0, bufferWrites: 0, bufferReads: 0, parameters: 0 },
    hardware: { multipliers: 0, bufferBits: 0, weightBits: 0 },
  };
}
