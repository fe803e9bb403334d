/**
 * Coming from PyTorch (src/train/interop.ts, onnx-graph.ts, weights.ts): ONNX
 * weights oriented by the graph node that consumes them, transposed shapes
 * refused (or taken with :T), circulant signs checked, tensors no layer takes
 * listed with the reason, --map rules, .pt refused, input normalisation folded,
 * PyTorch's flatten order reordered, float logits from the library, and eval's
 * progress without \r in a log. The proof with PyTorch itself is
 * test/pytorch-interop.test.ts; these are the unit checks, on hand-made files.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { planNetwork } from '../src/network/plan.ts';
import { encodeNpz, readTensors, type Tensor, type TensorMap } from '../src/tensors/tensors.ts';
import { bindTensors, unusedTensors } from '../src/tensors/weights.ts';
import { floatLogits, floatParams, foldInput, mapRules } from '../src/train/interop.ts';
import { imageProgress } from '../src/cli/train-commands.ts';
import { floatNet } from '../src/train/model.ts';
import { runNode } from './run-node.ts';

const root = join(import.meta.dirname, '..');
const tmp = () => mkdtempSync(join(tmpdir(), 'circa-interop-test-'));
const real = (shape: number[], data: number[]): Tensor => ({ shape, data: Float64Array.from(data), integer: false, dtype: 'f4' });
const q = { int: 3, frac: 4 };

/** 3 -> 3 (relu) -> 2, the first layer square so a transposed weight has the right shape */
const MLP = {
  network: 'mlp', layers: [
    { kind: 'dense', name: 'fc1', inputs: 3, outputs: 3, lanes: 1, activation: 'relu', input: q, weights: { init: 'random', seed: 1 }, output: { format: q } },
    { kind: 'dense', name: 'fc2', inputs: 3, outputs: 2, lanes: 1, input: q, weights: { init: 'random', seed: 2 }, output: { format: q } },
  ],
};
const W1 = [0.5, -0.25, 0.125, 0.75, 0.5, -0.5, -0.125, 0.25, 1]; // [out][in]
const B1 = [0.1, -0.2, 0.3];
const W2 = [0.5, 0.25, -0.75, -0.5, 1, 0.125];
const B2 = [0.05, -0.05];
const T = (w: number[], r: number, c: number) => Array.from({ length: w.length }, (_, k) => w[(k % r) * c + Math.floor(k / r)]);

/** By hand: relu(W1 x + b1), then W2 h + b2. */
function mlpByHand(x: number[], w1 = W1, w2 = W2): number[] {
  const h = [0, 1, 2].map((o) => Math.max(0, B1[o] + [0, 1, 2].reduce((s, i) => s + w1[o * 3 + i] * x[i], 0)));
  return [0, 1].map((o) => B2[o] + [0, 1, 2].reduce((s, i) => s + w2[o * 3 + i] * h[i], 0));
}

const { onnx } = onnxProto;
const init = (name: string, dims: number[], data: number[]) => onnx.TensorProto.create({ name, dims, dataType: 1, floatData: data });
const attrI = (name: string, i: number) => onnx.AttributeProto.create({ name, type: 2, i });
const attrF = (name: string, f: number) => onnx.AttributeProto.create({ name, type: 1, f });

