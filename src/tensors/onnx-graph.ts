/**
 * The graph of an ONNX model, read for what it says about its weights: which
 * node consumes each initializer, and how. A weight is stored the way its
 * node uses it, not the way circa (and PyTorch's nn.Linear) lay it out:
 *
 *   Gemm(x, W, b) with transB = 1   W is [out][in]   (torch.onnx.export of nn.Linear with a 2-D input)
 *   Gemm(x, W, b) with transB = 0   W is [in][out]   (x W: transposed for circa)
 *   MatMul(x, W) (+ Add b)          W is [in][out]   (a 1-D or 3-D input: transposed for circa)
 *   MatMul(W, x)                    W is [out][in]
 *   Conv(x, W, b)                   W is [out][in][kh][kw], PyTorch's and circa's layout (group 1 only)
 *
 * `orientations` gives each consumed initializer its orientation (or an
 * error naming the node when two consumers disagree or an attribute changes
 * the arithmetic: Gemm's alpha, beta, transA; Conv's group, dilations).
 * `layerNodes` lists the graph's operations in order, for `circa import
 * --spec-out`, naming the first node circa has no layer for.
 */
import type onnxProto from 'onnx-proto';

export interface OnnxNode {
  op: string;
  /** the node's name, or `<op> #<index>` for an unnamed one */
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, number | number[] | string>;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  /** the graph's inputs that are not initializers (the data) */
  inputs: { name: string; shape: (number | string)[] }[];
  outputs: string[];
}

/** How an initializer is consumed by the graph. */
export interface Orientation {
  /** stored [in][out]: transposed to circa's [out][in] */
  transpose: boolean;
  /** the node that consumes it and how, for messages: `MatMul node "MatMul_3" (x W)` */
  by: string;
  /** its role in that node */
  role: 'weight' | 'bias' | 'other';
}

const num = (v: number | { toNumber(): number } | null | undefined): number => (v === null || v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber());

function attrValue(a: onnxProto.onnx.IAttributeProto): number | number[] | string {
  // AttributeType: FLOAT 1, INT 2, STRING 3, FLOATS 6, INTS 7
  switch (a.type) {
    case 1: return a.f ?? 0;
    case 2: return num(a.i);
    case 3: return new TextDecoder().decode(a.s ?? new Uint8Array());
    case 6: return [...(a.floats ?? [])];
    case 7: return (a.ints ?? []).map(num);
    case 4: return tensorValues(a.t);
    default: return a.f ? a.f : a.i !== undefined && a.i !== null ? num(a.i) : a.ints?.length ? a.ints.map(num) : a.floats?.length ? [...a.floats] : 0;
  }
}

/** A small constant tensor's values (a Constant node's shape or clip bound): float, double, int32 and int64 data, raw or listed. */
function tensorValues(t: onnxProto.onnx.ITensorProto | null | undefined): number[] {
  if (!t) return [];
  const count = (t.dims ?? []).map(num).reduce((a, b) => a * b, 1);
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    // TensorProto.DataType: FLOAT 1, INT32 6, INT64 7, DOUBLE 11
    const read: Record<number, [number, (o: number) => number]> = {
      1: [4, (o) => view.getFloat32(o, true)], 6: [4, (o) => view.getInt32(o, true)],
      7: [8, (o) => Number(view.getBigInt64(o, true))], 11: [8, (o) => view.getFloat64(o, true)],
    };
    const r = read[t.dataType ?? 0];
    return r ? Array.from({ length: Math.min(count, raw.length / r[0]) }, (_, i) => r[1](i * r[0])) : [];
  }
  const list: ArrayLike<number | { toNumber(): number }> = t.floatData?.length ? t.floatData : t.int64Data?.length ? t.int64Data : t.int32Data?.length ? t.int32Data : t.doubleData ?? [];
  return Array.from(list, (v) => num(v));
}

/** The nodes, data inputs and outputs of a decoded model's graph. */
/**
 * `model` is onnx-proto's decoded ModelProto; typed `unknown` here so that
 * the library's declaration files do not name onnx-proto's types (whose
 * own .d.ts needs the long package's global `Long`).
 */
export function graphOf(decoded: unknown): OnnxGraph {
  const model = decoded as onnxProto.onnx.IModelProto;
  const g = model.graph ?? {};
  const inits = new Set((g.initializer ?? []).map((t) => t.name ?? ''));
  const nodes = (g.node ?? []).map((n, i): OnnxNode => ({
    op: n.opType ?? '',
    name: n.name || `${n.opType ?? 'node'} #${i}`,
    inputs: [...(n.input ?? [])],
    outputs: [...(n.output ?? [])],
    attrs: Object.fromEntries((n.attribute ?? []).map((a) => [a.name ?? '', attrValue(a)])),
  }));
  const dims = (v: onnxProto.onnx.IValueInfoProto) => (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : num(d.dimValue)));
  return {
    nodes,
    inputs: (g.input ?? []).filter((v) => !inits.has(v.name ?? '')).map((v) => ({ name: v.name ?? '', shape: dims(v) })),
    outputs: (g.output ?? []).map((v) => v.name ?? ''),
  };
}

const attr = (n: OnnxNode, name: string, dflt: number): number => {
  const v = n.attrs[name];
  return typeof v === 'number' ? v : dflt;
};

/** Where an initializer's orientation is read from, and the error when the graph says two things. */
export class OrientationError extends Error {}

/**
 * The orientation of every initializer a weight-bearing node consumes
 * (`isInit`: the initializers' names; `rank`: a tensor's rank).
 */
