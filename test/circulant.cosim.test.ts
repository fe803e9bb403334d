/**
 * The circulant kinds' RTL against their reference models in Verilator:
 * bit-exact value for value under random backpressure on both sides, the
 * sticky overflow flag, and measured cycles == the timing() prediction for
 * every vector at full rate. Also the layers inside networks (two chained
 * diag-circulant layers; examples/mnist-blockcirc.json) and the run-time
 * load of SPRAM spectra through the config port.
 *
 * The long runs repeat these paths and are in test/circulant.cosim.deep.test.ts
 * (`npm run test:deep`): the 784 -> 784 block-circulant layer over 1000
 * vectors (test/train.sim.test.ts runs the trained mnist-blockcirc, the same
 * layer shape, on 500 images), two chained diag-circulant 256 layers over 1000
 * vectors, and the untrained examples/mnist-blockcirc.json network.
 *
 * Verilator builds are cached by content hash (~/.cache/circa): about
 * 3 minutes the first time on 2 cores, seconds afterwards.
 */
import { describe, expect, it } from 'vitest';
import { loadLayerSpec, readJsonFile } from '../src/layers/load.ts';
import { cosim } from '../src/sim/cosim.ts';
import { layerDut } from '../src/network/layer-dut.ts';
import { checkLayer, expectCycles, expectExact, STALLS } from './circulant-cosim.ts';
import { planNetwork } from '../src/network/plan.ts';
import { networkDut } from '../src/network/cosim.ts';
import { header, portList, streamPorts, instance } from '../src/verilog/index.ts';
import { bcircLoadWords, bcircRtl, cfgWidth } from '../src/layers/block-circulant/rtl.ts';
import type { BlockCirculantPlan } from '../src/layers/block-circulant/plan.ts';
import { bitsFor } from '../src/layers/formats.ts';
import { checkRtl } from '../src/sim/lint.ts';

describe('generated RTL checks', () => {
  it('verilator --lint-only -Wall, iverilog -g2005 and yosys are clean for each kind and memory', async () => {
    const specs = [
      { kind: 'circulant', name: 'lc', inputs: 12, outputs: 10 },
      { kind: 'diag-circulant', name: 'ld', inputs: 16, outputs: 16, activation: 'relu' },
      { kind: 'block-circulant', name: 'lb', inputs: 20, outputs: 12, blockSize: 4, macs: 2 },
      { kind: 'block-circulant', name: 'ls', inputs: 32, outputs: 16, blockSize: 8, macs: 2, memory: 'spram' },
    ];
    for (const spec of specs) {
      const l = loadLayerSpec(spec);
      const rtl = l.kind.rtl(l.plan);
      const checks = await checkRtl(rtl.sources, rtl.top);
      expect(checks.filter((c) => !c.ok).map((c) => `${spec.name} ${c.tool}: ${c.messages.slice(0, 5).join(' | ')}`)).toEqual([]);
    }
  });
});

describe('circulant (Cheng et al. 2015)', () => {
  it('n = 256: 1000 vectors bit-exact under backpressure, cycles == timing() at full rate', async () => {
    const layer = loadLayerSpec(readJsonFile('examples/circulant-256.json'));
    const { full } = await checkLayer(layer, 1000);
    // K = 256 positions per vector through both transforms: one vector every K + 1 cycles
    expect(full.cycles.predictedPeriod).toBe(257);
  });

  it('12 -> 10 (K = 16: zero padding, truncated output), explicit signs, ReLU, half-up, wrap, 3-multiplier FFTs, mixed scaling', async () => {
    const layer = loadLayerSpec({
      kind: 'circulant', name: 'circ_odd', inputs: 12, outputs: 10,
      signs: [1, -1, -1, 1, 1, 1, -1, 1, -1, -1, 1, -1],
      weights: { values: Array.from({ length: 16 }, (_, i) => ((i * 7) % 11) / 11 - 0.45), spectrumWidth: 12 },
      fft: { dataWidth: 14, twiddleWidth: 12, rounding: 'half-up', multipliers: 3, scaling: [1, 1, 0, 1] },
      output: { format: { int: 1, frac: 6 }, rounding: 'half-up', overflow: 'wrap' },
      activation: 'relu',
    });
    const { full } = await checkLayer(layer, 300, 50);
    // the corner vectors (all-max, alternating extremes) overflow Q1.6 and wrap; the flag agrees
    expect(full.overflowExpected).toBe(true);
  });
});

