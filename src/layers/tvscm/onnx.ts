/**
 * TVSCM onnx face: the band placement as PyTorch exports it.
 *
 *   a * x + b * (torch.roll(x, 1, -1) + torch.roll(x, -1, -1))      radius 1
 *   a * x + b * (roll(x, 1) + roll(x, -1) + roll(x, 2) + roll(x, -2)) radius 2, ...
 *
 * torch.onnx.export writes each roll along the last axis as Concat(Slice(x,
 * p, end), Slice(x, 0, p)), which is y_i = x_{(i+p) mod n}; a and b are
 * one-value initializers (nn.Parameter(torch.tensor([0.9]))). The match:
 * an Add of two Muls, one of a one-value initializer and the stream, the
 * other of a one-value initializer and a sum (Adds, any grouping) of rolls
 * whose shifts are +-1 .. +-r, each once. Operands of Add and Mul in either
 * order. The complement placement has no recognised form.
 */
import { firstMatchAt, axisOf, lastAxisSlice, pairOf, producedBy, type OnnxFace, type OnnxLayer, type OnnxStream, type OnnxView } from '../onnx.ts';

export const tvscmOnnx: OnnxFace = {
  stem: 'tv',
  match: (view, s) => firstMatchAt(view, s, 'Add', matchAt),
  activate: (fields, fn) => (fn === 'relu' ? { ...fields, relu: true } : 'circa\'s tvscm layer takes relu only (its output.relu)'),
  spec: ({ relu, ...fields }, f) => ({
    kind: 'tvscm', name: f.name, ...fields, input: f.input,
    // a and b come from the imported file; Q1.6 holds |a|, |b| < 2, circa quantize picks the format from them
    weights: { format: { int: 1, frac: 6 }, a: 1, b: 0 },
    output: { format: f.output, ...(relu ? { relu: true } : {}) },
  }),
};

function matchAt(view: OnnxView, s: OnnxStream, j: number): OnnxLayer | null {
  const scalar = (name: string) => view.initializer(name)?.data.length === 1;
  const root = view.nodes[j];
  for (const [ax, rest] of [[root.inputs[0], root.inputs[1]], [root.inputs[1], root.inputs[0]]]) {
    const termA = producedBy(view, ax, 'Mul');
    const termB = producedBy(view, rest, 'Mul');
    if (!termA || !termB || root.inputs.length !== 2) continue;
    const a = pairOf(termA.node, scalar);
    const b = pairOf(termB.node, scalar);
    if (!a || a[1] !== s.x || !b) continue;
    const nodes = [j, termA.index, termB.index];
    const shifts = rollSum(view, s, b[1], nodes);
    if (!shifts) continue;
    const radius = shifts.length / 2;
    const want = Array.from({ length: radius }, (_, k) => [-(k + 1), k + 1]).flat().sort((p, q) => p - q);
    if (radius < 1 || 2 * radius >= s.n || shifts.sort((p, q) => p - q).join() !== want.join()) continue;
    return { fields: { n: s.n, placement: { type: 'band', radius } }, nodes, out: root.outputs[0], outputs: s.n, tensors: { a: a[0], b: b[0] } };
  }
  return null;
}

/** The shifts of a sum of rolls of the stream (roll by d: y_i = x_{i-d}), adding the nodes it reads to `nodes`; undefined if `value` is not one. */
function rollSum(view: OnnxView, s: OnnxStream, value: string, nodes: number[]): number[] | undefined {
  const add = producedBy(view, value, 'Add');
  if (add) {
    if (add.node.inputs.length !== 2) return undefined;
    const l = rollSum(view, s, add.node.inputs[0], nodes);
    const r = l && rollSum(view, s, add.node.inputs[1], nodes);
    if (!l || !r) return undefined;
    nodes.push(add.index);
    return [...l, ...r];
  }
  const cat = producedBy(view, value, 'Concat');
  if (!cat || cat.node.inputs.length !== 2 || axisOf(cat.node, s.rank) !== s.rank - 1) return undefined;
  const parts = cat.node.inputs.map((v) => producedBy(view, v, 'Slice'));
  if (parts.some((p) => !p || p.node.inputs[0] !== s.x)) return undefined;
  const [hi, lo] = parts.map((p) => lastAxisSlice(view, p!.node, s.rank, s.n));
  // Concat(x[p:], x[:p]) with 0 < p < n: y_i = x_{(i+p) mod n}, torch.roll(x, -p)
  if (!hi || !lo || hi[1] !== s.n || lo[0] !== 0 || hi[0] !== lo[1] || hi[0] <= 0 || hi[0] >= s.n) return undefined;
  nodes.push(cat.index, ...parts.map((p) => p!.index));
  const p = hi[0];
  return [p <= s.n / 2 ? -p : s.n - p];
}
