/**
 * Networks: chaining checks, the paper's parameter counts, and co-simulation
 * of whole networks (bit-exact, cycles == the composed timeline) under both
 * schedules.
 */
import { describe, expect, it } from 'vitest';
import { loadAnyFile, planNetwork } from '../src/network/plan.ts';
import { loadDesign, designFromPlan } from '../src/network/design.ts';
import { networkReference } from '../src/network/reference.ts';
import { CircaInputError } from '../src/errors.ts';
import { readJsonFile } from '../src/layers/load.ts';
import { makeVectors } from '../src/sim/vectors.ts';
import { expectNetworkExact } from './network-exact.ts';

const tvscm16 = { kind: 'tvscm', n: 16, lanes: 4, placement: { type: 'band', radius: 1 }, weights: { a: 0.5, b: 0.25 } };
const dense16 = { kind: 'dense', inputs: 16, outputs: 5, weights: { init: 'random', seed: 3 } };

function inputError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CircaInputError);
    return (e as Error).message;
  }
  throw new Error('expected a CircaInputError');
}

describe('network spec checks', () => {
  it('shapes must chain', () => {
    expect(inputError(() => planNetwork({ network: 'n', layers: [tvscm16, { ...dense16, inputs: 15 }] })))
      .toMatch(/^layers\[1\]: takes 15 inputs but layers\[0\] \(tvscm\) gives 16; shapes must chain/);
  });
  it('formats must chain', () => {
    expect(inputError(() => planNetwork({ network: 'n', layers: [tvscm16, { ...dense16, input: { int: 1, frac: 6 } }] })))
      .toMatch(/^layers\[1\]\.input: format Q1\.6 \(8 bits\) does not match the output format of layers\[0\], Q0\.7 \(8 bits\)/);
  });
  it('a layer\'s own bad field is named with its index', () => {
    expect(inputError(() => planNetwork({ network: 'n', layers: [{ ...tvscm16, lanes: 17 }, dense16] })))
      .toMatch(/^layers\[0\]\.lanes: must be in 1\.\.16/);
    expect(inputError(() => planNetwork({ network: 'n', layers: [tvscm16, { ...dense16, kind: 'conv' }] })))
      .toMatch(/^layers\[1\]\.kind: unknown layer kind "conv"/);
  });
  it('a wide-beat layer must take a width that divides the previous layer\'s output lanes (the link cuts them)', () => {
    // tvscm16 gives 4 lanes per output beat: a beat of 2 or 4 is cut from it, 8 is not (lanes 8 so that the beat divides them)
    expect(() => planNetwork({ network: 'n', layers: [tvscm16, { ...tvscm16, beat: 4 }] })).not.toThrow();
    expect(() => planNetwork({ network: 'n', layers: [{ ...tvscm16, beat: 4 }, dense16] })).not.toThrow();
    expect(inputError(() => planNetwork({ network: 'n', layers: [tvscm16, { ...tvscm16, lanes: 8, beat: 8 }] })))
      .toMatch(/^layers\[1\]\.beat: takes 8 elements per input beat, but layers\[0\] \(tvscm\) gives 4 per output beat; .*one of 1, 2, 4$/);
    expect(inputError(() => planNetwork({ network: 'n', layers: [{ ...tvscm16, lanes: 3 }, { ...tvscm16, lanes: 2, beat: 2 }] })))
      .toMatch(/^layers\[1\]\.beat: takes 2 elements per input beat, but layers\[0\] \(tvscm\) gives 3 per output beat; .*one of 1, 3$/);
  });
  it('argmax must be last, names must be unique, the schedule must be known', () => {
    expect(inputError(() => planNetwork({ network: 'n', layers: [{ kind: 'argmax', n: 16 }, tvscm16] }))).toMatch(/argmax must be the last layer/);
    expect(inputError(() => planNetwork({ network: 'n', layers: [{ ...tvscm16, name: 'a' }, { ...tvscm16, name: 'a' }] }))).toMatch(/layers\[1\]\.name: "a" is used/);
    expect(inputError(() => planNetwork({ network: 'n', schedule: 'eager', layers: [tvscm16] }))).toMatch(/^schedule: /);
    expect(inputError(() => planNetwork({ network: 'n', layers: [] }))).toMatch(/^layers: /);
  });
});

