/**
 * The fft kind: a bare streaming FFT/IFFT (R2²SDF, src/fft) with the four
 * faces of a layer, so every command takes it. Values are raw integers
 * (Q(dataWidth-1).0 in, Q(outWidth-1).0 out); complex samples travel as two
 * lanes per beat.
 */
import { formatName, q } from '../../fixed/index.ts';
import { fftCost, engineCycles, foldedFftSchedule } from '../../fft/index.ts';
import { defineKind } from '../types.ts';
import { coefficients } from './coefficients.ts';
import { foldedFftCoefficients } from '../circulant-common/folded-coefficients.ts';
import { fftResources } from './resources.ts';
import { fftLayerSpecSchema, type FftLayerSpec } from './spec.ts';
import { planFftLayer, isFolded, type FftLayerPlan } from './plan.ts';
import { fftLayerFloat, fftLayerReference, fftLayerVectors } from './reference.ts';
import { fftLayerRtl } from './rtl.ts';
import { fftLayerCost, fftLayerTiming } from './cost.ts';
import { smallerFft } from '../circulant-common/smaller.ts';
import { fftProofs } from './proofs.ts';

/** raw integers of w bits: Q(w-1).0 */
const integer = (w: number) => q(w - 1, 0);

export const fft = defineKind<FftLayerSpec, FftLayerPlan>({
  kind: 'fft',
  summary: 'Fixed-point FFT/IFFT as a design of its own: streaming (R2²SDF, one complex sample per clock) or folded (memory-based, B butterfly units)',
  schema: fftLayerSpecSchema,
  plan: planFftLayer,
  shape: (p) => ({ inputs: 2 * p.n, outputs: 2 * p.n, inWidth: p.inWidth, outWidth: p.outWidth, inFormat: integer(p.inWidth), outFormat: integer(p.outWidth) }),
  reference: fftLayerReference,
  float: fftLayerFloat,
  outputToReal: (_p, y) => y,
  inputToReal: (_p, x) => x,
  io: (p) => ({ inLanes: 2, inWidth: p.inWidth, outLanes: 2, outWidth: isFolded(p) ? p.memWidth : p.outWidth, inBeats: p.n, outBeats: p.n }),
  rtl: fftLayerRtl,
  resources: fftResources,
  coefficients: { ...coefficients, ...foldedFftCoefficients },
  chainAdvice: 'its beats are complex samples; for an FFT inside a layer use circulant, block-circulant or diag-circulant',
  cost: fftLayerCost,
  timing: fftLayerTiming,
  vectors: fftLayerVectors,
  proofs: fftProofs,
  // a bare fft is its own FFT section when it spells its architecture
  vary: { fftSections: (spec) => ('architecture' in spec ? [spec] : []) },
  smaller: (spec) => smallerFft(spec, (f) => f, ''),
  describe: (p) => {
    const s = p.spec;
    if (isFolded(p)) {
      const c = engineCycles(foldedFftSchedule(p));
      return [
        `${p.inverse ? 'IFFT' : 'FFT'} ${p.n} points, folded: ${p.butterflies} radix-2 butterfly unit(s), ${p.log2n} in-place passes in EBR, ` +
          `${p.inputOrder} order in, ${p.outputOrder} order out`,
        `samples ${formatName(integer(p.inWidth))} -> ${formatName(integer(p.outWidth))} per part, twiddles ${s.twiddleWidth} bits, scaling ${JSON.stringify(s.scaling)} ` +
          `(2^-${p.totalShift}), ${s.rounding}, ${s.overflow}`,
        `${p.butterflies} complex multiplier(s) x ${s.multipliers} real = ${p.butterflies * s.multipliers}; compute ${c.compute} cycles per vector`,
      ];
    }
    const c = fftCost(p);
    return [
      `${p.inverse ? 'IFFT' : 'FFT'} ${p.n} points (${p.inverse ? 'DIT' : 'DIF'}, R2²SDF), ${p.inputOrder} order in, ${p.outputOrder} order out` +
        `${p.reorder === 'none' ? '' : ' (reorder buffer)'}`,
      `samples ${formatName(integer(p.inWidth))} -> ${formatName(integer(p.outWidth))} per part, twiddles ${s.twiddleWidth} bits, scaling ${JSON.stringify(s.scaling)} ` +
        `(2^-${p.totalShift}), ${s.rounding}, ${s.overflow}`,
      `${c.complexMultipliers} complex multipliers x ${s.multipliers} real = ${c.realMultipliers}; ~${c.ebrEstimate} EBR`,
    ];
  },
});

export type { FftLayerSpec, FftLayerPlan };
