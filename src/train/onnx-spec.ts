/**
 * A circa network spec read from an ONNX graph (`circa import model.onnx
 * --spec-out net.json`): the graph's operations, in order, become circa
 * layers, and the first operation circa has no layer for is named (op type,
 * node name, index) instead.
 *
 *   Gemm, MatMul (+ Add of a bias)     dense (the weight oriented by the node: see onnx-graph.ts; MatMul of
 *                                      a Transpose of the weight: nn.Linear exported without constant folding)
 *   Conv on N x C x H x W              conv2d (square kernel, equal strides, no padding or PyTorch's "same")
 *   Conv on N x C x L                  conv1d
 *   Relu, Clip(0, inf)                 "activation": "relu" of the dense/conv layer before it
 *   Clip(-1, 1) (nn.Hardtanh)          "activation": "hardtanh"
 *   MaxPool, AveragePool               pool (square window, no padding); a 1-D one pools along the row
 *   Flatten, Reshape to (1, n) or (n)  nothing: circa's layers take the stream as it comes
 *                                      (import reorders the next dense layer's columns, --flatten chw)
 *   Softmax, LogSoftmax, ArgMax last   nothing: the argmax head decides the same class
 *   Constant, Identity                 nothing
 *   a kind's pattern                   that kind's layer, for each kind with an onnx face
 *                                      (src/layers/<kind>/onnx.ts: tvscm's a x + b (rolls), circulant's
 *                                      Mul, Pad, Gather, MatMul, Slice), tried before the node's own op
 *
 * Nodes that take no data (only initializers and constants: shape
 * arithmetic, a Transpose of a weight, a circulant's Gather) are not chain
 * links: their values are computed where they are constants (onnx-fold.ts)
 * and read by the layer that consumes them.
 *
 * The network is a chain: each operation takes the output of the one before.
 * An argmax head (circa's classifier convention: `circa eval`, `sim --dataset`)
 * follows the last layer. Formats are circa's starting point (input pixel / 256
 * in 0.7, hidden outputs 2.5, logits 3.4); `circa quantize` picks them from
 * the data. Layer names: fc, c and p (dense, conv, pool), numbered when a
 * network has more than one of a kind; `class` for the argmax.
 */
import { CircaInputError } from '../errors.ts';
import type { OnnxGraph, OnnxNode } from '../tensors/onnx-graph.ts';
import type { TensorMap } from '../tensors/tensors.ts';
import { LAYER_KINDS } from '../layers/index.ts';
import type { OnnxFace, OnnxView } from '../layers/onnx.ts';
import { foldConstants } from './onnx-fold.ts';

type Fmt = { int: number; frac: number };
const INPUT: Fmt = { int: 0, frac: 7 };
const HIDDEN: Fmt = { int: 2, frac: 5 };
const LOGITS: Fmt = { int: 3, frac: 4 };

/** The stream between two operations: a vector, or a C x H x W feature map (H = 1 for a 1-D signal). */
type Shape = { vec: number } | { c: number; h: number; w: number; oneD: boolean };

const faces = () => Object.values(LAYER_KINDS).flatMap((k) => (k.onnx ? [{ kind: k.kind, face: k.onnx }] : []));
const SUPPORTED = () => `Gemm, MatMul (+ Add), Conv, Relu, Clip, MaxPool, AveragePool, Flatten, Reshape (and a final Softmax/ArgMax), and the patterns of ${faces().map((f) => f.kind).join(', ')} (README: From PyTorch)`;

/**
 * A layer read from the graph: its spec fields (no name, formats or weights),
 * its name's stem (fc: dense, c: conv, p: pool, or the face's), the graph
 * value it produces, and the initializer of each of its tensors.
 */
interface Layer {
  kind: string;
  fields: Record<string, unknown>;
  stem: string;
  out: string;
  tensors: Record<string, string>;
  face?: OnnxFace;
  activation?: string;
}

