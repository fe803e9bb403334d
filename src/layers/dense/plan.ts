/**
 * The dense plan: every format, width and raw weight the reference model, the
 * RTL and the cost model share, computed once here from src/fixed. Nothing
 * downstream re-derives them.
 *
 * Bit growth (range arithmetic over the formats, so the datapath holds any
 * input and any weight of its format exactly):
 *   product      x * w                       prodWidth
 *   bias         b * 2^biasShift (aligned to the accumulator's fraction bits)
 *   accumulator  sum of n products + bias    accWidth  (limit MAX_ACC_WIDTH = 48)
 *   output       requantise: shift accFrac - yFrac, rounding, saturate or wrap
 */
import {
  MAX_ACC_WIDTH, fits, formatName, maxOf, minOf, quantize, rangeAdd, rangeMul, rangeOfWidth, rangeSum, width, widthOfRange,
  type Overflow, type QFormat, type Requant, type Rounding,
} from '../../fixed/index.ts';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { CircaInputError } from '../../errors.ts';
import { checkWeightCount, divisorList } from '../formats.ts';
import { working } from '../../work.ts';
import type { Activation, DenseMemoryChoice, DenseSpec, DspMode } from './spec.ts';
import { ice40 } from '../../target/index.ts';

export interface DensePlan {
  name: string;
  /** inputs per vector */
  n: number;
  /** outputs per vector */
  m: number;
  /** input buffers: 2 overlaps load and compute, 1 does not */
  buffers: number;
  /** P: MAC lanes, outputs computed in parallel */
  lanes: number;
  /** elements per input beat (divides n) */
  beat: number;
  /** input beats per vector: n / beat */
  beats: number;
  /** groups of P rows computed one after the other: ceil(m / P) */
  groups: number;
  /** lanes kept on the last group: m - (groups - 1) * P */
  lastLanes: number;
  xFormat: QFormat;
  xWidth: number;
  wFormat: QFormat;
  wWidth: number;
  bFormat: QFormat;
  bWidth: number;
  /** raw weights, m rows of n */
  w: number[][];
  /** raw biases, m */
  bias: number[];
  /** the real weights and biases the fixed-point ones approximate (float model) */
  wReal: number[][];
  biasReal: number[];
  /** where the weights came from, for reports */
  source: { type: 'random'; seed: number; scale: number } | { type: 'values'; raw: boolean };
  /** left shift that aligns a raw bias to the accumulator: accFrac - bFormat.frac */
  biasShift: number;
  /** width of one product x*w */
  prodWidth: number;
  /** width of the accumulator: n products plus the aligned bias, exactly */
  accWidth: number;
  /** fraction bits of the accumulator: xFrac + wFrac */
  accFrac: number;
  yFormat: QFormat;
  yWidth: number;
  requant: Requant;
  activation: Activation;
  /** hardtanh limits in raw output values: -1 and +1 clipped to the output format */
  clipLo: number;
  clipHi: number;
  /**
   * Where the weights go. auto: a ROM, yosys decides (block RAM when it pays,
   * logic for small ROMs); ebr: the ROM carries rom_style = "block" so yosys
   * must use SB_RAM40_4K; spram: a RAM with ram_style = "huge"
   * (SB_SPRAM256KA, UltraPlus), loaded at run time through the config port
   * (registers.ts). The spec's "auto" resolves to "spram" when the ROM would
   * need more EBR than an UltraPlus has and the SPRAM holds it. ebr-split:
   * the ROM split by depth, words 0..depth-tailWords-1 (a multiple of
   * SPLIT_ROWS) in block RAM (rom_style "block"), the last tailWords in LUTs
   * (rom_style "logic"), one registered read (rtl.ts splitRomModule).
   */
  memory: DenseMemoryChoice;
  /** memory "ebr-split": the weight words kept in LUTs after the block RAM part (0 otherwise) */
  tailWords: number;
  /** bits of one weight word: P lanes of wWidth */
  wordWidth: number;
  /** EBR blocks the weight ROM needs (the cheapest SB_RAM40_4K shape; with "ebr-split" its block RAM part's) */
  ebrBlocks: number;
  /** SB_SPRAM256KA blocks of the weight RAM with memory "spram" (0 otherwise) */
  spramBlocks: number;
  /** multiplies per SB_MAC16: single (one per lane), dual8 (lanes 2i and 2i+1 on one DSP in 8x8 mode) */
  dsp: DspMode;
  /** SB_MAC16 the lanes use on an UltraPlus: P, or ceil(P/2) with dsp "dual8" */
  dspBlocks: number;
}

