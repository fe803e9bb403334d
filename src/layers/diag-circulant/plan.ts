/**
 * The diag-circulant plan: the streaming core (circulant-common/
 * stream-plan.ts) for z = C x, then the output stage of circ_out.v (DIAG = 1):
 *
 *   acc = z_i d_i + b_i 2^biasShift    exact: accWidth bits, frac zFrac + dFrac
 *   y_i = act(requant(acc))             shift zFrac + dFrac - yFrac
 *
 * Widths from src/fixed range arithmetic over the formats.
 */
import { CircaInputError } from '../../errors.ts';
import {
  formatName, maxOf, minOf, quantize, rangeAdd, rangeMul, rangeOfWidth, width, widthOfRange, MAX_ACC_WIDTH,
  type Overflow, type QFormat, type Requant, type Rounding,
} from '../../fixed/index.ts';
import { planStreamCore, nextPow2, type StreamCorePlan } from '../circulant-common/stream-plan.ts';
import { planFoldedCore, type FoldedCorePlan } from '../circulant-common/folded-core.ts';
import { checkTransformLength } from '../circulant-common/fft-options.ts';
import { realSource } from '../circulant-common/spectrum.ts';
import type { WeightSource } from '../circulant-common/weights.ts';
import type { CircActivation } from '../circulant-common/schema.ts';
import type { DiagCirculantSpec } from './spec.ts';

export interface DiagCirculantPlan {
  name: string;
  inputs: number;
  outputs: number;
  /** the streaming core (two pipelines) or the folded one (one engine), by fft.architecture */
  core: StreamCorePlan | FoldedCorePlan;
  xFormat: QFormat;
  xWidth: number;
  /** c (reals, the first column of C), d and bias (reals), and their raw values */
  c: number[];
  dReal: number[];
  biasReal: number[];
  d: number[];
  bias: number[];
  dFormat: QFormat;
  dWidth: number;
  bFormat: QFormat;
  bWidth: number;
  biasShift: number;
  accWidth: number;
  weightSource: WeightSource;
  yFormat: QFormat;
  yWidth: number;
  requant: Requant;
  activation: CircActivation;
  /** fft.shareEngine: run on the previous layer's folded engine in a network (fused.ts) */
  shareEngine: boolean;
  /** where the shared engine keeps both layers' d and b (fused.ts): ROMs in EBR, or one SPRAM loaded at run time */
  memory: 'ebr' | 'spram';
}

function bad(field: string, msg: string): never {
  throw new CircaInputError(`${field}: ${msg}`);
}

/** Quantise reals to a format; a value that does not fit is an error naming field[i]. */
function quantizeAll(values: readonly number[], f: QFormat, field: string): number[] {
  const w = width(f);
  return values.map((v, i) => {
    const qv = quantize(v, f, 'convergent', 'saturate');
    if (qv.overflow) bad(`${field}[${i}]`, `${v} does not fit ${formatName(f)}: allowed ${minOf(w) / 2 ** f.frac}..${maxOf(w) / 2 ** f.frac}`);
    return qv.value + 0;
  });
}

