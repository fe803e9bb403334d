/**
 * conv "dsp": "dual8", the slower checks (npm run test:deep): conv1d
 * co-simulated on Verilator, and the conv2d gate-level netlist (circa build's
 * synthesis script, yosys's SB_MAC16 model) co-simulated on Verilator:
 * bit-exact, cycles as predicted. The fast checks are in test/conv-dual8.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { cosim, formatMismatch } from '../src/sim/cosim.ts';
import { layerDut } from '../src/network/layer-dut.ts';
import { synthesisedRtl } from '../src/sim/netlist.ts';
import { conv1, conv2, expectExact } from './conv-dual8.ts';

describe('conv "dsp": "dual8" (deep)', () => {
  it('conv1d P = 4, stride 2, same padding: bit-exact under stalls, cycles as predicted, the outputs of "single"', { tags: ['tools'] }, async () => {
    await expectExact(conv1({ dsp: 'dual8' }), conv1({}), 16);
  });

  it('gate level on Verilator (circa build\'s synthesis script, yosys\'s SB_MAC16 model): 2 SB_MAC16 in 8x8 mode, bit-exact, cycles as predicted', { tags: ['tools'], timeout: 600_000 }, async () => {
    const dut = layerDut(conv2({ dsp: 'dual8' }));
    const gl = await synthesisedRtl(dut.rtl);
    const net = gl.sources[1].text;
    expect(net.match(/^\s*SB_MAC16\b/gm) ?? []).toHaveLength(2);
    expect(net.match(/\.MODE_8x8\(1'h1\)/g) ?? []).toHaveLength(2);
    const glDut = { ...dut, label: `${dut.label}_gl`, rtl: gl };
    const r = await cosim(glDut, { vectors: 8, seed: 3, simulator: 'verilator', validPct: 80, readyPct: 70 });
    expect(r.mismatches.map(formatMismatch)).toEqual([]);
    expect(r.exact).toBe(8);
    const full = await cosim(glDut, { vectors: 6, seed: 4, simulator: 'verilator' });
    expect(full.exact).toBe(6);
    expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: 6 });
  });
});