/** Widest operand the dual 8x8 multiplier takes (rtl-templates/dsp_dual8.v). */
export const DUAL8_MAX_WIDTH = 8;

/** SB_SPRAM256KA: 16384 words of 16 bits; the UP5K has 4 (docs/references.md). */
export const DENSE_SPRAM_WORDS = 16384;
export const DENSE_SPRAM_WIDTH = 16;
export const DENSE_SPRAM_BLOCKS = 4;
/** EBR blocks of an UltraPlus (UP5K, docs/references.md): memory "auto" moves a weight ROM larger than this to SPRAM. */
export const DENSE_AUTO_EBR_LIMIT = 30;
/**
 * memory "ebr-split": the block RAM part's depth is a multiple of this, the
 * 256 x 16 shape of SB_RAM40_4K, whose blocks then hold ceil(depth x width /
 * 4096) (memory_libmap puts several address chunks of a narrow word in one
 * block: src/target/ice40/memory.ts).
 */
export const SPLIT_ROWS = 256;

/** WRITE_REG carries 32-bit values (src/network/protocol.ts): one load write is one weight word. */
export const DENSE_LOAD_WORD_BITS = 32;

/** SB_RAM40_4K blocks of a depth x width ROM: the cheapest of 256x16, 512x8, 1024x4, 2048x2. */
export function ebrBlocksOf(depth: number, width: number): number {
  const shapes: [number, number][] = [[256, 16], [512, 8], [1024, 4], [2048, 2]];
  return Math.min(...shapes.map(([d, w]) => Math.ceil(depth / d) * Math.ceil(width / w)));
}

/** SB_SPRAM256KA blocks of a depth x width RAM (one shape, 16384 x 16). */
function spramBlocksOf(depth: number, width: number): number {
  return Math.ceil(depth / DENSE_SPRAM_WORDS) * Math.ceil(width / DENSE_SPRAM_WIDTH);
}

function bad(field: string, msg: string): never {
  throw new CircaInputError(`${field}: ${msg}`);
}

/** Largest and smallest real value of a format. */
export function realRange(f: QFormat): { lo: number; hi: number } {
  const w = width(f);
  return { lo: minOf(w) / 2 ** f.frac, hi: maxOf(w) / 2 ** f.frac };
}

function allowed(f: QFormat, raw: boolean): string {
  const w = width(f);
  if (raw) return `allowed ${minOf(w)}..${maxOf(w)} (raw ${formatName(f)})`;
  const r = realRange(f);
  return `allowed ${r.lo}..${r.hi} (${formatName(f)})`;
}

/**
 * One value of the explicit weight source, checked against its format:
 * raw integers must fit; reals are quantised (convergent rounding) and must
 * not overflow.
 */
export function explicitValue(v: number, f: QFormat, raw: boolean, field: string): { raw: number; real: number } {
  if (raw) {
    if (!fits(v, width(f))) bad(field, `raw value ${v} does not fit: ${allowed(f, true)}`);
    return { raw: v, real: v / 2 ** f.frac };
  }
  const qv = quantize(v, f, 'convergent', 'saturate');
  if (qv.overflow) bad(field, `${v} does not fit: ${allowed(f, false)}`);
  return { raw: qv.value, real: v };
}

/** Uniform reals in [-scale, scale] from a seeded generator: 2^24 + 1 evenly spaced levels. */
export function realGenerator(seed: number, scale: number): () => number {
  const rng = xoroshiro128plus(seed);
  const half = 2 ** 23;
  return () => (uniformInt(rng, -half, half) / half) * scale;
}

