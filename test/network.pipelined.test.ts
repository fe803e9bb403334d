/**
 * The pipelined schedule with layers that overlap vectors (two input
 * buffers): co-simulated bit-exact under random stalls, and at full rate
 * every vector's latency and period equal the composed timeline. The trained
 * mnist-tvscm (what `npm run demo` builds) meets the issue-15 target: a new
 * image every <= 1.5 x 1,176 cycles (its 8-DSP bound) with <= 8 SB_MAC16,
 * fitting the UP5K by the resource model. Every example network under the
 * pipelined schedule is in network.pipelined.deep.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { loadAnyFile, planNetwork } from '../src/network/plan.ts';
import { designFromPlan, loadDesign } from '../src/network/design.ts';
import { networkDut } from '../src/network/cosim.ts';
import { linkVectors } from '../src/network/cost.ts';
import { cosim, formatMismatch } from '../src/sim/cosim.ts';
import { fitCheck } from '../src/estimate/fit.ts';
import { predictResources } from '../src/estimate/resources.ts';
import { readJsonFile } from '../src/layers/load.ts';
import type { NetworkPlan } from '../src/network/plan.ts';

async function expectPipelinedExact(net: NetworkPlan, vectors: number) {
  const dut = networkDut(net);
  const stalled = await cosim(dut, { vectors, seed: 21, validPct: 70, readyPct: 60 });
  expect(stalled.mismatches.map(formatMismatch)).toEqual([]);
  expect(stalled.exact).toBe(vectors);
  expect(stalled.overflowGot).toBe(stalled.overflowExpected);
  const full = await cosim(dut, { vectors, seed: 22, keepCycles: true });
  expect(full.exact).toBe(vectors);
  // every vector's latency and period checked against the prediction as its stamps arrived
  expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: full.vectors });
  // the steady period the cost model reports is what the last vectors show
  expect(full.cycles.predictedPeriod).toBe(designFromPlan(net, true).cost().period);
  expect(full.cycles.measuredPeriod!.at(-1)).toBe(full.cycles.predictedPeriod);
  return full;
}

describe('pipelined networks with overlapping layers', { tags: ['tools'] }, () => {
  it('trained mnist-tvscm (the demo): a new image every 1,578 cycles <= 1.5 x 1,176, 7 SB_MAC16, fits the UP5K', async () => {
    const net = loadAnyFile('examples/trained/mnist-tvscm.json');
    expect(net.schedule).toBe('pipelined');
    const design = loadDesign('examples/trained/mnist-tvscm.json');
    const cost = design.cost();
    // 1,568 (TVSCM band r = 1) + 7,840 (dense 784 -> 10) multiplies; 8 SB_MAC16 on the UP5K
    expect(cost.ops.multiplies).toBe(9_408);
    const bound = 9_408 / 8;
    expect(cost.period).toBe(1_578);
    expect(cost.period).toBeLessThanOrEqual(1.5 * bound);
    const r = predictResources(design, { part: 'UP5K' });
    expect(r.total.dsp).toBe(7);
    expect(r.total.ebr).toBeLessThanOrEqual(30);
    expect(fitCheck(design, 'UP5K').fits).toBe(true);
    // the dense head overlaps (two input buffers, two-vector link); the TVSCM keeps one buffer
    expect(net.layers.map((l) => linkVectors(net.schedule, l))).toEqual([1, 2, 1]);
    await expectPipelinedExact(net, 12);
  });

  it('TVSCM -> dense -> argmax, both with two input buffers: shorter period than with one, cycles as predicted', async () => {
    const raw = (buffers: number) => ({
      network: 'ovl', schedule: 'pipelined',
      layers: [
        { kind: 'tvscm', n: 24, lanes: 2, buffers, placement: { type: 'band', radius: 2 }, weights: { a: 0.5, b: -0.25 }, output: { format: { int: 1, frac: 6 }, relu: true } },
        { kind: 'dense', inputs: 24, outputs: 6, lanes: 2, buffers, input: { int: 1, frac: 6 }, weights: { init: 'random', seed: 4 } },
        { kind: 'argmax', n: 6 },
      ],
    });
    const two = planNetwork(raw(2));
    const one = planNetwork(raw(1));
    expect(two.layers.map((l) => linkVectors(two.schedule, l))).toEqual([2, 2, 1]);
    const pTwo = designFromPlan(two, true).cost().period;
    const pOne = designFromPlan(one, true).cost().period;
    expect(pTwo).toBeLessThan(pOne);
    // the dense layer (3 groups x 24 issues) is the bottleneck once it overlaps
    expect(pTwo).toBe(3 * 24);
    await expectPipelinedExact(two, 40);
    await expectPipelinedExact(one, 40);
  });

  it('mitbih-dense with two input buffers per dense layer, pipelined', async () => {
    const raw = readJsonFile('examples/mitbih-dense.json') as { layers: Record<string, unknown>[] };
    const net = planNetwork({
      ...raw, schedule: 'pipelined',
      layers: raw.layers.map((l) => ('buffers' in l ? { ...l, buffers: 2 } : l)),
    });
    await expectPipelinedExact(net, 6);
  });
});
