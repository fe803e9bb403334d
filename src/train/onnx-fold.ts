/**
 * The values an ONNX graph fixes by itself, for `circa import --spec-out`
 * (onnx-spec.ts): Constant nodes, and whatever the graph computes from
 * constants alone. torch.onnx.export without constant folding writes, for
 * example, F.pad's amounts as a dozen shape operations (Shape, Gather, Sub,
 * ConstantOfShape, Concat, Reshape, a reversing Slice, Transpose, Cast):
 * computed here, the Pad reads [0, 240] like any constant.
 *
 * A node is a parameter node when no input is the data: it takes only
 * initializers, constants and other parameter nodes' outputs (a
 * circulant's r[idx] Gather, the Transpose of nn.Linear's weight). The walk
 * skips those; the layer that consumes them reads them. Their values are
 * computed when every input is known and the operation is one of the few
 * below; large initializers (the weights) are not known values: a
 * computation on a weight is left for the layer's own pattern.
 *
 * A Constant's shape is not kept by the graph reader: its values read as a
 * vector (a scalar as one value), which is what shape arithmetic needs.
 */
import type { OnnxGraph } from '../tensors/onnx-graph.ts';
import type { Tensor } from '../tensors/tensors.ts';

export interface Value {
  shape: number[];
  data: number[];
}

/** Most values a computed constant may hold (a 1024 x 1024 index matrix is 2^20). */
const MAX_VALUES = 2 ** 21;

/** A small initializer (at most this many values, or any integer one) counts as a constant: shapes, clip bounds, indices. */
const SMALL = 16;

export interface Folded {
  /** every known constant value by name */
  values: Map<string, Value>;
  /** the indices of the parameter nodes (no data input) */
  params: Set<number>;
  /** the outputs of the parameter nodes */
  paramOutputs: Set<string>;
}

