/**
 * Conv1d without tools: each output sample equals the dense kind over its
 * zero-padded window of kernel x channels (PyTorch Conv1d weight layout
 * [out][in][k]), the spec's named errors, io against the rtl face, and
 * examples/ecg-conv1d.json planning as a network on a 187-sample input.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadLayerSpec } from '../src/layers/load.ts';
import { loadAnyFile } from '../src/network/plan.ts';
import { makeVectors } from '../src/sim/vectors.ts';

const root = join(import.meta.dirname, '..');
const conv = (spec: object) => loadLayerSpec({ kind: 'conv1d', name: 'c', ...spec });

describe('conv1d', () => {
  it('each output sample is the dense layer over its zero-padded window (PyTorch Conv1d layout)', () => {
    const m = 2, c = 2, k = 3, n = 9;
    const values = Array.from({ length: m }, (_, o) => Array.from({ length: c }, (_, ci) => Array.from({ length: k }, (_, t) => ((o * 7 + ci * 3 + t * 5) % 11 - 5) / 8)));
    for (const [padding, stride] of [['same', 1], ['valid', 2], ['same', 3]] as const) {
      const l = conv({ length: n, channels: c, outChannels: m, kernel: k, stride, padding, weights: { values, bias: [0.5, -0.25] } });
      const p = l.plan as { wo: number; padLeft: number };
      const rows = values.map((f) => Array.from({ length: k * c }, (_, i) => f[i % c][Math.floor(i / c)]));
      const dense = loadLayerSpec({ kind: 'dense', name: 'd', inputs: k * c, outputs: m, weights: { values: rows, bias: [0.5, -0.25] } });
      for (const v of makeVectors(4, n * c, 8, 4)) {
        const want: number[] = [];
        for (let o = 0; o < p.wo; o++) {
          const win: number[] = [];
          for (let t = 0; t < k; t++) {
            const i = o * stride - p.padLeft + t;
            for (let ci = 0; ci < c; ci++) win.push(i >= 0 && i < n ? v.x[i * c + ci] : 0);
          }
          want.push(...dense.kind.reference(dense.plan, win).y);
        }
        expect(l.kind.reference(l.plan, v.x).y).toEqual(want);
      }
      expect(l.kind.io(l.plan)).toEqual(l.kind.rtl(l.plan).io);
    }
  });

  it('errors name the field and the numbers; the train face gives the Conv1d layout back', () => {
    expect(() => conv({ length: 4, channels: 1, outChannels: 1, kernel: 5, weights: { init: 'random' } })).toThrow(/^kernel: 5 is larger than the input length 4 with "padding": "valid"/);
    expect(() => conv({ length: 8, channels: 2, outChannels: 1, kernel: 3, weights: { values: [[[0, 0, 0]]] } }))
      .toThrow(/^weights\.values\[0\]: expected 2 input channels \(PyTorch Conv1d layout \[outChannels 1\]\[channels 2\]\[kernel 3\]\), got 1$/);
    expect(() => conv({ length: 8, channels: 1, outChannels: 1, kernel: 3, weights: { values: [[[0, 0]]] } })).toThrow(/^weights\.values\[0\]\[0\]: expected 3 kernel taps/);
    const values = [[[0.5, -0.25, 0.125]], [[0, 0.75, -1]]];
    const l = conv({ length: 8, channels: 1, outChannels: 2, kernel: 3, weights: { values } });
    const face = l.kind.train!;
    expect(face.tensors(l.plan).map((t) => t.shape)).toEqual([[2, 1, 3], [2]]);
    expect(Array.from(face.values(l.plan).weight)).toEqual(values.flat(2));
    const again = loadLayerSpec(face.inject(l.spec, face.values(l.plan), { raw: false }));
    expect(again.kind.reference(again.plan, Array(8).fill(3)).y).toEqual(l.kind.reference(l.plan, Array(8).fill(3)).y);
  });

  it('examples/ecg-conv1d.json: conv1d -> max pool -> conv1d -> dense -> argmax on 187 samples', () => {
    const net = loadAnyFile(join(root, 'examples/ecg-conv1d.json'));
    expect(net.inputs).toBe(187);
    expect(net.layers.map((l) => l.kind.kind)).toEqual(['conv1d', 'pool', 'conv1d', 'dense', 'argmax']);
  });
});
