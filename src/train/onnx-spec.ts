/**
 * A circa network spec read from an ONNX graph (`circa import model.onnx
 * --spec-out net.json`): the graph's operations, in order, become circa
 * layers, and the first operation circa has no layer for is named (op type,
 * node name, index) instead.
 *
 *   Gemm, MatMul (+ Add of a bias)     dense (the weight oriented by the node: see onnx-graph.ts)
 *   Conv on N x C x H x W              conv2d (square kernel, equal strides, no padding or PyTorch's "same")
 *   Conv on N x C x L                  conv1d
 *   Relu, Clip(0, inf)                 "activation": "relu" of the dense/conv layer before it
 *   Clip(-1, 1) (nn.Hardtanh)          "activation": "hardtanh"
 *   MaxPool, AveragePool               pool (square window, no padding); a 1-D one pools along the row
 *   Flatten, Reshape to (1, n) or (n)  nothing: circa's layers take the stream as it comes
 *                                      (import reorders the next dense layer's columns, --flatten chw)
 *   Softmax, LogSoftmax, ArgMax last   nothing: the argmax head decides the same class
 *   Constant, Identity                 nothing
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

type Fmt = { int: number; frac: number };
const INPUT: Fmt = { int: 0, frac: 7 };
const HIDDEN: Fmt = { int: 2, frac: 5 };
const LOGITS: Fmt = { int: 3, frac: 4 };

/** The stream between two operations: a vector, or a C x H x W feature map (H = 1 for a 1-D signal). */
type Shape = { vec: number } | { c: number; h: number; w: number; oneD: boolean };

const SUPPORTED = 'Gemm, MatMul (+ Add), Conv, Relu, Clip, MaxPool, AveragePool, Flatten, Reshape (and a final Softmax/ArgMax)';

/** A spec layer as JSON, with the fields circa import fills in afterwards; `$role` is its name's stem (fc: dense, c: conv, p: pool) and `$out` the graph value it produces. */
type Layer = Record<string, unknown> & { kind: string; $role: 'fc' | 'c' | 'p'; $out: string };

/**
 * The network spec of a graph (`file` for messages, `network` its name), with
 * each weight layer's random placeholder "weights" (the import's .npz
 * overrides them). Throws a CircaInputError naming the first node circa cannot
 * take.
 */
