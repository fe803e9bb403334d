/**
 * FFT plan face: the src/fft plan of the spec (stage order, widths,
 * twiddles, schedule). Cross-field checks (n a power of two in range, widths
 * that would overflow without scaling, twiddle width) are validateFftSpec's,
 * with the fields named as they are in the file. `"architecture": "folded"`
 * plans the memory-based engine (src/fft/folded.ts) instead of the pipeline.
 */
import { planFft, planFoldedFft, validateFftSpec, type FftPlan, type FoldedFftPlan } from '../../fft/index.ts';
import type { FftLayerSpec } from './spec.ts';

export type StreamingFftLayerPlan = FftPlan & { name: string; architecture: 'streaming' };
export type FoldedFftLayerPlan = FoldedFftPlan & { name: string };
export type FftLayerPlan = StreamingFftLayerPlan | FoldedFftLayerPlan;

export function isFolded(p: FftLayerPlan): p is FoldedFftLayerPlan {
  return p.architecture === 'folded';
}

export function planFftLayer(spec: FftLayerSpec): FftLayerPlan {
  const { kind: _kind, ...rest } = spec;
  const checked = validateFftSpec(rest, '');
  if (checked.architecture === 'folded') {
    const plan = planFoldedFft(checked);
    return { ...plan, name: plan.spec.name };
  }
  const plan = planFft(checked);
  return { ...plan, name: plan.spec.name, architecture: 'streaming' };
}
