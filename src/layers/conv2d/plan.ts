/**
 * The conv2d plan: geometry (output size, padding, line-buffer rows, the
 * per-output-row window bounds), formats, widths and the raw weights the
 * reference model, the RTL and the cost model share.
 *
 * Geometry. Output size: valid floor((H - K)/S) + 1; same ceil(H/S) with
 * total padding max((out - 1)*S + K - H, 0), split floor(total/2) on the top
 * (left), the rest on the bottom (right), as PyTorch and TensorFlow do.
 * Output row oy reads input rows lo(oy) = max(0, oy*S - padTop) ..
 * hi(oy) = min(H - 1, oy*S - padTop + K - 1). The line buffer holds
 * NB = min(K + S, H) rows: the K (or fewer) rows a window reads and the S
 * rows the next output row needs, which load while this one computes.
 *
 * Bit growth as in dense: K*K*C products plus the aligned bias, exactly.
 */
import {
  MAX_ACC_WIDTH, formatName, maxOf, minOf, quantize, rangeAdd, rangeMul, rangeOfWidth, rangeSum, width, widthOfRange,
  type Overflow, type QFormat, type Requant, type Rounding,
} from '../../fixed/index.ts';
import { CircaInputError } from '../../errors.ts';
import { checkWeightCount, divisorList } from '../formats.ts';
import {
  DENSE_LOAD_WORD_BITS, DENSE_SPRAM_BLOCKS, DENSE_SPRAM_WIDTH, DENSE_SPRAM_WORDS, DUAL8_MAX_WIDTH, ebrBlocksOf, explicitValue, realGenerator, realRange,
} from '../dense/plan.ts';
import type { Activation, DspMode, MemoryChoice } from '../dense/spec.ts';
import type { Conv2dSpec, ConvStructure } from './spec.ts';

/**
 * The line-buffer engine of rtl-templates/conv_layer.v that conv2d and pool
 * share: the image geometry, the window walk and the stream widths the cycle
 * model (cost.ts) reads.
 */
export interface ConvEngine {
  name: string;
  /** input height, width, channels */
  h: number;
  w: number;
  c: number;
  /** kernel (window) width and height (conv1d: height 1), and stride */
  k: number;
  kh: number;
  stride: number;
  padTop: number;
  padLeft: number;
  /** output height and width */
  ho: number;
  wo: number;
  /** line-buffer rows */
  rows: number;
  /** issue cycles per output beat (conv2d: K*K*C products; pool: K*K) */
  kk: number;
  /** lanes per output beat, groups (output beats) per pixel, lanes kept on the last */
  lanes: number;
  groups: number;
  lastLanes: number;
  /** input channels per beat, and beats per pixel (channels / beat) */
  beat: number;
  pixelBeats: number;
  /** input beats per image, output beats per image */
  beats: number;
  outBeats: number;
  /** per output row: first and last input row read, and rows freed when it ends (lo(oy+1) - lo(oy), H - lo at the last) */
  lo: number[];
  hi: number[];
  freed: number[];
}

