/**
 * A layer as a design under test (src/sim/cosim.ts): one layer's own top,
 * driven through its kind's timing() model, and its co-simulation. Above
 * the simulator: it reads the layer kinds' faces and the network planner's
 * rendering (layerRtl, with the design's module-name check).
 */
import type { LoadedLayer } from '../layers/load.ts';
import type { VectorHandshakes } from '../layers/types.ts';
import { cosim, type CosimOptions, type CosimReport, type DesignUnderTest } from '../sim/cosim.ts';
import { layerRtl, type NetworkLayer } from './plan.ts';

/** One layer's own top, driven directly: its timing() model, inputs back to back. */
export function layerDut(layer: LoadedLayer | NetworkLayer): DesignUnderTest {
  const { kind, plan } = layer;
  const shape = kind.shape(plan);
  // a planned layer renders once, with the design's module-name check (layerRtl)
  const rtl = 'io' in layer ? layerRtl(layer) : kind.rtl(plan);
  return {
    label: (plan as { name?: string }).name ?? kind.kind,
    rtl,
    inputs: shape.inputs,
    inWidth: shape.inWidth,
    reference: (x) => kind.reference(plan, x),
    timeline: (count) => {
      const t = kind.timing(plan);
      const firstIn: number[] = [];
      const lastOut: number[] = [];
      let ready = 0;
      let lastIn = -1;
      let prev: VectorHandshakes | undefined;
      for (let j = 0; j < count; j++) {
        const start = Math.max(ready, lastIn + 1);
        // one input beat per cycle (a beat is inLanes elements), as the layer takes them
        const gate = t.inputGate?.(prev);
        const ins: number[] = [];
        for (let e = 0; e < rtl.io.inBeats; e++) {
          const offer = e === 0 ? start : ins[e - 1] + 1;
          ins.push(gate ? gate(e, offer) : offer);
        }
        const outs = t.outputs(ins, prev);
        ready = t.nextReady(ins, outs, prev);
        prev = { inputs: ins, outputs: outs };
        lastIn = ins[ins.length - 1];
        firstIn.push(ins[0]);
        lastOut.push(outs[outs.length - 1]);
      }
      return { firstIn, lastOut };
    },
    formula: kind.cost(plan).cycles.formula,
    ...(kind.vectors ? { vectors: (count: number, seed: number) => kind.vectors!(plan, count, seed) } : {}),
  };
}

const layerDuts = new WeakMap<LoadedLayer, DesignUnderTest>();

/** Co-simulate one layer. Its design (and so its vector sets and reference outputs) is made once per layer object. */
export function cosimLayer(layer: LoadedLayer, opts: CosimOptions = {}): Promise<CosimReport> {
  let dut = layerDuts.get(layer);
  if (!dut) layerDuts.set(layer, (dut = layerDut(layer)));
  return cosim(dut, opts);
}
