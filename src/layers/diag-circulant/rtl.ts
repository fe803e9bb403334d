/**
 * Diag-circulant rtl face: the streaming core's top (circulant-common/
 * stream-rtl.ts) without a sign flip, and circ_out.v with DIAG = 1 reading
 * d and b from a generated ROM (word {b, d} per output).
 */
import { ROUNDING_CODE, formatName } from '../../fixed/index.ts';
import type { LayerRtl } from '../types.ts';
import { anyCoreRtl } from '../circulant-common/core.ts';
import { diagOutputStage, type DiagHead } from './engine-output.ts';
import { describeCore as describeStreamCore } from '../circulant-common/core.ts';
import { describeSource } from '../circulant-common/weights.ts';
import { packFields } from '../../verilog/rom.ts';
import type { DiagCirculantPlan } from './plan.ts';
import { diagCirculantCost } from './cost.ts';

/** The output stage's fields as the folded engine's unloader (or a shared engine's write-back) takes them. */
export function foldedHead(p: DiagCirculantPlan): DiagHead {
  const words = p.d.map((d, i) => packFields([d, p.bias[i]], [p.dWidth, p.bWidth]));
  const comments = p.d.map((d, i) => `i = ${i}: d = ${d}, b = ${p.bias[i]}`);
  return {
    yWidth: p.yWidth, shift: p.requant.shift, rounding: ROUNDING_CODE[p.requant.rounding],
    sat: p.requant.overflow === 'saturate', relu: p.activation === 'relu',
    diag: { dWidth: p.dWidth, bWidth: p.bWidth, biasShift: p.biasShift, accWidth: p.accWidth, words, comments },
  };
}

export function diagCirculantRtl(p: DiagCirculantPlan): LayerRtl {
  const c = p.core;
  const cyc = diagCirculantCost(p).cycles;
  const words = p.d.map((d, i) => packFields([d, p.bias[i]], [p.dWidth, p.bWidth]));
  const comments = p.d.map((d, i) => `i = ${i}: d = ${d}, b = ${p.bias[i]}`);
  const folded = diagOutputStage(foldedHead(p), c.outputs);
  return anyCoreRtl(c, {
    params: {
      DIAG: 1, D_W: p.dWidth, B_W: p.bWidth, BSHIFT: p.biasShift, ACC_W: p.accWidth,
      Y_W: p.yWidth, SHIFT: p.requant.shift, ROUND: ROUNDING_CODE[p.requant.rounding],
      SAT: p.requant.overflow === 'saturate' ? 1 : 0, RELU: p.activation === 'relu' ? 1 : 0,
    },
    yWidth: p.yWidth,
    dWidth: p.dWidth,
    bWidth: p.bWidth,
    rom: { words, comments },
  }, folded, {
    title: `${p.name}_top: diagonal-circulant layer (Araujo et al. 2020), ${p.inputs} -> ${p.outputs}, K = ${c.k}`,
    params: {
      inputs: p.inputs,
      outputs: p.outputs,
      size: c.k,
      input: formatName(p.xFormat),
      weights: `c, d, b: ${describeSource(p.weightSource)}`,
      diagonal: `${formatName(p.dFormat)}, bias ${formatName(p.bFormat)} (<< ${p.biasShift}), accumulator ${p.accWidth} bits`,
      core: describeStreamCore(c),
      output: `${formatName(p.yFormat)}, shift ${p.requant.shift}, ${p.requant.rounding}, ${p.requant.overflow}, ${p.activation}`,
    },
    notes: [
      'y = act(requant(d o Re IFFT(FFT(c) o FFT(x)) + b)); inputs zero-padded to K, the first',
      `${p.outputs} of K outputs kept.`,
      'Schedule: circ_feed loads the vector, then feeds the FFT K positions back to back; the FFT output',
      '(bit-reversed) is multiplied by the half-spectrum ROM (conjugated above K/2) and fed to the IFFT,',
      'whose natural-order output is multiplied by d_i, has b_i added and is requantised by circ_out.',
      'One advance enable per stage, driven by a register of the stage after it: any backpressure is correct.',
      `Latency, first input to last output, no stalls: ${cyc.latency} cycles; period back to back ${cyc.period} cycles.`,
    ],
  });
}
