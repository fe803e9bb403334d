/**
 * Quantisation: from a network spec and trained real weights, a spec the
 * hardware commands take as is. Each layer's output format keeps the width
 * the spec gives and takes as many integer bits as the largest output seen
 * on training images needs (the next layer's input format follows it); each
 * tensor with a format gets the same treatment from its largest value.
 * `keepFormats` keeps every format the spec gives. Tensors go into an .npz
 * beside the spec: raw integers where the kind takes them, reals on the
 * format's grid (or plain reals for the circulant kinds, which quantise a
 * spectrum) otherwise.
 */
import { CircaInputError } from '../errors.ts';
import { maxOf, quantize, width, type QFormat } from '../fixed/index.ts';
import { loadLayerSpec } from '../layers/load.ts';
import type { Params } from '../layers/types.ts';
import type { NetworkPlan } from '../network/plan.ts';
import { type Dataset, pixelsToReal, sample } from './mnist.ts';
import { floatNet, forward } from './model.ts';
import type { TensorMap } from '../tensors/tensors.ts';

export interface QuantizeOptions {
  /** training images whose outputs set the ranges */
  samples: number;
  keepFormats: boolean;
  /**
   * The layers as the spec file writes them (its "layers"), one per plan
   * layer: the base of each layer written. The plan's own layer specs hold
   * the tensors of the network's "weights" file, if it names one, inlined;
   * the spec written keeps each layer's own source instead (its "weights"
   * field points at the new file, which overrides them).
   */
  sources?: readonly Record<string, unknown>[];
}

export interface QuantizeResult {
  /** the network spec with the chosen formats (its "weights" field is set by the caller) */
  layers: Record<string, unknown>[];
  tensors: TensorMap;
  /** per layer: chosen output format and the largest magnitude seen */
  report: { layer: string; output?: { format: QFormat; maxAbs: number }; tensors: { name: string; format?: QFormat; maxAbs: number; raw: boolean }[] }[];
}

/** Integer bits so that |v| <= maxAbs fits a signed format of width w (at least 0, at most w - 1). */
/** Layers with at most this many weights keep them in the spec itself rather than the .npz. */
export const SMALL_LAYER = 16;

export function intBitsFor(maxAbs: number, w: number): number {
  let int = 0;
  while (int < w - 1 && maxAbs >= 2 ** int) int++;
  return int;
}

function formatFor(maxAbs: number, like: QFormat): QFormat {
  const w = width(like);
  const int = intBitsFor(maxAbs, w);
  return { int, frac: w - 1 - int };
}

const maxAbsOf = (v: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
};

function setIo(spec: Record<string, unknown>, input: QFormat | undefined, output: QFormat | undefined): Record<string, unknown> {
  const out = { ...spec };
  // the kinds' common spelling: "input" is the input format, "output.format" the output format
  if (input && out.input !== undefined) out.input = input;
  if (output && typeof out.output === 'object' && out.output !== null) out.output = { ...(out.output as object), format: output };
  return out;
}

