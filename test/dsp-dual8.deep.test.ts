/**
 * The dual 8x8 multiplier's co-simulation beyond the default suite
 * (test/dsp-dual8.test.ts): the synthesised netlist on CXXRTL (yosys's
 * SB_MAC16 model in WebAssembly), the RTL (the behavioural model) on both
 * back ends, and the registered proof in all four signednesses over 8 steps.
 * Every operand pair of both halves, random valid/ready.
 */
import { describe, expect, it } from 'vitest';
import { ALL_SIGNEDNESS, dspDual8SeqJob, prove } from '../src/formal/index.ts';
import { dual8Probe } from '../src/target/ice40/dsp-dual8.ts';
import { synthesisedRtl } from '../src/sim/netlist.ts';
import { DUAL8_PAIRS, exhaustiveDual8 } from './dsp-dual8-run.ts';

describe('dsp_dual8 (deep)', () => {
  const probe = dual8Probe(ALL_SIGNEDNESS);

  it('product registers: every operand and ce pattern over 8 steps, all four signednesses', { tags: ['tools'], timeout: 600_000 }, async () => {
    const r = await prove(dspDual8SeqJob(ALL_SIGNEDNESS, 'none', 8));
    expect(r.proved).toBe(true);
  });

  it('gate level (yosys\'s SB_MAC16 model) on cxxrtl: 65536 vectors exact under random valid/ready', { tags: ['tools'], timeout: 900_000 }, async () => {
    const gl = await synthesisedRtl(probe);
    const r = await exhaustiveDual8(gl, probe, 'cxxrtl', true);
    expect(r.bad).toEqual([]);
    expect(r.beats).toBe(DUAL8_PAIRS);
    expect(r.exact).toBe(DUAL8_PAIRS);
    expect(r.run.simulator).toBe('cxxrtl');
  });

  for (const simulator of ['verilator', 'cxxrtl'] as const) {
    it(`RTL (behavioural model) on ${simulator}: 65536 vectors exact under random valid/ready`, { tags: ['tools'], timeout: 600_000 }, async () => {
      const r = await exhaustiveDual8(probe, probe, simulator, true);
      expect(r.bad).toEqual([]);
      expect(r.beats).toBe(DUAL8_PAIRS);
      expect(r.exact).toBe(DUAL8_PAIRS);
      expect(r.run.simulator).toBe(simulator);
    });
  }
});
