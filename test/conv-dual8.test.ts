/**
 * conv2d and conv1d with "dsp": "dual8": output-channel lanes 2i and 2i+1 on
 * one SB_MAC16 in its 8x8 mode (rtl-templates/dsp_dual8.v inside
 * conv_layer.v), the same schedule cycle for cycle, ceil(P/2) DSPs.
 *
 * Plan, faces and input errors here (fast tier); the conv2d RTL
 * co-simulated on Verilator and linted, tagged 'tools'. The conv1d
 * co-simulation and the gate-level netlist (circa build's synthesis script,
 * yosys's SB_MAC16 model) are in test/conv-dual8.deep.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkRtl } from '../src/sim/lint.ts';
import { predictResources } from '../src/estimate/resources.ts';
import { designFromPlan } from '../src/network/design.ts';
import { planAny } from '../src/network/plan.ts';
import { checkDspPart } from '../src/estimate/bound.ts';
import { base, conv1, conv2, expectExact } from './conv-dual8.ts';

const upDsp = (spec: object) => predictResources(designFromPlan(planAny(spec), false), { part: 'UP5K' }).total.dsp;

describe('conv "dsp": "dual8": plan and faces', () => {
  it('cost and timing are the "single" ones; the resource face counts ceil(P/2) SB_MAC16; the rtl face adds dsp_dual8.v', () => {
    for (const [single, dual] of [[conv2({}), conv2({ dsp: 'dual8' })], [conv1({}), conv1({ dsp: 'dual8' })]]) {
      expect([single.plan.dsp, dual.plan.dsp]).toEqual(['single', 'dual8']);
      expect([single.plan.dspBlocks, dual.plan.dspBlocks]).toEqual([single.plan.lanes, Math.ceil(single.plan.lanes / 2)]);
      expect(dual.kind.cost(dual.plan)).toEqual(single.kind.cost(single.plan));
      const inputs = Array.from({ length: 60 }, (_, i) => 3 + i);
      expect(dual.kind.timing(dual.plan).outputs(inputs)).toEqual(single.kind.timing(single.plan).outputs(inputs));
      const rtl = dual.kind.rtl(dual.plan);
      expect(rtl.sources.map((f) => f.name)).toContain('dsp_dual8.v');
      expect(rtl.params.DUAL8).toBe(1);
      expect(single.kind.rtl(single.plan).params.DUAL8).toBeUndefined();
    }
    const s2 = { kind: 'conv2d', height: 6, width: 5, channels: 2, outChannels: 5, kernel: 3, lanes: 3, ...base };
    expect([upDsp(s2), upDsp({ ...s2, dsp: 'dual8' })]).toEqual([3, 2]);
    const s1 = { kind: 'conv1d', length: 20, channels: 2, outChannels: 4, kernel: 5, lanes: 4, ...base };
    expect([upDsp(s1), upDsp({ ...s1, dsp: 'dual8' })]).toEqual([4, 2]);
  });

  it('a part without SB_MAC16: exit 2 naming the layer, the field and the widths', () => {
    const d = designFromPlan(planAny({ kind: 'conv1d', length: 20, channels: 2, outChannels: 4, kernel: 5, lanes: 4, ...base, name: 'c1d8', dsp: 'dual8' }), false);
    expect(() => checkDspPart(d, 'HX8K', '--part')).toThrow(
      /^c1d8: dsp: "dual8" packs two 6 x 8-bit multiplies per SB_MAC16, and iCE40HX8K \(--part\) has no SB_MAC16 \(only the UltraPlus parts do\)/);
    expect(() => checkDspPart(d, 'UP5K', '--part')).not.toThrow();
  });

  it('exit 2 naming the layer, the field and the widths: 9-bit weights, 10-bit inputs', () => {
    expect(() => conv2({ name: 'cw9', dsp: 'dual8', weights: { init: 'random', seed: 3, scale: 0.5, format: { int: 1, frac: 7 } } })).toThrow(
      /^dsp: "dual8" packs two 8 x 8 multiplies per SB_MAC16, but cw9 multiplies Q0\.5 \(6 bits\) inputs by Q1\.7 \(9 bits\) weights: use formats of at most 8 bits, or "dsp": "single"$/);
    expect(() => conv1({ name: 'cx10', dsp: 'dual8', input: { int: 1, frac: 8 } })).toThrow(/^dsp: "dual8" packs two 8 x 8 multiplies per SB_MAC16, but cx10 multiplies Q1\.8 \(10 bits\) inputs/);
  });
});

describe('conv "dsp": "dual8" in simulation', () => {
  it('conv2d P = 3 (one DSP with an idle top half), 6-bit inputs: bit-exact under stalls, cycles as predicted, the outputs of "single"', { tags: ['tools'] }, async () => {
    await expectExact(conv2({ dsp: 'dual8' }), conv2({}), 16);
  });

  it('Verilator -Wall, Icarus and yosys accept it', { tags: ['tools'] }, async () => {
    const l = conv2({ dsp: 'dual8' });
    const rtl = l.kind.rtl(l.plan);
    for (const r of await checkRtl(rtl.sources, rtl.top)) expect(r.messages, r.tool).toEqual([]);
  });
});
