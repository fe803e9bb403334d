/**
 * FFT rtl face: the top generateFftRtl (src/fft/rtl.ts, the pipeline) or
 * generateFoldedFftRtl (src/fft/folded-rtl.ts, the folded engine) emits, as
 * a layer: one complex sample per beat on two lanes (lane 0 real, lane 1
 * imaginary), no config port.
 */
import { generateFftRtl, generateFoldedFftRtl } from '../../fft/index.ts';
import type { LayerRtl } from '../types.ts';
import { isFolded, type FftLayerPlan } from './plan.ts';

export function fftLayerRtl(p: FftLayerPlan): LayerRtl {
  const d = isFolded(p) ? generateFoldedFftRtl(p) : generateFftRtl(p);
  const s = p.spec;
  return {
    sources: [...d.sources],
    top: d.top,
    io: d.io,
    params: {
      n: p.n, inverse: String(s.inverse), dataWidth: s.dataWidth, twiddleWidth: s.twiddleWidth,
      scaling: JSON.stringify(s.scaling), rounding: s.rounding, overflow: s.overflow,
      multipliers: s.multipliers, naturalOrder: String(s.naturalOrder),
      ...(isFolded(p) ? { architecture: 'folded', butterflies: p.butterflies } : {}),
    },
    extraPorts: [],
  };
}
