/**
 * Pool without tools: the reference against a direct model (max and the
 * rounded mean of every window, channel by channel, in the stream order),
 * the spec's named errors, io against the rtl face, and a LeNet-shaped
 * network (conv -> pool -> conv -> pool -> dense -> argmax) through the
 * network planner, with the head's size checked against the feature map.
 */
import { describe, expect, it } from 'vitest';
import { loadLayerSpec, type LoadedLayer } from '../src/layers/load.ts';
import { planNetwork } from '../src/network/plan.ts';
import { makeVectors } from '../src/sim/vectors.ts';
import type { PoolPlan } from '../src/layers/pool/plan.ts';
import { lenet } from './cnn-specs.ts';

function pool(spec: object): LoadedLayer<PoolPlan> {
  return loadLayerSpec({ kind: 'pool', name: 'pl', ...spec }) as LoadedLayer<PoolPlan>;
}

describe('pool reference', () => {
  it('max and average of every window, channel by channel (raster order, channels within a pixel)', () => {
    const h = 6, w = 5, c = 3;
    for (const [op, window, stride] of [['max', 2, 2], ['max', 3, 1], ['average', 2, 2], ['average', 2, 1]] as const) {
      const l = pool({ height: h, width: w, channels: c, op, window, stride, output: { rounding: 'half-up' } });
      const ho = Math.floor((h - window) / stride) + 1;
      const wo = Math.floor((w - window) / stride) + 1;
      for (const v of makeVectors(5, h * w * c, 8, 2)) {
        const want: number[] = [];
        for (let oy = 0; oy < ho; oy++) {
          for (let ox = 0; ox < wo; ox++) {
            for (let ch = 0; ch < c; ch++) {
              const win: number[] = [];
              for (let dy = 0; dy < window; dy++) for (let dx = 0; dx < window; dx++) win.push(v.x[((oy * stride + dy) * w + ox * stride + dx) * c + ch]);
              // the mean rounded half up onto the input's grid
              want.push(op === 'max' ? Math.max(...win) : Math.floor(win.reduce((a, b) => a + b, 0) / win.length + 0.5));
            }
          }
        }
        expect(l.kind.reference(l.plan, v.x).y).toEqual(want);
      }
    }
  });

  it('spec errors name the field and the numbers', () => {
    expect(() => pool({ height: 6, width: 6, channels: 1, op: 'average', window: 3 })).toThrow(/^window: average pooling divides by the window's 9 elements with a shift, so it must be a power of two: window 1, 2, 4, 8 or 16, got 3$/);
    expect(() => pool({ height: 3, width: 6, channels: 1, window: 4 })).toThrow(/^window: 4 is larger than the input height 3 with "padding": "valid" \(no padding\): use a window of at most 3$/);
    // a 1-row image (a conv1d's output) pools along its row
    const row = pool({ height: 1, width: 6, channels: 1, window: 2, op: 'average' });
    expect([row.plan.ho, row.plan.wo, row.plan.kk, row.plan.requant.shift]).toEqual([1, 3, 2, 1]);
    expect(row.kind.reference(row.plan, [2, 4, -6, 10, 7, 7]).y).toEqual([3, 2, 7]);
    expect(() => pool({ height: 4, width: 4, channels: 6, beat: 4 })).toThrow(/^beat: must divide the channels \(6\): one of 1, 2, 3, 6, got 4$/);
    expect(() => pool({ height: 4, width: 4, channels: 1, output: { format: { int: 0, frac: 9 } } })).toThrow(/^output\.format\.frac: must be in 0\.\.7/);
    expect(() => pool({ height: 4, width: 4, channels: 1, stride: 0 })).toThrow(/stride/);
  });

  it('io equals the rtl face\'s io', () => {
    const l = pool({ height: 5, width: 6, channels: 4, op: 'average', beat: 2 });
    expect(l.kind.io(l.plan)).toEqual(l.kind.rtl(l.plan).io);
    expect(l.kind.io(l.plan)).toMatchObject({ inLanes: 2, outLanes: 2, inBeats: 60, outBeats: 2 * 3 * 2 });
  });
});

describe('a LeNet-shaped network plans', () => {
  it('conv -> pool -> conv -> pool -> dense -> argmax; a head of the wrong size is a named error', () => {
    expect(planNetwork(lenet('pipelined')).layers.map((l) => l.kind.kind)).toEqual(['conv2d', 'pool', 'conv2d', 'pool', 'dense', 'argmax']);
    expect(() => planNetwork(lenet('sequential', 16))).toThrow(/^layers\[4\]: takes 16 inputs but layers\[3\] \(pool\) gives a 2 x 2 x 3 feature map, 12 values flattened/);
    const bad = lenet('sequential');
    (bad.layers[1] as Record<string, unknown>).height = 9;
    expect(() => planNetwork(bad)).toThrow(/^layers\[1\]\.height: 9, but layers\[0\] \(conv2d\) gives a 10 x 10 x 2 image/);
  });
});
