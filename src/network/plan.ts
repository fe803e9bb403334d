/**
 * The network plan: each layer loaded through its own kind (errors carry the
 * layer's index), shapes and formats checked to chain, and the buffer after
 * each layer sized to hold one whole output vector.
 */
import { CircaInputError } from '../errors.ts';
import { withoutSchemaKey } from '../json.ts';
import { formatName, type QFormat } from '../fixed/index.ts';
import { checkCounts, checkJsonShape, loadLayerSpec, readJsonFile, formatZodError, type LoadedLayer } from '../layers/load.ts';
import { MAX_NAME_LENGTH, moduleClash } from '../verilog/names.ts';
import { divisorList, MAX_LAYER_WEIGHTS } from '../layers/formats.ts';
import { checkMemory } from './limits.ts';
import type { LayerRtl, LayerShape } from '../layers/types.ts';
import type { StreamInterface } from '../sim/stream.ts';
import { networkSpecSchema, type Schedule } from './spec.ts';
import { readTensors } from '../tensors/tensors.ts';
import { bindTensors, injectTensors } from '../tensors/weights.ts';
import { isAbsolute, join, dirname } from 'node:path';

/**
 * A planned layer: its plan, shape and stream interface. Planning renders no
 * Verilog (estimate, fit and sweep never need it); layerRtl() renders it
 * when generate, sim or build asks, once per layer.
 */
export interface NetworkLayer extends LoadedLayer {
  /** the layer's index in the spec (the first one's, for layers a fuse face joined) */
  index: number;
  shape: LayerShape;
  io: StreamInterface;
  /**
   * The spec's layers this one does the work of, when a kind's fuse face
   * joined two (diag-circulant fft.shareEngine); `spec` is then the first's.
   */
  fusedFrom?: (LoadedLayer & { index: number })[];
}

/** The spec layers behind a plan's layers, in spec order (a fused layer gives both of its own). */
export function specLayers(layers: readonly NetworkLayer[]): (LoadedLayer & { index: number })[] {
  return layers.flatMap((l) => l.fusedFrom ?? [l]);
}

const rendered = new WeakMap<NetworkLayer, LayerRtl>();
/** per planned layer: renders every layer of its design and checks their module names (composeNetwork) */
const renderers = new WeakMap<NetworkLayer, () => void>();

/**
 * The layer's RTL (the kind's rtl face), rendered on first use and kept.
 * The first call renders every layer of the design and refuses module or
 * file names that collide (CircaInputError naming the field), before any
 * Verilog is written or simulated.
 */
export function layerRtl(layer: NetworkLayer): LayerRtl {
  if (!rendered.has(layer)) {
    const renderAll = renderers.get(layer);
    if (renderAll) renderAll();
    else rendered.set(layer, layer.kind.rtl(layer.plan));
  }
  return rendered.get(layer)!;
}

/**
 * The module-name check generate and sim make (a layer's modules against
 * another's, circa's templates and the network's top), for a command that
 * renders no RTL (estimate). Module names are prefixed by the layer and
 * network names, so only names one of which prefixes another (or equal
 * ones) can collide: then the RTL is rendered and checked; otherwise
 * nothing is drawn.
 */
export function checkModuleNames(net: NetworkPlan): void {
  const names = [net.name, ...net.layers.map((l) => (l.plan as { name?: string }).name ?? '')];
  const close = names.some((a, i) => names.some((b, j) => i !== j && (a === b || b.startsWith(`${a}_`))));
  if (close && net.layers.length > 0) layerRtl(net.layers[0]);
}

/**
 * A copy of a planned layer that renders as `rtl`: a variant its kind's rtl
 * face made (e.g. a dense layer's device RTL without preloaded SPRAM, to test
 * the run-time load), in place of the default rendering.
 */
export function withRtl(layer: NetworkLayer, rtl: LayerRtl): NetworkLayer {
  const copy = { ...layer };
  rendered.set(copy, rtl);
  return copy;
}

