/**
 * The fft kind: a bare streaming FFT/IFFT (R2²SDF, src/fft) with the four
 * faces of a layer, so every command takes it. Values are raw integers
 * (Q(dataWidth-1).0 in, Q(outWidth-1).0 out); complex samples travel as two
 * lanes per beat.
 */
import { formatName, q } from '../../fixed/index.ts';
import { fftCost } from '../../fft/index.ts';
import type { LayerKind } from '../types.ts';
import { fftLayerSpecSchema, type FftLayerSpec } from './spec.ts';
import { planFftLayer, type FftLayerPlan } from './plan.ts';
import { fftLayerFloat, fftLayerReference, fftLayerVectors } from './reference.ts';
import { fftLayerRtl } from './rtl.ts';
import { fftLayerCost, fftLayerTiming } from './cost.ts';

/** raw integers of w bits: Q(w-1).0 */
const integer = (w: number) => q(w - 1, 0);

export const fft: LayerKind<FftLayerSpec, FftLayerPlan> = {
  kind: 'fft',
  summary: 'Streaming fixed-point FFT/IFFT (R2²SDF), one complex sample per clock, as a design of its own',
  schema: fftLayerSpecSchema as unknown as LayerKind<FftLayerSpec, FftLayerPlan>['schema'],
  plan: planFftLayer,
  shape: (p) => ({ inputs: 2 * p.n, outputs: 2 * p.n, inWidth: p.inWidth, outWidth: p.outWidth, inFormat: integer(p.inWidth), outFormat: integer(p.outWidth) }),
  reference: fftLayerReference,
  float: fftLayerFloat,
  outputToReal: (_p, y) => y,
  inputToReal: (_p, x) => x,
  rtl: fftLayerRtl,
  cost: fftLayerCost,
  timing: fftLayerTiming,
  vectors: fftLayerVectors,
  describe: (p) => {
    const s = p.spec;
    const c = fftCost(p);
    return [
      `${p.inverse ? 'IFFT' : 'FFT'} ${p.n} points (${p.inverse ? 'DIT' : 'DIF'}, R2²SDF), ${p.inputOrder} order in, ${p.outputOrder} order out` +
        `${p.reorder === 'none' ? '' : ' (reorder buffer)'}`,
      `samples ${formatName(integer(p.inWidth))} -> ${formatName(integer(p.outWidth))} per part, twiddles ${s.twiddleWidth} bits, scaling ${JSON.stringify(s.scaling)} ` +
        `(2^-${p.totalShift}), ${s.rounding}, ${s.overflow}`,
      `${c.complexMultipliers} complex multipliers x ${s.multipliers} real = ${c.realMultipliers}; ~${c.ebrEstimate} EBR`,
    ];
  },
};

export type { FftLayerSpec, FftLayerPlan };
