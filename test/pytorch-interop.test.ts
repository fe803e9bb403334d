/**
 * From PyTorch to circa, proved with PyTorch itself: examples/pytorch/models.py
 * (torch and onnx from Debian's python3-torch and python3-onnx; .ci/run installs
 * them) defines a dense MLP, a circulant network (with its signs buffer), a TVSCM
 * network, a CNN and a Conv1d network, exports each as np.savez of its state_dict and with
 * torch.onnx.export (1-D, 2-D and 3-D dummy inputs; the CNN 4-D, the Conv1d 3-D; the
 * circulant also without constant folding), and writes PyTorch's own float32 logits on
 * 1,000 MNIST test images, once for the whole file. `circa import` (the command, as the
 * README shows it) brings every file in: with a hand-written spec (--map, --graph-order)
 * and from the graph alone (--spec-out, every export of every model, the spec written
 * equal to the hand-written one); circa's float logits (floatLogits, on circa's input
 * pixel / 256, the input normalisation folded in by --input-divisor and --normalize)
 * equal PyTorch's within 1e-4 for every import.
 *
 * A missing torch is a failure, not a skip: set CIRCA_PYTHON to a python3
 * that has torch, onnx and numpy.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMnist } from '../src/train/mnist.ts';
import { encodeNpz, readTensors } from '../src/tensors/tensors.ts';
import { floatLogits } from '../src/train/interop.ts';
import { runNode } from './run-node.ts';

const root = join(import.meta.dirname, '..');
const N = 1000;
const TOLERANCE = 1e-4;

/** A python3 with torch, onnx and numpy: CIRCA_PYTHON, python3 on the PATH, or Debian's /usr/bin/python3 (a pyenv python3 may shadow it). */
function torchPython(): string {
  const tried: string[] = [];
  for (const py of [process.env.CIRCA_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p)) {
    try {
      execFileSync(py, ['-c', 'import torch, onnx, numpy'], { stdio: 'pipe' });
      return py;
    } catch (e) {
      tried.push(`${py}: ${String((e as { stderr?: Buffer }).stderr ?? e).trim().split('\n').pop()}`);
    }
  }
  throw new Error(`no python3 with torch, onnx and numpy (apt-get install python3-torch python3-onnx, or set CIRCA_PYTHON); tried ${tried.join('; ')}`);
}

const dir = mkdtempSync(join(tmpdir(), 'circa-pytorch-'));
const test = loadMnist('test');
const pixels = test.pixels.subarray(0, N * 784);
/** circa's input: pixel / 256 */
const inputs = Array.from({ length: N }, (_, i) => Float64Array.from(pixels.subarray(i * 784, (i + 1) * 784), (p) => p / 256));
/** the conv1d model's 187-sample signal: pixels 300..486 of each image (models.py's SIGNAL) */
const signals = inputs.map((x) => x.slice(300, 487));
let exported = false;
function exportModels(): void {
  if (exported) return;
  writeFileSync(join(dir, 'pixels.npz'), encodeNpz(new Map([['pixels', { shape: [N, 784], data: Float64Array.from(pixels), integer: true, dtype: 'int' }]])));
  execFileSync(torchPython(), [join(root, 'examples/pytorch/models.py'), dir, join(dir, 'pixels.npz')], { stdio: 'pipe' });
  exported = true;
}

/** The largest |circa - PyTorch| over all logits of the N images. */
function maxDiff(spec: string, weights: string, model: string): number {
  const torch = readTensors(join(dir, `${model}.logits.npy`)).get(`${model}.logits`)!;
  const classes = model === 'conv1d' ? 5 : 10;
  expect(torch.shape).toEqual([N, classes]);
  const ours = floatLogits(spec, model === 'conv1d' ? signals : inputs, { weights });
  let m = 0;
  ours.forEach((y, i) => {
    expect(y).toHaveLength(classes);
    y.forEach((v, j) => { m = Math.max(m, Math.abs(v - torch.data[i * classes + j])); });
  });
  return m;
}