export interface Conv2dPlan extends ConvEngine {
  /** output channels */
  m: number;
  padding: 'valid' | 'same';
  hasBias: boolean;
  xFormat: QFormat;
  xWidth: number;
  wFormat: QFormat;
  wWidth: number;
  bFormat: QFormat;
  bWidth: number;
  /** dense, or block-circulant: k x k circulant blocks over (m, c) at each kernel position */
  structure: ConvStructure;
  /** the circulant block size k (1: dense) */
  blockSize: number;
  /**
   * block-circulant only: the stored values, raw and real, flat in the spec's
   * layout [m/k][c/k][k][kh][kw] (bcIndex); empty when dense
   */
  bcWeights: number[];
  bcReal: number[];
  /** raw weights: m rows of kk, element (ky*K + kx)*C + c (the issue order); block-circulant: expanded from bcWeights */
  weights: number[][];
  bias: number[];
  wReal: number[][];
  biasReal: number[];
  source: { type: 'random'; seed: number; scale: number } | { type: 'values'; raw: boolean };
  biasShift: number;
  prodWidth: number;
  accWidth: number;
  accFrac: number;
  yFormat: QFormat;
  yWidth: number;
  requant: Requant;
  activation: Activation;
  clipLo: number;
  clipHi: number;
  /** multiplies per SB_MAC16: single (one per lane), dual8 (lanes 2i and 2i+1 on one DSP in 8x8 mode) */
  dsp: DspMode;
  /** SB_MAC16 the lanes use on an UltraPlus: P, or ceil(P/2) with dsp "dual8" */
  dspBlocks: number;
  /** auto (ROM, yosys decides), ebr (ROM in block RAM), spram (RAM in SB_SPRAM256KA loaded at run time, registers.ts) */
  memory: MemoryChoice;
  /**
   * The weight memory (rtl.ts, romWordSlots): `romDepth` words of `wordWidth`
   * bits in `slots` slots of wWidth. Dense: G*KK words of P slots. Block-
   * circulant: `rowGroups` x KH*K*(C/k) words of `blockRows` x k slots, one
   * word per (row group, kernel position, block column); a row group is
   * `blockRows` = max(1, P/k) block rows, read by `groupsPerRow` =
   * max(1, k/P) consecutive groups.
   */
  romDepth: number;
  slots: number;
  wordWidth: number;
  blockRows: number;
  groupsPerRow: number;
  rowGroups: number;
  ebrBlocks: number;
  /** SB_SPRAM256KA blocks with memory "spram" (0 otherwise) */
  spramBlocks: number;
}

/** Offset of w[bo][bc][t][ky][kx] in a block-circulant plan's bcWeights (the spec's layout). */
export const bcIndex = (p: { m: number; c: number; k: number; kh: number; blockSize: number }, bo: number, bc: number, t: number, ky: number, kx: number) =>
  (((bo * (p.c / p.blockSize) + bc) * p.blockSize + t) * p.kh + ky) * p.k + kx;

/** The circulant index of W[o][c] within its block: (o - c) mod k. */
export const circIndex = (o: number, c: number, k: number) => (((o - c) % k) + k) % k;

/**
 * The lanes `sweep --vary lanes` uses for a conv spec: at most `lanes` and
 * outChannels; block-circulant: the largest such count that divides the
 * block size or is a multiple of it.
 */
export function varyConvLanes(spec: Record<string, unknown>, lanes: number): number {
  const cap = Math.max(1, Math.min(lanes, Number(spec.outChannels)));
  const k = Number(spec.blockSize);
  if (spec.structure !== 'block-circulant' || !(k >= 1)) return cap;
  for (let l = cap; l > 1; l--) if (k % l === 0 || l % k === 0) return l;
  return 1;
}

/** Common divisors of a and b, for the blockSize error. */
function commonDivisors(a: number, b: number): string {
  return Array.from({ length: Math.min(a, b) }, (_, i) => i + 1).filter((d) => a % d === 0 && b % d === 0).join(', ');
}

function bad(field: string, msg: string): never {
  throw new CircaInputError(`${field}: ${msg}`);
}

/** Output size and the padding before the first element along one axis. */
export function convAxis(size: number, k: number, s: number, padding: 'valid' | 'same'): { out: number; before: number } {
  if (padding === 'valid') return { out: Math.floor((size - k) / s) + 1, before: 0 };
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + k - size, 0);
  return { out, before: Math.floor(total / 2) };
}

/** Index of weight element (ky, kx, c) in a row of the plan's weights (the issue order). */
export const kernelIndex = (p: { k: number; c: number }, ky: number, kx: number, c: number) => (ky * p.k + kx) * p.c + c;

/**
 * The engine's geometry: output size, padding, the rows each output row
 * reads and frees, the line-buffer rows. `kernelField` names the window size
 * in errors; `perBeat`: issue cycles per output beat; `m`, `lanes`: output
 * channels and lanes per output beat.
 */
