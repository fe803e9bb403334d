/**
 * Issue 22, the input half: each defect found by the study, as a test that
 * fails on the code before the fix. Weight files checked byte for byte
 * (defect 6) and before they are inflated (7, with the fuzz suite's
 * hostile-weights arm in test/fuzz-weights.test.ts), training that diverges
 * (8), the library's arguments (9), counts before contents (10), `--map
 * __proto__` and `estimate` on clashing module names (11). The command runs in
 * this process (src/cli/main.ts `main`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.ts';
import { CircaInputError } from '../src/errors.ts';
import * as circa from '../src/index.ts';
import { planAny } from '../src/network/plan.ts';
import { readTensors } from '../src/tensors/tensors.ts';
import { SPEC, deflatedZeros, dict, f4, f8, member, npy, zip } from './hostile-weights.ts';

let dir: string;
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
let listeners: Map<string, Function[]>;
beforeAll(() => {
  listeners = new Map(SIGNALS.map((s) => [s, process.listeners(s)]));
  dir = mkdtempSync(join(tmpdir(), 'circa-input-checks-'));
  writeFileSync(join(dir, 'net.json'), JSON.stringify(SPEC));
});
afterAll(() => {
  // main() installs SIGINT/SIGTERM handlers (src/cleanup.ts): taken away again
  for (const s of SIGNALS) for (const l of process.listeners(s)) if (!listeners.get(s)!.includes(l)) process.removeListener(s, l as () => void);
  rmSync(dir, { recursive: true, force: true });
});

/** The command in this process: exit code and what it wrote to stderr. */
async function run(...args: string[]): Promise<{ code: number; stderr: string }> {
  let err = '';
  const w0 = process.stderr.write;
  const w1 = process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((err += String(s)), true)) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return { code: await main(['node', 'circa', ...args]), stderr: err };
  } finally {
    process.stderr.write = w0;
    process.stdout.write = w1;
  }
}

/** `import` of a weight file: exit 2, one line matching `says`, nothing written. */
async function importRefused(name: string, data: Uint8Array, says: RegExp): Promise<void> {
  const file = join(dir, name);
  writeFileSync(file, data);
  const before = readdirSync(dir).sort();
  const r = await run('import', join(dir, 'net.json'), file, '-o', join(dir, 'out.npz'));
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(/^circa: [^\n]+\n$/);
  expect(r.stderr).toMatch(says);
  expect(readdirSync(dir).sort()).toEqual(before);
  rmSync(file);
}

const weight = (xs: number[]) => npy(dict('<f4', [2, 2]), f4(xs));
const bias = () => member('fc.bias.npy', npy(dict('<f4', [2]), f4([0, 0.5])));

