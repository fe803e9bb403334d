/**
 * The block-circulant plan: every format, width, spectrum and address the
 * reference model, the RTL (rtl-templates/bcirc_layer.v) and the cost model
 * share. Nothing downstream re-derives them.
 *
 * One K-point FFT (src/fft, forward, total shift S) serves both directions.
 * Formats (raw integers; "frac" = fraction bits):
 *   x_j    input block, placed at the FFT input << shiftIn          F_X = xf + shiftIn
 *   X_j    FFT output, xfWidth bits, frac F_X: real DFT(x_j) 2^-S; bins 0..k/2 kept
 *   H_ij   FFT(w_ij), hWidth bits per part, frac hf (integer bits chosen so all fit)
 *   acc    sum_j H_ij X_j exactly: prodWidth per product, accWidth for q of them
 *   A_i    acc requantised to the FFT input width F_W (aShift, rounding, saturate):
 *          real DFT(y_i) 2^-S, aInt = yInt + log2 k - S integer bits: |DFT(y)| <= k max|y|
 *   out    FFT(conj-extension of A_i), real part: k y 2^(F_A - 2S) raw,
 *          frac F_O = F_A + log2 k - 2S
 *   y_i    requant(out) by F_O - yf (rounding, saturate or wrap), activation
 */
import { CircaInputError } from '../../errors.ts';
import {
  MAX_ACC_WIDTH, rangeAdd, rangeMul, rangeOfWidth, rangeSum, width, widthOfRange, formatName,
  type Overflow, type QFormat, type Requant, type Rounding,
} from '../../fixed/index.ts';
import { ebrBlocks, fftCost, type FftPlan } from '../../fft/index.ts';
import { checkTransformLength, layerFftPlan, refuseShareEngine } from '../circulant-common/fft-options.ts';
import { halfSpectrum, quantizeSpectrum, spectrumFormat, type Cplx } from '../circulant-common/spectrum.ts';
import { drawWeights, type WeightSource } from '../circulant-common/weights.ts';
import { bitsFor } from '../../verilog/rom.ts';
import { checkWeightCount } from '../formats.ts';
import type { CircActivation } from '../circulant-common/schema.ts';
import type { BlockCirculantSpec } from './spec.ts';

/** SB_SPRAM256KA: 16384 words of 16 bits; the UP5K has 4. */
export const SPRAM_WORDS = 16384;
export const SPRAM_WIDTH = 16;
export const SPRAM_BLOCKS = 4;
/** With memory "auto", a weight ROM of up to this many EBR blocks stays in EBR; larger goes to SPRAM. */
export const AUTO_EBR_LIMIT = 16;

export interface BlockCirculantPlan {
  name: string;
  inputs: number;
  outputs: number;
  k: number;
  log2k: number;
  /** input blocks q, output blocks p */
  q: number;
  p: number;
  /** MAC lanes P, groups G = ceil(p/P), lanes of the last group */
  lanes: number;
  groups: number;
  lastLanes: number;
  /** stored bins per block: k/2 + 1 */
  bins: number;
  xFormat: QFormat;
  xWidth: number;
  /** the first columns w_ij (reals), p x q x k */
  w: number[][][];
  weightSource: WeightSource;
  fft: FftPlan;
  fftLatency: number;
  shiftIn: number;
  xFrac: number;
  /** FFT output width (X parts, and the output blocks' real part) */
  xfWidth: number;
  hFormat: QFormat;
  hWidth: number;
  /** quantised half spectra H[i][j][f], raw {re, im} */
  H: Cplx[][][];
  prodWidth: number;
  accWidth: number;
  aInt: number;
  aFrac: number;
  aRequant: Requant;
  outFrac: number;
  yFormat: QFormat;
  yWidth: number;
  yRequant: Requant;
  activation: CircActivation;
  /** lanes kept on the last output beat: outputs - (p-1) k */
  lastKeep: number;
  memory: 'ebr' | 'spram';
  /** weight words per lane (G B q) and SPRAM blocks used (0 for EBR) */
  wordsPerLane: number;
  spramBlocks: number;
}

function bad(field: string, msg: string): never {
  throw new CircaInputError(`${field}: ${msg}`);
}