export function foldConstants(graph: OnnxGraph, tensors: ReadonlyMap<string, Tensor>): Folded {
  const values = new Map<string, Value>();
  for (const [name, t] of tensors) if (t.data.length <= SMALL || t.integer) values.set(name, { shape: [...t.shape], data: Array.from(t.data) });
  const params = new Set<number>();
  const paramOutputs = new Set<string>();
  graph.nodes.forEach((n, i) => {
    const inputs = n.inputs.filter((x) => x !== '');
    if (!inputs.every((x) => tensors.has(x) || values.has(x) || paramOutputs.has(x))) return;
    params.add(i);
    for (const o of n.outputs) paramOutputs.add(o);
    let out: Value | undefined;
    try {
      out = evaluate(n.op, n.attrs, n.inputs.map((x) => (x === '' ? undefined : values.get(x))), n.inputs.length);
    } catch {
      out = undefined; // malformed for this op: left unknown, and the layer that reads it refuses it
    }
    if (out && out.data.length <= MAX_VALUES) values.set(n.outputs[0], out);
  });
  return { values, params, paramOutputs };
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const stridesOf = (shape: readonly number[]) => shape.map((_, k) => size(shape.slice(k + 1)));
const vec = (data: number[]): Value => ({ shape: [data.length], data });

/** out[idx] = data[src(idx)] over every index of `shape`. */
function build(shape: number[], src: (idx: number[]) => number): Value {
  const n = size(shape);
  if (n > MAX_VALUES || shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error('size');
  const data = new Array<number>(n);
  const idx = shape.map(() => 0);
  for (let k = 0; k < n; k++) {
    data[k] = src(idx);
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
  return { shape, data };
}

function attrList(attrs: Record<string, unknown>, name: string): number[] | undefined {
  const v = attrs[name];
  return Array.isArray(v) ? v.map(Number) : typeof v === 'number' ? [v] : undefined;
}

/** One operation on known values; undefined when an input is unknown or the op is not one of these. */
function evaluate(op: string, attrs: Record<string, number | number[] | string>, ins: (Value | undefined)[], arity: number): Value | undefined {
  if (op === 'Constant') {
    for (const key of ['value', 'value_ints', 'value_floats', 'value_int', 'value_float']) {
      const v = attrs[key];
      if (Array.isArray(v)) return vec(v.map(Number));
      if (typeof v === 'number') return vec([v]);
    }
    return undefined;
  }
  const [a, b] = ins;
  const given = (k: number) => k < arity && ins[k] !== undefined;
  if (!a || ins.slice(0, arity).some((v, k) => v === undefined && !(k > 0 && ['Slice', 'Pad', 'Unsqueeze', 'Squeeze'].includes(op)))) return undefined;
  switch (op) {
    case 'Identity':
    case 'Cast':
      return a;
    case 'Shape':
      return vec(a.shape.slice(typeof attrs.start === 'number' ? attrs.start : 0, typeof attrs.end === 'number' ? attrs.end : undefined));
    case 'Neg':
      return { shape: a.shape, data: a.data.map((v) => -v) };
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div': {
      if (!b) return undefined;
      const f = { Add: (x: number, y: number) => x + y, Sub: (x: number, y: number) => x - y, Mul: (x: number, y: number) => x * y, Div: (x: number, y: number) => Math.trunc(x / y) }[op];
      if (a.data.length === b.data.length) return { shape: a.shape.length >= b.shape.length ? a.shape : b.shape, data: a.data.map((v, k) => f(v, b.data[k])) };
      if (b.data.length === 1) return { shape: a.shape, data: a.data.map((v) => f(v, b.data[0])) };
      if (a.data.length === 1) return { shape: b.shape, data: b.data.map((v) => f(a.data[0], v)) };
      return undefined;
    }
    case 'ConstantOfShape': {
      const fill = attrList(attrs, 'value')?.[0] ?? 0;
      const shape = a.data.map(Number);
      return build(shape, () => fill);
    }
    case 'Gather': {
      const axis = typeof attrs.axis === 'number' ? attrs.axis : 0;
      if (!b || (axis !== 0 && axis !== -a.shape.length) || a.shape.length === 0) return undefined;
      const rows = a.shape[0];
      const inner = size(a.shape.slice(1));
      const data: number[] = [];
      for (const j of b.data) {
        const row = j < 0 ? j + rows : j;
        if (row < 0 || row >= rows) throw new Error('index');
        for (let k = 0; k < inner; k++) data.push(a.data[row * inner + k]);
      }
      return { shape: [...b.shape, ...a.shape.slice(1)], data };
    }
    case 'Concat': {
      const all = ins.slice(0, arity) as Value[];
      const rank = a.shape.length;
      const axis = typeof attrs.axis === 'number' ? (attrs.axis < 0 ? attrs.axis + rank : attrs.axis) : 0;
      if (all.some((v) => v.shape.length !== rank) || axis < 0 || axis >= rank) return undefined;
      const outer = size(a.shape.slice(0, axis));
      const data: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (const v of all) {
          const block = size(v.shape.slice(axis));
          data.push(...v.data.slice(o * block, (o + 1) * block));
        }
      }
      return { shape: a.shape.map((d, k) => (k === axis ? all.reduce((s, v) => s + v.shape[k], 0) : d)), data };
    }
    case 'Reshape': {
      if (!b) return undefined;
      const target = b.data.map((d, k) => (d === 0 && attrs.allowzero !== 1 ? a.shape[k] : d));
      const known = target.filter((d) => d !== -1).reduce((x, y) => x * y, 1);
      const shape = target.map((d) => (d === -1 ? a.data.length / known : d));
      if (size(shape) !== a.data.length || target.filter((d) => d === -1).length > 1) return undefined;
      return { shape, data: a.data };
    }
    case 'Unsqueeze':
    case 'Squeeze': {
      const axes = attrList(attrs, 'axes') ?? (given(1) ? ins[1]!.data : undefined);
      if (op === 'Squeeze') {
        const rank = a.shape.length;
        const drop = new Set((axes ?? a.shape.flatMap((d, k) => (d === 1 ? [k] : []))).map((x) => (x < 0 ? x + rank : x)));
        return { shape: a.shape.filter((_, k) => !drop.has(k)), data: a.data };
      }
      if (!axes) return undefined;
      const rank = a.shape.length + axes.length;
      const add = new Set(axes.map((x) => (x < 0 ? x + rank : x)));
      const shape: number[] = [];
      let k = 0;
      for (let r = 0; r < rank; r++) shape.push(add.has(r) ? 1 : a.shape[k++]);
      return { shape, data: a.data };
    }
    case 'Transpose': {
      const rank = a.shape.length;
      const perm = attrList(attrs, 'perm') ?? a.shape.map((_, k) => rank - 1 - k);
      const st = stridesOf(a.shape);
      return build(perm.map((p) => a.shape[p]), (idx) => a.data[idx.reduce((s, v, k) => s + v * st[perm[k]], 0)]);
    }
    case 'Slice': {
      const rank = a.shape.length;
      const starts = attrList(attrs, 'starts') ?? ins[1]?.data;
      const ends = attrList(attrs, 'ends') ?? ins[2]?.data;
      if (!starts || !ends || starts.length !== ends.length) return undefined;
      const axes = attrList(attrs, 'axes') ?? (given(3) ? ins[3]!.data : starts.map((_, k) => k));
      const steps = given(4) ? ins[4]!.data : starts.map(() => 1);
      const from = a.shape.map(() => 0);
      const step = a.shape.map(() => 1);
      const count = [...a.shape];
      axes.forEach((ax, k) => {
        const axis = ax < 0 ? ax + rank : ax;
        const dim = a.shape[axis];
        const s = steps[k];
        if (s === 0 || axis < 0 || axis >= rank) throw new Error('slice');
        const norm = (v: number) => (v < 0 ? v + dim : v);
        const lo = s > 0 ? 0 : -1;
        const hi = s > 0 ? dim : dim - 1;
        const start = Math.min(Math.max(norm(starts[k]), 0), hi);
        const end = Math.min(Math.max(norm(ends[k]), lo), hi);
        from[axis] = start;
        step[axis] = s;
        count[axis] = Math.max(0, Math.ceil((end - start) / s));
      });
      const st = stridesOf(a.shape);
      return build(count, (idx) => a.data[idx.reduce((sum, v, k) => sum + (from[k] + v * step[k]) * st[k], 0)]);
    }
    default:
      return undefined;
  }
}
