/** A network as a design under test: its top, its composed reference model, its timeline. */
import type { DesignUnderTest } from '../sim/cosim.ts';
import type { NetworkPlan } from './plan.ts';
import { networkReference } from './reference.ts';
import { networkTimeline } from './cost.ts';
import { networkRtl } from './rtl.ts';

export function networkDut(net: NetworkPlan): DesignUnderTest {
  return {
    label: net.name,
    rtl: networkRtl(net),
    inputs: net.inputs,
    inWidth: net.inWidth,
    reference: (x) => {
      const r = networkReference(net, x);
      return { y: r.y, overflow: r.overflow };
    },
    timeline: (count) => networkTimeline(net, count),
    formula: `composed from ${net.layers.length} layer timing model(s), ${net.schedule} schedule`,
  };
}