/** A network spec read from a graph, and where each layer's tensors are in the file: `<layer>.<tensor>` -> initializer name. */
export interface GraphSpec {
  spec: Record<string, unknown>;
  rename: Record<string, string>;
}

/**
 * The network spec of a graph (`file` for messages, `network` its name), with
 * each weight layer's random placeholder "weights" (the import's .npz
 * overrides them). Throws a CircaInputError naming the first node circa cannot
 * take.
 */
export function specFromGraph(graph: OnnxGraph, tensors: TensorMap, file: string, network: string): Record<string, unknown> {
  return readGraph(graph, tensors, file, network).spec;
}

/** specFromGraph, and the initializer that holds each tensor of the spec's layers (what `circa import` binds). */
export function readGraph(graph: OnnxGraph, tensors: TensorMap, file: string, network: string): GraphSpec {
  const { values, params, paramOutputs } = foldConstants(graph, tensors);
  const constant = (name: string) => values.get(name)?.data;
  const isData = (name: string) => name !== '' && !tensors.has(name) && !values.has(name) && !paramOutputs.has(name);
  const at = (n: OnnxNode, i: number) => `${file}: node ${i} "${n.name}" (${n.op})`;
  const unsupported = (n: OnnxNode, i: number, why: string): never => {
    throw new CircaInputError(`${at(n, i)}: ${why}; circa import --spec-out takes ${SUPPORTED()}`);
  };
  const producers = new Map<string, number>();
  const consumers = new Map<string, number[]>();
  graph.nodes.forEach((n, i) => {
    for (const o of n.outputs) producers.set(o, i);
    for (const x of n.inputs) consumers.set(x, [...(consumers.get(x) ?? []), i]);
  });
  /** W when `value` is Transpose(W) of a 2-D initializer (perm [1, 0]) */
  const transposed = (value: string | undefined): string | undefined => {
    const k = value === undefined ? undefined : producers.get(value);
    const t = k === undefined ? undefined : graph.nodes[k];
    if (!t || t.op !== 'Transpose' || tensors.get(t.inputs[0])?.shape.length !== 2) return undefined;
    const perm = t.attrs.perm;
    return perm === undefined || (Array.isArray(perm) && perm.join() === '1,0') ? t.inputs[0] : undefined;
  };
  const view: OnnxView = {
    nodes: graph.nodes,
    producer: (v) => producers.get(v),
    consumers: (v) => consumers.get(v) ?? [],
    initializer: (name) => tensors.get(name),
    constant: (name) => values.get(name),
  };

  if (graph.inputs.length !== 1) throw new CircaInputError(`${file}: the graph has ${graph.inputs.length} data inputs (${graph.inputs.map((x) => x.name).join(', ')}); circa's networks take one`);
  const input = graph.inputs[0];
  const dims = input.shape.map((d, k) => {
    if (typeof d === 'number' && d > 0) return d;
    if (k === 0 && input.shape.length > 1) return 1; // a symbolic batch dimension
    throw new CircaInputError(`${file}: input "${input.name}" has dimension ${k} = ${JSON.stringify(d)}; export with a fixed dummy input shape`);
  });
  if (dims.length > 1 && dims[0] !== 1) throw new CircaInputError(`${file}: input "${input.name}" has shape [${dims.join(', ')}]; export with a batch of 1`);
  let shape: Shape = dims.length <= 2 ? { vec: dims[dims.length - 1] }
    : dims.length === 3 ? { c: dims[1], h: 1, w: dims[2], oneD: true }
    : dims.length === 4 ? { c: dims[1], h: dims[2], w: dims[3], oneD: false }
    : (() => { throw new CircaInputError(`${file}: input "${input.name}" has rank ${dims.length}; circa takes a vector (N x n), a signal (N x C x L) or an image (N x C x H x W)`); })();
  let cur = input.name;
  /** the rank of the stream's value (a vector lies along its last axis) */
  let rank = dims.length;

  const layers: Layer[] = [];
  let head = false;
  const consumed = new Set<number>();
  const vecOf = (s: Shape): number | undefined => ('vec' in s ? s.vec : s.c === 1 && s.h === 1 ? s.w : undefined);

  graph.nodes.forEach((n, i) => {
    if (consumed.has(i) || params.has(i)) return;
    const data = n.inputs.filter(isData);
    if (data.length !== 1 || data[0] !== cur) {
      unsupported(n, i, `it takes ${data.map((d) => `"${d}"`).join(' and ') || 'no data input'}, not only the output of the operation before it ("${cur}"): circa's networks are a chain`);
    }
    if (head && !['Softmax', 'LogSoftmax', 'ArgMax', 'Identity'].includes(n.op)) unsupported(n, i, 'an operation after the classifier head (Softmax/ArgMax)');
    const last = layers[layers.length - 1];
    const activate = (fn: 'relu' | 'hardtanh') => {
      if (!last || last.stem === 'p' || last.activation !== undefined || last.out !== cur) {
        unsupported(n, i, `${fn} must follow a Gemm, MatMul, Conv or a structured layer directly (circa applies it in that layer${last?.stem === 'p' ? '; for max pooling, ReLU before or after the pool is the same: move it before' : ''})`);
      }
      last.activation = fn;
      if (last.face) {
        const took = last.face.activate(last.fields, fn);
        if (typeof took === 'string') unsupported(n, i, `${fn} after the ${last.kind} layer: ${took}`);
        else last.fields = took;
      }
    };
    // a structured kind's pattern that starts here
    const vec = vecOf(shape);
    for (const { kind, face } of vec === undefined ? [] : faces()) {
      const m = face.match(view, { x: cur, n: vec!, rank, at: i });
      if (!m || !m.nodes.includes(i)) continue;
      const inside = new Set(m.nodes.flatMap((k) => graph.nodes[k].outputs));
      if (m.nodes.some((k) => graph.nodes[k].inputs.some((x) => isData(x) && x !== cur && !inside.has(x)))) continue;
      for (const k of m.nodes) {
        for (const o of graph.nodes[k].outputs) {
          const outside = (consumers.get(o) ?? []).find((c) => !m.nodes.includes(c));
          if (o !== m.out && (outside !== undefined || graph.outputs.includes(o))) {
            unsupported(n, i, `it starts a ${kind} pattern whose inner value "${o}" is also ${outside !== undefined ? `taken by node ${outside} "${graph.nodes[outside].name}"` : 'a graph output'}; circa's networks are a chain`);
          }
        }
      }
      for (const k of m.nodes) consumed.add(k);
      layers.push({ kind, fields: m.fields, stem: face.stem, out: m.out, tensors: m.tensors, face });
      shape = { vec: m.outputs };
      cur = m.out;
      return;
    }
    switch (n.op) {
      case 'Identity':
        break;
      case 'Gemm':
      case 'MatMul': {
        // the weight: an initializer, or (MatMul) x W^T with W^T a Transpose of nn.Linear's [out][in] weight
        const t = n.op === 'MatMul' ? transposed(n.inputs[1]) : undefined;
        const w = t ?? n.inputs.find((x) => tensors.get(x)?.shape.length === 2);
        if (!w) return unsupported(n, i, 'no 2-D weight initializer');
        const [outs, ins] = tensors.get(w)!.shape;
        const nIn = vecOf(shape);
        if (nIn === undefined) return unsupported(n, i, `it takes a ${fmtShape(shape)} feature map; flatten it first (nn.Flatten)`);
        if (nIn !== ins) return unsupported(n, i, `its weight "${w}" takes ${ins} inputs, the stream has ${nIn}`);
        let out = n.outputs[0];
        let bias = n.op === 'Gemm' ? n.inputs[2] : undefined;
        if (n.op === 'MatMul') {
          const k = graph.nodes.findIndex((m, j) => j > i && m.op === 'Add' && m.inputs.includes(out) && m.inputs.some((x) => tensors.has(x)));
          if (k >= 0) {
            bias = graph.nodes[k].inputs.find((x) => x !== out);
            out = graph.nodes[k].outputs[0];
            consumed.add(k);
          }
        }
        if (!bias || !tensors.has(bias)) return unsupported(n, i, 'no bias (circa\'s dense layer takes one: nn.Linear(..., bias=True))');
        layers.push({ kind: 'dense', fields: { inputs: ins, outputs: outs }, stem: 'fc', out, tensors: { weight: w, bias } });
        shape = { vec: outs };
        if (n.op === 'Gemm') rank = 2;
        cur = out;
        return;
      }
      case 'Conv': {
        const c = convLayer(n, shape, tensors, (why) => unsupported(n, i, why));
        layers.push(c.layer);
        shape = c.shape;
        cur = n.outputs[0];
        return;
      }
      case 'Relu':
        activate('relu');
        break;
      case 'Clip': {
        const bound = (attr: string, input: number, dflt: number) => {
          const a = n.attrs[attr];
          if (typeof a === 'number') return a;
          const name = n.inputs[input];
          if (!name) return dflt;
          const v = constant(name);
          return v?.length === 1 ? v[0] : NaN;
        };
        const lo = bound('min', 1, -Infinity);
        const hi = bound('max', 2, Infinity);
        if (lo === 0 && hi === Infinity) activate('relu');
        else if (lo === -1 && hi === 1) activate('hardtanh');
        else unsupported(n, i, `Clip(${lo}, ${hi}): circa's activations are relu (Clip(0, inf)) and hardtanh (Clip(-1, 1))`);
        break;
      }
      case 'MaxPool':
      case 'AveragePool': {
        const p = poolLayer(n, shape, (why) => unsupported(n, i, why));
        layers.push(p.layer);
        shape = p.shape;
        break;
      }
      case 'Flatten': {
        const axis = typeof n.attrs.axis === 'number' ? n.attrs.axis : 1;
        if (axis !== 1 && !('vec' in shape && axis === 0)) return unsupported(n, i, `axis ${axis}: circa flattens all but the batch dimension (axis 1)`);
        shape = { vec: size(shape) };
        rank = 2;
        break;
      }
      case 'Reshape': {
        const target = constant(n.inputs[1]);
        const total = size(shape);
        const flat = target && target.length >= 1 && target.length <= 2 && target.every((d, a) => (a < target.length - 1 ? d === 1 || d === -1 : d === total || d === -1)) && target.filter((d) => d === -1).length <= 1;
        if (!flat) return unsupported(n, i, `shape ${target ? `[${target.join(', ')}]` : 'computed in the graph'}: circa takes a Reshape that flattens to (1, ${total}) or (${total})`);
        shape = { vec: total };
        rank = target!.length;
        break;
      }
      case 'Softmax':
      case 'LogSoftmax':
      case 'ArgMax':
        if (!('vec' in shape)) return unsupported(n, i, 'a classifier head on a feature map');
        head = true;
        break;
      default:
        unsupported(n, i, 'circa has no layer for this operation');
    }
    cur = n.outputs[0];
  });
  if (!layers.some((l) => l.stem !== 'p')) throw new CircaInputError(`${file}: the graph has no Gemm, MatMul, Conv or structured layer: nothing for circa to build`);
  if (!('vec' in shape)) throw new CircaInputError(`${file}: the graph ends on a ${fmtShape(shape)} feature map; circa's argmax head takes a vector (add nn.Flatten and nn.Linear)`);
  if (!graph.outputs.includes(cur)) throw new CircaInputError(`${file}: the chain of operations ends at "${cur}", not at a graph output (${graph.outputs.join(', ')})`);

  return namedSpec(layers, (shape as { vec: number }).vec, file, network);
}