describe('issue 22, defect 6: weight files checked byte for byte', () => {
  it('a .npy whose data is shorter than its header says, or longer, is refused (import and train --init)', async () => {
    await importRefused('fc.weight.npy', npy(dict('<f8', [2, 2]), f8([1, 2, 3])), /fc\.weight\.npy: fc\.weight: truncated: the header's shape \[2, 2\] of f8 needs 32 bytes of data, the file holds 24 bytes/);
    await importRefused('fc.weight.npy', npy(dict('<f8', [2, 2]), f8([1, 2, 3, 4, 5])), /8 bytes of trailing data after the array/);
    await importRefused('w.npz', zip([member('fc.weight.npy', npy(dict('<f4', [2, 2]), f4([1, 2, 3]))), bias()]), /fc\.weight: the member is 140 bytes, .* needs 144 bytes \(truncated\)/);
    const init = join(dir, 'init.npz');
    writeFileSync(join(dir, 'mnist2.json'), JSON.stringify({ network: 'm', layers: [{ kind: 'dense', name: 'fc', inputs: 784, outputs: 10, weights: { init: 'random' } }] }));
    writeFileSync(init, zip([member('fc.weight.npy', npy(dict('<f4', [10, 784]), f4(new Array(7839).fill(0)))), member('fc.bias.npy', npy(dict('<f4', [10]), f4(new Array(10).fill(0))))]));
    const r = await run('train', join(dir, 'mnist2.json'), '--init', init, '--limit', '10', '--epochs', '1', '-q', '-o', join(dir, 'trained.npz'));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/init\.npz: fc\.weight: the member is 31,484 bytes, .* needs 31,488 bytes \(truncated\)/);
    expect(existsSync(join(dir, 'trained.npz'))).toBe(false);
    rmSync(init);
  });

  it('a flipped byte in a stored .npz member is refused (the CRC-32 is checked)', async () => {
    const z = zip([member('fc.weight.npy', weight([0.5, -0.25, 0.125, 1]), 0), member('fc.bias.npy', npy(dict('<f4', [2]), f4([0, 0.5])), 0)]);
    const at = z.indexOf(0x3f, 30 + 13 + 128); // the last byte of 0.5f, the first value
    expect(z[at - 1]).toBe(0);
    z[at] ^= 1;
    await importRefused('w.npz', z, /member "fc\.weight\.npy": CRC-32 [0-9a-f]{8} does not match the archive's [0-9a-f]{8} \(a damaged file\)/);
  });

  it('a 1e30 weight is refused by import, naming the tensor (not later by eval)', async () => {
    await importRefused('w.npz', zip([member('fc.weight.npy', npy(dict('<f8', [2, 2]), f8([0.5, 0, 0, 1e30]))), bias()]),
      /layer fc, tensor weight \("fc\.weight"\): value 3 is 1e\+30, outside -128\.\.127, what any 8-bit format holds \(the spec gives Q1\.6 \(8 bits\)\)/);
  });
});

describe('issue 22, defect 7: small files that would cost gigabytes are refused from their headers', () => {
  it('a 255 KB .npz inflating to 250 MiB, and one whose header claims 10^9 values, are refused in well under a second', async () => {
    const bomb = zip([{ name: 'fc.weight.npy', method: 8, stored: deflatedZeros(npy(dict('|u1', [250 * 2 ** 20]), new Uint8Array(0)), 250 * 2 ** 20), usize: 250 * 2 ** 20 + 128, crc: 0 }]);
    expect(bomb.length).toBeLessThan(300_000);
    let t0 = performance.now();
    await importRefused('w.npz', bomb, /members inflate to more than 67,108,864 bytes \(64 MiB, circa's limit for all members together/);
    expect(performance.now() - t0).toBeLessThan(1000);
    t0 = performance.now();
    await importRefused('w.npz', zip([member('fc.weight.npy', npy(dict('<f8', [1_000_000_000]), f8([1])))]), /shape \[1000000000\] holds more than circa's limit of 16,777,216 values/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('issue 22, defect 8: training that diverges stops', () => {
  it('train --lr 1e308 is exit 2 naming the epoch and the layer, and writes nothing', async () => {
    writeFileSync(join(dir, 'mnist.json'), JSON.stringify({ network: 'm', layers: [{ kind: 'dense', name: 'fc', inputs: 784, outputs: 10, weights: { init: 'random' } }] }));
    const out = join(dir, 'diverged.npz');
    const r = await run('train', join(dir, 'mnist.json'), '--lr', '1e308', '--limit', '64', '--batch', '16', '--epochs', '1', '-q', '-o', out);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^circa: epoch 1 \(the batch of images \d+\.\.\d+\): layer fc, tensor (weight|bias): value \d+ became (NaN|-?Infinity); training diverged \(a smaller --lr than 1e\+308 may help\)\n$/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('issue 22, defect 9: the library checks its arguments as the command does', () => {
  const design = circa.designFromSpec({ kind: 'dense', name: 'fc', inputs: 3, outputs: 2, weights: { init: 'random' } });
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const throwing = { get part(): never { throw new Error('boom'); } };
  const cases: [string, () => unknown, RegExp][] = [
    ['part: bogus', () => circa.estimate(design, { part: 'bogus' as never }), /^estimate: options\.part: must be one of "UP5K", "UP3K", "HX8K", "LP8K", "HX1K", got "bogus"$/],
    ['part: __proto__', () => circa.estimate(design, { part: '__proto__' as never }), /^estimate: options\.part: must be one of .*got "__proto__"$/],
    ['part: constructor', () => circa.estimate(design, { part: 'constructor' as never }), /^estimate: options\.part: must be one of .*got "constructor"$/],
    ['toolchain: bogus', () => circa.estimate(design, { toolchain: 'bogus' as never }), /^estimate: options\.toolchain: must be one of "yowasp", "native", got "bogus"$/],
    ['clockMHz: -1', () => circa.estimate(design, { clockMHz: -1 }), /^estimate: options\.clockMHz: must be > 0, got -1$/],
    ['clockMHz: NaN', () => circa.estimate(design, { clockMHz: NaN }), /^estimate: options\.clockMHz: expected number, got NaN$/],
    ['clockMHz: "12"', () => circa.estimate(design, { clockMHz: '12' as never }), /^estimate: options\.clockMHz: expected number, got "12"$/],
    ['an unknown option', () => circa.estimate(design, { clock: 12 } as never), /^estimate: options\.clock: unknown field "clock"$/],
    ['estimate({})', () => circa.estimate({} as never), /^estimate: design: expected a Design made by loadDesign or designFromSpec, got object$/],
    ['estimate(null)', () => circa.estimate(null as never), /^estimate: design: expected a Design .* got null$/],
    ['reference({}, x)', () => circa.reference({} as never, [1, 2, 3]), /^reference: design: expected a Design/],
    ['BigInt inputs', () => circa.reference(design, [1n, 2n, 3n] as never), /^reference: x\[0\]: expected a number \(a raw integer of the input format\), got the BigInt 1n$/],
    ['floatReference of a wrong length', () => circa.floatReference(design, [1, 2]), /fc \(dense\): the input has 2 values, the layer takes 3/],
    ['a getter that throws', () => circa.estimate(design, throwing as never), /^estimate: options\.part: reading it threw \(boom\)$/],
    ['a revoked Proxy as options', () => circa.estimate(design, revoked.proxy as never), /^estimate: options: cannot be read \(.*revoked.*\)$/],
    ['a revoked Proxy as the design', () => circa.estimate(revoked.proxy as never), /^estimate: design: expected a Design/],
    ['a revoked Proxy as the spec', () => circa.designFromSpec(revoked.proxy), /^designFromSpec: spec: cannot be read \(.*revoked.*\)$/],
    ['a spec getter that throws', () => circa.designFromSpec({ kind: 'dense', get inputs(): never { throw new Error('x'); } }), /^designFromSpec: spec\.inputs: reading it threw \(x\)$/],
    ['a BigInt in a spec', () => circa.designFromSpec({ kind: 'dense', inputs: 3n, outputs: 2 }), /^designFromSpec: spec\.inputs: the BigInt 3n is not JSON data/],
    ['compare(a, {})', () => circa.compare(design, {} as never), /^compare: b: expected a Design/],
    ['compare paper: bogus', () => circa.compare(design, design, { paper: 'bogus' as never }), /^compare: options\.paper: must be one of "mnist", "mitbih", got "bogus"$/],
    ['readTensors(42)', () => circa.readTensors(42 as never), /^readTensors: file: expected a path \(a non-empty string\), got number$/],
  ];
  it.each(cases)('%s: a CircaInputError naming the field', (_, f, says) => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CircaInputError);
    expect((err as Error).message).toMatch(says);
  });

  it('the async functions reject with a CircaInputError before doing anything', async () => {
    await expect(circa.generate(design, { clockMHz: 'x' as never })).rejects.toThrow(/^generate: options\.clockMHz: expected number, got "x"$/);
    await expect(circa.generate(null as never)).rejects.toThrow(/^generate: design: expected a Design/);
    await expect(circa.simulate(design, { vectors: -1 })).rejects.toThrow(/^simulate: options\.vectors: must be >= 1, got -1$/);
    await expect(circa.simulate(design, { simulator: 'iverilog' as never })).rejects.toThrow(/^simulate: options\.simulator: must be one of "auto", "verilator", "cxxrtl", got "iverilog"$/);
    await expect(circa.build(design, { outDir: join(dir, 'b'), toolchain: 'z' as never })).rejects.toThrow(/^build: options\.toolchain: must be one of "yowasp", "native", got "z"$/);
    await expect(circa.build(design, { outDir: join(dir, 'b'), seed: 1.5 })).rejects.toThrow(/^build: options\.seed: must be an integer, got 1\.5$/);
    expect(existsSync(join(dir, 'b'))).toBe(false);
  });

  it('good arguments still work', () => {
    expect(circa.estimate(design, { part: 'HX8K', clockMHz: 12, toolchain: 'yowasp' }).fit.part).toBe('HX8K');
    expect(circa.reference(design, [1, 2, 3]).y).toHaveLength(2);
    expect(circa.floatReference(design, Int8Array.from([1, 2, 3]) as never)).toHaveLength(2);
  });
});

describe('issue 22, defect 10: counts and shapes before contents', () => {
  it('a dense layer with 2 x 10^6 rows of weights.values is told it takes 5, fast', () => {
    const values = Array.from({ length: 2_000_000 }, () => [0.5, 0.25]);
    const t0 = performance.now();
    expect(() => planAny({ kind: 'dense', inputs: 2, outputs: 5, weights: { values } }, 'spec.json: ')).toThrow(/^spec\.json: weights\.values: expected 5 rows \(one per output\), got 2,000,000$/);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(() => circa.designFromSpec({ kind: 'dense', inputs: 2, outputs: 5, weights: { values: values.slice(0, 5), bias: new Array(1e6).fill(0) } })).toThrow(/weights\.bias: expected 5 values \(one per output\), got 1,000,000$/);
  });

  it('a sparse array of length 2^32 - 1 is refused at once, through planAny and through the library', () => {
    const sparse: unknown[] = [];
    sparse.length = 2 ** 32 - 1;
    const t0 = performance.now();
    expect(() => planAny({ kind: 'dense', inputs: 2, outputs: 5, weights: { values: sparse } })).toThrow(/^weights\.values: expected 5 rows \(one per output\), got 4,294,967,295$/);
    expect(() => planAny({ network: 'n', layers: [{ kind: 'activation', n: 3, name: sparse }] })).toThrow(/^layers\[0\]\.name: an array of 4,294,967,295 entries; no spec field takes more than 4,194,304/);
    expect(() => circa.designFromSpec({ network: 'n', layers: sparse })).toThrow(/^designFromSpec: spec\.layers: an array of 4,294,967,295 entries/);
    expect(() => circa.reference(circa.designFromSpec({ kind: 'activation', n: 3 }), sparse as never)).toThrow(/^reference: x: 4,294,967,295 values; no design takes that many$/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('issue 22, defect 11', () => {
  it('import --map __proto__=..., constructor=... and an unknown tensor are exit 2', async () => {
    const w = join(dir, 'good.npz');
    writeFileSync(w, zip([member('fc.weight.npy', weight([0.5, 0, 0, 1])), bias()]));
    for (const [map, says] of [
      ['__proto__=fc.weight', /--map: "__proto__" is not a <layer>\.<tensor> name/],
      ['constructor=fc.weight', /--map: "constructor" is not a <layer>\.<tensor> name/],
      ['fc.__proto__=fc.weight', /--map: "fc\.__proto__" is not a <layer>\.<tensor> name|--map fc\.__proto__: no layer of the spec has that tensor/],
      ['fc.weights=fc.weight', /--map fc\.weights: no layer of the spec has that tensor \(its tensors: fc\.weight, fc\.bias\)/],
    ] as const) {
      const r = await run('import', join(dir, 'net.json'), w, '--map', map, '-o', join(dir, 'out.npz'));
      expect(r.code, map).toBe(2);
      expect(r.stderr, map).toMatch(says);
      expect(existsSync(join(dir, 'out.npz'))).toBe(false);
    }
    rmSync(w);
  });

  it('estimate refuses a network whose module names clash, as generate does (command and library)', async () => {
    const spec = { network: 'relu1', layers: [{ kind: 'activation', n: 4, name: 'relu1' }, { kind: 'activation', n: 4, name: 'x' }] };
    writeFileSync(join(dir, 'clash.json'), JSON.stringify(spec));
    const says = /network: makes relu1_top\.v, which layers\[0\]\.name also makes; names must not collide/;
    for (const cmd of [['estimate'], ['generate', '-o', join(dir, 'rtl')]]) {
      const r = await run(cmd[0], join(dir, 'clash.json'), ...cmd.slice(1));
      expect(r.code, cmd[0]).toBe(2);
      expect(r.stderr, cmd[0]).toMatch(says);
    }
    expect(() => circa.estimate(circa.designFromSpec(spec))).toThrow(says);
    // names that only look close are estimated (and nothing is rendered for names that cannot clash)
    expect(circa.estimate(circa.designFromSpec({ network: 'n', layers: [{ kind: 'activation', n: 4, name: 'a' }, { kind: 'activation', n: 4, name: 'a_relu' }] })).cost.latency).toBeGreaterThan(0);
  });
});
