/**
 * Circulant cost face: the streaming core's schedule (circulant-common/
 * stream-cost.ts) with the plain output stage (circ_out.v, DIAG = 0):
 *   output i at T + 2 + L_FFT + 4 + L_IFFT + 2 + i   (T = last input)
 *   next vector's first input at T + (K - inputs) + 2
 * Co-simulation asserts measured == predicted.
 */
import type { LayerCost, LayerTiming } from '../types.ts';
import { anyCoreCycles as coreCycles, anyCoreHardware, anyCoreOps as coreOps, anyCoreTiming as coreTiming } from '../circulant-common/core.ts';
import type { CirculantPlan } from './plan.ts';

export function circulantTiming(p: CirculantPlan): LayerTiming {
  return coreTiming(p.core, false);
}

export function circulantCost(p: CirculantPlan): LayerCost {
  const hw = anyCoreHardware(p.core);
  return {
    cycles: coreCycles(p.core, false),
    ops: {
      ...coreOps(p.core),
      // R = circ(r): K learned values; D is fixed (not learned)
      parameters: p.core.k,
    },
    // the sign flip D: one bit per input, a constant in the feeder
    hardware: { ...hw, weightBits: hw.weightBits + p.inputs },
  };
}