/** An MLP graph as torch.onnx.export writes it: a 1-D input gives MatMul + Add with [in][out] weights, a 2-D one Gemm with transB = 1. */
function mlpOnnx(dir: string, style: 'matmul' | 'gemm' | 'gemm-transB0', extra: { alpha?: number } = {}): string {
  const w = (name: string, data: number[], r: number, c: number) => (style === 'gemm' ? init(name, [r, c], data) : init(name, [c, r], T(data, r, c)));
  const nodes = style === 'matmul'
    ? [
        onnx.NodeProto.create({ opType: 'MatMul', name: 'mm1', input: ['x', 'W1'], output: ['p1'] }),
        onnx.NodeProto.create({ opType: 'Add', name: 'add1', input: ['p1', 'b1'], output: ['a1'] }),
        onnx.NodeProto.create({ opType: 'Relu', name: 'relu', input: ['a1'], output: ['h'] }),
        onnx.NodeProto.create({ opType: 'MatMul', name: 'mm2', input: ['h', 'W2'], output: ['p2'] }),
        onnx.NodeProto.create({ opType: 'Add', name: 'add2', input: ['b2', 'p2'], output: ['y'] }),
      ]
    : [
        onnx.NodeProto.create({ opType: 'Gemm', name: 'g1', input: ['x', 'W1', 'b1'], output: ['a1'], attribute: [attrI('transB', style === 'gemm' ? 1 : 0), ...(extra.alpha ? [attrF('alpha', extra.alpha)] : [])] }),
        onnx.NodeProto.create({ opType: 'Relu', name: 'relu', input: ['a1'], output: ['h'] }),
        onnx.NodeProto.create({ opType: 'Gemm', name: 'g2', input: ['h', 'W2', 'b2'], output: ['y'], attribute: [attrI('transB', style === 'gemm' ? 1 : 0)] }),
      ];
  const model = onnx.ModelProto.create({
    graph: onnx.GraphProto.create({
      node: nodes,
      initializer: [w('W1', W1, 3, 3), init('b1', [3], B1), w('W2', W2, 2, 3), init('b2', [2], B2), onnx.TensorProto.create({ name: 'shape', dims: [1], dataType: 7, int64Data: [3] })],
      input: [onnx.ValueInfoProto.create({ name: 'x' })],
      output: [onnx.ValueInfoProto.create({ name: 'y' })],
    }),
  });
  const file = join(dir, `${style}.onnx`);
  writeFileSync(file, onnx.ModelProto.encode(model).finish());
  return file;
}
const MAP = ['fc1.weight=W1,fc1.bias=b1', 'fc2.weight=W2,fc2.bias=b2'];
const X = [[0.5, -0.25, 0.75], [1, 0.5, -1], [-0.5, 0.25, 0.125]];
const close = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).forEach((v, i) => expect(v).toBeCloseTo(b[i], 6));

