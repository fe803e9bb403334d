/**
 * The TVSCM plan: every format and width the reference model and the RTL
 * share, computed once here from src/fixed. Nothing downstream re-derives them.
 */
import {
  MAX_ACC_WIDTH, fits, quantize, rangeAdd, rangeMul, rangeOfWidth, rangeSub, rangeSum, widthOfRange, width,
  minOf, maxOf, formatName,
  type QFormat, type Requant, type Rounding, type Overflow,
} from '../../fixed/index.ts';
import { CircaInputError } from '../../errors.ts';
import { divisorList } from '../formats.ts';
import type { TvscmSpec } from './spec.ts';
import { DUAL8_MAX_WIDTH } from '../dense/plan.ts';
import type { DspMode } from '../dense/spec.ts';

export interface TvscmPlan {
  name: string;
  n: number;
  placement: 'band' | 'complement';
  /** band radius r (0 for complement) */
  radius: number;
  /** lanes: outputs computed per cycle */
  lanes: number;
  /** elements per input beat (divides lanes) */
  beat: number;
  /** input beats per vector: ceil(n / beat) */
  beats: number;
  /** input buffers: 2 overlaps load and compute, 1 does not */
  buffers: number;
  /** rows of the lane-interleaved buffer: ceil(n / lanes) */
  rows: number;
  /** window rows each side of the centre row: ceil(r / lanes) (0 for complement) */
  windowRows: number;
  xFormat: QFormat;
  xWidth: number;
  wFormat: QFormat;
  wWidth: number;
  /** raw weights after quantisation */
  a: number;
  b: number;
  /** real weights the spec asked for (for the float model) */
  aReal: number;
  bReal: number;
  /** band: width of sum_k (x_{i-k} + x_{i+k}); complement: width of S = sum_j x_j */
  sumWidth: number;
  /** band: a*x width; complement: (a-b)*x width */
  prodAWidth: number;
  /** band: b*pairsum width; complement: b*S width */
  prodBWidth: number;
  /** complement: width of a - b */
  diffWidth: number;
  /** multiplies per SB_MAC16: single, or dual8 (the a*x products of two lanes on one DSP, band placement) */
  dsp: DspMode;
  /** SB_MAC16 of the lane products on an UltraPlus: 2P (band) or P + 1 (complement); ceil(P/2) + P with dsp "dual8" */
  dspBlocks: number;
  accWidth: number;
  accFrac: number;
  yFormat: QFormat;
  yWidth: number;
  requant: Requant;
  relu: boolean;
}

function bad(field: string, msg: string): never {
  throw new CircaInputError(`${field}: ${msg}`);
}

