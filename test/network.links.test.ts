/**
 * Link sizing (src/network/cost.ts linkDepths): each stream_link holds the
 * most beats the network timeline ever leaves in it, not whole feature maps.
 * Checked here against a cycle-by-cycle count over a long back-to-back run
 * (the steady-state argument in linkDepths' comment, tested), against the
 * DEPTH the RTL gets and the link bits the estimate prices; and, with
 * Verilator, what a link one beat too small does: it holds its producer
 * (s_ready low) and drops no beat, so the values stay exact, and the network
 * top raises ovf for a hold in a full-rate run (the network co-simulation
 * compares it with the model's; here the hold moves no output cycle, so a
 * cycle check alone would not see it).
 */
import { describe, expect, it } from 'vitest';
import { planNetwork, type NetworkPlan } from '../src/network/plan.ts';
import { linkDepths, networkTimeline, networkCost } from '../src/network/cost.ts';
import { networkRtl } from '../src/network/rtl.ts';
import { networkDut } from '../src/network/cosim.ts';
import { loadDesign } from '../src/network/design.ts';
import { designInventory } from '../src/estimate/inventory.ts';
import { cosim } from '../src/sim/cosim.ts';
import { convChain, lenet } from './cnn-specs.ts';

/** Beats held, cycle by cycle, over `count` vectors: the count stream_link's `full` compares at each write. */
function bruteDepths(net: NetworkPlan, count: number): number[] {
  const tl = networkTimeline(net, count);
  return tl.links.map((link) => {
    const w = link.written.flat();
    const r = link.read.flat();
    let peak = 0;
    for (const at of w) peak = Math.max(peak, w.filter((x, i) => x <= at && r[i] >= at).length);
    return peak;
  });
}

const tvscmDense = {
  network: 'ovl', schedule: 'pipelined',
  layers: [
    { kind: 'tvscm', n: 24, lanes: 2, buffers: 2, placement: { type: 'band', radius: 2 }, weights: { a: 0.5, b: -0.25 }, output: { format: { int: 1, frac: 6 }, relu: true } },
    { kind: 'dense', inputs: 24, outputs: 6, lanes: 2, buffers: 2, input: { int: 1, frac: 6 }, weights: { init: 'random', seed: 4 } },
    { kind: 'argmax', n: 6 },
  ],
};

describe('link depths from the network timeline', () => {
  const nets: [string, NetworkPlan][] = [
    ['lenet pipelined', planNetwork(lenet('pipelined'))],
    ['lenet sequential', planNetwork(lenet('sequential'))],
    ['conv chain pipelined', planNetwork(convChain('pipelined'))],
    ['tvscm -> dense (two buffers) pipelined', planNetwork(tvscmDense)],
  ];

  it.each(nets)('%s: the most beats held over 40 vectors back to back, as counted cycle by cycle', (_, net) => {
    expect(linkDepths(net)).toEqual(bruteDepths(net, 40));
  });

  it('the RTL DEPTH and the priced link bits use the same numbers', () => {
    const net = planNetwork(lenet('pipelined'));
    const depths = linkDepths(net);
    const top = networkRtl(net).sources.find((s) => s.name === 'lenet_top.v')!.text;
    const rtlDepths = [...top.matchAll(/\.DEPTH\s*\((\d+)\)[^;]*?\) u_link\d+ \(/g)].map((m) => Number(m[1]));
    expect(rtlDepths).toEqual(depths);
    expect(networkCost(net).hardware.linkBits).toBe(net.layers.reduce((s, l, k) => s + depths[k] * l.io.outLanes * l.io.outWidth, 0));
    const design = loadDesign('examples/trained/mnist-cnn.json');
    expect(designInventory(design.net, true, design.cost().latency).links.map((l) => l.memories[0].depth)).toEqual(linkDepths(design.net));
  });

  it('trained mnist-cnn: the links hold a few beats, not whole feature maps (4,608 + 1,152 + ... before)', () => {
    const design = loadDesign('examples/trained/mnist-cnn.json');
    const depths = linkDepths(design.net);
    const whole = design.net.layers.map((l) => l.io.outBeats);
    depths.forEach((d, k) => expect(d).toBeLessThanOrEqual(whole[k]));
    expect(design.cost().hardware.linkBits).toBeLessThan(4_000);
  });
});

describe('a link too small', { tags: ['tools'] }, () => {
  it('tvscm -> dense, 22 beats instead of 23: the layer is held, no beat is lost (bit-exact), and the full-rate run raises ovf, which the model does not', async () => {
    const net = planNetwork(tvscmDense);
    const depths = linkDepths(net);
    const k = depths.indexOf(Math.max(...depths));
    expect(depths[k]).toBe(23);
    const dut = networkDut(net);
    // link k's DEPTH parameter is the last one before its instance name
    const smaller = (text: string) => {
      const at = text.lastIndexOf('.DEPTH', text.indexOf(`) u_link${k} (`));
      return text.slice(0, at) + text.slice(at).replace(`(${depths[k]})`, `(${depths[k] - 1})`);
    };
    const sources = dut.rtl.sources.map((s) => s.name !== 'ovl_top.v' ? s : { ...s, text: smaller(s.text) });
    expect(sources).not.toEqual(dut.rtl.sources);
    const small = { ...dut, label: `${dut.label}_small`, rtl: { ...dut.rtl, sources } };
    const full = await cosim(small, { vectors: 6, seed: 3 });
    expect(full.mismatches).toEqual([]);
    expect(full.exact).toBe(6);
    expect({ expected: full.overflowExpected, got: full.overflowGot }).toEqual({ expected: false, got: true });
    // the same vectors through the right size: no hold, no ovf
    const right = await cosim(dut, { vectors: 6, seed: 3 });
    expect({ expected: right.overflowExpected, got: right.overflowGot, exact: right.exact }).toEqual({ expected: false, got: false, exact: 6 });
  });
});
