/**
 * What every command works on: a single layer (its own top) or a network
 * (the composed top), loaded from one JSON file.
 */
import { readJsonFile } from '../layers/load.ts';
import { CircaInputError } from '../errors.ts';
import { dirname } from 'node:path';
import type { LayerRtl, OpCounts, HardwareCounts } from '../layers/types.ts';
import { type DesignUnderTest } from '../sim/cosim.ts';
import { layerDut } from './layer-dut.ts';
import { layerRtl, planAny, type NetworkPlan } from './plan.ts';
import { networkCost } from './cost.ts';
import { networkDut } from './cosim.ts';
import { networkRtl } from './rtl.ts';

export interface DesignCost {
  latency: number;
  period: number;
  formula: string;
  ops: OpCounts;
  hardware: HardwareCounts & { linkBits: number };
  perLayer: { name: string; kind: string; latency: number; parameters: number; multipliers: number }[];
}

export interface Design {
  name: string;
  /** a network file (composed top) or a single layer (its own top) */
  isNetwork: boolean;
  net: NetworkPlan;
  rtl(): LayerRtl;
  dut(): DesignUnderTest;
  cost(): DesignCost;
  describe(): string[];
}

/** Every Design designFromPlan made (loadDesign and designFromSpec go through it): the library's functions take only these. */
const DESIGNS = new WeakSet<object>();

/** Whether `d` is a Design circa made (not a look-alike object, a Proxy or a copy). */
export function isDesign(d: unknown): d is Design {
  return typeof d === 'object' && d !== null && DESIGNS.has(d);
}

export function designFromPlan(net: NetworkPlan, isNetwork: boolean): Design {
  const single = net.layers[0];
  let rtl: LayerRtl | undefined;
  const design: Design = {
    name: isNetwork ? net.name : (single.plan as { name: string }).name,
    isNetwork,
    net,
    rtl: () => (rtl ??= isNetwork ? networkRtl(net) : layerRtl(single)),
    dut: () => (isNetwork ? networkDut(net) : layerDut(single)),
    cost: () => {
      const nc = networkCost(net);
      const perLayer = nc.perLayer.map((p) => ({
        name: p.name, kind: p.kind, latency: p.cost.cycles.latency, parameters: p.cost.ops.parameters, multipliers: p.cost.hardware.multipliers,
      }));
      if (isNetwork) {
        return { latency: nc.latency, period: nc.period, formula: `${net.layers.length} layers composed, ${net.schedule} schedule`, ops: nc.ops, hardware: nc.hardware, perLayer };
      }
      const c = single.kind.cost(single.plan);
      return { latency: c.cycles.latency, period: c.cycles.period, formula: c.cycles.formula, ops: c.ops, hardware: { ...c.hardware, linkBits: 0 }, perLayer };
    },
    describe: () => isNetwork
      ? [`network ${net.name}: ${net.layers.length} layers, ${net.schedule} schedule, ${net.inputs} inputs -> ${net.outputs} outputs`,
        ...net.layers.map((l, k) => `  [${k}] ${l.kind.describe(l.plan).join('; ')}`)]
      : single.kind.describe(single.plan),
  };
  DESIGNS.add(design);
  return design;
}

export interface LoadOptions {
  /** keep only layers 0..upTo of a network, so that layer's output is the one compared */
  upTo?: number;
  /** refuse a design far beyond any iCE40's memory before its RTL is rendered (src/network/limits.ts) */
  sizeLimit?: boolean;
}

export function loadDesign(path: string, opts: LoadOptions = {}): Design {
  if (typeof path !== 'string' || path.length === 0) throw new CircaInputError(`loadDesign: path: expected a spec file's path (a non-empty string), got ${path === null ? 'null' : typeof path}`);
  let raw = readJsonFile(path);
  const isNetwork = typeof raw === 'object' && raw !== null && 'layers' in raw;
  if (opts.upTo !== undefined) {
    const layers = isNetwork ? (raw as { layers: unknown }).layers : undefined;
    if (!Array.isArray(layers)) throw new CircaInputError(`--layer: ${path} is a single layer, not a network`);
    if (opts.upTo >= layers.length) {
      throw new CircaInputError(`--layer: must be in 0..${layers.length - 1} (the network has ${layers.length} layers), got ${opts.upTo}`);
    }
    // layer k's output leaves one element per beat (outBeat was chosen for the last layer's lanes)
    raw = { ...(raw as object), layers: layers.slice(0, opts.upTo + 1), outBeat: 1 };
  }
  return designFromPlan(planAny(raw, `${path}: `, { sizeLimit: opts.sizeLimit, baseDir: dirname(path) }), isNetwork);
}
