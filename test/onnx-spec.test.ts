/**
 * circa import --spec-out from an ONNX graph alone (src/train/onnx-spec.ts), on
 * graphs written out by hand: each operation's layer, and the first node circa
 * cannot take named by op type, node name and index; the structured kinds'
 * patterns (src/layers/<kind>/onnx.ts) as torch.onnx.export writes them, and
 * near misses that are not them. The PyTorch exports themselves are in
 * test/pytorch-interop.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { readGraph, specFromGraph } from '../src/train/onnx-spec.ts';
import type { OnnxGraph, OnnxNode } from '../src/tensors/onnx-graph.ts';
import type { TensorMap } from '../src/tensors/tensors.ts';
import { planAny } from '../src/network/plan.ts';
import { join } from 'node:path';
import { runNode } from './run-node.ts';

const node = (op: string, inputs: string[], outputs: string[], attrs: OnnxNode['attrs'] = {}, name = `/${op}`): OnnxNode => ({ op, name, inputs, outputs, attrs });
const tensor = (...shape: number[]) => ({ shape, data: new Float64Array(shape.reduce((a, b) => a * b, 1)), integer: false, dtype: 'float32' });

/** Conv(1 -> 2, 3x3, pads 1) on 1 x 1 x 8 x 8, Clip(-1, 1), AveragePool 2, Reshape (1, -1), Gemm(32 -> 4), Softmax */
function cnn(over: Partial<Record<string, OnnxNode>> = {}): { graph: OnnxGraph; tensors: TensorMap } {
  const tensors: TensorMap = new Map([
    ['w1', tensor(2, 1, 3, 3)], ['b1', tensor(2)], ['w2', tensor(4, 32)], ['b2', tensor(4)], ['shape', { ...tensor(2), data: Float64Array.of(1, -1), integer: true, dtype: 'int64' }],
  ]);
  const nodes = [
    over.conv ?? node('Conv', ['x', 'w1', 'b1'], ['c'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] }),
    node('Constant', [], ['lo'], { value: [-1] }), node('Constant', [], ['hi'], { value: [1] }),
    over.act ?? node('Clip', ['c', 'lo', 'hi'], ['a']),
    over.pool ?? node('AveragePool', ['a'], ['p'], { kernel_shape: [2, 2], strides: [2, 2] }),
    node('Reshape', ['p', 'shape'], ['f']),
    node('Gemm', ['f', 'w2', 'b2'], ['g'], { transB: 1 }),
    node('Softmax', ['g'], ['y']),
  ];
  return { graph: { nodes, inputs: [{ name: 'x', shape: ['N', 1, 8, 8] }], outputs: ['y'] }, tensors };
}