export function specFromGraph(graph: OnnxGraph, tensors: TensorMap, file: string, network: string): Record<string, unknown> {
  const consts = new Map<string, number[]>();
  for (const [name, t] of tensors) if (t.data.length <= 16) consts.set(name, Array.from(t.data));
  const isData = (name: string) => name !== '' && !tensors.has(name) && !consts.has(name);
  const at = (n: OnnxNode, i: number) => `${file}: node ${i} "${n.name}" (${n.op})`;
  const unsupported = (n: OnnxNode, i: number, why: string): never => {
    throw new CircaInputError(`${at(n, i)}: ${why}; circa import --spec-out takes ${SUPPORTED}`);
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

  const layers: Layer[] = [];
  let head = false;
  const consumed = new Set<number>();
  const vecOf = (s: Shape): number | undefined => ('vec' in s ? s.vec : s.c === 1 && s.h === 1 ? s.w : undefined);

  graph.nodes.forEach((n, i) => {
    if (consumed.has(i)) return;
    if (n.op === 'Constant') {
      const v = n.attrs.value;
      consts.set(n.outputs[0], Array.isArray(v) ? v : typeof v === 'number' ? [v] : []);
      return;
    }
    const data = n.inputs.filter(isData);
    if (data.length !== 1 || data[0] !== cur) {
      unsupported(n, i, `it takes ${data.map((d) => `"${d}"`).join(' and ') || 'no data input'}, not only the output of the operation before it ("${cur}"): circa's networks are a chain`);
    }
    if (head && !['Softmax', 'LogSoftmax', 'ArgMax', 'Identity'].includes(n.op)) unsupported(n, i, 'an operation after the classifier head (Softmax/ArgMax)');
    const last = layers[layers.length - 1];
    const activate = (fn: string) => {
      if (!last || last.$role === 'p' || last.activation !== undefined || last.$out !== cur) {
        unsupported(n, i, `${fn} must follow a Gemm, MatMul or Conv directly (circa applies it in that layer${last?.$role === 'p' ? '; for max pooling, ReLU before or after the pool is the same: move it before' : ''})`);
      }
      last.activation = fn;
    };
    switch (n.op) {
      case 'Identity':
        break;
      case 'Gemm':
      case 'MatMul': {
        const w = n.inputs.find((x) => tensors.get(x)?.shape.length === 2);
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
        layers.push({ kind: 'dense', inputs: ins, outputs: outs, $role: 'fc', $out: out });
        shape = { vec: outs };
        cur = out;
        return;
      }
      case 'Conv': {
        const w = n.inputs[1];
        const t = tensors.get(w);
        if (!t || 'vec' in shape) return unsupported(n, i, t ? 'it takes a vector; circa\'s conv layers take a signal (N x C x L) or an image (N x C x H x W)' : 'its weight is not an initializer');
        const s = shape;
        const k = t.shape.slice(2);
        if (k.length !== (s.oneD ? 1 : 2)) return unsupported(n, i, `a ${k.length}-D kernel on a ${s.oneD ? '1-D signal' : '2-D image'}`);
        if (t.shape[1] !== s.c) return unsupported(n, i, `its weight takes ${t.shape[1]} channels, the stream has ${s.c}`);
        if (k.some((x) => x !== k[0])) return unsupported(n, i, `kernel ${k.join(' x ')}: circa's conv2d takes a square kernel`);
        const strides = ints(n.attrs.strides, k.length, 1);
        if (strides.some((x) => x !== strides[0])) return unsupported(n, i, `strides [${strides.join(', ')}]: circa takes one stride for both axes`);
        const pads = ints(n.attrs.pads, 2 * k.length, 0);
        const autoPad = typeof n.attrs.auto_pad === 'string' ? n.attrs.auto_pad : 'NOTSET';
        const sizes = s.oneD ? [s.w] : [s.h, s.w];
        let padding: 'valid' | 'same';
        if ((autoPad === 'NOTSET' && pads.every((p) => p === 0)) || autoPad === 'VALID') padding = 'valid';
        else if (autoPad === 'SAME_UPPER' || (autoPad === 'NOTSET' && sizes.every((size, a) => samePads(size, k[0], strides[0]).join() === [pads[a], pads[a + k.length]].join()))) padding = 'same';
        else return unsupported(n, i, `padding [${pads.join(', ')}]${autoPad !== 'NOTSET' ? ` (${autoPad})` : ''}: circa pads none ("valid") or so that the output is ceil(size / stride), the extra pad at the end ("same": PyTorch's padding = kernel // 2 for an odd kernel)`);
        const outSize = (size: number) => (padding === 'same' ? Math.ceil(size / strides[0]) : Math.floor((size - k[0]) / strides[0]) + 1);
        const hasBias = !!n.inputs[2] && tensors.has(n.inputs[2]);
        layers.push({
          kind: s.oneD ? 'conv1d' : 'conv2d',
          ...(s.oneD ? { length: s.w } : { height: s.h, width: s.w }),
          channels: s.c, ...(s.c > 1 ? { beat: 1 } : {}), outChannels: t.shape[0], kernel: k[0],
          ...(strides[0] !== 1 ? { stride: strides[0] } : {}),
          ...(padding === 'same' ? { padding } : {}),
          ...(hasBias ? {} : { bias: false }),
          $role: 'c', $out: n.outputs[0],
        });
        shape = { c: t.shape[0], h: s.oneD ? 1 : outSize(s.h), w: outSize(s.w), oneD: s.oneD };
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
          const v = consts.get(name);
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
        if ('vec' in shape) return unsupported(n, i, 'it takes a vector; circa pools a signal or an image');
        const s = shape;
        const k = ints(n.attrs.kernel_shape, s.oneD ? 1 : 2, 0);
        if (k.length !== (s.oneD ? 1 : 2) || k.some((x) => x !== k[0] || x < 1)) return unsupported(n, i, `kernel_shape [${k.join(', ')}]: circa pools a square window`);
        const strides = ints(n.attrs.strides, k.length, 1);
        if (strides.some((x) => x !== strides[0])) return unsupported(n, i, `strides [${strides.join(', ')}]: circa takes one stride for both axes`);
        if (ints(n.attrs.pads, 2 * k.length, 0).some((p) => p !== 0) || (typeof n.attrs.auto_pad === 'string' && !['NOTSET', 'VALID'].includes(n.attrs.auto_pad))) return unsupported(n, i, 'padding: circa pools without padding');
        if (n.attrs.ceil_mode === 1) return unsupported(n, i, 'ceil_mode = 1: circa keeps whole windows only (ceil_mode=False)');
        if (ints(n.attrs.dilations, k.length, 1).some((d) => d !== 1)) return unsupported(n, i, 'dilations: circa pools adjacent values');
        const out = (size: number) => Math.floor((size - k[0]) / strides[0]) + 1;
        layers.push({
          // one value per beat, as the layer before gives it (every layer here has one lane: "lanes" and "beat" are hardware choices, circa estimate --fill)
          kind: 'pool', height: s.h, width: s.w, channels: s.c, beat: 1, op: n.op === 'MaxPool' ? 'max' : 'average',
          ...(k[0] !== 2 ? { window: k[0] } : {}), ...(strides[0] !== k[0] ? { stride: strides[0] } : {}),
          $role: 'p', $out: n.outputs[0],
        });
        shape = { c: s.c, h: s.oneD ? 1 : out(s.h), w: out(s.w), oneD: s.oneD };
        break;
      }
      case 'Flatten': {
        const axis = typeof n.attrs.axis === 'number' ? n.attrs.axis : 1;
        if (axis !== 1 && !('vec' in shape && axis === 0)) return unsupported(n, i, `axis ${axis}: circa flattens all but the batch dimension (axis 1)`);
        shape = { vec: size(shape) };
        break;
      }
      case 'Reshape': {
        const target = consts.get(n.inputs[1]);
        const total = size(shape);
        const flat = target && target.length >= 1 && target.length <= 2 && target.every((d, a) => (a < target.length - 1 ? d === 1 || d === -1 : d === total || d === -1)) && target.filter((d) => d === -1).length <= 1;
        if (!flat) return unsupported(n, i, `shape ${target ? `[${target.join(', ')}]` : 'computed in the graph'}: circa takes a Reshape that flattens to (1, ${total}) or (${total})`);
        shape = { vec: total };
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
  if (!layers.some((l) => l.$role !== 'p')) throw new CircaInputError(`${file}: the graph has no Gemm, MatMul or Conv: nothing for circa to build`);
  if (!('vec' in shape)) throw new CircaInputError(`${file}: the graph ends on a ${fmtShape(shape)} feature map; circa's argmax head takes a vector (add nn.Flatten and nn.Linear)`);
  if (!graph.outputs.includes(cur)) throw new CircaInputError(`${file}: the chain of operations ends at "${cur}", not at a graph output (${graph.outputs.join(', ')})`);

  // names: fc, c, p, numbered when there are several of a kind
  const counts = new Map<string, number>();
  for (const l of layers) counts.set(l.$role, (counts.get(l.$role) ?? 0) + 1);
  const seen = new Map<string, number>();
  const lastWeighted = layers.map((l) => l.$role !== 'p').lastIndexOf(true);
  let fmt = INPUT;
  let seed = 0;
  const out: Record<string, unknown>[] = layers.map((l, k) => {
    const { $out: _o, $role: g, kind, activation, ...fields } = l;
    seen.set(g, (seen.get(g) ?? 0) + 1);
    const name = counts.get(g)! > 1 ? `${g}${seen.get(g)}` : g;
    if (g === 'p') return { kind, name, ...fields, input: fmt };
    const output = k === lastWeighted ? LOGITS : HIDDEN;
    const layer = { kind, name, ...fields, ...(activation ? { activation } : {}), input: fmt, weights: { init: 'random', seed: ++seed }, output: { format: output } };
    fmt = output;
    return layer;
  });
  out.push({ kind: 'argmax', name: 'class', n: (shape as { vec: number }).vec, input: fmt });
  return {
    network,
    description: `Read from the ONNX graph of ${file.split(/[\\/]/).pop()} by circa import --spec-out (${layers.map((l) => l.kind).join(', ')}, argmax); formats are circa's starting point: circa quantize picks them from the data.`,
    layers: out,
  };
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