export function quantizeNetwork(plan: NetworkPlan, params: Params[], trainSet: Dataset, o: QuantizeOptions): QuantizeResult {
  if (o.sources && o.sources.length !== plan.layers.length) throw new Error(`quantizeNetwork: ${o.sources.length} source layers for ${plan.layers.length} planned layers (plan with fuse: false)`);
  const net = floatNet(plan, params);
  const n = Math.min(o.samples, trainSet.count);
  const maxOut = net.layers.map(() => 0);
  for (let i = 0; i < n; i++) {
    const t = forward(net, pixelsToReal(sample(trainSet, i)), false);
    t.outputs.forEach((y, k) => (maxOut[k] = Math.max(maxOut[k], maxAbsOf(y))));
  }
  const layers: Record<string, unknown>[] = [];
  const tensors: TensorMap = new Map();
  const report: QuantizeResult['report'] = [];
  let input: QFormat | undefined; // layer 0 keeps its input format (the pixels')
  plan.layers.forEach((l, k) => {
    const name = (l.plan as { name: string }).name;
    const tl = net.layers[k];
    const outFmt = l.shape.outFormat;
    const output = tl && outFmt ? (o.keepFormats ? outFmt : formatFor(maxOut[k], outFmt)) : undefined;
    const source = o.sources?.[k];
    // parsed as the plan parses it (defaults filled); a layer the file leaves unnamed gets the name the plan gave it
    const base = (source ? loadLayerSpec('name' in source ? source : { name, ...source }, `layers[${k}].`).spec : l.spec) as Record<string, unknown>;
    let spec = setIo(base, input, output);
    let check: Record<string, unknown> | undefined;
    const entry: QuantizeResult['report'][number] = { layer: name, output: output ? { format: output, maxAbs: maxOut[k] } : undefined, tensors: [] };
    if (tl && tl.infos.length) {
      // tensors sharing a format field (TVSCM's a and b) share a format
      const byField = new Map<string, number>();
      for (const info of tl.infos) {
        if (!info.format) continue;
        const key = info.formatField ?? info.name;
        byField.set(key, Math.max(byField.get(key) ?? 0, maxAbsOf(tl.params[info.name])));
      }
      const formats: Record<string, QFormat> = {};
      for (const info of tl.infos) {
        if (info.format) formats[info.name] = o.keepFormats ? info.format : formatFor(byField.get(info.formatField ?? info.name) ?? 0, info.format);
      }
      const raw = tl.face.acceptsRaw;
      const values: Params = {};
      // a layer with a handful of weights (TVSCM's a and b) keeps them in the spec, where a reader sees them
      const small = tl.infos.reduce((s, i) => s + i.shape.reduce((a, b) => a * b, 1), 0) <= SMALL_LAYER;
      for (const info of tl.infos) {
        const v = tl.params[info.name];
        const f = formats[info.name];
        let q: Float64Array = v;
        if (f) {
          const ints = Float64Array.from(v, (x) => quantize(x, f, 'convergent', 'saturate').value);
          q = raw ? ints : ints.map((r) => r / 2 ** f.frac);
        }
        values[info.name] = q;
        if (!small) tensors.set(`${name}.${info.name}`, { shape: info.shape, data: q, integer: raw && !!f, dtype: raw && f ? 'int' : 'f4' });
        entry.tensors.push({ name: info.name, format: f, maxAbs: maxAbsOf(v), raw: raw && !!f });
      }
      // check the spec with the values in it; the spec written keeps its own source and takes the values from the .npz
      check = tl.face.inject(spec, values, { raw, formats }) as Record<string, unknown>;
      // in the spec itself a small layer's weights are reals, exactly on their formats' grids (106 raw in Q1.6 is 1.65625)
      const reals: Params = Object.fromEntries(tl.infos.map((i) => [i.name, raw && formats[i.name] ? values[i.name].map((r) => r / 2 ** formats[i.name].frac) : values[i.name]]));
      spec = tl.face.inject(spec, small ? reals : null, { raw: false, formats }) as Record<string, unknown>;
    }
    try {
      loadLayerSpec(check ?? spec);
    } catch (e) {
      if (e instanceof CircaInputError) throw new CircaInputError(`quantising layers[${k}] (${name}): ${e.message}`);
      throw e;
    }
    layers.push(spec);
    report.push(entry);
    if (output) input = output;
  });
  return { layers, tensors, report };
}

/** The sentence quantize adds to a spec's description (the .npz's file name in it). */
export function weightsNote(npzName: string, keepFormats: boolean): string {
  return `Weights: trained, quantised by circa quantize (${keepFormats ? 'formats kept' : 'formats from observed ranges'}); the large tensors are in ${npzName}, which overrides the layers' own weight sources.`;
}

/** A weights sentence of quantize's (or one edited from it): from "Weights: " to "...which overrides the layers' own weight sources." */
const WEIGHTS_SENTENCE = /Weights: [^]*?which overrides the layers' own weight sources\./g;

/**
 * The description of a quantised spec: the source's with its weights
 * sentence replaced by `note` where it has one (a spec quantised again, or a
 * trained example), "Random weights." dropped, the note appended otherwise.
 * Running quantize on its own output does not grow the description.
 */
export function quantizedDescription(description: unknown, note: string): string {
  if (typeof description !== 'string') return note;
  let seen = false;
  const replaced = description.replace(WEIGHTS_SENTENCE, () => (seen ? '' : ((seen = true), note))).replace(/\s*Random weights\.?/, '');
  const tidy = (t: string) => t.replace(/ {2,}/g, ' ').trim();
  return seen ? tidy(replaced) : tidy(`${replaced} ${note}`);
}

export { maxOf };