describe('a spec from an ONNX graph', () => {
  it('Conv with padding 1 is "same", Clip(-1, 1) hardtanh, AveragePool a pool, Reshape (1, -1) a flatten, Softmax the argmax head; the spec plans', () => {
    const { graph, tensors } = cnn();
    const spec = specFromGraph(graph, tensors, 'm.onnx', 'm') as { layers: Record<string, unknown>[] };
    expect(spec.layers).toEqual([
      { kind: 'conv2d', name: 'c', height: 8, width: 8, channels: 1, outChannels: 2, kernel: 3, padding: 'same', activation: 'hardtanh', input: { int: 0, frac: 7 }, weights: { init: 'random', seed: 1 }, output: { format: { int: 2, frac: 5 } } },
      { kind: 'pool', name: 'p', height: 8, width: 8, channels: 2, beat: 1, op: 'average', input: { int: 2, frac: 5 } },
      { kind: 'dense', name: 'fc', inputs: 32, outputs: 4, input: { int: 2, frac: 5 }, weights: { init: 'random', seed: 2 }, output: { format: { int: 3, frac: 4 } } },
      { kind: 'argmax', name: 'class', n: 4, input: { int: 3, frac: 4 } },
    ]);
    expect(planAny(spec).layers.map((l) => l.kind.kind)).toEqual(['conv2d', 'pool', 'dense', 'argmax']);
  });

  it('names the first node circa cannot take: its index, name and op, and why', () => {
    const cases: [Partial<Record<string, OnnxNode>>, RegExp][] = [
      [{ act: node('Clip', ['c', 'lo', 'hi'], ['a'], { min: 0, max: 6 }, 'relu6') }, /^m\.onnx: node 3 "relu6" \(Clip\): Clip\(0, 6\): circa's activations are relu .* and hardtanh/],
      [{ act: node('Sigmoid', ['c'], ['a'], {}, 'sig') }, /^m\.onnx: node 3 "sig" \(Sigmoid\): circa has no layer for this operation; circa import --spec-out takes Gemm/],
      [{ conv: node('Conv', ['x', 'w1', 'b1'], ['c'], { kernel_shape: [3, 3], pads: [0, 0, 2, 2] }, 'conv0') }, /^m\.onnx: node 0 "conv0" \(Conv\): padding \[0, 0, 2, 2\]/],
      [{ pool: node('MaxPool', ['a'], ['p'], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }, 'mp') }, /node 4 "mp" \(MaxPool\): ceil_mode = 1/],
    ];
    for (const [over, message] of cases) {
      const { graph, tensors } = cnn(over);
      expect(() => specFromGraph(graph, tensors, 'm.onnx', 'm')).toThrow(message);
    }
    // a ReLU after the pool: circa activates in the conv layer, and says how to reorder a max pool
    const { graph, tensors } = cnn({ act: node('Identity', ['c'], ['a']), pool: node('MaxPool', ['a'], ['p0'], { kernel_shape: [2, 2], strides: [2, 2] }) });
    graph.nodes.splice(5, 0, node('Relu', ['p0'], ['p'], {}, 'late_relu'));
    expect(() => specFromGraph(graph, tensors, 'm.onnx', 'm')).toThrow(/node 5 "late_relu" \(Relu\): relu must follow a Gemm, MatMul, Conv or a structured layer directly .* move it before/);
    // a branch: the Gemm takes something other than the chain's value
    const b = cnn();
    b.graph.nodes[6] = node('Gemm', ['x', 'w2', 'b2'], ['g'], { transB: 1 }, 'skip');
    expect(() => specFromGraph(b.graph, b.tensors, 'm.onnx', 'm')).toThrow(/node 6 "skip" \(Gemm\): it takes "x", not only the output of the operation before it \("f"\)/);
  });

  it('the command: one file must be an .onnx model and --spec-out is needed; exit 2, one line naming the fix', async () => {
    const root = join(import.meta.dirname, '..');
    const json = await runNode('bin/circa.mjs', ['import', 'examples/pytorch/mlp.json', '--spec-out', 'x.json'], root);
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/mlp\.json: with one file, import reads the graph of an ONNX model \(\.onnx\)/);
    const noOut = await runNode('bin/circa.mjs', ['import', 'model.onnx'], root);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--spec-out: give the spec file to write from the graph of model\.onnx/);
    const weights = await runNode('bin/circa.mjs', ['import', 'examples/pytorch/mlp.json', 'w.npz'], root);
    expect(weights.code).toBe(2);
    expect(weights.stderr).toMatch(/-o: give the weight file to write/);
  });
});

const values = (...data: number[]) => ({ shape: [data.length], data: Float64Array.from(data), integer: false, dtype: 'float32' });
const BIG = 2 ** 63;
/** torch.roll(x, -p, -1) as torch.onnx.export writes it: Concat(Slice(x, p, end), Slice(x, 0, p)), the bounds in Constant nodes */
function roll(x: string, p: number, tag: string): OnnxNode[] {
  const c = (v: number, k: string) => node('Constant', [], [`${tag}${k}`], { value: [v] }, `${tag}/${k}`);
  return [
    c(p, 's0'), c(BIG, 'e0'), c(-1, 'ax'), c(0, 's1'), c(p, 'e1'),
    node('Slice', [x, `${tag}s0`, `${tag}e0`, `${tag}ax`], [`${tag}hi`], {}, `${tag}/Slice`),
    node('Slice', [x, `${tag}s1`, `${tag}e1`, `${tag}ax`], [`${tag}lo`], {}, `${tag}/Slice_1`),
    node('Concat', [`${tag}hi`, `${tag}lo`], [`${tag}roll`], { axis: -1 }, `${tag}/Concat`),
  ];
}

