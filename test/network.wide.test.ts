/**
 * Wide beats inside a network (issue 15, item 2): the network's input port
 * takes layer 0's input beat, and the stream_link after a layer cuts its
 * output beats into the next layer's input beats. Co-simulated bit-exact
 * (value for value, overflow flag) under random stalls; at full rate every
 * vector's latency and period equal the composed timeline, under both
 * schedules.
 */
import { describe, expect, it } from 'vitest';
import { planNetwork } from '../src/network/plan.ts';
import { readJsonFile } from '../src/layers/load.ts';
import { designFromPlan } from '../src/network/design.ts';
import { networkRtl } from '../src/network/rtl.ts';
import { linkOutLanes, linksCut } from '../src/network/cost.ts';
import { loadLayerSpec } from '../src/layers/load.ts';
import { expectNetworkExact } from './network-cosim.ts';
import { protoDesign } from '../src/network/proto-top.ts';
import { networkReference } from '../src/network/reference.ts';
import { startUartSession } from '../src/sim/uart.ts';
import { makeVectors } from '../src/sim/vectors.ts';
import { runOnDevice } from '../src/host/run.ts';
import { CircaInputError } from '../src/errors.ts';

const band = (n: number, lanes: number, beat: number, extra: Record<string, unknown> = {}) => ({
  kind: 'tvscm', n, lanes, beat, placement: { type: 'band', radius: 1 }, weights: { a: 0.5, b: -0.25 },
  output: { format: { int: 1, frac: 6 }, relu: true }, input: { int: 1, frac: 6 }, ...extra,
});

