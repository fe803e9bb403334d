/**
 * Binding named tensors to a network's layers through the kinds' train
 * faces: `<layer>.<tensor>` names, shapes checked against the spec (an error
 * names the file, the layer, the tensor and both shapes), values checked to
 * be finite and, for raw integers, to fit their format.
 */
import { CircaInputError } from '../errors.ts';
import { formatName, maxOf, minOf, width } from '../fixed/index.ts';
import { loadLayerSpec } from '../layers/load.ts';
import type { LoadedLayer } from '../layers/load.ts';
import type { Params, TensorInfo } from '../layers/types.ts';
import type { Tensor, TensorMap } from './tensors.ts';
import { transpose2 } from './onnx-graph.ts';

const squeeze = (s: readonly number[]) => s.filter((d) => d !== 1);
const sameShape = (a: readonly number[], b: readonly number[]) => JSON.stringify(squeeze(a)) === JSON.stringify(squeeze(b));
const shapeText = (s: readonly number[]) => (s.length > 8 ? `[${s.slice(0, 8).join(', ')}, ...] (rank ${s.length})` : `[${s.join(', ')}]`);
/** A tensor name from a file as messages show it (cut, so a huge name is not echoed whole). */
const nm = (s: string) => (s.length > 60 ? `${s.slice(0, 60)}...` : s);

export interface BoundLayer {
  index: number;
  name: string;
  params: Params;
  /** every tensor was an integer array: raw values in the tensors' formats */
  raw: boolean;
  /** the file's sign flip for a layer that has one (circulant: `<layer>.signs`), when it differs from the spec's and `takeSigns` was given */
  signs?: number[];
  /** what was reordered (flatten 'chw': a head's weight columns), for messages */
  note?: string;
}

/** A tensor of the file that no layer took, and why. */
export interface Unused {
  name: string;
  reason: string;
}

/** Largest float32: circa's weight files hold reals as float32. */
const F32_MAX = 3.4028234663852886e38;

/**
 * A real tensor's values inside what it can become: for a tensor with a
 * fixed-point format, the range of the format of its width with the most
 * integer bits (what `quantize` can give it: Q(w-1).0); for one without
 * (a circulant's spectrum), float32's range. A 1e30 weight is refused here,
 * when it is imported, not later by the command that uses it.
 */
function checkRealRange(data: Float64Array, info: TensorInfo, where: string): void {
  const lo = info.format ? minOf(width(info.format)) : -F32_MAX;
  const hi = info.format ? maxOf(width(info.format)) : F32_MAX;
  const i = data.findIndex((v) => v < lo || v > hi);
  if (i < 0) return;
  const range = info.format ? `${lo}..${hi}, what any ${width(info.format)}-bit format holds (the spec gives ${formatName(info.format)})` : `float32's range (|v| <= ${F32_MAX.toPrecision(5)})`;
  throw new CircaInputError(`${where}: value ${i} is ${data[i]}, outside ${range}`);
}

/** The learnable tensors of one loaded layer, with their full names. */
export function layerTensors(l: LoadedLayer): { full: string; info: TensorInfo }[] {
  const name = (l.plan as { name: string }).name;
  return (l.kind.train?.tensors(l.plan) ?? []).map((info) => ({ full: `${name}.${info.name}`, info }));
}

/** The fixed sign flip of a layer that has one (a circulant's D), or undefined. */
export function layerSigns(l: LoadedLayer): number[] | undefined {
  const s = (l.plan as { signs?: unknown }).signs;
  return Array.isArray(s) ? (s as number[]) : undefined;
}

export interface BindOptions {
  /** circa name (`<layer>.<tensor>`) -> name in the file */
  rename?: Record<string, string>;
  /** circa names whose tensor the file holds transposed ([in][out] for [out][in]; `--map a=b:T`) */
  transpose?: ReadonlySet<string>;
  requireAll?: boolean;
  /** a tensor in the file that no layer takes is an error */
  strict?: boolean;
  /** a `<layer>.signs` in the file that differs from the spec's signs becomes the layer's (BoundLayer.signs) instead of an error */
  takeSigns?: boolean;
  /**
   * The order in which the file's model flattens a feature map for the layer
   * after the last conv/pool: 'chw' (PyTorch's nn.Flatten on N x C x H x W:
   * channel by channel) is reordered into circa's 'hwc' (raster, the channels
   * of a pixel together); default 'hwc' (circa's own files).
   */
  flatten?: 'chw' | 'hwc';
}