/** a x + b (sum of rolls by `shifts`) on a 1 x 8 input, ReLU, Gemm(8 -> 3); `order` swaps Add's and Mul's operands */
function tvscmGraph(shifts: number[], swap = false): { graph: OnnxGraph; tensors: TensorMap } {
  const n = 8;
  const tensors: TensorMap = new Map([['pa', values(0.9)], ['pb', values(-0.3)], ['w', tensor(3, n)], ['bias', tensor(3)]]);
  const nodes: OnnxNode[] = [];
  let sum = '';
  shifts.forEach((d, k) => {
    nodes.push(...roll('x', ((-d % n) + n) % n, `r${k}`));
    if (k > 0) nodes.push(node('Add', swap ? [`r${k}roll`, sum] : [sum, `r${k}roll`], [`sum${k}`], {}, `/Add_sum${k}`));
    sum = k > 0 ? `sum${k}` : `r${k}roll`;
  });
  nodes.unshift(node('Mul', swap ? ['x', 'pa'] : ['pa', 'x'], ['ax'], {}, '/Mul_a'));
  nodes.push(node('Mul', swap ? [sum, 'pb'] : ['pb', sum], ['bs'], {}, '/Mul_b'), node('Add', swap ? ['bs', 'ax'] : ['ax', 'bs'], ['t'], {}, '/Add_t'));
  nodes.push(node('Relu', ['t'], ['h']), node('Gemm', ['h', 'w', 'bias'], ['y'], { transB: 1 }));
  return { graph: { nodes, inputs: [{ name: 'x', shape: [1, n] }], outputs: ['y'] }, tensors };
}

/** models.py's Circulant on a 1 x 6 input, K = 8, 5 outputs kept, then Gemm(5 -> 3): the pads computed from constants */
function circulantGraph(over: { idx?: number[]; pads?: number[]; signs?: number[]; perm?: number[] } = {}): { graph: OnnxGraph; tensors: TensorMap } {
  const k = 8;
  const idx = over.idx ?? Array.from({ length: k * k }, (_, e) => (((Math.floor(e / k) - (e % k)) % k) + k) % k);
  const tensors: TensorMap = new Map([['r', tensor(k)], ['signs', values(...(over.signs ?? [1, -1, -1, 1, 1, -1]))], ['w', tensor(3, 5)], ['bias', tensor(3)]]);
  const pads = over.pads ?? [0, 0, 0, 2];
  const nodes = [
    node('Mul', ['x', 'signs'], ['sx'], {}, '/0/Mul'),
    node('Constant', [], ['p0'], { value: pads.slice(0, 2) }), node('Constant', [], ['p1'], { value: pads.slice(2) }),
    node('Concat', ['p0', 'p1'], ['pads'], { axis: 0 }, '/0/Concat'),
    node('Pad', ['sx', 'pads', ''], ['padded'], { mode: 'constant' }, '/0/Pad'),
    node('Constant', [], ['idx'], { value: idx }, 'Constant_idx'),
    node('Gather', ['r', 'idx'], ['R'], { axis: 0 }, '/0/Gather'),
    node('Transpose', ['R'], ['RT'], { perm: over.perm ?? [1, 0] }, '/0/Transpose'),
    node('MatMul', ['padded', 'RT'], ['full'], {}, '/0/MatMul'),
    node('Constant', [], ['s0'], { value: [0] }), node('Constant', [], ['s1'], { value: [5] }), node('Constant', [], ['ax'], { value: [1] }),
    node('Slice', ['full', 's0', 's1', 'ax'], ['kept'], {}, '/0/Slice'),
    node('Relu', ['kept'], ['h']),
    node('Gemm', ['h', 'w', 'bias'], ['y'], { transB: 1 }),
  ];
  return { graph: { nodes, inputs: [{ name: 'x', shape: [1, 6] }], outputs: ['y'] }, tensors };
}

