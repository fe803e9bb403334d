/**
 * A layer as a design under test (src/sim/cosim.ts): one layer's own top,
 * driven through its kind's timing() model, and its co-simulation. Above
 * the simulator: it reads the layer kinds' faces and the network planner's
 * rendering (layerRtl, with the design's module-name check).
 */
import type { LoadedLayer } from '../layers/load.ts';
import { layerTimeline } from '../layers/timeline.ts';
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
    timeline: (count) => layerTimeline(kind.timing(plan), rtl.io.inBeats, count),
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
