/**
 * A kind is its folder (issue 13): test/fixtures/kinds/offset defines a layer
 * kind with every face, using only the package's public API, and nothing in
 * src/ names it. Registered here, it plans, estimates, fits, generates,
 * passes the RTL checks and co-simulates bit-exactly with cycles equal to its
 * timing face, alone and inside a network with built-in kinds; and planning
 * and estimating never render its Verilog.
 */
import { describe, expect, it } from 'vitest';
import { checkRtl, designFromSpec, generate, predictResources, registerKind, simulate, LAYER_KINDS } from '../src/index.ts';
import { fitCheck } from '../src/estimate/fit.ts';
import { calls, offset } from './fixtures/kinds/offset/index.ts';

registerKind(offset);

const layer = { kind: 'offset', name: 'shift_up', n: 12, input: { int: 1, frac: 6 }, c: 37 };
const network = {
  network: 'offset_net',
  layers: [
    { kind: 'activation', name: 'act_in', n: 12, function: 'identity', input: { int: 1, frac: 6 }, output: { format: { int: 1, frac: 6 } } },
    layer,
    { kind: 'dense', name: 'fc', inputs: 12, outputs: 4, lanes: 2, input: { int: 1, frac: 6 }, weights: { format: { int: 0, frac: 7 }, init: 'random', seed: 5 }, output: { format: { int: 3, frac: 4 } } },
  ],
};

describe('a layer kind defined outside src/ (test/fixtures/kinds/offset)', () => {
  it('is registered once; a second registration of the name is refused', () => {
    // registered with its reference behind the raw-input check (src/layers/input-check.ts)
    expect(LAYER_KINDS.offset.summary).toBe(offset.summary);
    expect(() => LAYER_KINDS.offset.reference(offset.plan(offset.schema.parse(layer)), [1, 2])).toThrow(/shift_up \(offset\): the input has 2 values, the layer takes 12/);
    expect(() => registerKind(offset)).toThrow(/a layer kind named "offset" is registered already/);
  });

  it('plans, estimates and checks the fit without rendering any Verilog', () => {
    const before = calls.rtl;
    for (const spec of [layer, network]) {
      const d = designFromSpec(spec);
      const e = predictResources(d, { part: 'UP5K' });
      expect(e.total.lut).toBeGreaterThan(0);
      // the fixture gives its own resource face: not the generic fallback
      expect(e.unmodelled).toEqual([]);
      expect(fitCheck(d, 'UP5K').fits).toBe(true);
      expect(d.cost().latency).toBeGreaterThan(0);
    }
    expect(calls.rtl).toBe(before);
  });

  it('its spec errors name the field', () => {
    expect(() => designFromSpec({ ...layer, c: 1000 })).toThrow(/c: must fit Q1\.6/);
    expect(() => designFromSpec({ ...layer, c: 'x' })).toThrow(/c: /);
  });

  it('generates: its top, and the network top instantiating it', async () => {
    const g = await generate(designFromSpec(network));
    expect(g.files.map((f) => f.name)).toContain('shift_up_top.v');
    expect(g.files.find((f) => f.name === `${g.top}.v`)?.text).toMatch(/shift_up_top\s+u_layer1/);
  });

  it('passes Verilator lint, Icarus and yosys, and co-simulates bit-exactly, alone and in a network', { tags: ['tools'] }, async () => {
    const d = designFromSpec(network);
    const rtl = d.rtl();
    for (const r of await checkRtl(rtl.sources, rtl.top)) expect(r.ok, `${r.tool}: ${r.messages.join('\n')}`).toBe(true);
    for (const spec of [layer, network]) {
      for (const stall of [100, 60]) {
        const rep = await simulate(designFromSpec(spec), { vectors: 40, seed: 3, validPct: stall, readyPct: stall, simulator: 'verilator' });
        expect(rep.mismatches).toEqual([]);
        expect(rep.exact).toBe(40);
        expect(rep.overflowGot).toBe(rep.overflowExpected);
        if (stall === 100) expect(rep.cycles.match).toBe(true);
      }
    }
    // c = 37 on a Q1.6 input saturates for large inputs: the corner vectors reach it
    const rep = await simulate(designFromSpec(layer), { vectors: 40, seed: 3, simulator: 'verilator' });
    expect(rep.overflowExpected).toBe(true);
  });
});
