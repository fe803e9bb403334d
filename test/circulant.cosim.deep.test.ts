/**
 * The circulant co-simulations the default suite leaves out
 * (test/circulant-cosim.ts): the 784 -> 784 block-circulant example over 1000
 * vectors, two chained diag-circulant 256 layers over 1000 vectors, and the
 * untrained examples/mnist-blockcirc.json network.
 */
import { describe, expect, it } from 'vitest';
import { loadLayerSpec, readJsonFile } from '../src/layers/load.ts';
import { cosim } from '../src/sim/cosim.ts';
import { planNetwork } from '../src/network/plan.ts';
import { networkDut } from '../src/network/cosim.ts';
import type { BlockCirculantPlan } from '../src/layers/block-circulant/plan.ts';
import { checkLayer, expectCycles, expectExact, STALLS } from './circulant-cosim.ts';

describe('block-circulant (CirCNN), the 784 example', () => {
  it('784 -> 784, k = 16, 8-bit spectra in SPRAM: 1000 vectors bit-exact under backpressure, cycles == timing()', async () => {
    const layer = loadLayerSpec(readJsonFile('examples/blockcirc-784.json'));
    expect((layer.plan as BlockCirculantPlan).memory).toBe('spram');
    const { full } = await checkLayer(layer, 1000);
    // 49 x 49 blocks x 9 bins = 21,609 complex MACs on one lane, plus the transforms
    expect(full.cycles.predictedLatency).toBeGreaterThan(21609);
    expect(full.cycles.predictedLatency).toBeLessThan(21609 + 2 * 784 + 200);
  });

});

describe('diag-circulant (Araujo et al. 2020), chained', () => {
  it('two chained 256 layers as a network: 1000 vectors bit-exact, cycles == the composed timeline', async () => {
    const net = planNetwork(readJsonFile('examples/diagcirc-chain.json'));
    expect(net.layers.map((l) => l.kind.kind)).toEqual(['diag-circulant', 'diag-circulant']);
    const dut = networkDut(net);
    const t0 = Date.now();
    const stalled = await cosim(dut, { vectors: 1000, seed: 11, ...STALLS });
    expectExact(stalled);
    const full = await cosim(dut, { vectors: 1000, seed: 12 });
    expectExact(full);
    expectCycles(full);
    console.log(`diagcirc_chain: 1000 vectors bit-exact under stalls and at full rate; latency ${full.cycles.predictedLatency}, ` +
      `period ${full.cycles.predictedPeriod} cycles (measured = predicted), ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });
});

describe('examples/mnist-blockcirc.json', () => {
  it('block-circulant 784 -> ReLU -> dense 784 -> 10 -> argmax: bit-exact, cycles == the composed timeline', async () => {
    const net = planNetwork(readJsonFile('examples/mnist-blockcirc.json'));
    const dut = networkDut(net);
    const stalled = await cosim(dut, { vectors: 12, seed: 13, ...STALLS });
    expectExact(stalled);
    const full = await cosim(dut, { vectors: 12, seed: 14 });
    expectExact(full);
    expectCycles(full);
    console.log(`mnist_blockcirc: 12 vectors bit-exact; ${full.cycles.predictedLatency} cycles per inference (measured = predicted)`);
  });
});
