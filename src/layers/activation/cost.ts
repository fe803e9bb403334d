/**
 * Activation cost face: one register stage (rtl-templates/act_layer.v), so
 * each element leaves the cycle after it arrives: latency n, period n.
 */
import type { LayerCost, LayerTiming } from '../types.ts';
import type { ActivationPlan } from './plan.ts';

export function activationTiming(_p: ActivationPlan): LayerTiming {
  return {
    outputs: (inputs) => inputs.map((t) => t + 1),
    nextReady: (inputs) => inputs[inputs.length - 1] + 1,
  };
}

export function activationCost(p: ActivationPlan): LayerCost {
  return {
    cycles: { latency: p.n, period: p.n, formula: 'n' },
    ops: { multiplies: 0, adds: p.fn === 'identity' ? 0 : p.n, weightReads: 0, bufferWrites: 0, bufferReads: 0, parameters: 0 },
    hardware: { multipliers: 0, bufferBits: 0, weightBits: 0 },
  };
}