/** Render every layer of a plan (layerRtl), checking module names: what generate, sim and build do first. */
export function renderLayers(net: NetworkPlan): LayerRtl[] {
  return net.layers.map(layerRtl);
}

export interface NetworkPlan {
  name: string;
  schedule: Schedule;
  layers: NetworkLayer[];
  inputs: number;
  inWidth: number;
  inFormat: QFormat;
  /** elements out of the network per vector (after the last link) */
  outputs: number;
  outWidth: number;
  /** elements per beat of the network's output stream (the spec's outBeat; 1 for a single layer) */
  outBeat: number;
}

const sameFormat = (a: QFormat, b: QFormat) => a.int === b.int && a.frac === b.frac;

export interface PlanOptions {
  /** default each layer's name from its position (true unless planning a single layer) */
  defaultNames?: boolean;
  /** refuse a design whose memory is far beyond any iCE40 before rendering its RTL (generate, sim, build: src/network/limits.ts) */
  sizeLimit?: boolean;
  /** the folder a relative "weights" path is resolved against (the spec file's) */
  baseDir?: string;
  /**
   * join adjacent layers whose kind's fuse face asks for it (default true);
   * false plans every spec layer on its own (training: each layer's own
   * train face; the numerics are the same)
   */
  fuse?: boolean;
}

/** The layers' raw specs with the network's weight file (if any) injected, each named. */
function layersWithWeights(spec: { network: string; weights?: string; layers: Record<string, unknown>[] }, where: string, opts: PlanOptions): Record<string, unknown>[] {
  // default each layer's name from its position so module names never clash
  // (cut so the default stays within the name length limit)
  const named = spec.layers.map((l, index) => (opts.defaultNames === false ? l : { name: `${spec.network.slice(0, MAX_NAME_LENGTH - 6)}_l${index}`, ...l }));
  if (!spec.weights) return named;
  const file = isAbsolute(spec.weights) || !opts.baseDir ? spec.weights : join(opts.baseDir, spec.weights);
  const tensors = readTensors(file);
  const loaded = named.map((l, index) => loadLayerSpec(l, `${where}layers[${index}].`));
  const bound = bindTensors(loaded, tensors, `${where}weights ${file}`, { strict: true });
  return injectTensors(named, loaded, bound, `${where}weights ${file}`);
}

export function planNetwork(raw0: unknown, where = '', opts: PlanOptions = {}): NetworkPlan {
  const raw = withoutSchemaKey(raw0);
  // counts before contents: each layer's array lengths, before the whole spec is walked
  const layers0 = typeof raw === 'object' && raw !== null ? (raw as { layers?: unknown }).layers : undefined;
  if (Array.isArray(layers0) && layers0.length <= MAX_LAYER_WEIGHTS) layers0.forEach((l, i) => checkCounts(l, `${where}layers[${i}].`));
  checkJsonShape(raw, where);
  const parsed = networkSpecSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new CircaInputError(formatZodError(where, parsed.error, networkSpecSchema));
  const spec = parsed.data;
  const names = new Set<string>();
  const loaded = layersWithWeights(spec, where, opts).map((withName, index) => {
    const layer = loadLayerSpec(withName, `${where}layers[${index}].`);
    const name = (layer.plan as { name: string }).name;
    if (names.has(name)) throw new CircaInputError(`${where}layers[${index}].name: "${name}" is used by an earlier layer; names must be unique`);
    names.add(name);
    return layer;
  });
  return composeNetwork(spec.network, spec.schedule, loaded, where, true, opts, spec.outBeat);
}