export function planEngine(
  a: { name: string; h: number; w: number; c: number; k: number; kh?: number; stride: number; padding: 'valid' | 'same'; beat: number; m: number; lanes: number; perBeat: number },
  kernelField: string,
): ConvEngine {
  const { name, h, w, c, k, stride, padding, beat, m, lanes } = a;
  const kh = a.kh ?? k;
  for (const [axis, size, kk] of [['height', h, kh], ['width', w, k]] as const) {
    if (padding === 'valid' && kk > size) {
      bad(kernelField, `${kk} is larger than the input ${axis} ${size} with "padding": "valid" (no padding): use a ${kernelField} of at most ${size}` +
        (kernelField === 'kernel' ? ' or "padding": "same"' : ''));
    }
  }
  if (c % beat !== 0) bad('beat', `must divide the channels (${c}): one of ${divisorList(c)}, got ${beat}`);
  const ay = convAxis(h, kh, stride, padding);
  const ax = convAxis(w, k, stride, padding);
  const groups = Math.ceil(m / lanes);
  const lo: number[] = [];
  const hi: number[] = [];
  for (let oy = 0; oy < ay.out; oy++) {
    lo.push(Math.max(0, oy * stride - ay.before));
    hi.push(Math.min(h - 1, oy * stride - ay.before + kh - 1));
  }
  const freed = lo.map((l, oy) => (oy + 1 < ay.out ? lo[oy + 1] - l : h - l));
  const rows = Math.min(kh + stride, h);
  // the line buffer advances its first row by `freed` modulo `rows` with one subtraction
  if (freed.some((f) => f > rows) || hi.some((v, oy) => v - lo[oy] + 1 > rows)) throw new Error(`${name}: line-buffer rows ${rows} too few (internal)`);
  return {
    name, h, w, c, k, kh, stride, padTop: ay.before, padLeft: ax.before, ho: ay.out, wo: ax.out, rows, kk: a.perBeat,
    lanes, groups, lastLanes: m - (groups - 1) * lanes, beat, pixelBeats: c / beat,
    beats: h * w * (c / beat), outBeats: ay.out * ax.out * groups, lo, hi, freed,
  };
}

/**
 * The weight memory of a conv2d layer: dense G*KK words of P lanes;
 * block-circulant one word per (row group, kernel position, block column);
 * its EBR and SPRAM needs, and the checks of "memory": "spram".
 */
function planWeightMemory(g: {
  structure: Conv2dPlan['structure']; lanes: number; blockSize: number; groups: number; kk: number; kpos: number; cb: number; wWidth: number; memory: MemoryChoice;
}) {
  const { structure, lanes, blockSize: bk, groups, kk, kpos, cb, wWidth } = g;
  const blockRows = structure === 'dense' ? 1 : Math.max(1, lanes / bk);
  const groupsPerRow = structure === 'dense' ? 1 : Math.max(1, bk / lanes);
  const rowGroups = structure === 'dense' ? groups : Math.ceil(groups / groupsPerRow);
  const slots = structure === 'dense' ? lanes : blockRows * bk;
  const romDepth = structure === 'dense' ? groups * kk : rowGroups * kpos * cb;
  const wordWidth = slots * wWidth;
  const ebrNeed = ebrBlocksOf(romDepth, wordWidth);
  const spramNeed = Math.ceil(romDepth / DENSE_SPRAM_WORDS) * Math.ceil(wordWidth / DENSE_SPRAM_WIDTH);
  // "auto" stays a ROM (yosys decides): SPRAM only when asked, since its weights need a run-time load
  const memory: MemoryChoice = g.memory;
  if (memory === 'spram') {
    if (wordWidth > DENSE_LOAD_WORD_BITS) {
      const what = structure === 'dense' ? `lanes x weight width = ${lanes} x ${wWidth}` : `${slots} circulant values x weight width = ${slots} x ${wWidth}`;
      bad(structure === 'dense' ? 'lanes' : 'blockSize', `with "memory": "spram" a weight word (${what} = ${wordWidth} bits) is one ` +
        `${DENSE_LOAD_WORD_BITS}-bit WRITE_REG value of the load, so it must be at most ${DENSE_LOAD_WORD_BITS} bits: ` +
        (structure === 'dense' ? `use at most ${Math.floor(DENSE_LOAD_WORD_BITS / wWidth)} lanes` : 'use a smaller block size (and lanes)') +
        ', narrower weights, or "memory": "ebr"');
    }
    if (spramNeed > DENSE_SPRAM_BLOCKS) {
      bad('memory', `the weights need ${spramNeed} SPRAM blocks (${romDepth} words of ${wordWidth} bits; a block holds ` +
        `${DENSE_SPRAM_WORDS} x ${DENSE_SPRAM_WIDTH}), more than the ${DENSE_SPRAM_BLOCKS} of an UltraPlus; use fewer channels or narrower weights`);
    }
  }
  return { blockRows, groupsPerRow, rowGroups, slots, romDepth, wordWidth, ebrNeed, spramNeed, memory };
}