const srcOf = (opts: BindOptions, full: string) => (opts.rename && Object.hasOwn(opts.rename, full) ? opts.rename[full] : full);

/**
 * A sign flip from the file (`<layer>.signs`, PyTorch's buffer of a circulant
 * module) checked against the spec's: its length, +1/-1 values, and equality.
 * Returns the file's signs when they differ and `take`, undefined when equal.
 */
function checkSigns(l: LoadedLayer, name: string, t: Tensor, src: string, file: string, take: boolean): number[] | undefined {
  const spec = layerSigns(l)!;
  const where = `${file}: layer ${name}, signs ("${nm(src)}")`;
  if (t.data.length !== spec.length) throw new CircaInputError(`${where}: ${t.data.length} values in the file, the layer has ${spec.length} inputs (one sign each)`);
  const i = t.data.findIndex((v) => v !== 1 && v !== -1);
  if (i >= 0) throw new CircaInputError(`${where}: value ${i} is ${t.data[i]}; signs are +1 or -1`);
  const diff = spec.reduce((n, s, k) => n + (s !== t.data[k] ? 1 : 0), 0);
  if (diff === 0) return undefined;
  if (take) return Array.from(t.data);
  const first = spec.findIndex((s, k) => s !== t.data[k]);
  const given = (l.spec as { signs?: unknown }).signs;
  throw new CircaInputError(
    `${where}: differ from the spec's signs (${given === undefined ? 'the default {"seed": 1}' : Array.isArray(given) ? 'an explicit array' : JSON.stringify(given)}) at ${diff} of ${spec.length} inputs, first at input ${first} (file ${t.data[first]}, spec ${spec[first]}); ` +
      'the weights were trained with other signs: give the spec "signs": [the file\'s +1/-1 values], or let circa import --spec-out write that spec',
  );
}

/**
 * Take each layer's tensors from `tensors` (names through `rename`: circa
 * name -> name in the file). A layer none of whose tensors are present is
 * left alone unless `requireAll`; a layer with some but not all is an error,
 * and so is a tensor in the file that no layer takes (when `strict`). A
 * tensor whose shape is the transpose of the spec's is refused, naming
 * `:T`; a square one cannot be told from its shape (an ONNX file's graph
 * tells, and readTensors orients it). A `<layer>.signs` tensor is checked
 * against the layer's sign flip.
 */