/** Join loaded layers into a network plan: shapes, stream interfaces, chaining checks (name clashes when first rendered). */
function composeNetwork(name: string, schedule: Schedule, loaded: LoadedLayer[], where: string, isNetwork: boolean, opts: PlanOptions, outBeat = 1): NetworkPlan {
  // a layer's fields are named layers[k].field in a network, field alone in a single layer
  const at = (index: number, field = '') => (isNetwork ? `layers[${index}]${field ? `.${field}` : ''}` : field || '(top level)');
  // a kind's fuse face may join a layer with the one before it (one engine for both)
  const joined: (LoadedLayer & { index: number; fusedFrom?: (LoadedLayer & { index: number })[] })[] = [];
  loaded.forEach((l, index) => {
    const prev = index > 0 ? loaded[index - 1] : null;
    const f = opts.fuse === false ? null : l.kind.fuse?.(prev && { kind: prev.kind, plan: prev.plan }, l.plan, `${where}${isNetwork ? `layers[${index}].` : ''}`);
    if (!f || !prev) {
      joined.push({ ...l, index });
      return;
    }
    joined[joined.length - 1] = { kind: f.kind, spec: prev.spec, plan: f.plan, index: index - 1, fusedFrom: [{ ...prev, index: index - 1 }, { ...l, index }] };
  });
  if (opts.sizeLimit) checkMemory(joined, isNetwork, where);
  const layers: NetworkLayer[] = joined.map((l) => ({ ...l, shape: l.kind.shape(l.plan), io: l.kind.io(l.plan) }));
  // Module and file names must not collide: a layer's generated modules with
  // another layer's, with circa's templates, and (for a network) with the
  // network's own top. Checked when the RTL is first rendered (layerRtl).
  let done = false;
  const renderAll = () => {
    if (done) return;
    const rtls = layers.map((l) => l.kind.rtl(l.plan));
    const clash = moduleClash([
      ...layers.map((l, k) => ({ field: at(l.index, 'name'), sources: rtls[k].sources })),
      ...(isNetwork ? [{ field: 'network', sources: [{ name: `${name}_top.v`, text: `module ${name}_top;` }] }] : []),
    ]);
    if (clash) throw new CircaInputError(`${where}${clash.field}: ${clash.message}`);
    layers.forEach((l, k) => rendered.set(l, rtls[k]));
    done = true;
  };
  for (const l of layers) renderers.set(l, renderAll);
  const spec = { network: name, schedule };
  if (layers.length > 1) {
    // A kind whose input lanes are not elements (an FFT's complex samples)
    // cannot be chained; see its chainAdvice.
    const wide = layers.find((l) => l.io.inLanes !== 1 && l.kind.chainAdvice);
    if (wide) {
      throw new CircaInputError(
        `${where}layers[${wide.index}]: a ${wide.kind.kind} layer takes ${wide.io.inLanes} values per beat that are not ` +
          `elements a network's links carry, so it can only be a design of its own (${wide.kind.chainAdvice})`,
      );
    }
  }
  for (let j = 1; j < layers.length; j++) {
    const prev = layers[j - 1];
    const cur = layers[j];
    const i = cur.index;
    const ip = prev.fusedFrom ? prev.fusedFrom[prev.fusedFrom.length - 1].index : prev.index;
    if (prev.kind.terminal) {
      throw new CircaInputError(`${where}layers[${ip}]: ${prev.kind.kind} must be the last layer (${prev.kind.terminal})`);
    }
    const prevImage = prev.kind.images?.(prev.plan).output;
    const curImage = cur.kind.images?.(cur.plan).input;
    if (prevImage && curImage) {
      for (const f of ['height', 'width', 'channels'] as const) {
        if (prevImage[f] !== curImage[f]) {
          throw new CircaInputError(
            `${where}layers[${i}].${f}: ${curImage[f]}, but layers[${ip}] (${prev.kind.kind}) gives a ${prevImage.height} x ${prevImage.width} x ` +
              `${prevImage.channels} image (height x width x channels); the ${f} must be ${prevImage[f]}`,
          );
        }
      }
    }
    if (prevImage && prev.shape.outputs !== cur.shape.inputs) {
      throw new CircaInputError(
        `${where}layers[${i}]: takes ${cur.shape.inputs} inputs but layers[${ip}] (${prev.kind.kind}) gives a ${prevImage.height} x ` +
          `${prevImage.width} x ${prevImage.channels} feature map, ${prev.shape.outputs} values flattened (raster order, channels within a pixel); ` +
          `the sizes must be equal`,
      );
    }
    if (prev.shape.outputs !== cur.shape.inputs) {
      throw new CircaInputError(
        `${where}layers[${i}]: takes ${cur.shape.inputs} inputs but layers[${ip}] (${prev.kind.kind}) gives ${prev.shape.outputs}; shapes must chain`,
      );
    }
    // The link after prev cuts each of its output beats into input beats of
    // cur's width (stream_link.v), so that width must divide prev's lanes.
    const inLanes = cur.io.inLanes;
    if (inLanes > 1 && prev.io.outLanes % inLanes !== 0) {
      const field = cur.kind.beatField ? `.${cur.kind.beatField}` : '';
      throw new CircaInputError(
        `${where}layers[${i}]${field}: takes ${inLanes} elements per input beat, but layers[${ip}] (${prev.kind.kind}) gives ` +
          `${prev.io.outLanes} per output beat; the link between them cuts an output beat into input beats, so it must divide ` +
          `${prev.io.outLanes}: one of ${divisorList(prev.io.outLanes)}`,
      );
    }
    if (prev.shape.outFormat && !sameFormat(prev.shape.outFormat, cur.shape.inFormat)) {
      throw new CircaInputError(
        `${where}layers[${i}].input: format ${formatName(cur.shape.inFormat)} does not match the output format of layers[${ip}], ` +
          `${formatName(prev.shape.outFormat)}; put an activation layer between them to requantise`,
      );
    }
  }
  const first = layers[0];
  const last = layers[layers.length - 1];
  // the last link cuts the last layer's output beats into the network's, as the links between layers do
  if (last.io.outLanes % outBeat !== 0) {
    const il = last.fusedFrom ? last.fusedFrom[last.fusedFrom.length - 1].index : last.index;
    throw new CircaInputError(
      `${where}outBeat: ${outBeat} elements per output beat, but layers[${il}] (${last.kind.kind}) gives ${last.io.outLanes} per beat; ` +
        `the last link cuts its beats into the network's, so outBeat must divide ${last.io.outLanes}: one of ${divisorList(last.io.outLanes)}`,
    );
  }
  return {
    name: spec.network,
    schedule: spec.schedule,
    layers,
    inputs: first.shape.inputs,
    inWidth: first.shape.inWidth,
    inFormat: first.shape.inFormat,
    outputs: last.shape.outputs,
    outWidth: last.shape.outWidth,
    outBeat,
  };
}

export function loadNetworkFile(path: string): NetworkPlan {
  return planNetwork(readJsonFile(path), `${path}: `, { baseDir: dirname(path) });
}

/** A single-layer spec as a one-layer network, so every command takes either. */
export function planAny(spec: unknown, where = '', opts: PlanOptions = {}): NetworkPlan {
  const raw = withoutSchemaKey(spec);
  if (typeof raw === 'object' && raw !== null && 'layers' in raw) return planNetwork(raw, where, opts);
  if (typeof raw === 'object' && raw !== null && 'kind' in raw) {
    // a single layer's errors name its own fields, with no layers[0] prefix
    const layer = loadLayerSpec(raw, where);
    const name = (layer.plan as { name: string }).name;
    return composeNetwork(`${name.slice(0, MAX_NAME_LENGTH - 4)}_net`, 'sequential', [layer], where, false, opts);
  }
  throw new CircaInputError(`${where}(top level): expected a network ({"network", "layers": [...]}) or a layer ({"kind": ...})`);
}

export function loadAnyFile(path: string, opts: Omit<PlanOptions, 'baseDir'> = {}): NetworkPlan {
  return planAny(readJsonFile(path), `${path}: `, { ...opts, baseDir: dirname(path) });
}
