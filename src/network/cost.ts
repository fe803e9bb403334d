/**
 * Network cost face. Cycles come from composing each layer's handshake
 * timing (LayerKind.timing) with the timing of the links between them
 * (rtl-templates/stream_link.v) and the admission rule of the schedule:
 *
 *   - admission: a vector enters layer k only while fewer than C_k vectors
 *     that entered it have not yet left its link. C_k = 2 in the pipelined
 *     schedule for a layer whose timing overlaps vectors (double-buffered
 *     input), 1 otherwise (linkVectors);
 *   - the link after layer k is a FIFO of the most beats it ever holds under
 *     that rule (linkDepths, from this timeline), so the layer's output is
 *     never stalled and its own timing model holds;
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
 * Vectors that may be inside layer k and its link at once (the admission
 * rule, vector_gate and owed<k> in the network top): 2 when the network is
 * pipelined and the layer takes its next vector while one is still inside
 * it, else 1. The link's DEPTH is linkDepths, not this times a vector's beats.
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
  /**
   * per link (after layer k), per vector: the cycles its beats are written
   * into the link's memory (the layer's output handshakes) and read out of it
   * into the output register `q` (stream_link's `rd`), one pair per beat
   */
  links: { written: number[][]; read: number[][] }[];
  /**
   * per vector j: everything the timeline carries from vector j to vector
   * j + 1 (network input and output stamps, each layer's readiness, input
   * and output handshakes, its link's last take and the drain stamps the
   * admission rule still looks at), minus firstIn[j]; see linkDepths
   */
  carried: number[][];
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
  const links = net.layers.map(() => ({ written: [] as number[][], read: [] as number[][] }));
  const carried: number[][] = [];
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
      const read: number[] = [];
      for (let b = 0; b < beats.length; b++) {
        const kept = Math.min(lanes, total - b * lanes);
        for (let e = 0; e < Math.ceil(kept / out); e++) {
          const before = taken.length ? taken[taken.length - 1] : lastTake[k];
          const offer = e === 0 ? Math.max(beats[b] + 2, before + 1) : before + 1;
          // the beat leaves the memory (rd) the cycle before its first output beat is offered
          if (e === 0) read.push(offer - 1);
          const first = taken.length === 0 ? Math.max(offer, consumerReady) : offer;
          taken.push(gate ? gate(taken.length, first) : first);
        }
      }
      links[k].written.push(beats);
      links[k].read.push(read);
      lastTake[k] = taken[taken.length - 1];
      drained[k].push(lastTake[k] + 1);
      handshakes = taken;
    }
    lastNetOut = handshakes[handshakes.length - 1];
    lastOut.push(lastNetOut);
    const state = [lastNetIn, lastNetOut, ...readyAt, ...lastTake];
    for (let k = 0; k < L; k++) {
      state.push(...prev[k]!.inputs, ...prev[k]!.outputs);
      // admit(k, j + 1 .. j + cap) reads drained[k][j + 1 - cap .. j]
      for (let i = j + 1 - cap[k]; i <= j; i++) state.push(i >= 0 ? drained[k][i] : -Infinity);
    }
    carried.push(state.map((t) => t - firstIn[j]));
  }
  return { firstIn, lastOut, layers, links, carried };
}

