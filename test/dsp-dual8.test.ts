/**
 * The dual 8x8 multiplier (rtl-templates/dsp_dual8.v): SB_MAC16 in 8x8 mode
 * for synthesis, a behavioural model for the simulators.
 *
 * - formal (src/formal/dsp.ts): the wrapper as yosys reads it, on yosys's
 *   SB_MAC16 simulation model, equals the behavioural model for every pair
 *   of operands of both halves in every signedness (unregistered), and for
 *   every operand and ce pattern over 5 steps with the DSP's product
 *   registers (signed and unsigned; all four signednesses over 8 steps in
 *   the deep tier); a fault (the DSP's a operands read with the wrong
 *   signedness) gives a counterexample;
 * - co-simulation (src/target/ice40/dsp-dual8.ts, a stream probe of four units,
 *   one per signedness): all 65536 operand pairs of each half against exact
 *   products, with random valid/ready (so ce holds the product registers),
 *   on the RTL (the behavioural model) and on the synthesised netlist
 *   (synth_ice40 -dsp as `circa build` runs it, yosys's SB_MAC16 model) on
 *   Verilator here; the netlist on CXXRTL and the RTL on both back ends in
 *   test/dsp-dual8.deep.test.ts (minutes of cold builds).
 *
 * No board: nothing here checks the silicon (README, "Two multiplies per DSP").
 */
import { describe, expect, it } from 'vitest';
import { ALL_SIGNEDNESS, dspDual8CombJob, dspDual8SeqJob, prove, type ProofJob, type ProofResult } from '../src/formal/index.ts';
import { dual8Probe, dual8Product } from '../src/target/ice40/dsp-dual8.ts';
import { DUAL8_PAIRS, exhaustiveDual8 } from './dsp-dual8-run.ts';
import { synthesisedRtl } from '../src/sim/netlist.ts';
import { netlistScript } from '../src/target/ice40/script.ts';

async function proveAndLog(job: ProofJob): Promise<ProofResult> {
  const r = await prove(job);
  console.log(`[dsp_dual8] ${r.proved ? 'PROVED' : 'COUNTEREXAMPLE'} in ${r.seconds.toFixed(1)} s (${r.variables} variables): ${job.name}`);
  return r;
}

describe('formal: dsp_dual8 on yosys\'s SB_MAC16 model = its behavioural model', () => {
  it('unregistered: every operand pair of both halves, all four signednesses', { tags: ['tools'] }, async () => {
    const r = await proveAndLog(dspDual8CombJob());
    expect(r.proved).toBe(true);
  });

  it('product registers in the DSP: every operand and ce pattern over 5 steps, signed and unsigned', { tags: ['tools'] }, async () => {
    const r = await proveAndLog(dspDual8SeqJob(ALL_SIGNEDNESS.slice(0, 2)));
    expect(r.proved).toBe(true);
  });

  it('can fail: the DSP told the a operands are unsigned when they are signed gives a counterexample with a negative a', { tags: ['tools'] }, async () => {
    const r = await proveAndLog(dspDual8CombJob([{ a: true, b: true }], 'flip-a-signed'));
    expect(r.proved).toBe(false);
    const cx = r.counterexample[0];
    const [aHi, bHi, aLo, bLo] = ['a_hi', 'b_hi', 'a_lo', 'b_lo'].map((n) => Number(cx.get(n)));
    const s = { a: true, b: true };
    const u = { a: false, b: true };
    // on the counterexample one half's product differs between the two readings of a
    const differs = (a: number, b: number) => (dual8Product(a, b, s) & 0xffff) !== (dual8Product(a, b, u) & 0xffff);
    expect(differs(aHi, bHi) || differs(aLo, bLo)).toBe(true);
  });
});

describe('gate-level co-simulation: every operand pair of both halves, four signednesses', () => {
  const probe = dual8Probe(ALL_SIGNEDNESS);

  it('the synthesised netlist (synth_ice40 -dsp, then the placeholder renamed) holds one SB_MAC16 in 8x8 mode per unit and no multiplier in LUTs', { tags: ['tools'], timeout: 600_000 }, async () => {
    const gl = await synthesisedRtl(probe);
    expect(gl.synthesisScript).toBe(netlistScript({ sources: probe.sources, top: probe.top, part: 'UP5K' }));
    expect(gl.synthesisScript).toMatch(/^synth_ice40 .*\nchtype -map circa_sb_mac16_8x8 SB_MAC16$/m);
    const net = gl.sources[1].text;
    expect(net).not.toMatch(/circa_sb_mac16_8x8/);
    const macs = net.match(/^\s*SB_MAC16\b/gm) ?? [];
    expect(macs).toHaveLength(ALL_SIGNEDNESS.length);
    expect((net.match(/\.MODE_8x8\(1'h1\)/g) ?? []).length).toBe(ALL_SIGNEDNESS.length);
    expect((net.match(/\.TOPOUTPUT_SELECT\(2'h2\)/g) ?? []).length).toBe(ALL_SIGNEDNESS.length);
    expect((net.match(/\.BOTOUTPUT_SELECT\(2'h2\)/g) ?? []).length).toBe(ALL_SIGNEDNESS.length);
    expect((net.match(/\.TOP_8x8_MULT_REG\(1'h1\)/g) ?? []).length).toBe(ALL_SIGNEDNESS.length);
    // the probe's own logic is a valid flag and a ce gate: a handful of LUTs, no multiplier
    expect((net.match(/^\s*SB_LUT4\b/gm) ?? []).length).toBeLessThan(8);
    expect(gl.sources[0].text).toMatch(/^module SB_MAC16\b/m);
  });

  it('gate level (yosys\'s SB_MAC16 model) on verilator: 65536 vectors exact under random valid/ready', { tags: ['tools'], timeout: 900_000 }, async () => {
    const gl = await synthesisedRtl(probe);
    const r = await exhaustiveDual8(gl, probe, 'verilator', true);
    expect(r.bad).toEqual([]);
    expect(r.beats).toBe(DUAL8_PAIRS);
    expect(r.exact).toBe(DUAL8_PAIRS);
    expect(r.run.simulator).toBe('verilator');
    // stalls happened: more cycles than vectors, so ce held the product registers
    expect(r.run.totalCycles).toBeGreaterThan(DUAL8_PAIRS + 1000);
  });
});