/** --map rules from a state_dict prefix per circa layer, through the ONNX file's names (names.json) when given. */
function rules(prefixes: Readonly<Record<string, string>>, tensors: Readonly<Record<string, readonly string[]>>, names?: Record<string, string>): string {
  return Object.entries(prefixes).flatMap(([layer, p]) => tensors[layer]!.map((t) => `${layer}.${t}=${names ? names[`${p}${t}`] : `${p}${t}`}`)).join(',');
}

async function circaImport(spec: string, source: string, out: string, extra: string[]): Promise<string> {
  const r = await runNode('bin/circa.mjs', ['import', spec, source, '-o', out, ...extra], root);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

const MODELS = [
  { model: 'mlp', spec: 'examples/pytorch/mlp.json', prefixes: { fc1: '0.', fc2: '2.', fc3: '4.' }, tensors: { fc1: ['weight', 'bias'], fc2: ['weight', 'bias'], fc3: ['weight', 'bias'] }, fold: ['--input-divisor', '255', '--normalize', '0.1307,0.3081'], dims: ['1d', '2d', '3d'] },
  { model: 'circulant', spec: 'examples/pytorch/circulant.json', prefixes: { circ: '0.', fc: '2.' }, tensors: { circ: ['r', 'signs'], fc: ['weight', 'bias'] }, fold: ['--input-divisor', '255'], dims: ['1d', '2d', '3d', '2d-nofold'] },
  { model: 'tvscm', spec: 'examples/pytorch/tvscm.json', prefixes: { tv: '0.', fc: '2.' }, tensors: { tv: ['a', 'b'], fc: ['weight', 'bias'] }, fold: ['--input-divisor', '255'], dims: ['1d', '2d', '3d'] },
  { model: 'cnn', spec: 'examples/pytorch/cnn.json', prefixes: { c1: '0.', c2: '3.', fc: '7.' }, tensors: { c1: ['weight', 'bias'], c2: ['weight', 'bias'], fc: ['weight', 'bias'] }, fold: ['--input-divisor', '255', '--normalize', '0.1307,0.3081'], dims: ['4d'] },
  { model: 'conv1d', spec: 'examples/pytorch/conv1d.json', prefixes: { c1: '0.', c2: '3.', fc: '6.' }, tensors: { c1: ['weight', 'bias'], c2: ['weight', 'bias'], fc: ['weight', 'bias'] }, fold: ['--input-divisor', '255'], dims: ['3d'] },
] as const;

/** The model's signs buffer (the circulant's), as the spec's explicit array. */
const modelSigns = () => Array.from(readTensors(join(dir, 'circulant.npz')).get('0.signs')!.data);

/** The hand-written spec of a model; the circulant's with the model's own signs (its "signs": {"seed": 1} are circa's, not the model's). */
function handSpec(m: (typeof MODELS)[number]): { layers: Record<string, unknown>[] } & Record<string, unknown> {
  const hand = JSON.parse(readFileSync(join(root, m.spec), 'utf8'));
  return { ...hand, layers: hand.layers.map((l: Record<string, unknown>) => (l.kind === 'circulant' ? { ...l, signs: modelSigns() } : l)) };
}

describe('PyTorch to circa: float logits equal PyTorch\'s within 1e-4 on 1,000 MNIST test images', () => {
  // the circulant, whose spec's signs are not the model's, has its own test below
  for (const m of MODELS.filter((x) => x.model !== 'circulant')) {
    it(`${m.model}: np.savez of the state_dict (--map by prefix) and torch.onnx.export with ${m.dims.join(', ')} dummy inputs`, async () => {
      exportModels();
      const prefixRules = Object.entries(m.prefixes).map(([l, p]) => `${l}.=${p}`).join(',');
      const npz = join(dir, `${m.model}-from-npz.npz`);
      await circaImport(m.spec, join(dir, `${m.model}.npz`), npz, ['--map', prefixRules, ...m.fold]);
      expect(maxDiff(m.spec, npz, m.model)).toBeLessThan(TOLERANCE);
      for (const d of m.dims) {
        const names = JSON.parse(readFileSync(join(dir, `${m.model}-${d}.names.json`), 'utf8')) as Record<string, string>;
        const out = join(dir, `${m.model}-from-${d}.npz`);
        // the first export of each model with dense/conv layers only: the weights found by the graph's node order, whatever
        // their names; the others through the names read back from the file
        const byGraph = m.model !== 'tvscm' && d === m.dims[0];
        const how = byGraph ? ['--graph-order'] : ['--map', rules(m.prefixes, m.tensors, names)];
        const stdout = await circaImport(m.spec, join(dir, `${m.model}-${d}.onnx`), out, [...how, ...m.fold]);
        // a 1-D or 3-D dummy input makes MatMul nodes with the weights stored [in][out]: the graph says so, and circa transposes them
        if (Object.values(names).some((n) => n.startsWith('onnx::MatMul'))) expect(stdout).toMatch(/transposed from \[\d+, \d+\]: consumed by MatMul node/);
        expect(maxDiff(m.spec, out, m.model), `${m.model}-${d}.onnx`).toBeLessThan(TOLERANCE);
      }
    });
  }

  it('--spec-out from the graph alone, every export of every model (dense, circulant, TVSCM, conv2d, conv1d; MatMul and Gemm forms): the spec written equals the hand-written one, and its logits match PyTorch\'s', async () => {
    exportModels();
    /** a spec without what the graph cannot say: the hardware choices (lanes, beat) */
    const structure = (spec: { layers: Record<string, unknown>[] }) => spec.layers.map(({ lanes: _l, beat: _b, ...l }) => l);
    let exports = 0;
    for (const m of MODELS) {
      for (const d of m.dims) {
        const spec = join(dir, `graph-${m.model}-${d}.json`);
        const r = await runNode('bin/circa.mjs', ['import', join(dir, `${m.model}-${d}.onnx`), '--spec-out', spec, ...m.fold], root);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`read ${handSpec(m).layers.length} layers from the graph`));
        const written = JSON.parse(readFileSync(spec, 'utf8'));
        // the weights go beside the spec, and the spec names them
        expect(written.weights).toBe(`graph-${m.model}-${d}.npz`);
        expect(structure(written), `${m.model}-${d}.onnx`).toEqual(structure(handSpec(m)));
        expect(maxDiff(spec, join(dir, `graph-${m.model}-${d}.npz`), m.model), `${m.model}-${d}.onnx`).toBeLessThan(TOLERANCE);
        exports++;
      }
    }
    expect(exports).toBe(12);
  });

  it('circulant: --spec-out with the hand-written spec takes the model\'s signs buffer into the spec written (from the npz and each ONNX export), and that spec matches PyTorch', async () => {
    exportModels();
    const m = MODELS[1];
    // (the spec's seeded signs refused without --spec-out: the README's example below)
    for (const d of ['npz', '1d', '2d', '3d']) {
      const src = d === 'npz' ? 'circulant.npz' : `circulant-${d}.onnx`;
      const map = d === 'npz' ? 'circ.=0.,fc.=2.' : rules(m.prefixes, m.tensors, JSON.parse(readFileSync(join(dir, `circulant-${d}.names.json`), 'utf8')));
      const out = join(dir, `circ-${d}.npz`);
      const outSpec = join(dir, `circ-${d}.json`);
      await circaImport(m.spec, join(dir, src), out, ['--map', map, ...m.fold, '--spec-out', outSpec]);
      const written = JSON.parse(readFileSync(outSpec, 'utf8'));
      // the hand-written spec with the model's signs as an explicit array and "weights" naming the import
      expect(written).toEqual({ ...handSpec(m), $schema: written.$schema, weights: `circ-${d}.npz` });
      expect(maxDiff(outSpec, out, 'circulant'), src).toBeLessThan(TOLERANCE);
    }
  });

  it('the README\'s PyTorch section runs as printed: each `$ circa` command exits as shown and prints its lines (a refusal one line, nothing written), and every spec and weights it writes give PyTorch\'s logits within 1e-4', async () => {
    exportModels();
    const steps = readmeExample();
    expect(steps.map((s) => s.args.slice(1, 3).join(' '))).toEqual(expect.arrayContaining([
      'examples/pytorch/mlp.json out/mlp.npz', 'examples/pytorch/circulant.json out/circulant.npz', 'out/tvscm-2d.onnx --input-divisor', 'out/circulant-1d.onnx --input-divisor', 'out/sigmoid-2d.onnx --spec-out',
    ]));
    // the README's paths: examples/ from the clone, out/ the export folder; what the commands write lands in a fresh folder
    const work = mkdtempSync(join(tmpdir(), 'circa-readme-'));
    symlinkSync(join(root, 'examples'), join(work, 'examples'));
    symlinkSync(dir, join(work, 'out'));
    let checked = 0;
    for (const { args, printed, line } of steps) {
      const at = `README.md:${line} circa ${args.join(' ')}`;
      const r = await runNode(join(root, 'bin/circa.mjs'), args, work);
      const refusal = printed.find((l) => l.startsWith('circa: '));
      const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
      const specOut = opt('--spec-out');
      const weights = opt('-o') ?? specOut?.replace(/\.json$/, '.npz');
      expect(r.code, `${at}\n${r.stderr}`).toBe(refusal ? 2 : 0);
      for (const want of printed.filter((l) => l.trim() !== '' && l.trim() !== '...')) {
        const got = (want.startsWith('circa: ') ? r.stderr : r.stdout).split('\n');
        expect(got.some((g) => printedLine(want).test(g)), `${at}: prints ${JSON.stringify(want)}; got\n${r.stdout}${r.stderr}`).toBe(true);
      }
      if (refusal) {
        expect(r.stderr.trim().split('\n'), at).toHaveLength(1);
        for (const f of [specOut, args.includes('--force') ? undefined : weights]) if (f) expect(existsSync(join(work, f)), `${at}: wrote ${f}`).toBe(false);
        continue;
      }
      const model = /^out\/([a-z0-9]+)[-.]/.exec(args.find((a) => a.startsWith('out/'))!)![1];
      expect(maxDiff(join(work, specOut ?? args[1]), join(work, weights!), model), at).toBeLessThan(TOLERANCE);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });
});

