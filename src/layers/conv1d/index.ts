/**
 * The conv1d layer kind: the conv2d kind on a 1-row image with a 1 x kernel
 * kernel (the same plan, reference, rtl, cost, timing and resources faces);
 * its own spec (length, PyTorch Conv1d weight layout) and train tensors.
 */
import { CircaInputError } from '../../errors.ts';
import { defineKind, type TrainFace } from '../types.ts';
import { conv2d, CONV_FIELDS } from '../conv2d/index.ts';
import { conv2dTrain } from '../conv2d/train.ts';
import { planConv2d, varyConvLanes, type Conv2dPlan } from '../conv2d/plan.ts';
import type { Conv2dSpec } from '../conv2d/spec.ts';
import { conv1dSpecSchema, type Conv1dSpec } from './spec.ts';

function bad(field: string, msg: string): never {
  throw new CircaInputError(`${field}: ${msg}`);
}

/** Wrap the innermost (kernel) arrays of a nested array `depth` levels above them in one more array: [..][k] -> [..][1][k]. */
function addRow(v: unknown, depth: number): unknown {
  return depth === 0 ? [v] : Array.isArray(v) ? v.map((e) => addRow(e, depth - 1)) : v;
}

/** The conv2d spec of a conv1d spec: height 1, width = length, weights [o][c][1][k] (block-circulant [o/k][c/k][t][1][k]). */
function asConv2d(spec: Conv1dSpec): Conv2dSpec {
  const { kind: _k, length, weights, ...rest } = spec;
  const { values, ...w } = weights;
  const depth = spec.structure === 'block-circulant' ? 3 : 2;
  return { ...rest, kind: 'conv2d', height: 1, width: length, weights: { ...w, ...(values ? { values: addRow(values, depth) as Conv2dSpec['weights']['values'] } : {}) } };
}

export function planConv1d(spec: Conv1dSpec): Conv2dPlan {
  const { length, kernel: k, outChannels: m, channels: c } = spec;
  if (spec.padding === 'valid' && k > length) {
    bad('kernel', `${k} is larger than the input length ${length} with "padding": "valid" (no padding): use a kernel of at most ${length} or "padding": "same"`);
  }
  const v = spec.weights.values;
  if (v && spec.structure === 'block-circulant') {
    // the block layout [m/k][c/k][k][kernel]: conv2d checks the blocks, the taps here (their field names)
    v.forEach((bo, i) => (Array.isArray(bo) ? bo : []).forEach((bc, j) => (Array.isArray(bc) ? bc : []).forEach((taps, t) => {
      if (Array.isArray(taps) && taps.length !== k) {
        bad(`weights.values[${i}][${j}][${t}]`, `expected ${k} kernel taps (block-circulant Conv1d layout [outChannels/k][channels/k][k][kernel ${k}]), got ${taps.length}`);
      }
    })));
  } else if (v) {
    const shape = `(PyTorch Conv1d layout [outChannels ${m}][channels ${c}][kernel ${k}])`;
    if (v.length !== m) bad('weights.values', `expected ${m} output channels ${shape}, got ${v.length}`);
    v.forEach((o, i) => {
      if (o.length !== c) bad(`weights.values[${i}]`, `expected ${c} input channels ${shape}, got ${o.length}`);
      o.forEach((taps, j) => {
        if (taps.length !== k) bad(`weights.values[${i}][${j}]`, `expected ${k} kernel taps ${shape}, got ${taps.length}`);
      });
    });
  }
  return planConv2d(asConv2d(spec), 1);
}

const conv1dTrain: TrainFace<Conv1dSpec, Conv2dPlan> = {
  ...(conv2dTrain as unknown as TrainFace<Conv1dSpec, Conv2dPlan>),
  tensors: (p) => conv2dTrain.tensors(p).map((t) => (t.name === 'weight'
    ? { ...t, shape: p.structure === 'dense' ? [p.m, p.c, p.k] : [p.m / p.blockSize, p.c / p.blockSize, p.blockSize, p.k] } : t)),
  inject(spec, t, opts) {
    const base = conv2dTrain.inject(asConv2d(spec), null, opts);
    const weights: Conv1dSpec['weights'] = { ...spec.weights, format: base.weights.format, ...(base.weights.biasFormat ? { biasFormat: base.weights.biasFormat } : {}) };
    if (!t) return { ...spec, weights };
    const { outChannels: m, channels: c, kernel: k } = spec;
    const b = spec.structure === 'block-circulant' ? spec.blockSize ?? 1 : 1;
    const row = (i: number) => Array.from(t.weight.subarray(i * k, (i + 1) * k));
    const values = spec.structure === 'dense'
      ? Array.from({ length: m }, (_, o) => Array.from({ length: c }, (_, ci) => row(o * c + ci)))
      : Array.from({ length: m / b }, (_, bo) => Array.from({ length: c / b }, (_, bc) => Array.from({ length: b }, (_, tt) => row((bo * (c / b) + bc) * b + tt))));
    const { init: _i, seed: _s, scale: _c, bias: _b, ...keep } = weights;
    return { ...spec, weights: { ...keep, values, ...(spec.bias ? { bias: Array.from(t.bias) } : {}), raw: opts.raw } };
  },
};

export const conv1d = defineKind<Conv1dSpec, Conv2dPlan>({
  ...(conv2d as unknown as Parameters<typeof defineKind<Conv1dSpec, Conv2dPlan>>[0]),
  kind: 'conv1d',
  summary: 'Convolution along one axis of a streamed signal (the conv2d engine on a 1-row image), P output-channel MAC lanes',
  schema: conv1dSpecSchema,
  plan: planConv1d,
  vary: {
    lanes: (spec, lanes) => { spec.lanes = varyConvLanes(spec, lanes); },
    beat: (spec, beat) => { spec.beat = beat; },
    dsp: (spec, mode) => { spec.dsp = mode; },
    fields: CONV_FIELDS,
    input: (spec, img) => { Object.assign(spec, { length: img.width, channels: img.channels }); },
  },
  train: conv1dTrain,
  describe: (p) => [`conv1d: length ${p.w}, ${p.c} -> ${p.m} channel(s), kernel ${p.k}; ` + conv2d.describe(p)[0].replace(/^conv2d /, 'as conv2d '), ...conv2d.describe(p).slice(1)],
});

export type { Conv1dSpec };