export function bindTensors(layers: readonly LoadedLayer[], tensors: TensorMap, file: string, opts: BindOptions = {}): BoundLayer[] {
  const used = new Set<string>();
  const out: BoundLayer[] = [];
  layers.forEach((l, index) => {
    const name = (l.plan as { name: string }).name;
    const want = layerTensors(l);
    if (want.length === 0) return;
    const found = want.map((w) => {
      const src = srcOf(opts, w.full);
      const t0 = tensors.get(src);
      const t = t0 && opts.transpose?.has(w.full) ? transposed(t0, `${file}: layer ${name}, tensor ${w.info.name} ("${nm(src)}")`) : t0;
      return { ...w, src, t };
    });
    const present = found.filter((f) => f.t);
    if (present.length === 0 && !opts.requireAll) return;
    const missing = found.filter((f) => !f.t);
    if (missing.length) {
      throw new CircaInputError(
        `${file}: layer ${name} (layers[${index}], ${l.kind.kind}) needs tensor ${missing.map((m) => `"${m.src}" of shape ${shapeText(m.info.shape)}`).join(', ')}, not in the file` +
          ` (it holds ${[...tensors.keys()].slice(0, 12).map(nm).join(', ')}${tensors.size > 12 ? ', ...' : ''}; rename with --map ${missing[0].full}=<name in file>)`,
      );
    }
    const params: Params = {};
    let ints = 0;
    for (const f of found) {
      const t = f.t as Tensor;
      used.add(f.src);
      if (!sameShape(t.shape, f.info.shape)) {
        const isT = t.shape.length === 2 && f.info.shape.length === 2 && sameShape([...t.shape].reverse(), f.info.shape);
        const hint = isT
          ? ` (its transpose: a weight stored [in][out], as x W; if it is, take it with --map ${f.full}=${nm(f.src)}:T${opts.transpose?.has(f.full) ? ' without :T' : ''})`
          : '';
        throw new CircaInputError(`${file}: layer ${name}, tensor ${f.info.name} ("${nm(f.src)}"): shape ${shapeText(t.shape)} in the file${t.note ? ` (${t.note})` : ''}, the spec needs ${shapeText(f.info.shape)}${hint}`);
      }
      const badIdx = t.data.findIndex((v) => !Number.isFinite(v));
      if (badIdx >= 0) throw new CircaInputError(`${file}: layer ${name}, tensor ${f.info.name}: value ${badIdx} is ${t.data[badIdx]}; weights must be finite`);
      if (!t.integer) checkRealRange(t.data, f.info, `${file}: layer ${name}, tensor ${f.info.name} ("${nm(f.src)}")`);
      if (t.integer) ints++;
      params[f.info.name] = t.data;
    }
    const raw = ints === found.length;
    if (ints > 0 && !raw) {
      throw new CircaInputError(`${file}: layer ${name}: mixes integer (raw) and float tensors; give all of a layer's tensors as reals or all as raw integers`);
    }
    if (raw) {
      if (!l.kind.train?.acceptsRaw) {
        throw new CircaInputError(`${file}: layer ${name} (${l.kind.kind}): takes its tensors as reals, not raw integers (the hardware stores a quantised spectrum)`);
      }
      for (const f of found) {
        const fmt = f.info.format;
        if (!fmt) continue;
        const w = width(fmt);
        const data = params[f.info.name];
        const i = data.findIndex((v) => !Number.isInteger(v) || v < minOf(w) || v > maxOf(w));
        if (i >= 0) {
          throw new CircaInputError(`${file}: layer ${name}, tensor ${f.info.name}: raw value ${i} is ${data[i]}, outside ${formatName(fmt)} (${minOf(w)}..${maxOf(w)})`);
        }
      }
    }
    let signs: number[] | undefined;
    if (layerSigns(l)) {
      const src = srcOf(opts, `${name}.signs`);
      const t = tensors.get(src);
      if (t) {
        used.add(src);
        signs = checkSigns(l, name, t, src, file, !!opts.takeSigns);
      }
    }
    const note = opts.flatten === 'chw' && index > 0 ? reorderFlattened(layers, index, params, file) : undefined;
    out.push({ index, name, params, raw, ...(signs ? { signs } : {}), ...(note ? { note } : {}) });
  });
  if (opts.strict) {
    const renamedFrom = new Set(Object.values(opts.rename ?? {}));
    const extra = [...tensors.keys()].filter((k) => !used.has(k) && !renamedFrom.has(k));
    if (extra.length) {
      throw new CircaInputError(`${file}: tensor${extra.length > 1 ? 's' : ''} ${extra.slice(0, 8).map((e) => `"${nm(e)}"`).join(', ')} match no layer's tensor (names are <layer>.<tensor>; rename with --map)`);
    }
  }
  return out;
}

/**
 * A layer that takes a flattened feature map (the layer before it gives an
 * image, it takes none) with the file's weight columns in PyTorch's order
 * (c, y, x) reordered in place into circa's stream order (y, x, c). Only a
 * layer with an [out][in] weight matrix (dense) can take a reordering of its
 * inputs; another is refused when the two orders differ (more than one
 * channel and more than one pixel).
 */
function reorderFlattened(layers: readonly LoadedLayer[], index: number, params: Params, file: string): string | undefined {
  const l = layers[index];
  const name = (l.plan as { name: string }).name;
  // a layer without tensors or image shape between (an element-wise activation) keeps the order
  let j = index - 1;
  while (j > 0 && layerTensors(layers[j]).length === 0 && !layers[j].kind.images) j--;
  const prev = layers[j];
  const img = prev.kind.images?.(prev.plan).output;
  if (!img || l.kind.images) return undefined;
  const { height: h, width: w, channels: c } = img;
  const px = h * w;
  if (c === 1 || px === 1) return undefined;
  const weight = layerTensors(l).find((t) => t.info.name === 'weight' && t.info.shape.length === 2);
  if (!weight || weight.info.shape[1] !== c * px) {
    throw new CircaInputError(
      `${file}: layer ${name} (${l.kind.kind}) takes the ${h} x ${w} x ${c} feature map flattened; PyTorch's nn.Flatten orders it channel by channel (C, H, W), circa pixel by pixel (H, W, C), ` +
        `and a ${l.kind.kind} layer (no [out][in] weight matrix) cannot reorder its inputs: flatten with x.permute(0, 2, 3, 1).flatten(1) in the model and import with --flatten hwc`,
    );
  }
  const wt = params.weight;
  const n = c * px;
  const rows = wt.length / n;
  const out = new Float64Array(wt.length);
  for (let o = 0; o < rows; o++) {
    for (let ch = 0; ch < c; ch++) for (let p = 0; p < px; p++) out[o * n + p * c + ch] = wt[o * n + ch * px + p];
  }
  params.weight = out;
  return `weight columns reordered from PyTorch's flatten (C, H, W) of the ${h} x ${w} x ${c} feature map to circa's (H, W, C)`;
}