/** The [p][q][k] values, checked. */
function blockValues(p: number, q: number, k: number) {
  return (v: unknown): number[] => {
    const arr = v as number[][][];
    if (!Array.isArray(arr) || arr.length !== p) bad('weights.values', `expected ${p} rows of blocks (ceil(outputs / k)), got ${Array.isArray(arr) ? arr.length : 'no array'}`);
    const flat: number[] = [];
    arr.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== q) bad(`weights.values[${i}]`, `expected ${q} blocks (ceil(inputs / k)), got ${Array.isArray(row) ? row.length : 'no array'}`);
      row.forEach((blk, j) => {
        if (!Array.isArray(blk) || blk.length !== k) bad(`weights.values[${i}][${j}]`, `expected ${k} values (the first column of the block), got ${Array.isArray(blk) ? blk.length : 'no array'}`);
        flat.push(...blk);
      });
    });
    return flat;
  };
}

export function planBlockCirculant(spec: BlockCirculantSpec): BlockCirculantPlan {
  const k = spec.blockSize;
  refuseShareEngine(spec.fft, 'block-circulant');
  checkTransformLength(k, 'blockSize', 'the block size k');
  const log2k = Math.round(Math.log2(k));
  const n = spec.inputs;
  const m = spec.outputs;
  if (!spec.pad) {
    if (n % k !== 0) bad('inputs', `must be a multiple of blockSize ${k} when "pad" is false (or set "pad": true to zero-pad), got ${n}`);
    if (m % k !== 0) bad('outputs', `must be a multiple of blockSize ${k} when "pad" is false (or set "pad": true to zero-pad), got ${m}`);
  }
  const q = Math.ceil(n / k);
  const p = Math.ceil(m / k);
  const lanes = spec.macs;
  if (lanes > p) bad('macs', `must be in 1..${p} (one output block each; p = ceil(outputs / k) = ${p}), got ${lanes}`);
  const groups = Math.ceil(p / lanes);
  const bins = k / 2 + 1;

  // ---- weights and their spectra ----
  checkWeightCount('inputs', p * q * k, `${p} x ${q} blocks of ${k}`);
  const { values, source } = drawWeights(spec.weights, p * q * k, 1 / Math.sqrt(n), 'uniform', blockValues(p, q, k));
  const w: number[][][] = [];
  for (let i = 0; i < p; i++) {
    const row: number[][] = [];
    for (let j = 0; j < q; j++) row.push(values.slice((i * q + j) * k, (i * q + j + 1) * k));
    w.push(row);
  }
  const hReal = w.map((row) => row.map((blk) => halfSpectrum(blk)));
  const hFormat = spectrumFormat(hReal.flat(), spec.weights.spectrumWidth, spec.weights.spectrumInt, 'weights.spectrumInt');
  const hWidth = width(hFormat);
  const H = hReal.map((row) => row.map((s) => quantizeSpectrum(s, hFormat)));

  // ---- the shared FFT ----
  const xWidth = width(spec.input);
  const fw = spec.fft.dataWidth;
  if (fw < xWidth) bad('fft.dataWidth', `must be at least the input width ${xWidth}, got ${fw}`);
  const shiftIn = fw - xWidth;
  const fft = layerFftPlan(spec.fft, k, false, fw, spec.fft.scaling, `${spec.name}_fft`);
  const sTot = fft.totalShift;
  const xFrac = spec.input.frac + shiftIn;
  const xfWidth = fft.outWidth;

  // ---- spectral products, accumulators, A ----
  const pr = rangeMul(rangeOfWidth(xfWidth), rangeOfWidth(hWidth));
  const prodR = rangeAdd(pr, pr);
  const prodWidth = widthOfRange(prodR);
  const accWidth = widthOfRange(rangeSum(prodR, q));
  if (accWidth > MAX_ACC_WIDTH) bad('inputs', `the accumulator would need ${accWidth} bits (limit ${MAX_ACC_WIDTH}); use narrower formats`);
  const yFormat = spec.output.format;
  const aInt = yFormat.int + log2k - sTot;
  const aFrac = fw - 1 - aInt;
  if (aFrac < 0) {
    bad('fft.dataWidth', `the accumulated spectrum needs ${aInt} integer bits (output int ${yFormat.int} + log2 ${k} - ${sTot} shifts), ` +
      `more than a ${fw}-bit FFT sample holds: use at least ${aInt + 1} bits or more scaling`);
  }
  const aShift = hFormat.frac + xFrac - aFrac;
  if (aShift < 0) {
    bad('fft.dataWidth', `the spectral products have ${hFormat.frac + xFrac} fraction bits, fewer than the ${aFrac} of the accumulated ` +
      `spectrum's format Q${aInt}.${aFrac}; use a narrower fft.dataWidth or a wider weights.spectrumWidth`);
  }
  const outFrac = aFrac + log2k - 2 * sTot;
  const yShift = outFrac - yFormat.frac;
  if (yShift < 0) bad('output.format.frac', `must be at most ${outFrac} (the fraction bits the inverse transform leaves), got ${yFormat.frac}`);

  // ---- weight memory ----
  const wordsPerLane = groups * bins * q;
  const wordBits = 2 * hWidth;
  const ebrNeed = ebrBlocks(wordsPerLane, lanes * wordBits);
  const spramPerLane = Math.ceil(wordsPerLane / SPRAM_WORDS) * Math.ceil(wordBits / SPRAM_WIDTH);
  let memory: 'ebr' | 'spram';
  if (spec.memory === 'auto') memory = ebrNeed <= AUTO_EBR_LIMIT ? 'ebr' : 'spram';
  else memory = spec.memory;
  const spramBlocks = memory === 'spram' ? lanes * spramPerLane : 0;
  if (memory === 'spram' && spramBlocks > SPRAM_BLOCKS) {
    bad(spec.memory === 'auto' ? 'macs' : 'memory',
      `the spectra need ${spramBlocks} SPRAM blocks (${lanes} lane(s) x ${spramPerLane}: ${wordsPerLane} words of ${wordBits} bits each), ` +
      `more than the ${SPRAM_BLOCKS} of an UltraPlus; use fewer macs or a narrower weights.spectrumWidth`);
  }

  return {
    name: spec.name,
    inputs: n,
    outputs: m,
    k, log2k, q, p, lanes, groups,
    lastLanes: p - (groups - 1) * lanes,
    bins,
    xFormat: spec.input,
    xWidth,
    w,
    weightSource: source,
    fft,
    fftLatency: fftCost(fft).latencyFirst,
    shiftIn,
    xFrac,
    xfWidth,
    hFormat, hWidth, H,
    prodWidth, accWidth, aInt, aFrac,
    aRequant: { shift: aShift, outWidth: fw, rounding: spec.fft.rounding, overflow: 'saturate' },
    outFrac,
    yFormat,
    yWidth: width(yFormat),
    yRequant: { shift: yShift, outWidth: width(yFormat), rounding: spec.output.rounding as Rounding, overflow: spec.output.overflow as Overflow },
    activation: spec.activation,
    lastKeep: m - (p - 1) * k,
    memory,
    wordsPerLane,
    spramBlocks,
  };
}

/** Address widths of bcirc_layer.v. */
export function bcircWidths(p: BlockCirculantPlan) {
  const baW = bitsFor(p.bins - 1);
  return {
    BA_W: baW,
    QB_W: bitsFor(p.q - 1),
    PB_W: bitsFor(p.p - 1),
    G_W: bitsFor(p.groups - 1),
    LANE_W: bitsFor(p.lanes - 1),
    XA_W: Math.max(bitsFor(p.q * p.bins - 1), baW + 1),
    WA_W: bitsFor(p.wordsPerLane - 1),
  };
}

export function describeBcircFormats(p: BlockCirculantPlan): string {
  return `FFT ${p.k} points ${p.fft.inWidth} -> ${p.xfWidth} bits (shifts ${p.fft.shifts.join('')}), spectrum ${formatName(p.hFormat)} ` +
    `(${p.bins} bins per block), products ${p.prodWidth} bits, accumulator ${p.accWidth} bits -> Q${p.aInt}.${p.aFrac} (shift ${p.aRequant.shift})`;
}
