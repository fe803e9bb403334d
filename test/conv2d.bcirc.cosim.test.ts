/**
 * Block-circulant conv2d and the conv weights in SPRAM in Verilator: bit-exact
 * against the reference under random stalls, measured cycles equal to the
 * timing face's (the schedule is the dense one: the circulant word is read
 * once per k issues and rotated), for P < k (lanes pick their slot by the
 * group), P = k and P > k; with "memory": "spram" the weight memory is the
 * loaded SPRAM model, preloaded in simulation. And RTL acceptance (Verilator
 * -Wall, Icarus, yosys) of a block-circulant SPRAM layer. More
 * configurations in conv2d.bcirc.cosim.deep.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkRtl } from '../src/sim/lint.ts';
import { conv, expectExactCycles } from './conv2d-bcirc.ts';

describe('block-circulant conv2d co-simulation', () => {
  it('5 x 6 x 8 -> 16, kernel 3, k = 4, P = 2 (two groups per block row), same, relu, weights in SPRAM', { tags: ['tools'] }, async () => {
    const layer = conv({ height: 5, width: 6, channels: 8, outChannels: 16, kernel: 3, blockSize: 4, lanes: 2, padding: 'same', activation: 'relu', memory: 'spram', output: { format: { int: 1, frac: 6 } } });
    expect(layer.plan).toMatchObject({ groupsPerRow: 2, blockRows: 1, slots: 4, romDepth: 4 * 9 * 2, memory: 'spram', spramBlocks: 2 });
    await expectExactCycles(layer, 16);
  });

  it('passes Verilator -Wall lint, Icarus and yosys (k = 4, P = 2, spram)', { tags: ['tools'] }, async () => {
    const layer = conv({ height: 5, width: 4, channels: 4, outChannels: 8, kernel: 3, blockSize: 4, lanes: 2, memory: 'spram' });
    const rtl = layer.kind.rtl(layer.plan);
    const results = await checkRtl(rtl.sources, rtl.top);
    for (const r of results) expect({ tool: r.tool, ok: r.ok, messages: r.messages }).toEqual({ tool: r.tool, ok: true, messages: [] });
  });
});