describe('the paper networks', () => {
  // docs/references.md, TVSCM (arXiv 2605.16443): the four parameter counts.
  const counts: [string, number][] = [
    ['mnist-dense', 623_290], ['mnist-tvscm', 7_852], ['mitbih-dense', 24_709], ['mitbih-tvscm', 942],
  ];
  for (const [name, params] of counts) {
    it(`${name} has exactly ${params.toLocaleString('en-US')} parameters`, () => {
      expect(loadDesign(`examples/${name}.json`).cost().ops.parameters).toBe(params);
    });
  }
  it('the reference model of a network is the composition of its layers', () => {
    const net = loadAnyFile('examples/mitbih-tvscm.json');
    const x = makeVectors(9, 187, 8, 2)[8].x;
    const r = networkReference(net, x);
    let v: readonly number[] = x;
    for (const [k, l] of net.layers.entries()) {
      v = l.kind.reference(l.plan, v).y;
      expect(r.perLayer[k]).toEqual(v);
    }
    expect(r.y).toHaveLength(2); // argmax: index, value
  });
});


describe('network co-simulation: bit-exact, cycles == the composed timeline', { tags: ['tools'] }, () => {
  for (const name of ['mnist-tvscm', 'mitbih-tvscm']) {
    for (const schedule of ['sequential', 'pipelined']) {
      it(`${name}, ${schedule}: 200 inputs`, async () => {
        const raw = { ...(readJsonFile(`examples/${name}.json`) as object), schedule };
        const full = await expectNetworkExact(raw, 200);
        if (schedule === 'sequential') {
          // one inference at a time: the period is the latency plus the cycle to start again
          expect(full.cycles.predictedPeriod).toBe(full.cycles.predictedLatency + 1);
        } else {
          // pipelined overlaps inferences: a shorter period than sequential
          const seq = designFromPlan(planNetwork({ ...(raw as object), schedule: 'sequential' }), true).cost();
          expect(full.cycles.predictedPeriod).toBeLessThan(seq.period);
        }
      });
    }
  }

  it('mitbih-dense (the baseline), sequential: 50 inputs', async () => {
    await expectNetworkExact(readJsonFile('examples/mitbih-dense.json'), 50);
  });

  // mnist-dense (the baseline, 615k weights in ROM, the longest Verilator build here): test/network.deep.test.ts

  it('a small network with odd sizes, hardtanh and an activation between layers, both schedules', async () => {
    for (const schedule of ['sequential', 'pipelined']) {
      await expectNetworkExact({
        network: 'odd', schedule,
        layers: [
          { kind: 'tvscm', n: 13, lanes: 3, placement: { type: 'band', radius: 2 }, weights: { a: 0.5, b: -0.25 }, output: { format: { int: 1, frac: 6 } } },
          { kind: 'activation', n: 13, function: 'hardtanh', input: { int: 1, frac: 6 }, output: { format: { int: 0, frac: 7 } } },
          { kind: 'dense', inputs: 13, outputs: 7, lanes: 3, weights: { init: 'random', seed: 9 }, activation: 'relu' },
          { kind: 'tvscm', n: 7, lanes: 2, placement: { type: 'complement' }, weights: { a: 0.75, b: 0.125 } },
          { kind: 'argmax', n: 7 },
        ],
      }, 40);
    }
  });

  it('a layer\'s output on request: the network cut after that layer', async () => {
    const raw = readJsonFile('examples/mitbih-tvscm.json') as { layers: unknown[] };
    const cut = { ...raw, layers: raw.layers.slice(0, 1) };
    const full = await expectNetworkExact(cut, 20);
    expect(full.vectors).toBe(20);
  });
});
