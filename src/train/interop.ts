/**
 * Coming from PyTorch: the float model of a spec on real-valued inputs (the
 * logits to compare with PyTorch's), the weights of a file as each layer's
 * float tensors, the `--map` rules (one tensor, several, or a prefix; `:T`
 * for a transposed weight), and input normalisation folded into the first
 * layer.
 *
 * circa's input is pixel / 256 (src/train/mnist.ts: the brightest pixel
 * fits Q0.f). A model trained on `ToTensor()` (pixel / 255) followed by
 * `Normalize((mean,), (std,))` sees x' = (pixel / 255 - mean) / std
 * = (256 / 255 / std) u - mean / std for circa's u = pixel / 256: an affine
 * map of circa's input, which the first layer absorbs exactly when it is
 * linear with a bias and no padding (dense, conv with padding "valid"):
 * W' = W a, b' = b + c (sum of W's row). A layer without a bias (circulant,
 * block-circulant, TVSCM) absorbs the scale a but not the shift c.
 */
import { CircaInputError } from '../errors.ts';
import { loadAnyFile, planAny, type NetworkPlan } from '../network/plan.ts';
import type { Params } from '../layers/types.ts';
import { floatNet, forward } from './model.ts';
import { readOnnxModel, readTensors, type TensorMap } from '../tensors/tensors.ts';
import { weightNodes } from '../tensors/onnx-graph.ts';
import { bindTensors, layerSigns, layerTensors, type BindOptions } from '../tensors/weights.ts';

/** The float tensors of every trainable layer, from a weight file (all of them required; raw integers become their real values). */
export function floatParams(plan: NetworkPlan, tensors: TensorMap, file: string, opts: BindOptions = {}): Params[] {
  const bound = bindTensors(plan.layers, tensors, file, { ...opts, requireAll: true });
  const net = floatNet(plan);
  return net.layers.map((l) => {
    const b = bound.find((x) => x.index === l.layer.index);
    if (!b) return l.params;
    if (!b.raw) return b.params;
    const out: Params = {};
    for (const info of l.infos) out[info.name] = b.params[info.name].map((v) => v / 2 ** (info.format?.frac ?? 0));
    return out;
  });
}

export interface FloatLogitsOptions {
  /** weights (.npz/.npy/.onnx/.json) for every trainable layer; default the spec's own */
  weights?: string;
  /** --map rules for the weight file (`fc784.weight=0.weight`, `fc784.=0.`, `fc10.weight=onnx::MatMul_7:T`) */
  map?: string[];
  /** how the file's model flattens a feature map ('chw': PyTorch's nn.Flatten, reordered; default 'hwc': circa's own order, as `circa import` writes it) */
  flatten?: 'chw' | 'hwc';
}

/**
 * The float model of a network spec (a path, a spec object, or a plan
 * planned with `{ fuse: false }`) on real-valued inputs: one logit vector per
 * input, the outputs of the last layer before a trailing argmax. Each input
 * is what circa's first layer takes as reals: for MNIST, pixel / 256
 * (pixelsToReal). This is the number to compare with a PyTorch model's
 * output on the same reals (feed PyTorch `u * 256 / 255` if it was trained
 * on ToTensor's pixel / 255 and circa's spec folds that in, see
 * `foldInput`). No fixed point anywhere: weights and activations are
 * doubles.
 */
export function floatLogits(spec: string | NetworkPlan | object, inputs: readonly ArrayLike<number>[], opts: FloatLogitsOptions = {}): Float64Array[] {
  const plan = typeof spec === 'string' ? loadAnyFile(spec, { fuse: false }) : isPlan(spec) ? spec : planAny(spec, 'floatLogits: spec: ', { fuse: false });
  if (plan.layers.some((l) => l.fusedFrom)) throw new CircaInputError('floatLogits: spec: a plan with fused layers; plan it with { fuse: false }');
  let params: Params[] | undefined;
  if (opts.weights !== undefined) {
    const tensors = readTensors(opts.weights);
    params = floatParams(plan, tensors, opts.weights, { ...mapRules(plan, opts.map ?? [], 'floatLogits: map'), flatten: opts.flatten });
  }
  const net = floatNet(plan, params);
  if (!Array.isArray(inputs)) throw new CircaInputError('floatLogits: inputs: expected an array of input vectors');
  return inputs.map((x, i) => {
    if (!x || typeof x.length !== 'number' || x.length !== net.inputs) throw new CircaInputError(`floatLogits: inputs[${i}]: expected ${net.inputs} reals, got ${x && typeof x.length === 'number' ? x.length : typeof x}`);
    const v = Float64Array.from(x);
    const bad = v.findIndex((e) => !Number.isFinite(e));
    if (bad >= 0) throw new CircaInputError(`floatLogits: inputs[${i}][${bad}]: ${v[bad]} is not a finite number`);
    return forward(net, v, false).logits;
  });
}

const isPlan = (v: object): v is NetworkPlan => 'layers' in v && Array.isArray((v as NetworkPlan).layers) && (v as NetworkPlan).layers.every((l) => typeof l === 'object' && l !== null && 'kind' in l && typeof (l as { kind: unknown }).kind === 'object');