/** `kh`: the kernel's height (conv1d plans with 1; a conv2d kernel is square). */
export function planConv2d(spec: Conv2dSpec, kh = spec.kernel): Conv2dPlan {
  const { height: h, width: w, channels: c, outChannels: m, kernel: k, stride, padding } = spec;
  const lanes = spec.lanes;
  if (lanes > m) bad('lanes', `must be in 1..${m} (at most outChannels), got ${lanes}`);
  const kk = kh * k * c;
  const engine = planEngine({ name: spec.name, h, w, c, k, kh, stride, padding, beat: spec.beat ?? c, m, lanes, perBeat: kk }, 'kernel');
  const groups = engine.groups;

  const xFormat = spec.input;
  const wFormat = spec.weights.format;
  const bFormat = spec.weights.biasFormat ?? wFormat;
  const xWidth = width(xFormat);
  const wWidth = width(wFormat);
  const bWidth = width(bFormat);
  if (spec.dsp === 'dual8' && (xWidth > DUAL8_MAX_WIDTH || wWidth > DUAL8_MAX_WIDTH)) {
    bad('dsp', `"dual8" packs two ${DUAL8_MAX_WIDTH} x ${DUAL8_MAX_WIDTH} multiplies per SB_MAC16, but ${spec.name} multiplies ` +
      `${formatName(xFormat)} inputs by ${formatName(wFormat)} weights: use formats of at most ${DUAL8_MAX_WIDTH} bits, or "dsp": "single"`);
  }
  const accFrac = xFormat.frac + wFormat.frac;
  if (bFormat.frac > accFrac) {
    bad('weights.biasFormat.frac', `must be in 0..${accFrac} (input.frac + weights.format.frac: the bias is shifted left onto the accumulator), got ${bFormat.frac}`);
  }
  const biasShift = accFrac - bFormat.frac;
  const prodRange = rangeMul(rangeOfWidth(xWidth), rangeOfWidth(wWidth));
  const biasRaw = rangeOfWidth(bWidth);
  const accRange = rangeAdd(rangeSum(prodRange, kk), { lo: biasRaw.lo * 2 ** biasShift, hi: biasRaw.hi * 2 ** biasShift });
  const prodWidth = widthOfRange(prodRange);
  const accWidth = widthOfRange(accRange);
  if (accWidth > MAX_ACC_WIDTH) bad('kernel', `the accumulator would need ${accWidth} bits for ${kk} products (limit ${MAX_ACC_WIDTH})`);
  const yFormat = spec.output.format;
  const yWidth = width(yFormat);
  const shift = accFrac - yFormat.frac;
  if (shift < 0) bad('output.format.frac', `must be in 0..${accFrac} (input.frac + weights.format.frac), got ${yFormat.frac}`);
  const one = 2 ** yFormat.frac;

  // ---- weights: PyTorch's layout [o][c][ky][kx] in the spec, issue order in the plan ----
  const ws = spec.weights;
  const structure = spec.structure;
  const bk = structure === 'block-circulant' ? spec.blockSize : 1;
  if (structure === 'dense' && spec.blockSize !== undefined) bad('blockSize', 'only used with "structure": "block-circulant"');
  if (bk === undefined) bad('blockSize', `required with "structure": "block-circulant": one of ${commonDivisors(m, c)} (dividing outChannels ${m} and channels ${c})`);
  if (structure === 'block-circulant') {
    for (const [field, n] of [['outChannels', m], ['channels', c]] as const) {
      if (n % bk !== 0) {
        bad('blockSize', `${bk} does not divide ${field} ${n}: the block size divides outChannels ${m} and channels ${c}, one of ${commonDivisors(m, c)}`);
      }
    }
    if (bk % lanes !== 0 && lanes % bk !== 0) {
      const opts = Array.from({ length: m }, (_, i) => i + 1).filter((l) => bk % l === 0 || l % bk === 0);
      bad('lanes', `with "structure": "block-circulant" the lanes divide the block size ${bk} or are a multiple of it: one of ${opts.join(', ')}, got ${lanes}`);
    }
  }
  const nb = m / bk;
  const cb = c / bk;
  const kpos = kh * k;
  const stored = structure === 'block-circulant' ? nb * cb * bk * kpos : m * kk;
  checkWeightCount('kernel', stored, structure === 'block-circulant'
    ? `${nb} x ${cb} blocks x ${bk} values x ${kh} x ${k}` : `${m} outChannels x ${c} channels x ${kh} x ${k}`, wWidth);
  const weights = Array.from({ length: m }, () => new Array<number>(kk).fill(0));
  const wReal = Array.from({ length: m }, () => new Array<number>(kk).fill(0));
  const bcWeights = new Array<number>(structure === 'block-circulant' ? stored : 0).fill(0);
  const bcReal = new Array<number>(bcWeights.length).fill(0);
  const geo = { m, c, k, kh, blockSize: bk };
  /** store one value: W[o][c][ky][kx] (dense) or w[o][c][t][ky][kx] with o, c block indices (block-circulant) */
  const put = (o: number, ci: number, ky: number, kx: number, raw: number, real: number) => {
    if (structure === 'dense') {
      const i = kernelIndex({ k, c }, ky, kx, ci);
      weights[o][i] = raw;
      wReal[o][i] = real;
    } else {
      // o = bo*k + t, ci = bc: the value t of block (bo, bc)
      const bo = Math.floor(o / bk);
      const t = o % bk;
      const at = bcIndex(geo, bo, ci, t, ky, kx);
      bcWeights[at] = raw;
      bcReal[at] = real;
    }
  };
  /** the stored tensor's first two axes: (outChannels, channels) or (outChannels/k * k, channels/k) */
  const rowsOut = structure === 'dense' ? m : nb * bk;
  const colsIn = structure === 'dense' ? c : cb;
  const bias = new Array<number>(m).fill(0);
  const biasReal = new Array<number>(m).fill(0);
  let source: Conv2dPlan['source'];
  if (ws.init !== undefined && ws.values !== undefined) bad('weights', 'give either "init": "random" or "values", not both');
  if (ws.bias !== undefined && !spec.bias) bad('weights.bias', 'given, but "bias" is false');
  if (ws.init === 'random') {
    if (ws.bias !== undefined) bad('weights.bias', 'only used with "values" (random init draws the biases too)');
    if (ws.raw) bad('weights.raw', 'only used with "values"');
    const limit = Math.min(realRange(wFormat).hi, realRange(bFormat).hi);
    const seed = ws.seed ?? 1;
    const scale = ws.scale ?? Math.min(1 / Math.sqrt(kk), limit);
    if (scale > limit) bad('weights.scale', `must be in (0, ${limit}] so that weights in ${formatName(wFormat)} and biases in ${formatName(bFormat)} hold [-scale, scale], got ${scale}`);
    const next = realGenerator(seed, scale);
    for (let o = 0; o < rowsOut; o++) {
      for (let ci = 0; ci < colsIn; ci++) {
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < k; kx++) {
            const v = next();
            put(o, ci, ky, kx, quantize(v, wFormat, 'convergent', 'saturate').value, v);
          }
        }
      }
    }
    if (spec.bias) {
      for (let o = 0; o < m; o++) {
        const v = next();
        biasReal[o] = v;
        bias[o] = quantize(v, bFormat, 'convergent', 'saturate').value;
      }
    }
    source = { type: 'random', seed, scale };
  } else if (ws.values !== undefined) {
    if (ws.seed !== undefined) bad('weights.seed', 'only used with "init": "random"');
    if (ws.scale !== undefined) bad('weights.scale', 'only used with "init": "random"');
    const layout = structure === 'dense'
      ? `PyTorch Conv2d layout [outChannels ${m}][channels ${c}][kernel ${kh}][kernel ${k}]`
      : `block-circulant layout [outChannels/k ${nb}][channels/k ${cb}][k ${bk}][kernel ${kh}][kernel ${k}]`;
    const expect = (field: string, got: unknown, n: number, what: string): unknown[] => {
      if (!Array.isArray(got)) bad(field, `expected ${n} ${what} (${layout}), got a number`);
      if (got.length !== n) bad(field, `expected ${n} ${what} (${layout}), got ${got.length}`);
      return got;
    };
    const taps = (field: string, kernelRows: unknown, o: number, ci: number) => {
      const rows = expect(field, kernelRows, kh, 'kernel rows');
      for (let ky = 0; ky < kh; ky++) {
        const cols = expect(`${field}[${ky}]`, rows[ky], k, 'kernel columns');
        for (let kx = 0; kx < k; kx++) {
          const v = cols[kx];
          if (typeof v !== 'number') bad(`${field}[${ky}][${kx}]`, `expected a number (${layout}), got an array`);
          const e = explicitValue(v, wFormat, ws.raw, `${field}[${ky}][${kx}]`);
          put(o, ci, ky, kx, e.raw, e.real);
        }
      }
    };
    const top = expect('weights.values', ws.values, structure === 'dense' ? m : nb, structure === 'dense' ? 'output channels' : 'block rows (outChannels / blockSize)');
    for (let o = 0; o < top.length; o++) {
      const row = expect(`weights.values[${o}]`, top[o], colsIn, structure === 'dense' ? 'input channels' : 'block columns (channels / blockSize)');
      for (let ci = 0; ci < colsIn; ci++) {
        if (structure === 'dense') taps(`weights.values[${o}][${ci}]`, row[ci], o, ci);
        else {
          const block = expect(`weights.values[${o}][${ci}]`, row[ci], bk, 'circulant values (blockSize)');
          for (let t = 0; t < bk; t++) taps(`weights.values[${o}][${ci}][${t}]`, block[t], o * bk + t, ci);
        }
      }
    }
    if (ws.bias !== undefined) {
      if (ws.bias.length !== m) bad('weights.bias', `expected ${m} values (one per output channel), got ${ws.bias.length}`);
      for (let o = 0; o < m; o++) {
        const e = explicitValue(ws.bias[o], bFormat, ws.raw, `weights.bias[${o}]`);
        bias[o] = e.raw;
        biasReal[o] = e.real;
      }
    }
    source = { type: 'values', raw: ws.raw };
  } else {
    bad('weights', 'give either "init": "random" (with "seed" and "scale") or "values" (' +
      (structure === 'dense' ? '[outChannels][channels][kernel][kernel]' : '[outChannels/k][channels/k][k][kernel][kernel]') + ') and "bias"');
  }
  if (structure === 'block-circulant') {
    // expand: W[o][ci][ky][kx] = w[o/k][ci/k][(o - ci) mod k][ky][kx]
    for (let o = 0; o < m; o++) {
      for (let ci = 0; ci < c; ci++) {
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < k; kx++) {
            const at = bcIndex(geo, Math.floor(o / bk), Math.floor(ci / bk), circIndex(o, ci, bk), ky, kx);
            const i = kernelIndex({ k, c }, ky, kx, ci);
            weights[o][i] = bcWeights[at];
            wReal[o][i] = bcReal[at];
          }
        }
      }
    }
  }

  // ---- the weight memory: dense G*KK words of P lanes; block-circulant one word per (row group, kernel position, block column) ----
  const { blockRows, groupsPerRow, rowGroups, slots, romDepth, wordWidth, ebrNeed, spramNeed, memory } =
    planWeightMemory({ structure, lanes, blockSize: bk, groups, kk, kpos, cb, wWidth, memory: spec.memory });

  return {
    ...engine,
    m, padding,
    hasBias: spec.bias,
    xFormat, xWidth, wFormat, wWidth, bFormat, bWidth,
    structure, blockSize: bk, bcWeights, bcReal,
    weights, bias, wReal, biasReal, source,
    biasShift, prodWidth, accWidth, accFrac,
    yFormat, yWidth,
    requant: { shift, outWidth: yWidth, rounding: spec.output.rounding as Rounding, overflow: spec.output.overflow as Overflow },
    activation: spec.activation,
    clipLo: Math.max(-one, minOf(yWidth)),
    clipHi: Math.min(one, maxOf(yWidth)),
    memory,
    dsp: spec.dsp,
    dspBlocks: spec.dsp === 'dual8' ? Math.ceil(lanes / 2) : lanes,
    romDepth, slots, wordWidth, blockRows, groupsPerRow, rowGroups,
    ebrBlocks: ebrNeed,
    spramBlocks: memory === 'spram' ? spramNeed : 0,
  };
}