export function planTvscm(spec: TvscmSpec): TvscmPlan {
  const n = spec.n;
  const placement = spec.placement.type;
  const radius = spec.placement.type === 'band' ? spec.placement.radius : 0;
  if (spec.placement.type === 'band' && 2 * radius >= n) {
    bad('placement.radius', `must be in 1..${Math.floor((n - 1) / 2)} for n = ${n} (r < n/2 so that no entry is counted twice), got ${radius}`);
  }
  const lanes = spec.lanes;
  if (lanes > n) bad('lanes', `must be in 1..${n} (at most n), got ${lanes}`);
  const beat = spec.beat;
  if (lanes % beat !== 0) {
    bad('beat', `must divide lanes (${lanes}): one of ${divisorList(lanes)}, got ${beat}`);
  }

  const xFormat = spec.input;
  const wFormat = spec.weights.format;
  const xWidth = width(xFormat);
  const wWidth = width(wFormat);
  if (spec.dsp === 'dual8') {
    if (placement !== 'band') {
      bad('dsp', `"dual8" packs the a*x products of two lanes per SB_MAC16 (8 x 8 bits), but ${spec.name}'s complement placement ` +
        `multiplies x by a - b, which takes ${width(wFormat) + 1} bits for ${formatName(wFormat)} weights: use "dsp": "single"`);
    }
    if (xWidth > DUAL8_MAX_WIDTH || wWidth > DUAL8_MAX_WIDTH) {
      bad('dsp', `"dual8" packs two ${DUAL8_MAX_WIDTH} x ${DUAL8_MAX_WIDTH} multiplies per SB_MAC16, but ${spec.name} multiplies ` +
        `${formatName(xFormat)} inputs by ${formatName(wFormat)} weights: use formats of at most ${DUAL8_MAX_WIDTH} bits, or "dsp": "single"`);
    }
  }

  // Weights: raw integers, or reals quantised to the weight format.
  const weight = (name: 'a' | 'b'): number => {
    const v = spec.weights[name];
    if (spec.weights.raw) {
      if (!fits(v, wWidth)) bad(`weights.${name}`, `raw value ${v} does not fit ${formatName(wFormat)}: allowed ${minOf(wWidth)}..${maxOf(wWidth)}`);
      return v;
    }
    const qv = quantize(v, wFormat, 'convergent', 'saturate');
    if (qv.overflow) {
      bad(`weights.${name}`, `${v} does not fit ${formatName(wFormat)}: allowed ${minOf(wWidth) / 2 ** wFormat.frac}..${maxOf(wWidth) / 2 ** wFormat.frac}`);
    }
    return qv.value;
  };
  const a = weight('a');
  const b = weight('b');
  const aReal = spec.weights.raw ? a / 2 ** wFormat.frac : spec.weights.a;
  const bReal = spec.weights.raw ? b / 2 ** wFormat.frac : spec.weights.b;

  // Bit growth from value ranges. The weights are writable at run time, so
  // the datapath is sized for any weight in the format, not just a and b.
  const xr = rangeOfWidth(xWidth);
  const wr = rangeOfWidth(wWidth);
  let sumWidth: number, prodAWidth: number, prodBWidth: number, diffWidth: number, accWidth: number;
  if (placement === 'band') {
    const sumR = rangeSum(rangeAdd(xr, xr), radius);
    sumWidth = widthOfRange(sumR);
    const pa = rangeMul(wr, xr);
    const pb = rangeMul(wr, sumR);
    prodAWidth = widthOfRange(pa);
    prodBWidth = widthOfRange(pb);
    diffWidth = 0;
    accWidth = widthOfRange(rangeAdd(pa, pb));
  } else {
    const sR = rangeSum(xr, n);
    sumWidth = widthOfRange(sR);
    const dR = rangeSub(wr, wr);
    diffWidth = widthOfRange(dR);
    const pa = rangeMul(dR, xr);
    const pb = rangeMul(wr, sR);
    prodAWidth = widthOfRange(pa);
    prodBWidth = widthOfRange(pb);
    accWidth = widthOfRange(rangeAdd(pa, pb));
  }
  if (accWidth > MAX_ACC_WIDTH) {
    bad('input', `the accumulator would need ${accWidth} bits (limit ${MAX_ACC_WIDTH}); use narrower input or weight formats`);
  }
  const accFrac = xFormat.frac + wFormat.frac;
  const yFormat = spec.output.format;
  const yWidth = width(yFormat);
  const shift = accFrac - yFormat.frac;
  if (shift < 0) {
    bad('output.format.frac', `must be in 0..${accFrac} (input.frac + weights.frac; the output is a right shift of the accumulator), got ${yFormat.frac}`);
  }
  return {
    name: spec.name,
    n,
    placement,
    radius,
    lanes,
    buffers: spec.buffers,
    beat,
    beats: Math.ceil(n / beat),
    rows: Math.ceil(n / lanes),
    windowRows: placement === 'band' ? Math.ceil(radius / lanes) : 0,
    xFormat, xWidth, wFormat, wWidth,
    a, b, aReal, bReal,
    sumWidth, prodAWidth, prodBWidth, diffWidth, accWidth, accFrac,
    dsp: spec.dsp,
    dspBlocks: placement === 'band' ? (spec.dsp === 'dual8' ? Math.ceil(lanes / 2) : lanes) + lanes : lanes + 1,
    yFormat, yWidth,
    requant: { shift, outWidth: yWidth, rounding: spec.output.rounding as Rounding, overflow: spec.output.overflow as Overflow },
    relu: spec.output.relu,
  };
}
