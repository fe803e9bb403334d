/**
 * TVSCM with "dsp": "dual8": the a*x products of lanes 2i and 2i+1 on one
 * SB_MAC16 in its 8x8 mode (rtl-templates/dsp_dual8.v, band placement),
 * the b*pairsum products (9-bit pair sums) one per DSP: ceil(P/2) + P
 * SB_MAC16 instead of 2P, the same schedule cycle for cycle.
 *
 * Plan, faces and input errors here (fast tier); co-simulation of the RTL
 * and of the gate-level netlist (circa build's synthesis script, yosys's
 * SB_MAC16 model) on Verilator tagged 'tools'.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cosim, formatMismatch } from '../src/sim/cosim.ts';
import { cosimLayer, layerDut } from '../src/network/layer-dut.ts';
import { synthesisedRtl } from '../src/sim/netlist.ts';
import { checkRtl } from '../src/sim/lint.ts';
import { predictResources } from '../src/estimate/resources.ts';
import { designFromPlan } from '../src/network/design.ts';
import { planAny } from '../src/network/plan.ts';
import { expectExact, spec } from './tvscm-cosim.ts';
import { runNode } from './run-node.ts';

// band r = 2, P = 3 (one DSP with an idle top half), 6-bit inputs sign-extended to the DSP's 8, ReLU
const extra = { input: { int: 0, frac: 5 }, output: { format: { int: 1, frac: 6 }, relu: true } };
const single = spec(30, 3, { type: 'band', radius: 2 }, extra);
const dual = spec(30, 3, { type: 'band', radius: 2 }, { ...extra, dsp: 'dual8' });
const upDsp = (l: typeof single) => predictResources(designFromPlan(planAny(l.spec), false), { part: 'UP5K' }).total.dsp;

describe('TVSCM "dsp": "dual8": plan and faces', () => {
  it('the cost and timing faces are the "single" ones; the resource face counts ceil(P/2) + P SB_MAC16', () => {
    expect([single.plan.dsp, single.plan.dspBlocks, dual.plan.dsp, dual.plan.dspBlocks]).toEqual(['single', 6, 'dual8', 5]);
    expect(dual.kind.cost(dual.plan)).toEqual(single.kind.cost(single.plan));
    const inputs = Array.from({ length: 30 }, (_, i) => 5 + i);
    expect(dual.kind.timing(dual.plan).outputs(inputs)).toEqual(single.kind.timing(single.plan).outputs(inputs));
    expect([upDsp(single), upDsp(dual)]).toEqual([6, 5]);
    // P = 2 (the lanes a pair fills): 2 + 2 -> 1 + 2; P = 1: 2 either way
    expect(upDsp(spec(20, 2, { type: 'band', radius: 1 }, { dsp: 'dual8' }))).toBe(3);
    expect(upDsp(spec(20, 1, { type: 'band', radius: 1 }, { dsp: 'dual8' }))).toBe(2);
    const rtl = dual.kind.rtl(dual.plan);
    expect(rtl.sources.map((f) => f.name)).toContain('dsp_dual8.v');
    expect(rtl.params.DUAL8).toBe(1);
    const srtl = single.kind.rtl(single.plan);
    expect(srtl.sources.map((f) => f.name)).not.toContain('dsp_dual8.v');
    expect(srtl.params.DUAL8).toBeUndefined();
  });

  it('exit 2 naming the layer, the field and the widths: complement placement (a - b is 9 bits), 9-bit inputs', () => {
    expect(() => spec(12, 2, { type: 'complement' }, { name: 'tvc', dsp: 'dual8' })).toThrow(
      /^dsp: "dual8" packs the a\*x products of two lanes per SB_MAC16 \(8 x 8 bits\), but tvc's complement placement multiplies x by a - b, which takes 9 bits for Q1\.6 \(8 bits\) weights: use "dsp": "single"$/);
    expect(() => spec(12, 2, { type: 'band', radius: 1 }, { name: 'tv9', dsp: 'dual8', input: { int: 1, frac: 7 } })).toThrow(
      /^dsp: "dual8" packs two 8 x 8 multiplies per SB_MAC16, but tv9 multiplies Q1\.7 \(9 bits\) inputs by Q1\.6 \(8 bits\) weights: use formats of at most 8 bits, or "dsp": "single"$/);
    expect(() => spec(12, 2, { type: 'band', radius: 1 }, { dsp: 'quad4' })).toThrow(/^dsp: /);
  });

  it('the CLI: exit 2, one line, on 9-bit weights in a network and on a part without SB_MAC16', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'circa-tvscm-dual8-'));
    const layer = { kind: 'tvscm', name: 'tv_d8', n: 16, lanes: 2, placement: { type: 'band', radius: 1 }, weights: { a: 0.5, b: -0.25 }, dsp: 'dual8' };
    const net = join(dir, 'net.json');
    writeFileSync(net, JSON.stringify({ network: 'n', layers: [{ ...layer, weights: { a: 0.5, b: -0.25, format: { int: 2, frac: 6 } } }] }));
    const wide = await runNode(resolve('bin/circa.mjs'), ['estimate', net], dir);
    expect(wide.code).toBe(2);
    expect(wide.stderr.trim().split('\n')).toHaveLength(1);
    expect(wide.stderr).toMatch(/layers\[0\]\.dsp: "dual8" packs two 8 x 8 multiplies per SB_MAC16, but tv_d8 multiplies Q0\.7 \(8 bits\) inputs by Q2\.6 \(9 bits\) weights/);
    const one = join(dir, 'tv.json');
    writeFileSync(one, JSON.stringify(layer));
    const hx = await runNode(resolve('bin/circa.mjs'), ['estimate', one, '--part', 'HX8K'], dir);
    expect(hx.code).toBe(2);
    expect(hx.stderr.trim().split('\n')).toEqual([
      'circa: tv_d8: dsp: "dual8" packs two 8 x 8-bit multiplies per SB_MAC16, and iCE40HX8K (--part) has no SB_MAC16 (only the UltraPlus parts do): ' +
        'use "dsp": "single" (multipliers in logic) or an UltraPlus part',
    ]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('TVSCM "dsp": "dual8" in simulation', () => {
  it('bit-exact under backpressure, every vector\'s cycles as predicted, the same outputs as "single"', { tags: ['tools'] }, async () => {
    await expectExact(dual, 40);
    const a = await cosimLayer(dual, { vectors: 30, seed: 12, keepOutputs: true });
    const b = await cosimLayer(single, { vectors: 30, seed: 12, keepOutputs: true });
    expect(a.outputs).toEqual(b.outputs);
  });

  it('Verilator -Wall, Icarus and yosys accept it', { tags: ['tools'] }, async () => {
    const rtl = dual.kind.rtl(dual.plan);
    for (const r of await checkRtl(rtl.sources, rtl.top)) expect(r.messages, r.tool).toEqual([]);
  });

  it('gate level on Verilator (circa build\'s synthesis script, yosys\'s SB_MAC16 model): 2 SB_MAC16 in 8x8 mode + 3 for b*pairsum, bit-exact, cycles as predicted', { tags: ['tools'], timeout: 600_000 }, async () => {
    const dut = layerDut(dual);
    const gl = await synthesisedRtl(dut.rtl);
    const net = gl.sources[1].text;
    expect(net.match(/^\s*SB_MAC16\b/gm) ?? []).toHaveLength(5);
    expect(net.match(/\.MODE_8x8\(1'h1\)/g) ?? []).toHaveLength(2);
    const glDut = { ...dut, label: `${dut.label}_gl`, rtl: gl };
    const r = await cosim(glDut, { vectors: 30, seed: 3, simulator: 'verilator', validPct: 80, readyPct: 70 });
    expect(r.mismatches.map(formatMismatch)).toEqual([]);
    expect(r.exact).toBe(30);
    const full = await cosim(glDut, { vectors: 20, seed: 4, simulator: 'verilator' });
    expect(full.exact).toBe(20);
    expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: 20 });
  });
});