describe('block-circulant (CirCNN)', () => {
  it('128 -> 64, k = 8 (spectra in EBR): 1000 vectors bit-exact under backpressure, cycles == timing()', async () => {
    const layer = loadLayerSpec({
      kind: 'block-circulant', name: 'bc128', inputs: 128, outputs: 64, blockSize: 8,
      weights: { init: 'random', seed: 2 }, output: { format: { int: 2, frac: 5 } },
    });
    expect((layer.plan as BlockCirculantPlan).memory).toBe('ebr');
    await checkLayer(layer, 1000);
  });

  it('100 -> 50, k = 4, 3 MAC lanes (padded input block, padded lanes, partial last beat), ReLU, 3-multiplier FFT, half-up', async () => {
    const layer = loadLayerSpec({
      kind: 'block-circulant', name: 'bc_odd', inputs: 100, outputs: 50, blockSize: 4, macs: 3,
      weights: { init: 'random', seed: 5, spectrumWidth: 10 },
      fft: { dataWidth: 12, twiddleWidth: 10, rounding: 'half-up', multipliers: 3 },
      output: { format: { int: 2, frac: 5 } }, activation: 'relu',
    });
    const p = layer.plan as BlockCirculantPlan;
    expect([p.q, p.p, p.groups, p.lastLanes, p.lastKeep]).toEqual([25, 13, 5, 1, 2]);
    await checkLayer(layer, 300, 50);
  });

  it('8 -> 64, k = 8, 2 MAC lanes: the MAC waits for an output bank (P k > (k/2+1) q), FFT growing one bit, wrap', async () => {
    const layer = loadLayerSpec({
      kind: 'block-circulant', name: 'bc_wait', inputs: 8, outputs: 64, blockSize: 8, macs: 2,
      weights: { init: 'random', seed: 6 }, fft: { scaling: [1, 0, 1] }, output: { format: { int: 1, frac: 6 }, overflow: 'wrap' },
    });
    await checkLayer(layer, 300, 50);
  });

  it('SPRAM load path: the spectra written through the config port into an empty memory give the same outputs', async () => {
    // The layer with an empty (not preloaded) SPRAM model, behind a test wrapper that first
    // writes every word through cfg_addr 1 (bcirc_loader.v), then lets the stream through.
    const layer = loadLayerSpec({
      kind: 'block-circulant', name: 'bc_load', inputs: 48, outputs: 40, blockSize: 8, macs: 2, memory: 'spram',
      weights: { init: 'random', seed: 9 }, output: { format: { int: 2, frac: 5 } },
    });
    const p = layer.plan as BlockCirculantPlan;
    const rtl = bcircRtl(p, { preload: false });
    expect(rtl.sources.find((s) => s.name === 'bc_load_wmem.v')!.text).not.toContain('initial begin');
    const words = bcircLoadWords(p);
    const cw = cfgWidth(p);
    const aw = bitsFor(words.length);
    const io = rtl.io;
    const ports = streamPorts(io);
    const text = `${header('ld_wrap: test-only wrapper that loads the spectra through the config port after reset', { words: words.length })}
module ld_wrap (
${portList(ports)}
);
    reg [${cw - 1}:0] words [0:${words.length - 1}];
    initial begin
${words.map((w, i) => `        words[${i}] = ${cw}'h${w.toString(16)};`).join('\n')}
    end
    reg [${aw - 1}:0] idx;
    reg loading;
    always @(posedge clk) begin
        if (rst) begin
            idx <= ${aw}'d0;
            loading <= 1'b1;
        end else if (loading) begin
            if (idx == ${aw}'d${words.length - 1}) loading <= 1'b0;
            idx <= idx + 1'b1;
        end
    end
    wire l_ready, busy;
${instance(rtl.top, 'u_layer', {}, {
      clk: 'clk', rst: 'rst', cfg_we: 'loading', cfg_addr: "2'd1", cfg_data: `words[idx[${bitsFor(words.length - 1) - 1}:0]]`,
      s_valid: 's_valid & ~loading', s_ready: 'l_ready', s_data: 's_data', s_last: 's_last',
      m_valid: 'm_valid', m_ready: 'm_ready', m_data: 'm_data', m_keep: 'm_keep', m_last: 'm_last', ovf: 'ovf', busy: 'busy',
    }, '    ')}
    assign s_ready = l_ready & ~loading;
endmodule
`;
    const dut = { ...layerDut(layer), label: 'ld_wrap', rtl: { ...rtl, sources: [...rtl.sources, { name: 'ld_wrap.v', text }], top: 'ld_wrap' } };
    const r = await cosim(dut, { vectors: 100, seed: 3, ...STALLS });
    expectExact(r);
  });
});

describe('diag-circulant (Araujo et al. 2020)', () => {
  it('20 -> 13 alone (K = 32): bit-exact under backpressure, cycles == timing()', async () => {
    const layer = loadLayerSpec({
      kind: 'diag-circulant', name: 'dc_odd', inputs: 20, outputs: 13, activation: 'relu',
      weights: { init: 'random', seed: 4 }, output: { format: { int: 1, frac: 6 } },
    });
    await checkLayer(layer, 300, 50);
  });

});

describe('inputs with gaps inside a network', () => {
  it('dense (beats of 4) -> block-circulant (k = 8, 2 MACs) -> circulant -> diag-circulant -> argmax: bit-exact, cycles == timeline', async () => {
    // Each circulant kind gets its inputs as the layer before emits them: in bursts with
    // gaps (dense: 4 elements every 16 cycles; block-circulant: 8 per output block).
    const net = planNetwork({
      network: 'gaps', schedule: 'sequential',
      layers: [
        { kind: 'dense', name: 'g_fc', inputs: 16, outputs: 16, lanes: 4, weights: { init: 'random', seed: 3 }, activation: 'relu' },
        { kind: 'block-circulant', name: 'g_bc', inputs: 16, outputs: 12, blockSize: 8, macs: 2, output: { format: { int: 1, frac: 6 } } },
        { kind: 'circulant', name: 'g_c', inputs: 12, outputs: 12, input: { int: 1, frac: 6 }, output: { format: { int: 1, frac: 6 } } },
        { kind: 'diag-circulant', name: 'g_d', inputs: 12, outputs: 6, input: { int: 1, frac: 6 }, output: { format: { int: 2, frac: 5 } } },
        { kind: 'argmax', name: 'g_max', n: 6, input: { int: 2, frac: 5 } },
      ],
    });
    const dut = networkDut(net);
    const stalled = await cosim(dut, { vectors: 200, seed: 15, ...STALLS });
    expectExact(stalled);
    const full = await cosim(dut, { vectors: 100, seed: 16 });
    expectExact(full);
    expectCycles(full);
  });
});