/**
 * memory "ebr-split": the weight ROM (depth words of `wordWidth` bits) as a
 * block RAM part of floor(depth / 256) * 256 words and a tail of the rest in
 * LUTs, as yosys maps the two (memory_libmap, src/target/ice40/memory.ts).
 * Refused, naming the field, where there is nothing to split or the split
 * saves no EBR.
 */
function splitRom(name: string, depth: number, wordWidth: number): { tailWords: number; ebrBlocks: number } {
  const tailWords = depth % SPLIT_ROWS;
  const ebrWords = depth - tailWords;
  const what = `the weight ROM of ${name} has ${depth} words (groups x inputs)`;
  if (ebrWords === 0) bad('memory', `"ebr-split" keeps the first multiple of ${SPLIT_ROWS} words in block RAM and the rest in LUTs, but ${what}, fewer than ${SPLIT_ROWS}: use "auto" or "ebr"`);
  if (tailWords === 0) bad('memory', `"ebr-split" keeps the first multiple of ${SPLIT_ROWS} words in block RAM and the rest in LUTs, but ${what}, a multiple of ${SPLIT_ROWS}: no tail to split; use "auto" or "ebr"`);
  const blocks = (d: number) => ice40.mapping.mapMemory({ name, depth: d, width: wordWidth, rom: true, forceBlock: true }).blocks;
  const whole = blocks(depth);
  const ebrBlocks = blocks(ebrWords);
  if (ebrBlocks >= whole) {
    bad('memory', `"ebr-split" saves no EBR here: ${what} of ${wordWidth} bits, ${whole} EBR whole, ${ebrBlocks} for its first ${ebrWords} words: use "auto" or "ebr"`);
  }
  return { tailWords, ebrBlocks };
}

