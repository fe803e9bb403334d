/**
 * Network cost face. Cycles come from composing each layer's handshake
 * timing (LayerKind.timing) with the timing of the links between them
 * (rtl-templates/stream_link.v) and the admission rule of the schedule:
 *
 *   - the link after layer k holds C_k whole output vectors, and a vector
 *     enters layer k only while fewer than C_k vectors that entered it have
 *     not yet left its link, so the layer's output is never stalled and its
 *     own timing model holds. C_k = 2 in the pipelined schedule for a layer
 *     whose timing overlaps vectors (double-buffered input), 1 otherwise
 *     (linkVectors);
 *   - link: it cuts each beat into output beats of the next layer's input
 *     width (linkOutLanes: one element, or that layer's "beat" elements); the
 *     first output beat of a beat written at t is offered at t + 2, or the
 *     cycle after the previous output beat is taken if that is later; the
 *     others follow the cycle after each is taken;
 *   - sequential: the next input enters the cycle after the last output.
 * The network's co-simulation asserts measured == predicted for every vector.
 */
import type { LayerCost, OpCounts, HardwareCounts, VectorHandshakes } from '../layers/types.ts';
import type { NetworkLayer, NetworkPlan } from './plan.ts';

/**
 * Whole output vectors the link after `layer` holds (its stream_link DEPTH is
 * this times the layer's output beats): 2 when the network is pipelined and
 * the layer takes its next vector while one is still inside it, else 1.
 */
export function linkVectors(schedule: NetworkPlan['schedule'], layer: NetworkLayer): number {
  return schedule === 'pipelined' && layer.kind.timing(layer.plan).overlaps ? 2 : 1;
}

/**
 * Elements per beat the link after layer k hands on: the next layer's input
 * beat width, or the network's output beat (outBeat) after the last layer;
 * the planner checks that it divides layer k's output lanes.
 */
export function linkOutLanes(net: NetworkPlan, k: number): number {
  return k + 1 < net.layers.length ? net.layers[k + 1].io.inLanes : net.outBeat;
}

/** Whether every link can cut its layer's output beats into the beats after it (the planner's check, for edited plans). */
export function linksCut(net: NetworkPlan): boolean {
  return net.layers.every((l, k) => l.io.outLanes % linkOutLanes(net, k) === 0);
}

export interface NetworkTimeline {
  firstIn: number[];
  lastOut: number[];
  /** per layer, per vector: the cycle of its first input and of its last output beat */
  layers: { firstIn: number[]; lastOut: number[] }[];
}

/** Cycle stamps of `count` vectors offered back to back from cycle 0, outputs always taken. */
export function networkTimeline(net: NetworkPlan, count: number): NetworkTimeline {
  const L = net.layers.length;
  const timing = net.layers.map((l) => l.kind.timing(l.plan));
  const cap = net.layers.map((l) => linkVectors(net.schedule, l));
  const readyAt = new Array<number>(L).fill(0);
  const prev: (VectorHandshakes | undefined)[] = new Array(L).fill(undefined);
  /** per layer: the cycle after vector j's last element left its link */
  const drained: number[][] = net.layers.map(() => []);
  /** per layer: the cycle its link's last element so far was taken */
  const lastTake = new Array<number>(L).fill(-Infinity);
  // a vector may enter layer k once vector j - C_k has left link k
  const admit = (k: number, j: number) => (j >= cap[k] ? drained[k][j - cap[k]] : 0);
  const firstIn: number[] = [];
  const lastOut: number[] = [];
  const layers = net.layers.map(() => ({ firstIn: [] as number[], lastOut: [] as number[] }));
  let lastNetIn = -1;
  let lastNetOut = -1;
  for (let j = 0; j < count; j++) {
    // Network input: the source offers every cycle; layer 0 takes them back to back.
    let start = Math.max(lastNetIn + 1, readyAt[0], admit(0, j));
    if (net.schedule === 'sequential') start = Math.max(start, lastNetOut + 1);
    // one input beat per cycle (of layer 0's input width), as the layer takes them
    const gate0 = timing[0].inputGate?.(prev[0]);
    let handshakes: number[] = [];
    for (let e = 0; e < net.layers[0].io.inBeats; e++) {
      const offer = e === 0 ? start : handshakes[e - 1] + 1;
      handshakes.push(gate0 ? gate0(e, offer) : offer);
    }
    lastNetIn = handshakes[handshakes.length - 1];
    firstIn.push(handshakes[0]);
    for (let k = 0; k < L; k++) {
      const layer = net.layers[k];
      const t = timing[k];
      const beats = t.outputs(handshakes, prev[k]);
      readyAt[k] = t.nextReady(handshakes, beats, prev[k]);
      prev[k] = { inputs: handshakes, outputs: beats };
      layers[k].firstIn.push(handshakes[0]);
      layers[k].lastOut.push(beats[beats.length - 1]);
      // the link after layer k hands the kept lanes on, `out` elements per
      // beat, after the beats of the vectors before this one
      const lanes = layer.io.outLanes;
      const total = layer.shape.outputs;
      const out = linkOutLanes(net, k);
      const consumerReady = k + 1 < L ? Math.max(readyAt[k + 1], admit(k + 1, j)) : 0;
      // (a consumer with an input gate may hold a beat inside the vector)
      const gate = k + 1 < L ? timing[k + 1].inputGate?.(prev[k + 1]) : undefined;
      const taken: number[] = [];
      for (let b = 0; b < beats.length; b++) {
        const kept = Math.min(lanes, total - b * lanes);
        for (let e = 0; e < Math.ceil(kept / out); e++) {
          const before = taken.length ? taken[taken.length - 1] : lastTake[k];
          const offer = e === 0 ? Math.max(beats[b] + 2, before + 1) : before + 1;
          const first = taken.length === 0 ? Math.max(offer, consumerReady) : offer;
          taken.push(gate ? gate(taken.length, first) : first);
        }
      }
      lastTake[k] = taken[taken.length - 1];
      drained[k].push(lastTake[k] + 1);
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
  const tl = networkTimeline(net, 16);
  const perLayer = net.layers.map((l) => ({ name: (l.plan as { name: string }).name, kind: l.kind.kind, cost: l.kind.cost(l.plan) }));
  const sum = <T extends Record<string, number>>(pick: (c: LayerCost) => T): T => {
    const out = {} as Record<string, number>;
    for (const p of perLayer) for (const [k, v] of Object.entries(pick(p.cost))) out[k] = (out[k] ?? 0) + v;
    return out as T;
  };
  const linkBits = net.layers.reduce((s, l) => s + linkVectors(net.schedule, l) * l.io.outBeats * l.io.outLanes * l.io.outWidth, 0);
  return {
    latency: tl.lastOut[0] - tl.firstIn[0],
    period: tl.firstIn[15] - tl.firstIn[14],
    schedule: net.schedule,
    perLayer,
    ops: sum((c) => c.ops as unknown as Record<string, number>) as unknown as OpCounts,
    hardware: { ...(sum((c) => c.hardware as unknown as Record<string, number>) as unknown as HardwareCounts), linkBits },
  };
}
