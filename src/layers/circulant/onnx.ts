/**
 * Circulant onnx face: y = (R D x)[:outputs] as a PyTorch module writes it
 * (examples/pytorch/models.py's Circulant) and torch.onnx.export exports it:
 *
 *   s = F.pad(x * signs, (0, K - n))         Mul by a +-1 vector, Pad at the end of the last axis with zeros
 *   y = (s @ r[idx].t())[..., :outputs]      Gather(r, idx), Transpose, MatMul, Slice
 *
 * with idx[i][j] = (i - j) mod K, so r[idx] is R (R[i][j] = r[(i - j) mod K])
 * and s @ R^T is R s. Matched on structure: the index matrix is checked
 * entry by entry (r[idx2] with idx2[i][j] = (j - i) mod K and no Transpose
 * is the same product), the Pad's amounts are read from the graph's
 * constants, the signs must be +1/-1 (no Mul: all +1), the Slice keeps the
 * first outputs (none: all K). r becomes the layer's tensor r, the signs its
 * explicit "signs". The exporter keeps r[idx] a Gather of the parameter r
 * with constant folding or without (it does not fold parameters); without
 * it, the Pad's amounts are a chain of shape operations, which the walk
 * computes. A graph that holds R itself as a K x K initializer is not
 * recognised.
 */
import { firstMatchAt, lastAxisSlice, pairOf, producedBy, type OnnxFace, type OnnxLayer, type OnnxStream, type OnnxView } from '../onnx.ts';

export const circulantOnnx: OnnxFace = {
  stem: 'circ',
  match: (view, s) => firstMatchAt(view, s, 'MatMul', matchAt),
  activate: (fields, fn) => (fn === 'relu' ? { ...fields, activation: 'relu' } : 'circa\'s circulant layer takes relu or no activation'),
  spec: (fields, f) => ({ kind: 'circulant', name: f.name, ...fields, input: f.input, weights: { init: 'random', seed: f.seed }, output: { format: f.output } }),
};

function matchAt(view: OnnxView, s: OnnxStream, j: number): OnnxLayer | null {
  const mm = view.nodes[j];
  const [lhs, rhs] = mm.inputs;
  const nodes = [j];
  // the right operand: r[idx] (Gather), transposed or not
  const t = producedBy(view, rhs, 'Transpose');
  const perm = t?.node.attrs.perm;
  if (t && perm !== undefined && (!Array.isArray(perm) || perm.join() !== '1,0')) return null;
  const gather = producedBy(view, t ? t.node.inputs[0] : rhs, 'Gather');
  if (!gather || (gather.node.attrs.axis ?? 0) !== 0) return null;
  const r = view.initializer(gather.node.inputs[0]);
  const idx = view.constant(gather.node.inputs[1]);
  if (!r || r.shape.length !== 1 || !idx) return null;
  const k = r.shape[0];
  if (idx.data.length !== k * k || k < s.n) return null;
  // the operand B[i][j] = r[idx'[i][j]] must be R^T: idx'[i][j] = (j - i) mod K
  const mod = (v: number) => ((v % k) + k) % k;
  for (let i = 0; i < k; i++) {
    for (let c = 0; c < k; c++) {
      if (mod(idx.data[t ? c * k + i : i * k + c]) !== mod(c - i)) return null;
    }
  }
  nodes.push(gather.index, ...(t ? [t.index] : []));
  // the left operand: the stream times the signs, zero-padded to K at the end
  let padded = lhs;
  const pad = producedBy(view, lhs, 'Pad');
  if (pad) {
    const mode = pad.node.attrs.mode ?? 'constant';
    const amounts = Array.isArray(pad.node.attrs.pads) ? pad.node.attrs.pads : pad.node.inputs[1] ? view.constant(pad.node.inputs[1])?.data : undefined;
    const fill = typeof pad.node.attrs.value === 'number' ? pad.node.attrs.value : pad.node.inputs[2] ? view.constant(pad.node.inputs[2])?.data[0] : 0;
    if (mode !== 'constant' || fill !== 0 || !amounts || amounts.length !== 2 * s.rank) return null;
    const want = Array.from({ length: 2 * s.rank }, (_, a) => (a === 2 * s.rank - 1 ? k - s.n : 0));
    if (Array.from(amounts).join() !== want.join()) return null;
    padded = pad.node.inputs[0];
    nodes.push(pad.index);
  } else if (k !== s.n) {
    return null;
  }
  let signs: number[] = Array.from({ length: s.n }, () => 1);
  const tensors: Record<string, string> = {};
  if (padded !== s.x) {
    const mul = producedBy(view, padded, 'Mul');
    const d = mul && pairOf(mul.node, (v) => v === s.x);
    const values = d && (view.initializer(d[1]) ?? view.constant(d[1]));
    if (!mul || !d || !values || values.data.length !== s.n || !Array.from(values.data).every((v) => v === 1 || v === -1)) return null;
    signs = Array.from(values.data);
    if (view.initializer(d[1])) tensors.signs = d[1];
    nodes.push(mul.index);
  }
  tensors.r = gather.node.inputs[0];
  // the first outputs of the K results
  let out = mm.outputs[0];
  let outputs = k;
  const after = view.consumers(out);
  const slice = after.length === 1 ? view.nodes[after[0]] : undefined;
  const kept = slice && lastAxisSlice(view, slice, s.rank, k);
  if (kept && kept[0] === 0 && kept[1] > 0) {
    out = slice!.outputs[0];
    outputs = kept[1];
    nodes.push(after[0]);
  }
  return { fields: { inputs: s.n, outputs, size: k, signs }, nodes, out, outputs, tensors };
}