describe('wide beats inside a network', { tags: ['tools'] }, () => {
  it('TVSCM (4 per beat) -> TVSCM (2 per beat, cut from 4 lanes) -> argmax: ports and links follow the beats', async () => {
    for (const schedule of ['sequential', 'pipelined'] as const) {
      const net = planNetwork({ network: 'wide', schedule, layers: [band(24, 4, 4), band(24, 2, 2), { kind: 'argmax', n: 24, input: { int: 1, frac: 6 } }] });
      const rtl = networkRtl(net);
      expect(rtl.io.inLanes).toBe(4);
      expect(rtl.io.inBeats).toBe(6);
      expect([0, 1, 2].map((k) => linkOutLanes(net, k))).toEqual([2, 1, 1]);
      const top = rtl.sources.at(-1)!.text;
      expect(top).toMatch(/input\s+wire\s+\[31:0\]\s+s_data/);
      expect(top).toMatch(/\.OUT_LANES\s*\(2\)/);
      await expectNetworkExact(net, 24);
    }
  });

  it('dense layers with wide beats: first layer (2 per beat), and after a TVSCM (4 per beat, cut from 4 lanes), both schedules', async () => {
    const dense = (inputs: number, outputs: number, lanes: number, beat: number, seed: number) => ({
      kind: 'dense', inputs, outputs, lanes, beat, input: { int: 1, frac: 6 }, weights: { init: 'random', seed },
      output: { format: { int: 1, frac: 6 } }, activation: 'relu',
    });
    for (const schedule of ['sequential', 'pipelined'] as const) {
      const net = planNetwork({
        network: 'dwide', schedule,
        layers: [dense(16, 24, 4, 2, 3), band(24, 4, 4), dense(24, 6, 2, 4, 5), { kind: 'argmax', n: 6, input: { int: 1, frac: 6 } }],
      });
      expect(networkRtl(net).io.inLanes).toBe(2);
      expect([0, 1, 2, 3].map((k) => linkOutLanes(net, k))).toEqual([4, 4, 1, 1]);
      await expectNetworkExact(net, 24);
    }
    // the dense layer's beat of 4 cannot be cut from a 2-lane TVSCM's beats
    expect(() => planNetwork({ network: 'dwide', layers: [band(24, 2, 1), dense(24, 6, 2, 4, 5)] }))
      .toThrow(/^layers\[1\]\.beat: takes 4 elements per input beat, but layers\[0\] \(tvscm\) gives 2 per output beat; .*one of 1, 2$/);
  });

  it('a short last beat: 10 elements, 4-lane producer, 4-per-beat consumer (beats of 4, 4, 2)', async () => {
    const net = planNetwork({ network: 'short', schedule: 'pipelined', layers: [band(10, 4, 2), band(10, 4, 4)] });
    expect(networkRtl(net).io.inBeats).toBe(5);
    expect(net.layers[1].io.inBeats).toBe(3);
    await expectNetworkExact(net, 30);
  });

  it('the network output carries outBeat elements per beat (m_keep marks the short last one)', async () => {
    // 10 outputs from 4 lanes (beats of 4, 4, 2) cut into beats of 2; then of 4 (the last beat keeps 2)
    for (const outBeat of [2, 4]) {
      const net = planNetwork({ network: 'outw', schedule: 'pipelined', outBeat, layers: [band(10, 2, 2), band(10, 4, 2)] });
      const rtl = networkRtl(net);
      expect([rtl.io.outLanes, rtl.io.outBeats]).toEqual([outBeat, Math.ceil(10 / outBeat)]);
      await expectNetworkExact(net, 30);
    }
    expect(() => planNetwork({ network: 'outw', outBeat: 3, layers: [band(10, 2, 2), band(10, 4, 2)] })).toThrow(CircaInputError);
    expect(() => planNetwork({ network: 'outw', outBeat: 3, layers: [band(10, 2, 2), band(10, 4, 2)] }))
      .toThrow(/^outBeat: 3 elements per output beat, but layers\[1\] \(tvscm\) gives 4 per beat; .*one of 1, 2, 4$/);
  });

  it('behind the board\'s UART top: 6 inputs in 4-element beats, answers in 2-element beats, equal to the reference', async () => {
    const net = planNetwork({ network: 'wuart', schedule: 'pipelined', outBeat: 2, layers: [band(24, 4, 4), band(24, 2, 2)] });
    const design = designFromPlan(net, true);
    const sim = await startUartSession(protoDesign(design.rtl(), { clksPerBit: 8 }), { clksPerBit: 8 });
    try {
      const inputs = makeVectors(6, net.inputs, net.inWidth, 5).map((v) => v.x);
      const r = await runOnDevice(design, sim, inputs, { status: true });
      expect(r.matched).toBe(6);
      for (const [k, v] of r.vectors.entries()) expect(v.outputs).toEqual(networkReference(net, inputs[k]).y);
      expect(r.status!.device.lastCycles).toBe(design.cost().latency);
    } finally {
      await sim.end();
    }
  });

  it('examples/tvscm-chain-wide.json under both schedules: bit-exact, cycles as predicted; pipelined, a vector every 394 cycles', async () => {
    const raw = readJsonFile('examples/tvscm-chain-wide.json') as Record<string, unknown>;
    for (const schedule of ['pipelined', 'sequential']) {
      const net = planNetwork({ ...raw, schedule });
      const full = await expectNetworkExact(net, 8);
      if (schedule === 'pipelined') expect(full.cycles.predictedPeriod).toBe(394);
    }
  });

  it('linksCut (what --fill checks on the plans it edits) agrees with the planner', () => {
    const net = planNetwork({ network: 'cut', layers: [band(24, 4, 1), band(24, 2, 2)] });
    expect(linksCut(net)).toBe(true);
    // layer 0 re-planned with 3 lanes: its beats of 3 cannot be cut into layer 1's beats of 2
    const three = loadLayerSpec({ ...band(24, 3, 1), name: 'l0' });
    const edited = { ...net, layers: [{ ...net.layers[0], ...three, io: three.kind.io(three.plan) }, net.layers[1]] };
    expect(linksCut(edited)).toBe(false);
    expect(() => planNetwork({ network: 'cut', layers: [band(24, 3, 1), band(24, 2, 2)] })).toThrow(/^layers\[1\]\.beat: /);
    expect(linksCut({ ...net, outBeat: 4 })).toBe(false);
  });

  it('wide beats shorten the pipelined period: two TVSCM layers of 784 on 2 lanes each, within 1.25x of the 8-DSP bound', () => {
    const cost = (beat: number) => designFromPlan(planNetwork({
      network: 'p', schedule: 'pipelined', outBeat: beat, layers: [band(784, 2, beat), band(784, 2, beat)],
    }), true).cost();
    const narrow = cost(1);
    const wide = cost(2);
    // 2 x 1,568 multiplies on 8 multipliers (2 per lane): the bound is 392 cycles
    expect(wide.ops.multiplies).toBe(2 * 1_568);
    expect(narrow.period).toBe(784);
    expect(wide.period).toBeLessThanOrEqual(1.25 * 392);
  });
});