export function orientations(graph: OnnxGraph, isInit: (name: string) => boolean, rank: (name: string) => number): Map<string, Orientation> {
  const out = new Map<string, Orientation>();
  const set = (name: string, o: Orientation) => {
    const prev = out.get(name);
    if (prev && prev.transpose !== o.transpose) {
      throw new OrientationError(`initializer "${name}" is consumed both as ${prev.by} and as ${o.by}; circa cannot give it one orientation`);
    }
    if (!prev) out.set(name, o);
  };
  // the node that produces each value, to find MatMul's bias (an Add of its output and an initializer)
  const consumers = new Map<string, OnnxNode[]>();
  for (const n of graph.nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  for (const n of graph.nodes) {
    const by = (how: string) => `${n.op} node "${n.name}" (${how})`;
    if (n.op === 'Gemm') {
      const [a, b, c] = n.inputs;
      const transA = attr(n, 'transA', 0);
      const transB = attr(n, 'transB', 0);
      const alpha = attr(n, 'alpha', 1);
      const beta = attr(n, 'beta', 1);
      if (isInit(b) && rank(b) === 2) {
        if (transA !== 0) throw new OrientationError(`${by('transA = 1')}: circa takes a Gemm whose data input is not transposed`);
        if (alpha !== 1 || (c && beta !== 1)) throw new OrientationError(`${by(`alpha ${alpha}, beta ${beta}`)}: circa takes alpha = beta = 1 (nn.Linear's export); fold the factors into the weights`);
        set(b, { transpose: transB === 0, by: by(transB ? 'x W^T, transB = 1: stored [out][in]' : 'x W, transB = 0: stored [in][out]'), role: 'weight' });
        if (c && isInit(c)) set(c, { transpose: false, by: by('bias C'), role: 'bias' });
      } else if (isInit(a) && rank(a) === 2) {
        if (transB !== 0 || alpha !== 1 || (c && beta !== 1)) throw new OrientationError(`${by('the weight as A')}: circa takes W x with transB = 0 and alpha = beta = 1`);
        set(a, { transpose: transA === 1, by: by(transA ? 'W^T x: stored [in][out]' : 'W x: stored [out][in]'), role: 'weight' });
        if (c && isInit(c)) set(c, { transpose: false, by: by('bias C'), role: 'bias' });
      }
    } else if (n.op === 'MatMul') {
      const [a, b] = n.inputs;
      if (isInit(b) && rank(b) === 2 && !isInit(a)) set(b, { transpose: true, by: by('x W: stored [in][out]'), role: 'weight' });
      else if (isInit(a) && rank(a) === 2 && !isInit(b)) set(a, { transpose: false, by: by('W x: stored [out][in]'), role: 'weight' });
      else continue;
      // its bias: an Add of the product and an initializer
      for (const add of consumers.get(n.outputs[0]) ?? []) {
        if (add.op !== 'Add') continue;
        const bias = add.inputs.find((i) => i !== n.outputs[0]);
        if (bias && isInit(bias)) set(bias, { transpose: false, by: `Add node "${add.name}" (the bias of MatMul "${n.name}")`, role: 'bias' });
      }
    } else if (n.op === 'Conv') {
      const [, w, b] = n.inputs;
      if (!isInit(w)) continue;
      const group = attr(n, 'group', 1);
      if (group !== 1) throw new OrientationError(`${by(`group ${group}`)}: circa's conv2d/conv1d take group 1 (no depthwise or grouped convolution)`);
      const dil = n.attrs.dilations;
      if (Array.isArray(dil) && dil.some((d) => d !== 1)) throw new OrientationError(`${by(`dilations [${dil.join(', ')}]`)}: circa's conv2d/conv1d take no dilation`);
      set(w, { transpose: false, by: by('weight [out][in][kh][kw]'), role: 'weight' });
      if (b && isInit(b)) set(b, { transpose: false, by: by('bias'), role: 'bias' });
    }
  }
  return out;
}

/** A row-major [r][c] matrix transposed to [c][r]. */
export function transpose2(data: Float64Array, r: number, c: number): Float64Array {
  const out = new Float64Array(data.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = data[i * c + j];
  return out;
}

/** A node that holds a layer's weights: its weight initializer and its bias (an input, or an Add of its output). */
export interface WeightNode {
  /** `Gemm node "/0/Gemm"` */
  node: string;
  weight: string;
  bias?: string;
}

/**
 * The graph's weight-bearing nodes (Gemm, MatMul with an initializer, Conv) in
 * the graph's order, which torch.onnx.export writes in execution order: the
 * k-th is the k-th layer with a weight (`circa import --graph-order`).
 */
export function weightNodes(graph: OnnxGraph, isInit: (name: string) => boolean, rank: (name: string) => number): WeightNode[] {
  const out: WeightNode[] = [];
  const consumers = new Map<string, OnnxNode[]>();
  for (const n of graph.nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const addBias = (n: OnnxNode) => {
    for (const add of consumers.get(n.outputs[0]) ?? []) {
      if (add.op !== 'Add') continue;
      const b = add.inputs.find((i) => i !== n.outputs[0]);
      if (b && isInit(b)) return b;
    }
    return undefined;
  };
  for (const n of graph.nodes) {
    const node = `${n.op} node "${n.name}"`;
    const [a, b, c] = n.inputs;
    if (n.op === 'Gemm' || n.op === 'MatMul') {
      const w = isInit(b) && rank(b) === 2 ? b : isInit(a) && rank(a) === 2 ? a : undefined;
      if (!w) continue;
      const bias = n.op === 'Gemm' ? (c && isInit(c) ? c : undefined) : addBias(n);
      out.push({ node, weight: w, ...(bias ? { bias } : {}) });
    } else if (n.op === 'Conv' && isInit(b)) {
      out.push({ node, weight: b, ...(c && isInit(c) ? { bias: c } : {}) });
    }
  }
  return out;
}
