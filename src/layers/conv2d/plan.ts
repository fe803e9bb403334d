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
import { DUAL8_MAX_WIDTH, ebrBlocksOf, explicitValue, realGenerator, realRange } from '../dense/plan.ts';
import type { Activation, DspMode } from '../dense/spec.ts';
import type { Conv2dSpec } from './spec.ts';

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
  /** raw weights: m rows of kk, element (ky*K + kx)*C + c (the issue order) */
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
  memory: 'auto' | 'ebr';
  /** multiplies per SB_MAC16: single (one per lane), dual8 (lanes 2i and 2i+1 on one DSP in 8x8 mode) */
  dsp: DspMode;
  /** SB_MAC16 the lanes use on an UltraPlus: P, or ceil(P/2) with dsp "dual8" */
  dspBlocks: number;
  wordWidth: number;
  ebrBlocks: number;
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
  checkWeightCount('kernel', m * kk, `${m} outChannels x ${c} channels x ${kh} x ${k}`, wWidth);
  const weights = Array.from({ length: m }, () => new Array<number>(kk).fill(0));
  const wReal = Array.from({ length: m }, () => new Array<number>(kk).fill(0));
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
    for (let o = 0; o < m; o++) {
      for (let ci = 0; ci < c; ci++) {
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < k; kx++) {
            const v = next();
            const i = kernelIndex({ k, c }, ky, kx, ci);
            wReal[o][i] = v;
            weights[o][i] = quantize(v, wFormat, 'convergent', 'saturate').value;
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
    const shape = `[outChannels ${m}][channels ${c}][kernel ${kh}][kernel ${k}]`;
    const expect = (field: string, got: unknown[], n: number, what: string) => {
      if (got.length !== n) bad(field, `expected ${n} ${what} (PyTorch Conv2d layout ${shape}), got ${got.length}`);
    };
    expect('weights.values', ws.values, m, 'output channels');
    for (let o = 0; o < m; o++) {
      expect(`weights.values[${o}]`, ws.values[o], c, 'input channels');
      for (let ci = 0; ci < c; ci++) {
        expect(`weights.values[${o}][${ci}]`, ws.values[o][ci], kh, 'kernel rows');
        for (let ky = 0; ky < kh; ky++) {
          expect(`weights.values[${o}][${ci}][${ky}]`, ws.values[o][ci][ky], k, 'kernel columns');
          for (let kx = 0; kx < k; kx++) {
            const e = explicitValue(ws.values[o][ci][ky][kx], wFormat, ws.raw, `weights.values[${o}][${ci}][${ky}][${kx}]`);
            const i = kernelIndex({ k, c }, ky, kx, ci);
            weights[o][i] = e.raw;
            wReal[o][i] = e.real;
          }
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
    bad('weights', 'give either "init": "random" (with "seed" and "scale") or "values" ([outChannels][channels][kernel][kernel]) and "bias"');
  }

  const wordWidth = lanes * wWidth;
  return {
    ...engine,
    m, padding,
    hasBias: spec.bias,
    xFormat, xWidth, wFormat, wWidth, bFormat, bWidth,
    weights, bias, wReal, biasReal, source,
    biasShift, prodWidth, accWidth, accFrac,
    yFormat, yWidth,
    requant: { shift, outWidth: yWidth, rounding: spec.output.rounding as Rounding, overflow: spec.output.overflow as Overflow },
    activation: spec.activation,
    clipLo: Math.max(-one, minOf(yWidth)),
    clipHi: Math.min(one, maxOf(yWidth)),
    memory: spec.memory,
    dsp: spec.dsp,
    dspBlocks: spec.dsp === 'dual8' ? Math.ceil(lanes / 2) : lanes,
    wordWidth,
    ebrBlocks: ebrBlocksOf(groups * kk, wordWidth),
  };
}
