/**
 * FFT plan face: the src/fft plan of the spec (stage order, widths,
 * twiddles, schedule). Cross-field checks (n a power of two in range, widths
 * that would overflow without scaling, twiddle width) are validateFftSpec's,
 * with the fields named as they are in the file.
 */
import { planFft, validateFftSpec, type FftPlan } from '../../fft/index.ts';
import type { FftLayerSpec } from './spec.ts';

export type FftLayerPlan = FftPlan & { name: string };

export function planFftLayer(spec: FftLayerSpec): FftLayerPlan {
  const { kind: _kind, ...rest } = spec;
  const plan = planFft(validateFftSpec(rest, ''));
  return { ...plan, name: plan.spec.name };
}
