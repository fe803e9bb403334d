/**
 * The onnx face of a layer kind: how `circa import model.onnx --spec-out`
 * (src/train/onnx-spec.ts) recognises the kind in an ONNX graph, where
 * PyTorch exports a structured layer as a handful of plain operations (a
 * TVSCM's torch.roll as Slice + Concat, a circulant's r[idx] as a Gather).
 * The face matches structure only (operations, constants, shapes), never
 * tensor names, and says which initializer holds each of its tensors.
 *
 * The walk calls match() at the first node that takes the stream, for each
 * kind with the face; a kind answers null when the pattern is not there.
 * These types restate the few graph fields a face reads, so that this floor
 * needs nothing from src/tensors/.
 */

/** An ONNX node as the graph reader gives it (src/tensors/onnx-graph.ts). */
export interface OnnxNodeView {
  op: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, number | number[] | string>;
}

/** A tensor's shape and values, row-major. */
export interface OnnxValue {
  shape: number[];
  data: ArrayLike<number>;
}

/** What a face sees of the graph. */
export interface OnnxView {
  nodes: readonly OnnxNodeView[];
  /** the node that computes a value (its index), or undefined for the graph's input, an initializer or an unknown name */
  producer(value: string): number | undefined;
  /** the nodes that take a value, by index */
  consumers(value: string): number[];
  /** an initializer of the file: what import can take as a layer's tensor */
  initializer(name: string): OnnxValue | undefined;
  /** a value the graph fixes: a Constant node, a small initializer, or computed from those alone */
  constant(name: string): OnnxValue | undefined;
}

/** The stream where the match starts: the value `x` (a vector of `n` along the last of its `rank` axes) and the first node that takes it. */
export interface OnnxStream {
  x: string;
  n: number;
  rank: number;
  at: number;
}

/** One layer read from the graph. */
export interface OnnxLayer {
  /** the spec fields the graph gives (sizes, placement, signs): no name, formats or weights */
  fields: Record<string, unknown>;
  /** the pattern's nodes (it must contain the stream's first node) */
  nodes: number[];
  /** the value it produces, a vector of `outputs` */
  out: string;
  outputs: number;
  /** the kind's tensor name -> the initializer that holds it (`circa import` binds them by these) */
  tensors: Record<string, string>;
}

/** The formats and placeholder weight seed circa import --spec-out gives each layer. */
export interface OnnxLayerFormats {
  name: string;
  input: { int: number; frac: number };
  output: { int: number; frac: number };
  seed: number;
}

export interface OnnxFace {
  /** the stem of the layer's name (numbered when a network has several): "tv", "circ" */
  stem: string;
  /** the layer whose pattern starts at the stream's first node, or null */
  match(view: OnnxView, stream: OnnxStream): OnnxLayer | null;
  /** the fields with an activation that follows the layer in the graph taken in, or why the kind cannot take it */
  activate(fields: Record<string, unknown>, fn: 'relu' | 'hardtanh'): Record<string, unknown> | string;
  /** the whole layer spec: the fields with the name, formats and placeholder weights (the imported file overrides those) */
  spec(fields: Record<string, unknown>, f: OnnxLayerFormats): Record<string, unknown>;
}

/** A node's inputs read as a commutative pair: [the one that satisfies `pred`, the other], or undefined. */
export function pairOf(node: OnnxNodeView, pred: (name: string) => boolean): [string, string] | undefined {
  const [p, q] = node.inputs;
  if (node.inputs.length !== 2) return undefined;
  return pred(p) ? [p, q] : pred(q) ? [q, p] : undefined;
}

/** The node computing `value` if its op is `op`. */
export function producedBy(view: OnnxView, value: string, op: string): { node: OnnxNodeView; index: number } | undefined {
  const index = view.producer(value);
  if (index === undefined || view.nodes[index].op !== op) return undefined;
  return { node: view.nodes[index], index };
}

/**
 * A Slice of a value of rank `rank` along its last axis (of size `n`) as
 * [start, end) with step 1, start and end clamped to 0..n as ONNX does
 * (negative from the end); undefined if it slices another axis, steps, or
 * its bounds are not constants. Opset 10+ (inputs) and opset 1-9
 * (attributes) alike.
 */
export function lastAxisSlice(view: OnnxView, node: OnnxNodeView, rank: number, n: number): [number, number] | undefined {
  if (node.op !== 'Slice') return undefined;
  const read = (input: number, attr: string): number[] | undefined => {
    const a = node.attrs[attr];
    if (Array.isArray(a)) return a;
    const name = node.inputs[input];
    if (!name) return undefined;
    const v = view.constant(name);
    return v ? Array.from(v.data) : undefined;
  };
  const starts = read(1, 'starts');
  const ends = read(2, 'ends');
  if (!starts || !ends || starts.length !== 1 || ends.length !== 1) return undefined;
  const axes = read(3, 'axes') ?? [0];
  const steps = read(4, 'steps') ?? [1];
  if (axes.length !== 1 || steps.length !== 1 || steps[0] !== 1) return undefined;
  const axis = axes[0] < 0 ? axes[0] + rank : axes[0];
  if (axis !== rank - 1) return undefined;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  return [clamp(starts[0]), clamp(ends[0])];
}

/** An axis attribute (Concat's) as a non-negative axis of a value of rank `rank`. */
export function axisOf(node: OnnxNodeView, rank: number, dflt = 0): number {
  const a = typeof node.attrs.axis === 'number' ? node.attrs.axis : dflt;
  return a < 0 ? a + rank : a;
}

/**
 * The first layer a kind's pattern gives, tried at every node from the
 * stream's position on whose op is `op` (the node that ends the pattern):
 * the `match` of an onnx face whose pattern is recognised from its last node.
 */
export function firstMatchAt(view: OnnxView, s: OnnxStream, op: string, matchAt: (view: OnnxView, s: OnnxStream, j: number) => OnnxLayer | null): OnnxLayer | null {
  for (let j = s.at; j < view.nodes.length; j++) {
    if (view.nodes[j].op !== op) continue;
    const m = matchAt(view, s, j);
    if (m) return m;
  }
  return null;
}
