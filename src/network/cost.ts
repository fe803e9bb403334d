/**
 * Network cost face. Cycles come from composing each layer's handshake
 * timing (LayerKind.timing) with the timing of the links between them
 * (rtl-templates/stream_link.v) and the admission rule of the schedule:
 *
 *   - a layer starts a vector only when its output link is empty, so its
 *     output is never stalled and its own timing model holds;
 *   - link: the first element of a beat written at t is offered at t + 2, or
 *     the cycle after the previous element is taken if that is later; the
 *     other elements of a beat follow the cycle after each is taken;
 *   - sequential: the next input enters the cycle after the last output.
 * The network's co-simulation asserts measured == predicted for every vector.
 */
import type { LayerCost, OpCounts, HardwareCounts } from '../layers/types.ts';
import type { NetworkPlan } from './plan.ts';

export interface NetworkTimeline {
  firstIn: number[];
  lastOut: number[];
  /** per layer, per vector: the cycle of its first input and of its last output beat */
  layers: { firstIn: number[]; lastOut: number[] }[];
}

/** Cycle stamps of `count` vectors offered back to back from cycle 0, outputs always taken. */
export function networkTimeline(net: NetworkPlan, count: number): NetworkTimeline {
  const L = net.layers.length;
  const readyAt = new Array<number>(L).fill(0);
  const linkEmptyAt = new Array<number>(L).fill(0);
  const firstIn: number[] = [];
  const lastOut: number[] = [];
  const layers = net.layers.map(() => ({ firstIn: [] as number[], lastOut: [] as number[] }));
  let lastNetIn = -1;
  let lastNetOut = -1;
  for (let j = 0; j < count; j++) {
    // Network input: the source offers every cycle; layer 0 takes them back to back.
    let start = Math.max(lastNetIn + 1, readyAt[0], linkEmptyAt[0]);
    if (net.schedule === 'sequential') start = Math.max(start, lastNetOut + 1);
    // one input beat per cycle (a multi-layer network's layers take one element per beat; see plan.ts)
    let handshakes = Array.from({ length: net.layers[0].io.inBeats }, (_, e) => start + e);
    lastNetIn = handshakes[handshakes.length - 1];
    firstIn.push(start);
    for (let k = 0; k < L; k++) {
      const layer = net.layers[k];
      const t = layer.kind.timing(layer.plan);
      const beats = t.outputs(handshakes);
      readyAt[k] = t.nextReady(handshakes, beats);
      layers[k].firstIn.push(handshakes[0]);
      layers[k].lastOut.push(beats[beats.length - 1]);
      // the link after layer k hands the kept lanes on, one element per beat
      const lanes = layer.io.outLanes;
      const total = layer.shape.outputs;
      const consumerReady = k + 1 < L ? Math.max(readyAt[k + 1], linkEmptyAt[k + 1]) : 0;
      const taken: number[] = [];
      for (let b = 0; b < beats.length; b++) {
        const kept = Math.min(lanes, total - b * lanes);
        for (let e = 0; e < kept; e++) {
          const prev = taken.length ? taken[taken.length - 1] : -Infinity;
          const offer = e === 0 ? Math.max(beats[b] + 2, prev + 1) : prev + 1;
          taken.push(taken.length === 0 ? Math.max(offer, consumerReady) : offer);
        }
      }
      linkEmptyAt[k] = taken[taken.length - 1] + 1;
      handshakes = taken;
    }
    lastNetOut = handshakes[handshakes.length - 1];
    lastOut.push(lastNetOut);
  }
  return { firstIn, lastOut, layers };
}

export interface NetworkCost {
  /** cycles from the first input to the last output of one inference, from idle */
  latency: number;
  /** cycles between inferences in steady state, inputs back to back */
  period: number;
  schedule: string;
  perLayer: { name: string; kind: string; cost: LayerCost }[];
  ops: OpCounts;
  hardware: HardwareCounts & { linkBits: number };
}

export function networkCost(net: NetworkPlan): NetworkCost {
  const tl = networkTimeline(net, 6);
  const perLayer = net.layers.map((l) => ({ name: (l.plan as { name: string }).name, kind: l.kind.kind, cost: l.kind.cost(l.plan) }));
  const sum = <T extends Record<string, number>>(pick: (c: LayerCost) => T): T => {
    const out = {} as Record<string, number>;
    for (const p of perLayer) for (const [k, v] of Object.entries(pick(p.cost))) out[k] = (out[k] ?? 0) + v;
    return out as T;
  };
  const linkBits = net.layers.reduce((s, l) => s + l.io.outBeats * l.io.outLanes * l.io.outWidth, 0);
  return {
    latency: tl.lastOut[0] - tl.firstIn[0],
    period: tl.firstIn[5] - tl.firstIn[4],
    schedule: net.schedule,
    perLayer,
    ops: sum((c) => c.ops as unknown as Record<string, number>) as unknown as OpCounts,
    hardware: { ...(sum((c) => c.hardware as unknown as Record<string, number>) as unknown as HardwareCounts), linkBits },
  };
}
