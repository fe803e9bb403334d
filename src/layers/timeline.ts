/**
 * One layer alone, inputs offered every cycle from cycle 0 and outputs always
 * taken: the first input and last output handshake of `count` vectors, from
 * the layer's timing face. A vector starts when the layer is ready and its
 * previous vector's last beat is in; its beats follow one a cycle, as the
 * layer's input gate (if any) lets them in. The cycle models of the kinds
 * (conv2d, pool) and a layer's co-simulation (src/network/layer-dut.ts) both
 * run this; a network composes layers with src/network/cost.ts instead.
 */
import type { LayerTiming, VectorHandshakes } from './types.ts';

export function layerTimeline(t: LayerTiming, inBeats: number, count: number): { firstIn: number[]; lastOut: number[] } {
  const firstIn: number[] = [];
  const lastOut: number[] = [];
  let ready = 0;
  let lastIn = -1;
  let prev: VectorHandshakes | undefined;
  for (let j = 0; j < count; j++) {
    const gate = t.inputGate?.(prev);
    const ins: number[] = [];
    for (let b = 0; b < inBeats; b++) {
      const offer = b === 0 ? Math.max(ready, lastIn + 1) : ins[b - 1] + 1;
      ins.push(gate ? gate(b, offer) : offer);
    }
    const outs = t.outputs(ins, prev);
    ready = t.nextReady(ins, outs, prev);
    prev = { inputs: ins, outputs: outs };
    lastIn = ins[ins.length - 1];
    firstIn.push(ins[0]);
    lastOut.push(outs[outs.length - 1]);
  }
  return { firstIn, lastOut };
}