export function planDense(spec: DenseSpec): DensePlan {
  const n = spec.inputs;
  const m = spec.outputs;
  const lanes = spec.lanes;
  if (lanes > m) bad('lanes', `must be in 1..${m} (at most outputs), got ${lanes}`);
  const groups = Math.ceil(m / lanes);
  const beat = spec.beat;
  if (n % beat !== 0) {
    bad('beat', `must divide the inputs (${n}): one of ${divisorList(n)}, got ${beat}`);
  }

  const xFormat = spec.input;
  const wFormat = spec.weights.format;
  const bFormat = spec.weights.biasFormat ?? wFormat;
  const xWidth = width(xFormat);
  const wWidth = width(wFormat);
  if (spec.dsp === 'dual8' && (xWidth > DUAL8_MAX_WIDTH || wWidth > DUAL8_MAX_WIDTH)) {
    bad('dsp', `"dual8" packs two ${DUAL8_MAX_WIDTH} x ${DUAL8_MAX_WIDTH} multiplies per SB_MAC16, but ${spec.name} multiplies ` +
      `${formatName(xFormat)} inputs by ${formatName(wFormat)} weights: ` +
      `use formats of at most ${DUAL8_MAX_WIDTH} bits, or "dsp": "single"`);
  }

  // ---- weight memory: ROM (auto, ebr) or SPRAM loaded at run time ----
  const wordWidth = lanes * wWidth;
  const depth = groups * n;
  const ebrNeed = ebrBlocksOf(depth, wordWidth);
  const spramNeed = spramBlocksOf(depth, wordWidth);
  const spramOk = wordWidth <= DENSE_LOAD_WORD_BITS && spramNeed <= DENSE_SPRAM_BLOCKS;
  let memory: DenseMemoryChoice = spec.memory;
  if (memory === 'auto' && ebrNeed > DENSE_AUTO_EBR_LIMIT && spramOk) memory = 'spram';
  if (memory === 'spram') {
    if (wordWidth > DENSE_LOAD_WORD_BITS) {
      bad('lanes', `with "memory": "spram" a weight word (lanes x weight width = ${lanes} x ${wWidth} = ${wordWidth} bits) is one ` +
        `${DENSE_LOAD_WORD_BITS}-bit WRITE_REG value of the load, so it must be at most ${DENSE_LOAD_WORD_BITS} bits: ` +
        `use at most ${Math.floor(DENSE_LOAD_WORD_BITS / wWidth)} lanes, narrower weights, or "memory": "ebr"`);
    }
    if (spramNeed > DENSE_SPRAM_BLOCKS) {
      bad('memory', `the weights need ${spramNeed} SPRAM blocks (${depth} words of ${wordWidth} bits; a block holds ` +
        `${DENSE_SPRAM_WORDS} x ${DENSE_SPRAM_WIDTH}), more than the ${DENSE_SPRAM_BLOCKS} of an UltraPlus; ` +
        'use fewer outputs or inputs, or narrower weights');
    }
  }

  const split = memory === 'ebr-split' ? splitRom(spec.name, depth, wordWidth) : undefined;

  const bWidth = width(bFormat);
  const accFrac = xFormat.frac + wFormat.frac;
  if (bFormat.frac > accFrac) {
    bad(
      'weights.biasFormat.frac',
      `must be in 0..${accFrac} (input.frac + weights.format.frac: the bias is shifted left onto the accumulator), got ${bFormat.frac}`,
    );
  }
  const biasShift = accFrac - bFormat.frac;

  // ---- bit growth: n products plus the aligned bias, exactly ----
  const prodRange = rangeMul(rangeOfWidth(xWidth), rangeOfWidth(wWidth));
  const biasRaw = rangeOfWidth(bWidth);
  const biasRange = { lo: biasRaw.lo * 2 ** biasShift, hi: biasRaw.hi * 2 ** biasShift };
  const accRange = rangeAdd(rangeSum(prodRange, n), biasRange);
  const prodWidth = widthOfRange(prodRange);
  const accWidth = widthOfRange(accRange);
  if (accWidth > MAX_ACC_WIDTH) {
    bad('inputs', `the accumulator would need ${accWidth} bits for ${n} inputs (limit ${MAX_ACC_WIDTH}); use fewer inputs or narrower input, weight or bias formats`);
  }

  // ---- output: requantisation shift and the hardtanh limits ----
  const yFormat = spec.output.format;
  const yWidth = width(yFormat);
  const shift = accFrac - yFormat.frac;
  if (shift < 0) {
    bad('output.format.frac', `must be in 0..${accFrac} (input.frac + weights.format.frac; the output is a right shift of the accumulator), got ${yFormat.frac}`);
  }
  // hardtanh: [-1, 1] in raw output values, clipped to what the format holds
  const one = 2 ** yFormat.frac;
  const clipLo = Math.max(-one, minOf(yWidth));
  const clipHi = Math.min(one, maxOf(yWidth));

  // ---- weights and biases, from one of the two sources ----
  const ws = spec.weights;
  // explicit values are in memory already; random draws are checked when
  // drawn (generate, sim and build stop earlier, at the design's size limit:
  // src/network/limits.ts), where the message names the layer
  const checkCount = (prefix = '') => checkWeightCount(`${prefix}inputs`, n * m, `${n} inputs x ${m} outputs`, wWidth);
  if (ws.init !== 'random') checkCount();
  const w: number[][] = [];
  const wReal: number[][] = [];
  const bias: number[] = [];
  const biasReal: number[] = [];
  let source: DensePlan['source'];
  let lazyDraw: (() => void) | undefined;
  if (ws.init !== undefined && ws.values !== undefined) {
    bad('weights', 'give either "init": "random" or "values", not both');
  }
  if (ws.init === 'random') {
    if (ws.bias !== undefined) bad('weights.bias', 'only used with "values" (random init draws the biases too)');
    if (ws.raw) bad('weights.raw', 'only used with "values"');
    const limit = Math.min(realRange(wFormat).hi, realRange(bFormat).hi);
    const seed = ws.seed ?? 1;
    const scale = ws.scale ?? Math.min(1 / Math.sqrt(n), limit);
    if (scale > limit) {
      bad('weights.scale', `must be in (0, ${limit}] so that weights in ${formatName(wFormat)} and biases in ${formatName(bFormat)} hold [-scale, scale], got ${scale}`);
    }
    // drawn on first use (reference, rtl, train): planning, estimate, fit and
    // sweep never read the values, and a 4096 x 4096 layer has 16.8 M of them
    lazyDraw = () => {
      checkCount(`${spec.name}: `);
      const next = realGenerator(seed, scale);
      for (let i = 0; i < m; i++) {
        if (i % 64 === 0) working(`drawing the weights of ${spec.name}`, i * n, m * n);
        const row: number[] = [];
        const rowReal: number[] = [];
        for (let j = 0; j < n; j++) {
          const v = next();
          rowReal.push(v);
          row.push(quantize(v, wFormat, 'convergent', 'saturate').value);
        }
        w.push(row);
        wReal.push(rowReal);
      }
      for (let i = 0; i < m; i++) {
        const v = next();
        biasReal.push(v);
        bias.push(quantize(v, bFormat, 'convergent', 'saturate').value);
      }
    };
    source = { type: 'random', seed, scale };
  } else if (ws.values !== undefined) {
    if (ws.seed !== undefined) bad('weights.seed', 'only used with "init": "random"');
    if (ws.scale !== undefined) bad('weights.scale', 'only used with "init": "random"');
    if (ws.values.length !== m) bad('weights.values', `expected ${m} rows (one per output), got ${ws.values.length}`);
    for (let i = 0; i < m; i++) {
      const rowIn = ws.values[i];
      if (rowIn.length !== n) bad(`weights.values[${i}]`, `expected ${n} values (one per input), got ${rowIn.length}`);
      const row: number[] = [];
      const rowReal: number[] = [];
      for (let j = 0; j < n; j++) {
        const e = explicitValue(rowIn[j], wFormat, ws.raw, `weights.values[${i}][${j}]`);
        row.push(e.raw);
        rowReal.push(e.real);
      }
      w.push(row);
      wReal.push(rowReal);
    }
    const b = ws.bias ?? new Array<number>(m).fill(0);
    if (b.length !== m) bad('weights.bias', `expected ${m} values (one per output), got ${b.length}`);
    for (let i = 0; i < m; i++) {
      const e = explicitValue(b[i], bFormat, ws.raw, `weights.bias[${i}]`);
      bias.push(e.raw);
      biasReal.push(e.real);
    }
    source = { type: 'values', raw: ws.raw };
  } else {
    bad('weights', 'give either "init": "random" (with "seed" and "scale") or "values" (m rows of n) and "bias"');
  }

  const plan: DensePlan = {
    name: spec.name,
    n, m, lanes, groups,
    beat, beats: n / beat,
    buffers: spec.buffers,
    lastLanes: m - (groups - 1) * lanes,
    xFormat, xWidth, wFormat, wWidth, bFormat, bWidth,
    w, bias, wReal, biasReal, source,
    biasShift, prodWidth, accWidth, accFrac,
    yFormat, yWidth,
    requant: { shift, outWidth: yWidth, rounding: spec.output.rounding as Rounding, overflow: spec.output.overflow as Overflow },
    activation: spec.activation,
    clipLo, clipHi,
    memory,
    tailWords: split?.tailWords ?? 0,
    wordWidth,
    ebrBlocks: split?.ebrBlocks ?? ebrNeed,
    spramBlocks: memory === 'spram' ? spramNeed : 0,
    dsp: spec.dsp,
    dspBlocks: spec.dsp === 'dual8' ? Math.ceil(lanes / 2) : lanes,
  };
  if (lazyDraw) {
    const draw = lazyDraw;
    let drawn = false;
    const arrays = { w, wReal, bias, biasReal };
    for (const [key, value] of Object.entries(arrays)) {
      Object.defineProperty(plan, key, {
        enumerable: true,
        get: () => {
          if (!drawn) {
            draw();
            drawn = true;
          }
          return value;
        },
      });
    }
  }
  return plan;
}