/** The spec of the layers read from a graph, each named (fc, c, p or the face's stem, numbered when there are several of a kind), ending in an argmax over `classes`; and where each layer's tensors are in the file. */
function namedSpec(layers: readonly Layer[], classes: number, file: string, network: string): GraphSpec {
  const counts = new Map<string, number>();
  for (const l of layers) counts.set(l.stem, (counts.get(l.stem) ?? 0) + 1);
  const seen = new Map<string, number>();
  const lastWeighted = layers.map((l) => l.stem !== 'p').lastIndexOf(true);
  let fmt = INPUT;
  let seed = 0;
  const rename: Record<string, string> = {};
  const out: Record<string, unknown>[] = layers.map((l, k) => {
    seen.set(l.stem, (seen.get(l.stem) ?? 0) + 1);
    const name = counts.get(l.stem)! > 1 ? `${l.stem}${seen.get(l.stem)}` : l.stem;
    for (const [t, src] of Object.entries(l.tensors)) rename[`${name}.${t}`] = src;
    if (l.stem === 'p') return { kind: l.kind, name, ...l.fields, input: fmt };
    const output = k === lastWeighted ? LOGITS : HIDDEN;
    const layer = l.face
      ? l.face.spec(l.fields, { name, input: fmt, output, seed: ++seed })
      : { kind: l.kind, name, ...l.fields, ...(l.activation ? { activation: l.activation } : {}), input: fmt, weights: { init: 'random', seed: ++seed }, output: { format: output } };
    fmt = output;
    return layer;
  });
  out.push({ kind: 'argmax', name: 'class', n: classes, input: fmt });
  return {
    spec: {
      network,
      description: `Read from the ONNX graph of ${file.split(/[\\/]/).pop()} by circa import --spec-out (${layers.map((l) => l.kind).join(', ')}, argmax); formats are circa's starting point: circa quantize picks them from the data.`,
      layers: out,
    },
    rename,
  };
}