/**
 * The most beats the link after each layer ever holds (its stream_link DEPTH),
 * from the timeline of vectors offered back to back, outputs always taken.
 *
 * A beat written at cycle w (the producer's output handshake) is counted
 * from w until the cycle r it is read into the link's output register
 * (stream_link's `rd`; the count drops at the end of that cycle): stream_link
 * accepts a write only while `count` (beats written before w and not read
 * before w) is below DEPTH, so DEPTH must be at least the number of beats i
 * with w_i <= w <= r_i, for every write cycle w. The result is that maximum,
 * so a producer is never held (s_ready stays high at full rate) and every
 * layer keeps its own timing.
 *
 * Why the vectors simulated are enough (the periodic steady state):
 *  1. Vector j + 1's stamps are a function of the state carried after vector
 *     j (NetworkTimeline.carried), and that function commutes with a shift of
 *     time: every stamp is a max of earlier stamps plus constants (the layer
 *     timing models and the link and admission rules are such functions).
 *  2. So if carried[j] equals carried[j - c] (both taken relative to their
 *     vector's first input, so equal means "the same state shifted by
 *     P = firstIn[j] - firstIn[j - c]"), then vector j + 1 is vector
 *     j + 1 - c shifted by P, its carried state is carried[j + 1 - c], and by
 *     induction every vector v > j is vector v - c shifted by P.
 *  3. A write of vector v into link k finds beats of vectors v - C_k + 1 .. v
 *     only (C_k = linkVectors <= 2): vector v entered layer k after vector
 *     v - C_k's last beat was taken from link k, which is after it was read.
 *  4. Hence for v > j the beats held at any write of vector v belong to
 *     vectors v - 1 and v, all at least j - c - 1 + 1, inside the part where
 *     2. holds, so they are the beats held at the matching write of vector
 *     v - c, shifted by P: the same count. By induction on v, the maximum
 *     over the writes of vectors 0 .. j is the maximum over an endless
 *     back-to-back stream; vector 0 starts from idle, so a lone inference is
 *     covered too.
 * The timeline is run for more vectors until such a j (with c <= 4) shows up.
 */
export function linkDepths(net: NetworkPlan): number[] {
  const known = depthCache.get(net);
  if (known && known.layers === net.layers && known.schedule === net.schedule) return known.depths;
  for (let count = 4; count <= 512; count *= 2) {
    const depths = depthsFrom(networkTimeline(net, count));
    if (depths) return remember(net, depths);
  }
  throw new Error(`linkDepths: network ${net.name}: its timeline does not become periodic within 512 vectors (a layer timing model that is not shift-invariant?)`);
}

/** linkDepths of plans already sized (fill prices each setting's cost and inventory, both need them) */
const depthCache = new WeakMap<NetworkPlan, { layers: NetworkPlan['layers']; schedule: NetworkPlan['schedule']; depths: number[] }>();
function remember(net: NetworkPlan, depths: number[]): number[] {
  depthCache.set(net, { layers: net.layers, schedule: net.schedule, depths });
  return depths;
}

/** The link depths from a timeline that reaches the periodic state (see linkDepths), or undefined when it does not yet. */
function depthsFrom(tl: NetworkTimeline): number[] | undefined {
  const count = tl.firstIn.length;
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  for (let j = 2; j < count; j++) {
    const c = [1, 2, 3, 4].find((c) => j - c >= 1 && same(tl.carried[j], tl.carried[j - c]));
    if (c === undefined) continue;
    return tl.links.map((link) => {
      const w = link.written.slice(0, j + 1).flat();
      const r = link.read.slice(0, j + 1).flat();
      // both are in FIFO order and non-decreasing: slide the oldest unread beat
      let oldest = 0;
      let peak = 1;
      for (let i = 0; i < w.length; i++) {
        while (r[oldest] < w[i]) oldest++;
        peak = Math.max(peak, i - oldest + 1);
      }
      return peak;
    });
  }
  return undefined;
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
  const known = depthCache.get(net);
  const fromTl = known && known.layers === net.layers && known.schedule === net.schedule ? undefined : depthsFrom(tl);
  const depths = fromTl ? remember(net, fromTl) : linkDepths(net);
  const perLayer = net.layers.map((l) => ({ name: (l.plan as { name: string }).name, kind: l.kind.kind, cost: l.kind.cost(l.plan) }));
  const sum = <T extends Record<string, number>>(pick: (c: LayerCost) => T): T => {
    const out = {} as Record<string, number>;
    for (const p of perLayer) for (const [k, v] of Object.entries(pick(p.cost))) out[k] = (out[k] ?? 0) + v;
    return out as T;
  };
  const linkBits = net.layers.reduce((s, l, k) => s + depths[k] * l.io.outLanes * l.io.outWidth, 0);
  return {
    latency: tl.lastOut[0] - tl.firstIn[0],
    period: tl.firstIn[15] - tl.firstIn[14],
    schedule: net.schedule,
    perLayer,
    ops: sum((c) => c.ops as unknown as Record<string, number>) as unknown as OpCounts,
    hardware: { ...(sum((c) => c.hardware as unknown as Record<string, number>) as unknown as HardwareCounts), linkBits },
  };
}