export function planDiagCirculant(spec: DiagCirculantSpec): DiagCirculantPlan {
  const folded = spec.fft.architecture === 'folded';
  if (spec.memory === 'spram' && !spec.fft.shareEngine) {
    bad('memory', '"spram" keeps the d and b of two layers sharing one engine in SPRAM; it needs "fft": { "shareEngine": true } on this layer (otherwise use "ebr")');
  }
  if (spec.fft.shareEngine && !folded) {
    bad('fft.shareEngine', 'shares the previous layer\'s folded FFT engine, so it needs "architecture": "folded" (the streaming core has no engine to share)');
  }
  if (spec.size !== undefined && !folded) checkTransformLength(spec.size, 'size', 'the circulant size');
  const k = spec.size ?? Math.max(folded ? 16 : 4, nextPow2(Math.max(spec.inputs, spec.outputs)));
  const m = spec.outputs;
  const ws = spec.weights;
  const yFormat = spec.output.format;
  const dFormat = ws.diagFormat;
  const bFormat = ws.biasFormat ?? yFormat;

  // ---- weights: Araujo et al.'s init, or explicit c, d, bias ----
  let c: number[], dReal: number[], biasReal: number[];
  let source: WeightSource;
  const explicit = ws.c !== undefined || ws.d !== undefined || ws.bias !== undefined;
  if (ws.init !== undefined && explicit) bad('weights', 'give either "init": "random" or explicit "c", "d" (and "bias"), not both');
  if (explicit) {
    for (const f of ['seed', 'scale', 'biasScale'] as const) if (ws[f] !== undefined) bad(`weights.${f}`, 'only used with "init": "random"');
    if (!ws.c) bad('weights.c', `required with explicit weights: ${k} reals, the first column of C`);
    if (!ws.d) bad('weights.d', `required with explicit weights: ${m} reals, the diagonal D`);
    if (ws.c.length !== k) bad('weights.c', `expected ${k} values (the circulant size), got ${ws.c.length}`);
    if (ws.d.length !== m) bad('weights.d', `expected ${m} values (one per output), got ${ws.d.length}`);
    const b = ws.bias ?? new Array<number>(m).fill(0);
    if (b.length !== m) bad('weights.bias', `expected ${m} values (one per output), got ${b.length}`);
    c = ws.c; dReal = ws.d; biasReal = b;
    source = { type: 'values' };
  } else {
    const seed = ws.seed ?? 1;
    const scale = ws.scale ?? Math.sqrt(2 / spec.inputs);
    const bScale = ws.biasScale ?? 1 / 32;
    const rnd = realSource(seed);
    c = Array.from({ length: k }, () => rnd.normal() * scale);
    dReal = Array.from({ length: m }, () => rnd.sign());
    biasReal = Array.from({ length: m }, () => rnd.uniform() * bScale);
    source = { type: 'random', seed, scale, dist: 'normal' };
  }
  const d = quantizeAll(dReal, dFormat, 'weights.d');
  const bias = quantizeAll(biasReal, bFormat, 'weights.bias');

  const core = (folded ? planFoldedCore : planStreamCore)({
    name: spec.name,
    inputs: spec.inputs,
    outputs: m,
    size: spec.size,
    xFormat: spec.input,
    signs: null,
    column: c,
    spectrumWidth: ws.spectrumWidth,
    spectrumInt: ws.spectrumInt,
    fft: spec.fft,
    zInt: spec.circulantInt ?? yFormat.int,
    zFracNeeded: yFormat.frac,
  });

  // ---- output stage widths ----
  const prodFrac = core.zFrac + dFormat.frac;
  if (bFormat.frac > prodFrac) {
    bad('weights.biasFormat.frac', `must be in 0..${prodFrac} (the bias is shifted left onto z * d, which has ${prodFrac} fraction bits), got ${bFormat.frac}`);
  }
  const biasShift = prodFrac - bFormat.frac;
  const dWidth = width(dFormat);
  const bWidth = width(bFormat);
  const prod = rangeMul(rangeOfWidth(core.zWidth), rangeOfWidth(dWidth));
  const b0 = rangeOfWidth(bWidth);
  const accWidth = Math.max(widthOfRange(rangeAdd(prod, { lo: b0.lo * 2 ** biasShift, hi: b0.hi * 2 ** biasShift })), core.zWidth + dWidth, bWidth + 1);
  if (accWidth > MAX_ACC_WIDTH) bad('weights.biasFormat', `the output accumulator would need ${accWidth} bits (limit ${MAX_ACC_WIDTH})`);
  const yWidth = width(yFormat);
  const shift = prodFrac - yFormat.frac;
  if (shift < 0) bad('output.format.frac', `must be at most ${prodFrac}, got ${yFormat.frac}`);
  return {
    name: spec.name,
    inputs: spec.inputs,
    outputs: m,
    core,
    xFormat: spec.input,
    xWidth: width(spec.input),
    c, dReal, biasReal, d, bias,
    dFormat, dWidth, bFormat, bWidth, biasShift, accWidth,
    weightSource: source,
    yFormat,
    yWidth,
    requant: { shift, outWidth: yWidth, rounding: spec.output.rounding as Rounding, overflow: spec.output.overflow as Overflow },
    activation: spec.activation,
    shareEngine: spec.fft.shareEngine === true,
    memory: spec.memory,
  };
}
