/**
 * Circulant rtl face: the streaming core's top (circulant-common/
 * stream-rtl.ts) with the sign flip in the feeder (circ_feed.v, NEG) and the
 * plain output stage (circ_out.v, DIAG = 0).
 */
import { ROUNDING_CODE, formatName } from '../../fixed/index.ts';
import type { LayerRtl } from '../types.ts';
import { anyCoreRtl } from '../circulant-common/core.ts';
import { requantOutputStage } from '../circulant-common/engine-output.ts';
import { describeCore as describeStreamCore } from '../circulant-common/core.ts';
import { describeSource } from '../circulant-common/weights.ts';
import type { CirculantPlan } from './plan.ts';
import { circulantCost } from './cost.ts';

export function circulantRtl(p: CirculantPlan): LayerRtl {
  const c = p.core;
  const cyc = circulantCost(p).cycles;
  const folded = requantOutputStage({
    yWidth: p.yWidth, shift: p.requant.shift, rounding: ROUNDING_CODE[p.requant.rounding],
    sat: p.requant.overflow === 'saturate', relu: p.activation === 'relu',
  }, c.outputs);
  return anyCoreRtl(c, {
    params: {
      DIAG: 0, D_W: 1, B_W: 1, BSHIFT: 0, ACC_W: c.zWidth + 2,
      Y_W: p.yWidth, SHIFT: p.requant.shift, ROUND: ROUNDING_CODE[p.requant.rounding],
      SAT: p.requant.overflow === 'saturate' ? 1 : 0, RELU: p.activation === 'relu' ? 1 : 0,
    },
    yWidth: p.yWidth,
    dWidth: 1,
    bWidth: 1,
  }, folded, {
    title: `${p.name}_top: circulant projection (Cheng et al. 2015), ${p.inputs} -> ${p.outputs}, K = ${c.k}`,
    params: {
      inputs: p.inputs,
      outputs: p.outputs,
      size: c.k,
      input: formatName(p.xFormat),
      signs: p.signSeed === null ? 'explicit' : `seed ${p.signSeed}`,
      weights: `r: ${describeSource(p.weightSource)}`,
      core: describeStreamCore(c),
      output: `${formatName(p.yFormat)}, shift ${p.requant.shift}, ${p.requant.rounding}, ${p.requant.overflow}, ${p.activation}`,
    },
    notes: [
      'y = act(requant(Re IFFT(FFT(r) o FFT(D x)))), D = diag(+-1) fixed, r learned; inputs zero-padded to K,',
      `the first ${p.outputs} of K outputs kept.`,
      'Schedule: circ_feed loads the vector, then feeds the FFT K positions back to back; the FFT output',
      '(bit-reversed) is multiplied by the half-spectrum ROM (conjugated above K/2) and fed to the IFFT,',
      'whose natural-order output is requantised by circ_out. One advance enable per stage, driven by a',
      'register of the stage after it, so any backpressure is correct.',
      `Latency, first input to last output, no stalls: ${cyc.formula.split(';')[0]} = ${cyc.latency} cycles;`,
      `period back to back ${cyc.period} cycles.`,
    ],
  });
}
