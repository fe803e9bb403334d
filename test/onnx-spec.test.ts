/**
 * circa import --spec-out from an ONNX graph alone (src/train/onnx-spec.ts), on
 * graphs written out by hand: each operation's layer, and the first node circa
 * cannot take named by op type, node name and index. The PyTorch exports
 * themselves are in test/pytorch-interop.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { specFromGraph } from '../src/train/onnx-spec.ts';
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
    expect(() => specFromGraph(graph, tensors, 'm.onnx', 'm')).toThrow(/node 5 "late_relu" \(Relu\): relu must follow a Gemm, MatMul or Conv directly .* move it before/);
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