/** A rank-2 tensor transposed (`--map a=b:T`). */
function transposed(t: Tensor, where: string): Tensor {
  if (t.shape.length !== 2) throw new CircaInputError(`${where}: :T transposes a matrix; this tensor has shape ${shapeText(t.shape)}`);
  const [r, c] = t.shape;
  return { ...t, shape: [c, r], data: transpose2(t.data, r, c), note: `transposed from [${r}, ${c}] by :T` };
}

/**
 * The tensors of a file that no layer took, each with the reason: a name no
 * layer has, a layer that takes no tensors, PyTorch bookkeeping
 * (num_batches_tracked, BatchNorm running statistics), or an ONNX
 * initializer no weight-bearing node consumes (a Reshape's shape).
 */
export function unusedTensors(layers: readonly LoadedLayer[], tensors: TensorMap, bound: readonly BoundLayer[], opts: BindOptions = {}): Unused[] {
  const taken = new Set<string>();
  for (const b of bound) {
    for (const t of Object.keys(b.params)) taken.add(srcOf(opts, `${b.name}.${t}`));
    if (layerSigns(layers[b.index])) taken.add(srcOf(opts, `${b.name}.signs`));
  }
  const byName = new Map(layers.map((l) => [(l.plan as { name: string }).name, l]));
  return [...tensors.entries()].filter(([k]) => !taken.has(k)).map(([k, t]) => {
    const dot = k.lastIndexOf('.');
    const layer = dot > 0 ? byName.get(k.slice(0, dot)) : undefined;
    const leaf = k.slice(dot + 1);
    let reason: string;
    if (leaf === 'num_batches_tracked' || leaf === 'running_mean' || leaf === 'running_var') reason = 'BatchNorm bookkeeping; circa has no BatchNorm layer (fold it into the layer before it)';
    else if (layer && layerTensors(layer).length === 0) reason = `layer ${k.slice(0, dot)} (${layer.kind.kind}) takes no tensors`;
    else if (layer) reason = `layer ${k.slice(0, dot)} (${layer.kind.kind}) has no tensor "${leaf}" (it takes ${[...layerTensors(layer).map((x) => x.info.name), ...(layerSigns(layer) ? ['signs'] : [])].join(', ')})`;
    else if (t.note === undefined && t.dtype === 'int64') reason = 'an integer constant of the graph (a shape), not a weight';
    else reason = `no layer of the spec is named ${dot > 0 ? `"${nm(k.slice(0, dot))}"` : 'after it'} (names are <layer>.<tensor>; rename with --map)`;
    return { name: k, reason };
  });
}

/**
 * The raw layer specs with the bound tensors injected (each through its
 * kind's train face), ready to plan. Errors from planning the injected spec
 * (a real that does not fit its format) name the file too.
 */
export function injectTensors(rawLayers: readonly Record<string, unknown>[], layers: readonly LoadedLayer[], bound: readonly BoundLayer[], file: string, formats?: Map<number, Record<string, import('../fixed/index.ts').QFormat>>): Record<string, unknown>[] {
  const out = rawLayers.map((l) => ({ ...l }));
  for (const b of bound) {
    const l = layers[b.index];
    const face = l.kind.train!;
    const injected = face.inject(l.spec, b.params, { raw: b.raw, formats: formats?.get(b.index) });
    try {
      loadLayerSpec(injected);
    } catch (e) {
      if (e instanceof CircaInputError) throw new CircaInputError(`${file}: layer ${b.name}: ${e.message}`);
      throw e;
    }
    out[b.index] = (b.signs ? { ...injected, signs: b.signs } : injected) as Record<string, unknown>;
  }
  return out;
}