describe('ONNX weights oriented by the graph', () => {
  it('MatMul (1-D export) stores [in][out]: transposed, the square one too, and the logits are the model\'s', () => {
    const dir = tmp();
    const file = mlpOnnx(dir, 'matmul');
    const t = readTensors(file);
    expect(t.get('W1')!.shape).toEqual([3, 3]);
    expect(Array.from(t.get('W1')!.data)).toEqual(W1);
    expect(t.get('W2')!.shape).toEqual([2, 3]);
    expect(t.get('W1')!.note).toMatch(/transposed from \[3, 3\]: consumed by MatMul node "mm1"/);
    // as stored when asked
    expect(Array.from(readTensors(file, { orient: false }).get('W1')!.data)).toEqual(T(W1, 3, 3));
    const y = floatLogits(MLP, X, { weights: file, map: MAP });
    X.forEach((x, i) => close(y[i], mlpByHand(x)));
  });

  it('Gemm with transB = 1 (2-D export) is taken as stored, transB = 0 transposed; alpha != 1 is refused naming the node', () => {
    const dir = tmp();
    for (const style of ['gemm', 'gemm-transB0'] as const) {
      const y = floatLogits(MLP, X, { weights: mlpOnnx(dir, style), map: MAP });
      X.forEach((x, i) => close(y[i], mlpByHand(x)));
    }
    expect(() => readTensors(mlpOnnx(dir, 'gemm', { alpha: 2 }))).toThrow(/Gemm node "g1" \(alpha 2, beta 1\): circa takes alpha = beta = 1/);
  });

  it('a Conv with group != 1 is refused naming the node', () => {
    const dir = tmp();
    const model = onnx.ModelProto.create({
      graph: onnx.GraphProto.create({
        node: [onnx.NodeProto.create({ opType: 'Conv', name: 'dw', input: ['x', 'w'], output: ['y'], attribute: [attrI('group', 2)] })],
        initializer: [init('w', [2, 1, 1, 1], [1, 2])],
      }),
    });
    writeFileSync(join(dir, 'g.onnx'), onnx.ModelProto.encode(model).finish());
    expect(() => readTensors(join(dir, 'g.onnx'))).toThrow(/g\.onnx: .*Conv node "dw" \(group 2\): circa's conv2d\/conv1d take group 1/);
  });

  it('the initializers no layer takes are listed with the reason', () => {
    const dir = tmp();
    const file = mlpOnnx(dir, 'matmul');
    const plan = planNetwork(MLP);
    const tensors = readTensors(file);
    const rules = mapRules(plan, MAP);
    const bound = bindTensors(plan.layers, tensors, file, { ...rules, requireAll: true });
    expect(unusedTensors(plan.layers, tensors, bound, rules)).toEqual([{ name: 'shape', reason: 'an integer constant of the graph (a shape), not a weight' }]);
    const extra: TensorMap = new Map([
      ['fc1.weight', real([3, 3], W1)], ['fc1.bias', real([3], B1)], ['fc2.weight', real([2, 3], W2)], ['fc2.bias', real([2], B2)],
      ['bn.num_batches_tracked', real([], [3])], ['fc1.gamma', real([3], [1, 1, 1])], ['head.weight', real([2], [1, 1])],
    ]);
    const b2 = bindTensors(plan.layers, extra, 'w.npz', { requireAll: true });
    expect(unusedTensors(plan.layers, extra, b2).map((u) => `${u.name}: ${u.reason}`)).toEqual([
      'bn.num_batches_tracked: BatchNorm bookkeeping; circa has no BatchNorm layer (fold it into the layer before it)',
      'fc1.gamma: layer fc1 (dense) has no tensor "gamma" (it takes weight, bias)',
      'head.weight: no layer of the spec is named "head" (names are <layer>.<tensor>; rename with --map)',
    ]);
  });
});

describe('transposed weights in an .npz, :T, and --map rules', () => {
  const good = (): TensorMap => new Map([['fc1.weight', real([3, 3], W1)], ['fc1.bias', real([3], B1)], ['fc2.weight', real([2, 3], W2)], ['fc2.bias', real([2], B2)]]);

  it('a weight stored [in][out] is refused naming :T; with :T it is taken transposed', () => {
    const plan = planNetwork(MLP);
    const t = good();
    t.set('fc2.weight', real([3, 2], T(W2, 2, 3)));
    expect(() => bindTensors(plan.layers, t, 'w.npz', { requireAll: true })).toThrow(
      'w.npz: layer fc2, tensor weight ("fc2.weight"): shape [3, 2] in the file, the spec needs [2, 3] (its transpose: a weight stored [in][out], as x W; if it is, take it with --map fc2.weight=fc2.weight:T)',
    );
    const p = floatParams(plan, t, 'w.npz', mapRules(plan, ['fc2.weight=fc2.weight:T']));
    expect(Array.from(p[1].weight)).toEqual(W2);
  });

  it('rules: several per flag, a layer prefix, the exact rule over the prefix, and errors that name the rule', () => {
    const plan = planNetwork(MLP);
    const r = mapRules(plan, ['fc1.=0.,fc2.=2.', 'fc2.bias=head_bias']);
    expect({ ...r.rename }).toEqual({ 'fc1.weight': '0.weight', 'fc1.bias': '0.bias', 'fc2.weight': '2.weight', 'fc2.bias': 'head_bias' });
    expect(() => mapRules(plan, ['fc1.weight=a', 'fc1.weight=b'])).toThrow('fc1.weight is mapped twice');
    expect(() => mapRules(plan, ['0.=fc1.'])).toThrow(/"0" is not a layer of the spec .*; the circa layer comes first: fc1\.=0\./);
    expect(() => mapRules(plan, ['fc1.=0.:T'])).toThrow(/:T goes on one tensor/);
    expect(() => mapRules(plan, ['fc9.weight=x'])).toThrow(/fc9.weight: no layer of the spec has that tensor/);
    expect(() => mapRules(plan, ['nonsense'])).toThrow(/takes <layer>.<tensor>=<name in the file>\[:T\] or <layer>.=<prefix in the file>/);
  });

  it('the command: --map by prefix and several per flag; --graph-order; a .pt file is refused with what to do instead', async () => {
    const dir = tmp();
    const t: TensorMap = new Map([['0.weight', real([3, 3], W1)], ['0.bias', real([3], B1)], ['2.weight', real([2, 3], W2)], ['2.bias', real([2], B2)]]);
    writeFileSync(join(dir, 'sd.npz'), encodeNpz(t));
    writeFileSync(join(dir, 'net.json'), JSON.stringify(MLP));
    const ok = await runNode('bin/circa.mjs', ['import', join(dir, 'net.json'), join(dir, 'sd.npz'), '--map', 'fc1.=0.,fc2.=2.', '-o', join(dir, 'w.npz'), '--json'], root);
    expect(ok.code, ok.stderr).toBe(0);
    expect(Array.from(readTensors(join(dir, 'w.npz')).get('fc2.weight')!.data)).toEqual(W2.map((v) => Math.fround(v)));
    // --graph-order: the MatMul nodes' weights (stored [in][out]) and their Adds' biases, by the graph's order
    const byGraph = await runNode('bin/circa.mjs', ['import', join(dir, 'net.json'), mlpOnnx(dir, 'matmul'), '--graph-order', '-o', join(dir, 'g.npz')], root);
    expect(byGraph.code, byGraph.stderr).toBe(0);
    const g = readTensors(join(dir, 'g.npz'));
    expect([W1, B1, W2, B2].map((v) => v.map((e) => Math.fround(e)))).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'].map((k) => Array.from(g.get(k)!.data)));
    const both = await runNode('bin/circa.mjs', ['import', join(dir, 'net.json'), join(dir, 'sd.npz'), '--graph-order', '-o', join(dir, 'g2.npz')], root);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--graph-order: .*sd\.npz is not an \.onnx model/);
    writeFileSync(join(dir, 'model.pt'), 'PK');
    const pt = await runNode('bin/circa.mjs', ['import', join(dir, 'net.json'), join(dir, 'model.pt'), '-o', join(dir, 'w2.npz')], root);
    expect(pt.code).toBe(2);
    expect(pt.stderr).toMatch(/model\.pt: a \.pt file is a Python pickle, which circa does not read .*np\.savez.*torch\.onnx\.export/);
    expect(pt.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('circulant signs', () => {
  const CIRC = {
    network: 'c', layers: [{ kind: 'circulant', name: 'circ', inputs: 3, outputs: 3, size: 4, signs: { seed: 1 }, input: q, weights: { init: 'random', seed: 1 }, output: { format: q } }],
  };
  it('a signs tensor equal to the spec\'s is taken; one that differs is refused (or taken with takeSigns); bad values are refused', () => {
    const plan = planNetwork(CIRC);
    const specSigns = (plan.layers[0].plan as unknown as { signs: number[] }).signs;
    const file = (signs: number[]): TensorMap => new Map([['circ.r', real([4], [0.5, 0.25, 0, -0.25])], ['circ.signs', real([3], signs)]]);
    expect(bindTensors(plan.layers, file(specSigns), 'w.npz')[0].signs).toBeUndefined();
    const other = specSigns.map((s, i) => (i === 1 ? -s : s));
    expect(() => bindTensors(plan.layers, file(other), 'w.npz')).toThrow(/w\.npz: layer circ, signs \("circ\.signs"\): differ from the spec's signs \(\{"seed":1\}\) at 1 of 3 inputs, first at input 1/);
    expect(bindTensors(plan.layers, file(other), 'w.npz', { takeSigns: true })[0].signs).toEqual(other);
    expect(() => bindTensors(plan.layers, file([1, 0, 1]), 'w.npz')).toThrow('value 1 is 0; signs are +1 or -1');
    expect(() => bindTensors(plan.layers, new Map([['circ.r', real([4], [1, 0, 0, 0])], ['circ.signs', real([2], [1, 1])]]), 'w.npz')).toThrow('2 values in the file, the layer has 3 inputs');
  });
});

describe('input normalisation folded into the first layer', () => {
  const norm = { divisor: 255, mean: 0.1307, std: 0.3081 };
  const xOf = (u: number[]) => u.map((v) => ((v * 256) / 255 - norm.mean) / norm.std);

  it('dense: the folded network on circa\'s u = p / 256 computes the model on (p / 255 - mean) / std', () => {
    const plan = planNetwork(MLP);
    const t: TensorMap = new Map([['fc1.weight', real([3, 3], W1)], ['fc1.bias', real([3], B1)], ['fc2.weight', real([2, 3], W2)], ['fc2.bias', real([2], B2)]]);
    const { params, note } = foldInput(plan, floatParams(plan, t, 'w.npz'), norm);
    expect(note).toMatch(/folded the input pixel \/ 255 then Normalize\(0.1307, 0.3081\) into layer fc1 \(dense\)/);
    const net = params;
    const u = [[0.25, 0.5, 0.75], [0, 0.9, 0.1]];
    // the folded params on u, by hand = the unfolded model on x
    const yFolded = u.map((ui) => {
      const h = [0, 1, 2].map((o) => Math.max(0, net[0].bias[o] + [0, 1, 2].reduce((s, i) => s + net[0].weight[o * 3 + i] * ui[i], 0)));
      return [0, 1].map((o) => net[1].bias[o] + [0, 1, 2].reduce((s, i) => s + net[1].weight[o * 3 + i] * h[i], 0));
    });
    u.forEach((ui, k) => close(yFolded[k], mlpByHand(xOf(ui))));
  });

  it('a first layer that cannot take the mean is refused naming it: no bias (circulant), zero padding (conv "same")', () => {
    const circ = planNetwork({ network: 'c', layers: [{ kind: 'circulant', name: 'circ', inputs: 3, outputs: 3, size: 4, input: q, weights: { init: 'random', seed: 1 }, output: { format: q } }] });
    const p = floatParams(circ, new Map([['circ.r', real([4], [1, 0, 0, 0])]]), 'w.npz');
    expect(() => foldInput(circ, p, norm)).toThrow(/--normalize: the first layer circ \(circulant\) has no bias, so it cannot take the mean 0.1307/);
    // the scale alone folds
    expect(Array.from(foldInput(circ, p, { divisor: 255, mean: 0, std: 0.5 }).params[0].r)).toEqual([256 / 255 / 0.5, 0, 0, 0]);
    const same = planNetwork({ network: 's', layers: [{ kind: 'conv2d', name: 'c1', height: 4, width: 4, channels: 1, outChannels: 2, kernel: 3, padding: 'same', lanes: 2, input: q, weights: { init: 'random', seed: 1 }, output: { format: q } }] }, '', { fuse: false });
    expect(() => foldInput(same, floatNet(same).layers.map((l) => l.params), norm)).toThrow(/--normalize: the first layer c1 \(conv2d\) cannot absorb the input map x = .* exactly \(its "same" padding adds zeros/);
  });
});

describe('a CNN head after PyTorch\'s nn.Flatten', () => {
  const CNN = {
    network: 'cnn', layers: [
      { kind: 'conv2d', name: 'c1', height: 3, width: 3, channels: 1, outChannels: 2, kernel: 2, lanes: 2, input: q, weights: { init: 'random', seed: 1 }, output: { format: q } },
      { kind: 'dense', name: 'fc', inputs: 8, outputs: 1, lanes: 1, input: q, weights: { init: 'random', seed: 2 }, output: { format: q } },
    ],
  };
  it('--flatten chw reorders the head\'s columns from (C, H, W) to circa\'s (H, W, C): the same logits as the PyTorch arithmetic', () => {
    const plan = planNetwork(CNN, '', { fuse: false });
    const cw = [1, 0, 0, 0, 0, 0, 0, -1]; // c1: out 0 takes x[y][x], out 1 takes -x[y+1][x+1]
    const fw = [1, 2, 3, 4, 10, 20, 30, 40]; // PyTorch: channel 0's 2 x 2 map, then channel 1's
    const t: TensorMap = new Map([['c1.weight', real([2, 1, 2, 2], cw)], ['c1.bias', real([2], [0, 0])], ['fc.weight', real([1, 8], fw)], ['fc.bias', real([1], [0])]]);
    const b = bindTensors(plan.layers, t, 'w.npz', { flatten: 'chw' });
    expect(b[1].note).toMatch(/reordered from PyTorch's flatten \(C, H, W\) of the 2 x 2 x 2 feature map/);
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((v) => v / 16);
    // PyTorch: feature (c, y, x) flattened channel by channel
    const f0 = [x[0], x[1], x[3], x[4]];
    const f1 = [-x[4], -x[5], -x[7], -x[8]];
    const want = [...f0, ...f1].reduce((s, v, i) => s + v * fw[i], 0);
    const dir = tmp();
    writeFileSync(join(dir, 'w.npz'), encodeNpz(t));
    expect(floatLogits(plan, [x], { weights: join(dir, 'w.npz'), flatten: 'chw' })[0][0]).toBeCloseTo(want, 9);
    // circa's own order (hwc): the file's columns as they are, a different result
    expect(floatLogits(plan, [x], { weights: join(dir, 'w.npz') })[0][0]).not.toBeCloseTo(want, 3);
  });

  it('a head that cannot reorder its inputs (circulant) is refused under chw, naming the permute that fixes it', () => {
    const plan = planNetwork({ ...CNN, layers: [CNN.layers[0], { kind: 'circulant', name: 'circ', inputs: 8, outputs: 8, size: 8, input: q, weights: { init: 'random', seed: 1 }, output: { format: q } }] }, '', { fuse: false });
    const t: TensorMap = new Map([['c1.weight', real([2, 1, 2, 2], [1, 0, 0, 0, 0, 0, 0, 1])], ['c1.bias', real([2], [0, 0])], ['circ.r', real([8], [1, 0, 0, 0, 0, 0, 0, 0])]]);
    expect(() => bindTensors(plan.layers, t, 'w.npz', { flatten: 'chw' })).toThrow(/layer circ \(circulant\) takes the 2 x 2 x 2 feature map flattened; .*x\.permute\(0, 2, 3, 1\)\.flatten\(1\).*--flatten hwc/);
    expect(bindTensors(plan.layers, t, 'w.npz', { flatten: 'hwc' })).toHaveLength(2);
  });
});

describe('floatLogits and eval progress', () => {
  it('floatLogits refuses inputs of the wrong length or non-finite values, naming the input', () => {
    expect(() => floatLogits(MLP, [[1, 2]])).toThrow('floatLogits: inputs[0]: expected 3 reals, got 2');
    expect(() => floatLogits(MLP, [[1, 2, 3], [1, NaN, 3]])).toThrow('floatLogits: inputs[1][1]: NaN is not a finite number');
  });

  it('progress: \\r on a terminal; lines (about every 10%) in a log', () => {
    const out: string[] = [];
    const log = imageProgress({ isTTY: false, write: (s: string) => out.push(s) });
    for (let d = 500; d <= 10000; d += 500) log(d, 10000);
    expect(out.join('')).not.toContain('\r');
    expect(out).toEqual(['500/10000 images\n', '1500/10000 images\n', '2500/10000 images\n', '3500/10000 images\n', '4500/10000 images\n', '5500/10000 images\n', '6500/10000 images\n', '7500/10000 images\n', '8500/10000 images\n', '9500/10000 images\n', '10000/10000 images\n']);
    const tty: string[] = [];
    const term = imageProgress({ isTTY: true, write: (s: string) => tty.push(s) });
    term(500, 1000);
    term(1000, 1000);
    expect(tty).toEqual(['\r500/1000 images', '\r1000/1000 images\n']);
  });

  it('circa eval into a pipe writes no \\r', async () => {
    const r = await runNode('bin/circa.mjs', ['eval', 'examples/trained/mnist-tvscm.json', '--limit', '1000'], root);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('\r');
    expect(r.stderr).toContain('500/1000 images\n1000/1000 images\n');
  });
});
