/**
 * Conv2d without tools: geometry (valid and same, strides), the bit-exact
 * reference against an independent model (every output pixel is a dense
 * layer over its zero-padded window, computed by the dense kind), the spec's
 * named errors (and the command's exit 2), the io face against the rtl
 * face, the timing face's rules (a row's first beat waits for its slot), the
 * stream order, and the network planner with a conv2d layer.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CircaInputError } from '../src/errors.ts';
import { loadLayerSpec, type LoadedLayer } from '../src/layers/load.ts';
import { makeVectors } from '../src/sim/vectors.ts';
import type { Conv2dPlan } from '../src/layers/conv2d/plan.ts';
import { conv2dTimeline } from '../src/layers/conv2d/cost.ts';
import { runNode } from './run-node.ts';
import { planNetwork } from '../src/network/plan.ts';

const root = join(import.meta.dirname, '..');

function conv(spec: object): LoadedLayer<Conv2dPlan> {
  return loadLayerSpec({ kind: 'conv2d', name: 'cv', weights: { init: 'random', seed: 5, scale: 0.5 }, ...spec }) as LoadedLayer<Conv2dPlan>;
}

/** [o][c][ky][kx] reals from a seed, exactly on the Q0.7 grid */
function torchWeights(m: number, c: number, k: number, seed: number): number[][][][] {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31), (Math.floor((s / 2 ** 31) * 255) - 127) / 128);
  return Array.from({ length: m }, () => Array.from({ length: c }, () => Array.from({ length: k }, () => Array.from({ length: k }, next))));
}

describe('conv2d plan and reference', () => {
  it('output sizes and padding: valid, same, strides (PyTorch and TensorFlow split the same padding this way)', () => {
    const g = (h: number, k: number, stride: number, padding: string) => {
      const p = conv({ height: h, width: h, channels: 1, outChannels: 1, kernel: k, stride, padding }).plan;
      return [p.ho, p.padTop];
    };
    expect(g(28, 5, 1, 'valid')).toEqual([24, 0]);
    expect(g(28, 3, 1, 'same')).toEqual([28, 1]);
    expect(g(28, 5, 1, 'same')).toEqual([28, 2]);
    expect(g(7, 3, 2, 'valid')).toEqual([3, 0]);
    expect(g(7, 3, 2, 'same')).toEqual([4, 1]);
    expect(g(8, 2, 2, 'same')).toEqual([4, 0]);
    expect(g(6, 4, 1, 'same')).toEqual([6, 1]);
  });

  it('each output pixel equals the dense layer over its zero-padded window, value for value', () => {
    for (const [padding, stride] of [['same', 1], ['valid', 2], ['same', 2]] as const) {
      const m = 3, c = 2, k = 3, h = 5, w = 6;
      const values = torchWeights(m, c, k, 11);
      const bias = [0.25, -0.5, 0.125];
      const layer = conv({ height: h, width: w, channels: c, outChannels: m, kernel: k, stride, padding, activation: 'relu',
        weights: { values, bias }, output: { format: { int: 2, frac: 5 }, rounding: 'half-up' } });
      const p = layer.plan;
      // the same window as a dense row: element (ky, kx, c) in the stream order of the window
      const rows = values.map((f) => Array.from({ length: k * k * c }, (_, i) => f[i % c][Math.floor(i / (k * c))][Math.floor(i / c) % k]));
      const dense = loadLayerSpec({ kind: 'dense', name: 'd', inputs: k * k * c, outputs: m, activation: 'relu',
        weights: { values: rows, bias }, output: { format: { int: 2, frac: 5 }, rounding: 'half-up' } });
      for (const v of makeVectors(6, h * w * c, 8, 3)) {
        const got = layer.kind.reference(p, v.x).y;
        const want: number[] = [];
        for (let oy = 0; oy < p.ho; oy++) {
          for (let ox = 0; ox < p.wo; ox++) {
            const win: number[] = [];
            for (let ky = 0; ky < k; ky++) {
              for (let kx = 0; kx < k; kx++) {
                const iy = oy * stride - p.padTop + ky;
                const ix = ox * stride - p.padLeft + kx;
                for (let ci = 0; ci < c; ci++) win.push(iy >= 0 && iy < h && ix >= 0 && ix < w ? v.x[(iy * w + ix) * c + ci] : 0);
              }
            }
            want.push(...dense.kind.reference(dense.plan, win).y);
          }
        }
        expect(got).toEqual(want);
      }
    }
  });

  it('a kernel of ones and no bias sums the window (stream order: raster, channels within a pixel)', () => {
    const layer = conv({ height: 3, width: 3, channels: 2, outChannels: 1, kernel: 2, bias: false,
      weights: { format: { int: 3, frac: 0 }, values: [[[[1, 1], [1, 1]], [[0, 0], [0, 0]]]], raw: true }, input: { int: 7, frac: 0 },
      output: { format: { int: 15, frac: 0 } } } as object);
    // pixel (y, x) channel 0 = 10*y + x, channel 1 = 100 (ignored by the kernel)
    const x = Array.from({ length: 18 }, (_, i) => (i % 2 === 0 ? 10 * Math.floor(i / 6) + Math.floor(i / 2) % 3 : 100));
    expect(layer.kind.reference(layer.plan, x).y).toEqual([0 + 1 + 10 + 11, 1 + 2 + 11 + 12, 10 + 11 + 20 + 21, 11 + 12 + 21 + 22]);
  });
});