// ---------------------------------------------------------------------------
// --map rules
// ---------------------------------------------------------------------------
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * `--map` rules, each `<circa>=<file>[:T]`, several per flag separated by
 * commas: `fc784.weight=0.weight` (one tensor), `fc784.=0.` (every tensor of
 * layer fc784 from the file's names that start with `0.`), `:T` to take a
 * weight the file holds transposed. Checked against the plan's layers and
 * tensors; the result is what bindTensors takes.
 */
export function mapRules(plan: NetworkPlan, rules: readonly string[], where = '--map'): Pick<BindOptions, 'rename' | 'transpose'> {
  const layers = new Map(plan.layers.map((l) => [(l.plan as { name: string }).name, l]));
  const tensorsOf = (layer: string) => {
    const l = layers.get(layer)!;
    return [...layerTensors(l).map((t) => t.info.name), ...(layerSigns(l) ? ['signs'] : [])];
  };
  const known = [...layers.keys()].flatMap((n) => tensorsOf(n).map((t) => `${n}.${t}`));
  const rename: Record<string, string> = Object.create(null);
  const transpose = new Set<string>();
  const exact = new Set<string>();
  const put = (full: string, src: string, t: boolean, rule: string, fromPrefix: boolean) => {
    if (Object.hasOwn(rename, full)) {
      if (fromPrefix) return; // an exact rule wins over a prefix rule, whatever their order
      if (exact.has(full)) throw new CircaInputError(`${where} ${rule}: ${full} is mapped twice`);
    }
    if (!fromPrefix) exact.add(full);
    rename[full] = src;
    if (t) transpose.add(full);
    else transpose.delete(full);
  };
  const expanded = rules.flatMap((r) => r.split(',')).map((r) => r.trim()).filter((r) => r.length > 0);
  // exact rules first, then prefixes fill in the rest
  const ordered = [...expanded.filter((r) => !/^[^=]*\.=/.test(r)), ...expanded.filter((r) => /^[^=]*\.=/.test(r))];
  for (const rule of ordered) {
    const shown = JSON.stringify(rule.length > 60 ? `${rule.slice(0, 60)}...` : rule);
    const m = /^([^=]+)=(.+?)(:T)?$/.exec(rule);
    if (!m) throw new CircaInputError(`${where}: takes <layer>.<tensor>=<name in the file>[:T] or <layer>.=<prefix in the file>, got ${shown}`);
    const [, key, src, t] = m;
    if (key.endsWith('.')) {
      const layer = key.slice(0, -1);
      if (!layers.has(layer)) {
        const flipped = src.endsWith('.') && layers.has(src.slice(0, -1)) ? `; the circa layer comes first: ${src}=${key}` : '';
        throw new CircaInputError(`${where} ${shown}: ${JSON.stringify(layer.slice(0, 60))} is not a layer of the spec (its layers: ${[...layers.keys()].slice(0, 12).join(', ')})${flipped}`);
      }
      if (t) throw new CircaInputError(`${where} ${shown}: :T goes on one tensor (<layer>.weight=<name>:T), not on a prefix`);
      for (const tn of tensorsOf(layer)) put(`${layer}.${tn}`, `${src}${tn}`, false, shown, true);
      continue;
    }
    const parts = key.split('.');
    if (parts.length !== 2 || !NAME.test(parts[0]) || !NAME.test(parts[1])) throw new CircaInputError(`${where}: ${JSON.stringify(key.slice(0, 60))} is not a <layer>.<tensor> name (e.g. fc10.weight) or a <layer>. prefix, in ${shown}`);
    if (!known.includes(key)) throw new CircaInputError(`${where} ${key}: no layer of the spec has that tensor (its tensors: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', ...' : ''})`);
    put(key, src, !!t, shown, false);
  }
  return { rename, transpose };
}

/**
 * `--map` rules that take each layer's weight and bias from the ONNX graph's
 * weight-bearing nodes in order (Gemm, MatMul + Add, Conv): the k-th layer
 * with tensors gets the k-th node's. Every such layer must take exactly
 * `weight` (and `bias`), and the counts must agree; otherwise the message
 * names the layer or both counts.
 */
export function graphOrderRules(plan: NetworkPlan, file: string): string[] {
  if (!/\.onnx$/i.test(file)) throw new CircaInputError(`--graph-order: ${file} is not an .onnx model (the order comes from its graph)`);
  const { tensors, graph } = readOnnxModel(file);
  const nodes = weightNodes(graph, (n) => tensors.has(n), (n) => tensors.get(n)?.shape.length ?? 0);
  const layers = plan.layers.filter((l) => layerTensors(l).length > 0);
  for (const l of layers) {
    const names = layerTensors(l).map((t) => t.info.name);
    if (!names.includes('weight') || names.some((n) => n !== 'weight' && n !== 'bias')) {
      throw new CircaInputError(`--graph-order: layer ${(l.plan as { name: string }).name} (${l.kind.kind}) takes ${names.join(', ')}; only layers with a weight (and bias) are matched to graph nodes: map this file with --map`);
    }
  }
  if (nodes.length !== layers.length) {
    throw new CircaInputError(`--graph-order: ${file} has ${nodes.length} weight-bearing node(s) (${nodes.map((n) => n.node).slice(0, 6).join(', ')}), the spec ${layers.length} layer(s) with weights (${layers.map((l) => (l.plan as { name: string }).name).join(', ')})`);
  }
  return layers.flatMap((l, k) => {
    const name = (l.plan as { name: string }).name;
    const hasBias = layerTensors(l).some((t) => t.info.name === 'bias');
    if (hasBias && !nodes[k].bias) throw new CircaInputError(`--graph-order: layer ${name} takes a bias, ${nodes[k].node} has none in ${file}`);
    return [`${name}.weight=${nodes[k].weight}`, ...(hasBias ? [`${name}.bias=${nodes[k].bias}`] : [])];
  });
}

// ---------------------------------------------------------------------------
// Input normalisation folded into the first layer
// ---------------------------------------------------------------------------
export interface InputNormalisation {
  /** the model was trained on pixel / divisor (255 for torchvision's ToTensor; circa's own input is pixel / 256) */
  divisor: number;
  /** Normalize((mean,), (std,)) after that; mean 0, std 1 for none */
  mean: number;
  std: number;
}

/**
 * The first trainable layer's float tensors with the input map
 * x' = a u + c folded in (a = 256 / divisor / std, c = -mean / std, u
 * circa's input): the network on u then computes what the trained model
 * computed on x'. Returns the new params and a one-line note; refuses (naming
 * the layer) a first layer that cannot absorb the map exactly.
 */
export function foldInput(plan: NetworkPlan, params: Params[], n: InputNormalisation): { params: Params[]; note: string } {
  for (const [k, v] of [['divisor', n.divisor], ['std', n.std]] as const) {
    if (!Number.isFinite(v) || v <= 0) throw new CircaInputError(`--normalize: ${k} must be a positive number, got ${v}`);
  }
  if (!Number.isFinite(n.mean)) throw new CircaInputError(`--normalize: mean must be a finite number, got ${n.mean}`);
  const a = 256 / n.divisor / n.std;
  const c = -n.mean / n.std;
  const net = floatNet(plan, params);
  const first = net.layers[0];
  const name = (first.layer.plan as { name: string }).name;
  const kind = first.layer.kind.kind;
  // Every weight-bearing kind is linear in its input and in each of its non-bias tensors
  // (a dense or conv weight, a circulant's r, TVSCM's a and b): scaling those by a scales
  // the layer's pre-activation by a. A shift c needs a bias: b' = b + c (sum of each row of
  // the weight). Whatever the kind, the result is checked below through its train face.
  const p: Params = Object.fromEntries(Object.entries(first.params).map(([t, v]) => [t, t === 'bias' ? Float64Array.from(v) : v.map((e) => e * a)]));
  if (c !== 0) {
    const w = first.params.weight;
    const rows = first.infos.find((i) => i.name === 'weight')?.shape[0];
    if (!w || !p.bias || !rows || p.bias.length !== rows) {
      throw new CircaInputError(`--normalize: the first layer ${name} (${kind}) has no bias, so it cannot take the mean ${n.mean} (shift ${c.toPrecision(6)}); train with mean 0, or put a dense or "valid" conv layer first`);
    }
    const per = w.length / rows;
    for (let o = 0; o < rows; o++) {
      let sum = 0;
      for (let j = 0; j < per; j++) sum += w[o * per + j];
      p.bias[o] += c * sum;
    }
  }
  // the check: on a few inputs u, the folded layer gives what the original gives on a u + c
  const face = first.face;
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let trial = 0; trial < 3; trial++) {
    const u = Float64Array.from({ length: net.inputs }, () => rnd());
    const want = face.forward(first.layer.plan, first.params, u.map((v) => a * v + c)).y;
    const got = face.forward(first.layer.plan, p, u).y;
    const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
    const i = got.findIndex((v, k) => Math.abs(v - want[k]) > 1e-9 * scale);
    if (i >= 0) {
      const same = (first.layer.plan as { padding?: unknown }).padding === 'same' ? ' (its "same" padding adds zeros, which the shift would have moved)' : '';
      throw new CircaInputError(`--normalize: the first layer ${name} (${kind}) cannot absorb the input map x = ${a.toPrecision(6)} u + ${c.toPrecision(6)} exactly${same}: output ${i} differs; train with mean 0, or put a dense or "valid" conv layer first`);
    }
  }
  const out = net.layers.map((l, i) => (i === 0 ? p : l.params));
  const what = [n.divisor !== 256 ? `pixel / ${n.divisor}` : '', n.mean !== 0 || n.std !== 1 ? `Normalize(${n.mean}, ${n.std})` : ''].filter(Boolean).join(' then ');
  return { params: out, note: `folded the input ${what} into layer ${name} (${kind}): weights x ${a.toPrecision(6)}${c !== 0 ? `, bias + ${c.toPrecision(6)} x each row's sum` : ''}` };
}
