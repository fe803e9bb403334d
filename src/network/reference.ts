/** The network's reference model: the composition of its layers' models. */
import type { NetworkPlan } from './plan.ts';

export interface NetworkReference {
  /** the network's outputs (the last layer's) */
  y: number[];
  /** every layer's output, in order */
  perLayer: number[][];
  overflow: boolean;
}

export function networkReference(net: NetworkPlan, x: readonly number[]): NetworkReference {
  let v: readonly number[] = x;
  let overflow = false;
  const perLayer: number[][] = [];
  for (const l of net.layers) {
    const r = l.kind.reference(l.plan, v);
    overflow ||= r.overflow;
    perLayer.push(r.y);
    v = r.y;
  }
  return { y: perLayer[perLayer.length - 1], perLayer, overflow };
}

/** The float model through every layer, each on the real value of its fixed-point input. */
export function networkFloat(net: NetworkPlan, x: readonly number[]): number[] {
  let v: readonly number[] = x;
  let out: number[] = [];
  for (const l of net.layers) {
    out = l.kind.float(l.plan, v);
    v = l.kind.reference(l.plan, v).y; // the next layer sees what the hardware gives it
  }
  return out;
}