describe('conv2d spec errors name the field and the numbers', () => {
  const bad = (spec: object, re: RegExp) => expect(() => conv(spec)).toThrow(re);
  it('kernel, stride, beat, lanes, weight shapes', () => {
    bad({ height: 4, width: 6, channels: 1, outChannels: 1, kernel: 5 }, /^kernel: 5 is larger than the input height 4 with "padding": "valid"/);
    bad({ height: 6, width: 4, channels: 1, outChannels: 1, kernel: 5 }, /^kernel: 5 is larger than the input width 4/);
    expect(() => conv({ height: 6, width: 6, channels: 1, outChannels: 1, kernel: 3, stride: 0 })).toThrow(CircaInputError);
    expect(() => conv({ height: 6, width: 6, channels: 1, outChannels: 1, kernel: 3, stride: 0 })).toThrow(/stride/);
    bad({ height: 6, width: 6, channels: 6, outChannels: 1, kernel: 3, beat: 4 }, /^beat: must divide the channels \(6\): one of 1, 2, 3, 6, got 4$/);
    bad({ height: 6, width: 6, channels: 1, outChannels: 2, kernel: 3, lanes: 3 }, /^lanes: must be in 1\.\.2/);
    const w = torchWeights(2, 3, 3, 1);
    bad({ height: 6, width: 6, channels: 3, outChannels: 3, kernel: 3, weights: { values: w } },
      /^weights\.values: expected 3 output channels \(PyTorch Conv2d layout \[outChannels 3\]\[channels 3\]\[kernel 3\]\[kernel 3\]\), got 2$/);
    bad({ height: 6, width: 6, channels: 2, outChannels: 2, kernel: 3, weights: { values: w } }, /^weights\.values\[0\]: expected 2 input channels .*got 3$/);
    bad({ height: 6, width: 6, channels: 3, outChannels: 2, kernel: 2, weights: { values: w } }, /^weights\.values\[0\]\[0\]: expected 2 kernel rows .*got 3$/);
    bad({ height: 6, width: 6, channels: 3, outChannels: 2, kernel: 3, weights: { values: w, bias: [0] } }, /^weights\.bias: expected 2 values \(one per output channel\), got 1$/);
    bad({ height: 6, width: 6, channels: 3, outChannels: 2, kernel: 3, bias: false, weights: { values: w, bias: [0, 0] } }, /^weights\.bias: given, but "bias" is false$/);
  });

  it('the command exits 2 with one line naming the field, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'circa-conv-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ kind: 'conv2d', name: 'c', height: 4, width: 4, channels: 1, outChannels: 2, kernel: 5, weights: { init: 'random' } }));
    const r = await runNode('bin/circa.mjs', ['generate', file, '--output', join(dir, 'out')], root);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/kernel: 5 is larger than the input height 4/);
    expect(readdirSync(dir)).toEqual(['bad.json']);
  });
});