/** The `$ circa` commands of the README's "From PyTorch" section (continued lines joined), with the lines printed after each. */
function readmeExample(): { args: string[]; printed: string[]; line: number }[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8').split('\n');
  const start = readme.findIndex((l) => l.startsWith('#### From PyTorch: a worked example'));
  const end = readme.findIndex((l, i) => i > start && l.startsWith('#### '));
  expect(start, 'README.md: the "From PyTorch: a worked example" section').toBeGreaterThan(0);
  const out: { args: string[]; printed: string[]; line: number }[] = [];
  let inBlock = false;
  let current: { printed: string[] } | undefined;
  for (let i = start; i < end; i++) {
    if (readme[i].startsWith('```')) {
      inBlock = !inBlock;
      current = undefined;
      continue;
    }
    if (!inBlock) continue;
    if (!readme[i].startsWith('$ ')) {
      current?.printed.push(readme[i]);
      continue;
    }
    const line = i + 1;
    let cmd = readme[i];
    while (cmd.endsWith('\\')) cmd = `${cmd.slice(0, -1).trimEnd()} ${readme[++i].trim()}`;
    const words = cmd.replace(/\s+#.*$/, '').split(/\s+/).slice(1);
    current = words[0] === 'circa' ? { args: words.slice(1), printed: [], line } as (typeof out)[number] : { printed: [] };
    if (words[0] === 'circa') out.push(current as (typeof out)[number]);
  }
  return out;
}

/** A README line as a pattern for one output line: `...` stands for anything. */
const printedLine = (want: string) => new RegExp(`^${want.split('...').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