/** A Conv node on the stream's signal or image: circa's conv1d or conv2d layer and the shape after it (`fail` throws, naming the node). */
function convLayer(n: OnnxNode, shape: Shape, tensors: TensorMap, fail: (why: string) => never): { layer: Layer; shape: Shape } {
  const w = n.inputs[1];
  const t = tensors.get(w);
  if (!t || 'vec' in shape) return fail(t ? 'it takes a vector; circa\'s conv layers take a signal (N x C x L) or an image (N x C x H x W)' : 'its weight is not an initializer');
  const s = shape;
  const k = t.shape.slice(2);
  if (k.length !== (s.oneD ? 1 : 2)) return fail(`a ${k.length}-D kernel on a ${s.oneD ? '1-D signal' : '2-D image'}`);
  if (t.shape[1] !== s.c) return fail(`its weight takes ${t.shape[1]} channels, the stream has ${s.c}`);
  if (k.some((x) => x !== k[0])) return fail(`kernel ${k.join(' x ')}: circa's conv2d takes a square kernel`);
  const strides = ints(n.attrs.strides, k.length, 1);
  if (strides.some((x) => x !== strides[0])) return fail(`strides [${strides.join(', ')}]: circa takes one stride for both axes`);
  const pads = ints(n.attrs.pads, 2 * k.length, 0);
  const autoPad = typeof n.attrs.auto_pad === 'string' ? n.attrs.auto_pad : 'NOTSET';
  const sizes = s.oneD ? [s.w] : [s.h, s.w];
  let padding: 'valid' | 'same';
  if ((autoPad === 'NOTSET' && pads.every((p) => p === 0)) || autoPad === 'VALID') padding = 'valid';
  else if (autoPad === 'SAME_UPPER' || (autoPad === 'NOTSET' && sizes.every((size, a) => samePads(size, k[0], strides[0]).join() === [pads[a], pads[a + k.length]].join()))) padding = 'same';
  else return fail(`padding [${pads.join(', ')}]${autoPad !== 'NOTSET' ? ` (${autoPad})` : ''}: circa pads none ("valid") or so that the output is ceil(size / stride), the extra pad at the end ("same": PyTorch's padding = kernel // 2 for an odd kernel)`);
  const outSize = (size: number) => (padding === 'same' ? Math.ceil(size / strides[0]) : Math.floor((size - k[0]) / strides[0]) + 1);
  const hasBias = !!n.inputs[2] && tensors.has(n.inputs[2]);
  const layer: Layer = {
    kind: s.oneD ? 'conv1d' : 'conv2d',
    fields: {
      ...(s.oneD ? { length: s.w } : { height: s.h, width: s.w }),
      channels: s.c, ...(s.c > 1 ? { beat: 1 } : {}), outChannels: t.shape[0], kernel: k[0],
      ...(strides[0] !== 1 ? { stride: strides[0] } : {}),
      ...(padding === 'same' ? { padding } : {}),
      ...(hasBias ? {} : { bias: false }),
    },
    stem: 'c', out: n.outputs[0], tensors: { weight: w, ...(hasBias ? { bias: n.inputs[2] } : {}) },
  };
  return { layer, shape: { c: t.shape[0], h: s.oneD ? 1 : outSize(s.h), w: outSize(s.w), oneD: s.oneD } };
}