describe('conv2d faces', () => {
  it('io equals the rtl face\'s io; cost and timing agree', () => {
    for (const spec of [
      { height: 6, width: 7, channels: 2, outChannels: 3, kernel: 3, lanes: 2 },
      { height: 5, width: 5, channels: 4, outChannels: 5, kernel: 3, stride: 2, padding: 'same', beat: 2, lanes: 2 },
    ]) {
      const l = conv(spec);
      expect(l.kind.io(l.plan)).toEqual(l.kind.rtl(l.plan).io);
      const tl = conv2dTimeline(l.plan, 8);
      const cyc = l.kind.cost(l.plan).cycles;
      expect(cyc.latency).toBe(tl.lastOut[0] - tl.firstIn[0]);
      expect(cyc.period).toBe(tl.firstIn[7] - tl.firstIn[6]);
    }
  });

  it('the first vector: rows start once their input rows are in, and a row\'s first beat waits for its line-buffer slot', () => {
    // 6 x 4 x 1, kernel 3, 1 output channel: 4 x 2 outputs; NB = 4 rows; 2 x 9 = 18 issues per output row
    const l = conv({ height: 6, width: 4, channels: 1, outChannels: 1, kernel: 3 });
    const t = l.kind.timing(l.plan);
    const gate = t.inputGate!(undefined);
    const ins: number[] = [];
    for (let b = 0; b < 24; b++) ins.push(gate(b, b === 0 ? 0 : ins[b - 1] + 1));
    // rows 0..3 (16 beats) back to back; output row 0 starts at 11 + 2 = 13 and ends at 30;
    // row 4 waits for the slot of row 0: 31
    expect(ins.slice(0, 17)).toEqual([...Array.from({ length: 16 }, (_, i) => i), 31]);
    const outs = t.outputs(ins, undefined);
    expect(outs[0]).toBe(13 + 9 - 1 + 4);
    expect(outs).toHaveLength(8);
  });

  it('the train face takes and gives PyTorch\'s Conv2d layout (out, in, kh, kw)', () => {
    const values = torchWeights(2, 3, 2, 4);
    const l = conv({ height: 4, width: 4, channels: 3, outChannels: 2, kernel: 2, weights: { values, bias: [0.5, -0.5] } });
    const v = l.kind.train!.values(l.plan);
    expect(Array.from(v.weight)).toEqual(values.flat(3));
    expect(l.kind.train!.tensors(l.plan).map((x) => x.shape)).toEqual([[2, 3, 2, 2], [2]]);
  });
});

describe('conv2d in the network planner', () => {
  const q = { int: 1, frac: 6 };
  const c1 = { kind: 'conv2d', name: 'c1', height: 8, width: 8, channels: 1, outChannels: 2, kernel: 3, weights: { init: 'random' }, output: { format: q } };
  it('a head whose input size is not the flattened feature map: named error with the numbers', () => {
    expect(() => planNetwork({ network: 'n', layers: [c1, { kind: 'dense', name: 'h', inputs: 64, outputs: 10, input: q, weights: { init: 'random' } }] }))
      .toThrow(/^layers\[1\]: takes 64 inputs but layers\[0\] \(conv2d\) gives a 6 x 6 x 2 feature map, 72 values flattened \(raster order, channels within a pixel\)/);
    expect(planNetwork({ network: 'n', layers: [c1, { kind: 'dense', name: 'h', inputs: 72, outputs: 10, input: q, weights: { init: 'random' } }] }).layers).toHaveLength(2);
  });
  it('a conv layer after a conv layer takes the image it gives (same size, other shape: named field)', () => {
    const c2 = (height: number, width: number) => ({ kind: 'conv2d', name: 'c2', height, width, channels: 2, outChannels: 1, kernel: 2, beat: 1, input: q, weights: { init: 'random' } });
    expect(() => planNetwork({ network: 'n', layers: [c1, c2(4, 9)] }))
      .toThrow(/^layers\[1\]\.height: 4, but layers\[0\] \(conv2d\) gives a 6 x 6 x 2 image \(height x width x channels\); the height must be 6$/);
    expect(planNetwork({ network: 'n', layers: [c1, c2(6, 6)] }).layers).toHaveLength(2);
  });
});
