/**
 * Block-circulant conv2d and conv weights in SPRAM, more configurations than
 * conv2d.bcirc.cosim.test.ts: P = 2 with ROM weights, P = 6 > k = 3 (two
 * block rows per word), k = 2 = P in SPRAM, dense weights in SPRAM, and the
 * RTL acceptance of a k = 3 EBR layer with wide beats; and a network
 * conv -> block-circulant conv in SPRAM (its config port on the network's)
 * -> dense -> argmax, pipelined, bit-exact with cycles as predicted.
 */
import { describe, expect, it } from 'vitest';
import { checkRtl } from '../src/sim/lint.ts';
import { planNetwork } from '../src/network/plan.ts';
import { conv, expectExactCycles } from './conv2d-bcirc.ts';
import { expectNetworkExact } from './network-cosim.ts';

describe('block-circulant conv2d co-simulation (deep)', () => {
  it('5 x 6 x 8 -> 16, kernel 3, k = 4, P = 2 (two groups per block row), same, relu', { tags: ['tools'] }, async () => {
    const layer = conv({ height: 5, width: 6, channels: 8, outChannels: 16, kernel: 3, blockSize: 4, lanes: 2, padding: 'same', activation: 'relu', output: { format: { int: 1, frac: 6 } } });
    expect(layer.plan).toMatchObject({ groupsPerRow: 2, blockRows: 1, slots: 4, romDepth: 4 * 9 * 2 });
    await expectExactCycles(layer, 16);
  });

  it('6 x 5 x 6 -> 6, kernel 2, k = 3, P = 6 (two block rows per word), stride 2, beat 3; and k = 2 = P, spram', { tags: ['tools'] }, async () => {
    const a = conv({ height: 6, width: 5, channels: 6, outChannels: 6, kernel: 2, blockSize: 3, lanes: 6, stride: 2, beat: 3, activation: 'hardtanh' });
    expect(a.plan).toMatchObject({ groupsPerRow: 1, blockRows: 2, slots: 6, romDepth: 4 * 2 });
    await expectExactCycles(a, 12);
    const b = conv({ height: 4, width: 5, channels: 4, outChannels: 6, kernel: 3, blockSize: 2, lanes: 2, padding: 'same', memory: 'spram' });
    expect(b.plan).toMatchObject({ memory: 'spram', spramBlocks: 1, romDepth: 3 * 9 * 2 });
    await expectExactCycles(b, 12);
  });

  it('dense weights in SPRAM: 5 x 5 x 3 -> 4, kernel 3, P = 2', { tags: ['tools'] }, async () => {
    const layer = conv({ structure: 'dense', height: 5, width: 5, channels: 3, outChannels: 4, kernel: 3, lanes: 2, memory: 'spram' });
    expect(layer.plan).toMatchObject({ memory: 'spram', romDepth: 2 * 27, wordWidth: 16 });
    await expectExactCycles(layer, 12);
  });

  it('passes Verilator -Wall lint, Icarus and yosys (k = 3, P = 3, ebr, beat 2)', { tags: ['tools'] }, async () => {
    for (const layer of [conv({ height: 5, width: 4, channels: 6, outChannels: 3, kernel: 3, blockSize: 3, lanes: 3, beat: 2, memory: 'ebr' })]) {
      const rtl = layer.kind.rtl(layer.plan);
      const results = await checkRtl(rtl.sources, rtl.top);
      for (const r of results) expect({ tool: r.tool, ok: r.ok, messages: r.messages }).toEqual({ tool: r.tool, ok: true, messages: [] });
    }
  });

  it('network: conv -> block-circulant conv (k = 2, SPRAM) -> dense -> argmax, pipelined', { tags: ['tools'] }, async () => {
    const q = { int: 2, frac: 5 };
    const net = planNetwork({
      network: 'cnn', schedule: 'pipelined',
      layers: [
        { kind: 'conv2d', name: 'c1', height: 7, width: 7, channels: 1, outChannels: 4, kernel: 3, lanes: 2, activation: 'relu',
          weights: { init: 'random', seed: 1, scale: 0.5 }, output: { format: q } },
        { kind: 'conv2d', name: 'c2', height: 5, width: 5, channels: 4, outChannels: 4, kernel: 3, stride: 2, beat: 2, lanes: 2, activation: 'relu',
          structure: 'block-circulant', blockSize: 2, memory: 'spram', input: q, weights: { init: 'random', seed: 2, scale: 0.5 }, output: { format: q } },
        { kind: 'dense', name: 'head', inputs: 16, outputs: 4, lanes: 2, input: q, weights: { init: 'random', seed: 3 }, output: { format: q } },
        { kind: 'argmax', name: 'am', n: 4, input: q },
      ],
    });
    await expectNetworkExact(net, 12);
  });
});