describe('structured layers from their PyTorch patterns (the kinds\' onnx faces)', () => {
  it('TVSCM: a x + b (roll(x, 1) + roll(x, -1)) is a band of radius 1, two pairs of rolls radius 2, operands in either order; a and b are bound to their initializers and the ReLU becomes output.relu', () => {
    for (const [shifts, radius] of [[[1, -1], 1], [[-1, 2, 1, -2], 2]] as const) {
      for (const swap of [false, true]) {
        const { graph, tensors } = tvscmGraph([...shifts], swap);
        const { spec, rename } = readGraph(graph, tensors, 'm.onnx', 'm');
        const layers = (spec as { layers: Record<string, unknown>[] }).layers;
        expect(layers[0], `${shifts} ${swap}`).toEqual({
          kind: 'tvscm', name: 'tv', n: 8, placement: { type: 'band', radius }, input: { int: 0, frac: 7 },
          weights: { format: { int: 1, frac: 6 }, a: 1, b: 0 }, output: { format: { int: 2, frac: 5 }, relu: true },
        });
        expect(rename).toEqual({ 'tv.a': 'pa', 'tv.b': 'pb', 'fc.weight': 'w', 'fc.bias': 'bias' });
        expect(planAny(spec).layers.map((l) => l.kind.kind)).toEqual(['tvscm', 'dense', 'argmax']);
      }
    }
  });

  it('TVSCM near misses are refused at the first node, as any unknown op: one-sided rolls, a vector a, a hardtanh after it', () => {
    expect(() => specFromGraph(tvscmGraph([1, 2]).graph, tvscmGraph([1, 2]).tensors, 'm.onnx', 'm')).toThrow(/^m\.onnx: node 0 "\/Mul_a" \(Mul\): circa has no layer for this operation; .*patterns of .*tvscm/);
    const vector = tvscmGraph([1, -1]);
    vector.tensors.set('pa', values(...Array.from({ length: 8 }, () => 0.9)));
    expect(() => specFromGraph(vector.graph, vector.tensors, 'm.onnx', 'm')).toThrow(/node 0 "\/Mul_a" \(Mul\): circa has no layer/);
    const hard = tvscmGraph([1, -1]);
    const relu = hard.graph.nodes.findIndex((n) => n.op === 'Relu');
    hard.graph.nodes.splice(relu, 1, node('Constant', [], ['lo'], { value: [-1] }), node('Constant', [], ['hi'], { value: [1] }), node('Clip', ['t', 'lo', 'hi'], ['h'], {}, 'ht'));
    expect(() => specFromGraph(hard.graph, hard.tensors, 'm.onnx', 'm')).toThrow(/node \d+ "ht" \(Clip\): hardtanh after the tvscm layer: circa's tvscm layer takes relu only/);
  });

  it('circulant: Mul by the signs, Pad to K (its amounts computed from constants), r[idx] Gather, Transpose, MatMul, Slice is one layer with K, inputs, outputs and the explicit signs; r and signs bound to their initializers', () => {
    const { graph, tensors } = circulantGraph();
    const { spec, rename } = readGraph(graph, tensors, 'm.onnx', 'm');
    expect((spec as { layers: unknown[] }).layers[0]).toEqual({
      kind: 'circulant', name: 'circ', inputs: 6, outputs: 5, size: 8, signs: [1, -1, -1, 1, 1, -1], activation: 'relu',
      input: { int: 0, frac: 7 }, weights: { init: 'random', seed: 1 }, output: { format: { int: 2, frac: 5 } },
    });
    expect(rename).toEqual({ 'circ.r': 'r', 'circ.signs': 'signs', 'fc.weight': 'w', 'fc.bias': 'bias' });
    expect(planAny(spec).layers.map((l) => l.kind.kind)).toEqual(['circulant', 'dense', 'argmax']);
    // r[idx2] with idx2[i][j] = (j - i) mod K and no Transpose is the same product
    const k = 8;
    const direct = circulantGraph({ idx: Array.from({ length: k * k }, (_, e) => ((e % k) - Math.floor(e / k) + k) % k) });
    direct.graph.nodes = direct.graph.nodes.filter((n) => n.op !== 'Transpose').map((n) => (n.op === 'MatMul' ? { ...n, inputs: ['padded', 'R'] } : n));
    expect((specFromGraph(direct.graph, direct.tensors, 'm.onnx', 'm') as { layers: { kind: string }[] }).layers[0].kind).toBe('circulant');
  });

  it('circulant near misses are refused, naming the first node: an index matrix that is not circulant, padding at the start, a sign that is not +-1', () => {
    const wrong = Array.from({ length: 64 }, (_, e) => (((Math.floor(e / 8) - (e % 8)) % 8) + 8) % 8);
    wrong[9] = 3;
    for (const over of [{ idx: wrong }, { pads: [0, 2, 0, 0] }, { signs: [1, -1, 0.5, 1, 1, -1] }, { perm: [0, 1] }]) {
      const { graph, tensors } = circulantGraph(over);
      expect(() => specFromGraph(graph, tensors, 'm.onnx', 'm'), JSON.stringify(over).slice(0, 40)).toThrow(/^m\.onnx: node 0 "\/0\/Mul" \(Mul\): circa has no layer for this operation/);
    }
  });
});
