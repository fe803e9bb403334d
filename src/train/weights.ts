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

/**
 * Take each layer's tensors from `tensors` (names through `rename`: circa
 * name -> name in the file). A layer none of whose tensors are present is
 * left alone unless `requireAll`; a layer with some but not all is an error,
 * and so is a tensor in the file that no layer takes (when `strict`).
 */
export function bindTensors(
  layers: readonly LoadedLayer[],
  tensors: TensorMap,
  file: string,
  opts: { rename?: Record<string, string>; requireAll?: boolean; strict?: boolean } = {},
): BoundLayer[] {
  const used = new Set<string>();
  const out: BoundLayer[] = [];
  layers.forEach((l, index) => {
    const name = (l.plan as { name: string }).name;
    const want = layerTensors(l);
    if (want.length === 0) return;
    const found = want.map((w) => {
      const src = opts.rename && Object.hasOwn(opts.rename, w.full) ? opts.rename[w.full] : w.full;
      return { ...w, src, t: tensors.get(src) };
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
        throw new CircaInputError(`${file}: layer ${name}, tensor ${f.info.name} ("${nm(f.src)}"): shape ${shapeText(t.shape)} in the file, the spec needs ${shapeText(f.info.shape)}`);
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
    out.push({ index, name, params, raw });
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
    out[b.index] = injected as Record<string, unknown>;
  }
  return out;
}
