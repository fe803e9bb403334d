/**
 * The pool plan: the shared line-buffer engine (src/layers/conv2d/plan.ts,
 * planEngine) with P = beat lanes and one group per beat of a pixel, K*K
 * issues per output beat, and the accumulator (the largest value, or the
 * exact sum) and its requantisation.
 */
import { formatName, rangeOfWidth, rangeSum, width, widthOfRange, type Overflow, type QFormat, type Requant, type Rounding } from '../../fixed/index.ts';
import { CircaInputError } from '../../errors.ts';
import { planEngine, type ConvEngine } from '../conv2d/plan.ts';
import type { PoolSpec } from './spec.ts';

export interface PoolPlan extends ConvEngine {
  op: 'max' | 'average';
  xFormat: QFormat;
  xWidth: number;
  accWidth: number;
  yFormat: QFormat;
  yWidth: number;
  requant: Requant;
}

function bad(field: string, msg: string): never {
  throw new CircaInputError(`${field}: ${msg}`);
}

export function planPool(spec: PoolSpec): PoolPlan {
  const k = spec.window;
  const stride = spec.stride ?? k;
  const c = spec.channels;
  const beat = spec.beat ?? c;
  // a 1-row image (a conv1d's output) pools along its row: a 1 x window window
  const kh = spec.height === 1 ? 1 : k;
  const engine = planEngine({ name: spec.name, h: spec.height, w: spec.width, c, k, kh, stride, padding: 'valid', beat, m: c, lanes: beat, perBeat: kh * k }, 'window');
  const n = kh * k;
  const log = Math.log2(n);
  if (spec.op === 'average' && !Number.isInteger(log)) {
    bad('window', `average pooling divides by the window's ${n} elements with a shift, so it must be a power of two: window 1, 2, 4, 8 or 16, got ${k}`);
  }
  const xFormat = spec.input;
  const xWidth = width(xFormat);
  const yFormat = spec.output.format ?? xFormat;
  const yWidth = width(yFormat);
  const accFrac = xFormat.frac + (spec.op === 'average' ? log : 0);
  const accWidth = spec.op === 'average' ? widthOfRange(rangeSum(rangeOfWidth(xWidth), n)) : xWidth;
  const shift = accFrac - yFormat.frac;
  if (shift < 0) {
    bad('output.format.frac', `must be in 0..${accFrac} (input.frac${spec.op === 'average' ? ` + log2(${n})` : ''}: the output is a right shift), got ${yFormat.frac} (${formatName(yFormat)})`);
  }
  return {
    ...engine, op: spec.op, xFormat, xWidth, accWidth, yFormat, yWidth,
    requant: { shift, outWidth: yWidth, rounding: spec.output.rounding as Rounding, overflow: spec.output.overflow as Overflow },
  };
}
