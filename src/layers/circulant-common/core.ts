/**
 * The circulant cores behind one face: the streaming core (two R2²SDF
 * pipelines, stream-*.ts) or the folded one (one time-shared engine,
 * folded-core.ts), chosen by the spec's fft.architecture. The circulant and
 * diag-circulant kinds call these, so each kind's faces stay one function.
 */
import { fftCost, generateEngineRtl, packHalfSpectrum, type EngineOutputStage } from '../../fft/index.ts';
import type { CycleModel, LayerRtl, LayerTiming } from '../types.ts';
import type { StreamCorePlan } from './stream-plan.ts';
import { describeStreamCore } from './stream-plan.ts';
import { coreCycles, coreHardware, coreOps, coreTiming } from './stream-cost.ts';
import { coreFloat, coreReference } from './stream-reference.ts';
import { streamCoreRtl, type StreamHead, type StreamRtlText } from './stream-rtl.ts';
import {
  describeFoldedCore, foldedCoreCycles, foldedCoreFloat, foldedCoreHardware, foldedCoreOps, foldedCoreReference, foldedCoreTiming,
  type FoldedCorePlan,
} from './folded-core.ts';

export type CorePlan = StreamCorePlan | FoldedCorePlan;

export function anyCoreTiming(c: CorePlan, diag: boolean): LayerTiming {
  return c.arch === 'folded' ? foldedCoreTiming(c, diag) : coreTiming(c, diag);
}

export function anyCoreCycles(c: CorePlan, diag: boolean): CycleModel {
  return c.arch === 'folded' ? foldedCoreCycles(c, diag) : coreCycles(c, diag);
}

export function anyCoreOps(c: CorePlan) {
  return c.arch === 'folded' ? foldedCoreOps(c) : coreOps(c);
}

const fftMemoryBits = (f: StreamCorePlan['fwd']) => {
  const m = fftCost(f).memory;
  return m.delayRamBits + m.delayFfBits;
};

export function anyCoreHardware(c: CorePlan) {
  return c.arch === 'folded' ? foldedCoreHardware(c) : coreHardware(c, fftMemoryBits);
}

export function anyCoreReference(c: CorePlan, x: readonly number[]): { z: number[]; overflow: boolean } {
  return c.arch === 'folded' ? foldedCoreReference(c, x) : coreReference(c, x);
}

export function anyCoreFloat(c: CorePlan, x: readonly number[]): number[] {
  return c.arch === 'folded' ? foldedCoreFloat(c, x) : coreFloat(c, x);
}

export function describeCore(c: CorePlan): string {
  return c.arch === 'folded' ? describeFoldedCore(c) : describeStreamCore(c);
}

/** The output stage as the folded engine's unloader needs it (from the streaming head's parameters). */
/**
 * The layer's RTL: the streaming core's top, or the folded engine's
 * (src/fft/folded-rtl.ts) with the real-sample loader (sign flip, shift,
 * zero padding), the spectral product and the kind's output stage.
 */
export function anyCoreRtl(c: CorePlan, head: StreamHead, folded: EngineOutputStage, text: StreamRtlText): LayerRtl {
  if (c.arch !== 'folded') return streamCoreRtl(c, head, text);
  const top = `${c.name}_top`;
  const d = generateEngineRtl({
    top,
    e: c.engine,
    multipliers: c.multipliers,
    passes: c.passes,
    pmul: { hWidth: c.hWidth, words: packHalfSpectrum(c.hHalf, c.hWidth), shift: c.pmulRequant.shift },
    load: { type: 'real', inputs: c.inputs, xWidth: c.xWidth, shiftIn: c.shiftIn, signs: c.signs },
    unload: folded,
    title: text.title,
    params: text.params,
    notes: [
      ...text.notes.filter((n) => !/^(Schedule|\(bit-reversed|whose|One advance|register of|Latency|period|'One)/.test(n)),
      '',
      `Folded: one FFT engine (${c.butterflies} butterfly unit(s)) runs ${c.log2k} DIF passes (forward), one spectral-product pass`,
      `and ${c.log2k} DIT passes (inverse, conjugated twiddles) on the vector in its two EBR banks; the output stage reads`,
      `the real part of positions 0..${c.outputs - 1} (unload latency ${folded.latency} cycles).`,
    ],
    busy: true,
  });
  return {
    sources: d.sources,
    top: d.top,
    io: d.io,
    params: {
      K: c.k, inputs: c.inputs, outputs: c.outputs, fftWidth: c.zWidth, twiddleWidth: c.engine.twiddleWidth,
      architecture: 'folded', butterflies: c.butterflies, pmulShift: c.pmulRequant.shift,
    },
    extraPorts: [{ name: 'busy', dir: 'output', width: 1 }],
  };
}
