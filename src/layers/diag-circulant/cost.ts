/**
 * Diag-circulant cost face: the streaming core's schedule (circulant-common/
 * stream-cost.ts) with the diagonal-and-bias output stage (circ_out.v,
 * DIAG = 1, two more register stages):
 *   output i at T + 2 + L_FFT + 4 + L_IFFT + 4 + i   (T = last input)
 *   next vector's first input at T + (K - inputs) + 2
 * Co-simulation asserts measured == predicted, alone and chained in a network.
 */
import type { LayerCost, LayerTiming } from '../types.ts';
import { anyCoreCycles as coreCycles, anyCoreHardware, anyCoreOps as coreOps, anyCoreTiming as coreTiming } from '../circulant-common/core.ts';
import type { DiagCirculantPlan } from './plan.ts';

export function diagCirculantTiming(p: DiagCirculantPlan): LayerTiming {
  return coreTiming(p.core, true);
}

export function diagCirculantCost(p: DiagCirculantPlan): LayerCost {
  const ops = coreOps(p.core);
  const hw = anyCoreHardware(p.core);
  return {
    cycles: coreCycles(p.core, true),
    ops: {
      ...ops,
      // the diagonal: one multiply and one bias add per output
      multiplies: ops.multiplies + p.outputs,
      adds: ops.adds + p.outputs,
      weightReads: ops.weightReads + p.outputs,
      // c (K values), d and b (one each per output)
      parameters: p.core.k + 2 * p.outputs,
    },
    hardware: {
      ...hw,
      multipliers: hw.multipliers + 1,
      weightBits: hw.weightBits + p.outputs * (p.dWidth + p.bWidth),
    },
  };
}