/** A MaxPool or AveragePool node on the stream's signal or image: circa's pool layer and the shape after it. */
function poolLayer(n: OnnxNode, shape: Shape, fail: (why: string) => never): { layer: Layer; shape: Shape } {
  if ('vec' in shape) return fail('it takes a vector; circa pools a signal or an image');
  const s = shape;
  const k = ints(n.attrs.kernel_shape, s.oneD ? 1 : 2, 0);
  if (k.length !== (s.oneD ? 1 : 2) || k.some((x) => x !== k[0] || x < 1)) return fail(`kernel_shape [${k.join(', ')}]: circa pools a square window`);
  const strides = ints(n.attrs.strides, k.length, 1);
  if (strides.some((x) => x !== strides[0])) return fail(`strides [${strides.join(', ')}]: circa takes one stride for both axes`);
  if (ints(n.attrs.pads, 2 * k.length, 0).some((p) => p !== 0) || (typeof n.attrs.auto_pad === 'string' && !['NOTSET', 'VALID'].includes(n.attrs.auto_pad))) return fail('padding: circa pools without padding');
  if (n.attrs.ceil_mode === 1) return fail('ceil_mode = 1: circa keeps whole windows only (ceil_mode=False)');
  if (ints(n.attrs.dilations, k.length, 1).some((d) => d !== 1)) return fail('dilations: circa pools adjacent values');
  const out = (size: number) => Math.floor((size - k[0]) / strides[0]) + 1;
  const layer: Layer = {
    kind: 'pool',
    // one value per beat, as the layer before gives it (every layer here has one lane: "lanes" and "beat" are hardware choices, circa estimate --fill)
    fields: {
      height: s.h, width: s.w, channels: s.c, beat: 1, op: n.op === 'MaxPool' ? 'max' : 'average',
      ...(k[0] !== 2 ? { window: k[0] } : {}), ...(strides[0] !== k[0] ? { stride: strides[0] } : {}),
    },
    stem: 'p', out: n.outputs[0], tensors: {},
  };
  return { layer, shape: { c: s.c, h: s.oneD ? 1 : out(s.h), w: out(s.w), oneD: s.oneD } };
}

/** PyTorch's padding = kernel // 2 as circa's "same" pads: [begin, end] of one axis. */
function samePads(size: number, kernel: number, stride: number): [number, number] {
  const total = Math.max((Math.ceil(size / stride) - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function ints(v: unknown, n: number, dflt: number): number[] {
  return Array.isArray(v) ? v.map(Number) : Array.from({ length: n }, () => dflt);
}

const size = (s: Shape) => ('vec' in s ? s.vec : s.c * s.h * s.w);
const fmtShape = (s: Shape) => ('vec' in s ? `${s.vec}` : s.oneD ? `${s.c} x ${s.w}` : `${s.c} x ${s.h} x ${s.w}`);
