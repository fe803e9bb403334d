/**
 * The fuzz suite (issue 16): fast-check draws hostile layer specs, network
 * specs and weight files (.npz, .npy, .json): wrong types, huge and
 * non-finite numbers, deep nesting, prototype keys, odd and reserved names,
 * path traversal in names and in weight paths, broken headers and archives.
 * For each, the command (run in-process: src/cli/main.ts `main`, what
 * bin/circa.mjs calls) must exit 2 with one message on stderr, without a
 * stack trace, and write nothing anywhere: not in the folder the spec sits
 * in, not beside -o, not in the temp folder. The library entry points
 * (loadLayerSpec, planAny, readTensors) must throw a CircaError. A few draws
 * also go through the real command in a child process. The number of cases
 * is printed.
 *
 * The output paths (issue 22): random outDir / -o paths (relative and
 * absolute, '.', '..', parents, symbolic links, existing files, folders and
 * FIFOs, circa's own package, with and without --force) through the library's
 * generate() and the generate / import commands, in a sandbox whose every
 * parent folder holds a canary file and whose output folder holds a user's
 * file: every one must survive, and a refusal is one exit-2 line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { zipSync } from 'fflate';
import { main } from '../src/cli/main.ts';
import { CircaError } from '../src/errors.ts';
import { loadLayerSpec } from '../src/layers/load.ts';
import { planAny } from '../src/network/plan.ts';
import { encodeNpz, readTensors } from '../src/tensors/tensors.ts';
import { designFromSpec, generate } from '../src/index.ts';
import { MANIFEST, PACKAGE_ROOT, realPath, within } from '../src/output.ts';
import { runNode } from './run-node.ts';

const SEED = process.env.CIRCA_SEED ? Number(process.env.CIRCA_SEED) : Date.now() % 2 ** 31;
const counts: Record<string, number> = {};
const count = (arm: string) => (counts[arm] = (counts[arm] ?? 0) + 1);

let box: string; // the spec's folder: only the spec (and weight) files may ever be in it
let tmp: string; // a private temp folder: must stay empty
let savedTmp: string | undefined;
/** main() installs SIGINT/SIGTERM handlers (src/cleanup.ts): taken away again after the suite, so the worker ends as vitest asks */
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
let listeners: Map<string, Function[]>;
beforeAll(() => {
  listeners = new Map(SIGNALS.map((s) => [s, process.listeners(s)]));
  box = mkdtempSync(join(tmpdir(), 'circa-fuzz-'));
  tmp = join(box, '..', `${box.split('/').pop()}-tmp`);
  mkdirSync(tmp);
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp; // os.tmpdir() reads it on every call
});
afterAll(() => {
  for (const s of SIGNALS) for (const l of process.listeners(s)) if (!listeners.get(s)!.includes(l)) process.removeListener(s, l as () => void);
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(box, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(`fuzz: ${total} cases (seed ${SEED}): ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
});

/** Run the command in-process; collect what it writes to stdout and stderr. */
async function circa(args: string[]): Promise<{ code: number; stderr: string[]; stdout: string }> {
  const err: string[] = [];
  let out = '';
  const w0 = process.stderr.write;
  const w1 = process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => (err.push(String(s)), true)) as typeof process.stderr.write;
  process.stdout.write = ((s: string | Uint8Array) => ((out += String(s)), true)) as typeof process.stdout.write;
  try {
    const code = await main(['node', 'circa', ...args]);
    return { code, stderr: err, stdout: out };
  } finally {
    process.stderr.write = w0;
    process.stdout.write = w1;
  }
}

const STACK = /^\s+at .*(\.ts|\.js|\.mjs|node:internal)|internal error|RangeError|TypeError|Maximum call stack/m;

/** Exit 2, one message (no stack), and the folders exactly as before. */
function expectRejected(r: { code: number; stderr: string[] }, what: string, before: string[]): void {
  const msg = r.stderr.join('');
  expect({ what, code: r.code, msg: msg.slice(0, 400) }).toEqual({ what, code: 2, msg: expect.stringMatching(/^circa: \S/) });
  expect(r.stderr, `${what}: one message`).toHaveLength(1);
  expect(msg, `${what}: no stack`).not.toMatch(STACK);
  expect(msg.length, `${what}: a short message`).toBeLessThan(2500);
  expect(readdirSync(box).sort(), `${what}: nothing written beside the spec or -o`).toEqual(before);
  expect(readdirSync(tmp), `${what}: nothing left in the temp folder`).toEqual([]);
}

// ---------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------
/** JSON texts that JSON.stringify cannot write: non-finite numbers (1e400 parses to Infinity) */
const RAW = { inf: '"\u0000INF"', ninf: '"\u0000NINF"' };
const toText = (v: unknown) => JSON.stringify(v).replaceAll(JSON.stringify(RAW.inf.slice(1, -1)), '1e400').replaceAll(JSON.stringify(RAW.ninf.slice(1, -1)), '-1e400');
const INF = RAW.inf.slice(1, -1);
const NINF = RAW.ninf.slice(1, -1);

const nested = (depth: number, inner: unknown, obj: boolean): unknown => {
  let v = inner;
  for (let i = 0; i < depth; i++) v = obj ? { a: v } : [v];
  return v;
};
const deep = fc.tuple(fc.integer({ min: 33, max: 3000 }), fc.boolean()).map(([d, o]) => nested(d, 1, o));
/** an object whose own key is __proto__ (JSON.parse makes one; a literal would set the prototype) */
const protoKeyed = (key: string, v: unknown) => JSON.parse(`{${JSON.stringify(key)}: ${JSON.stringify(v)}}`);

const notNumber = fc.oneof(
  fc.string({ maxLength: 8 }), fc.constant('1e3'), fc.boolean(), fc.constant(null), fc.constant([1]), fc.constant({}), deep,
  fc.constant({ int: 1 }), fc.constant('x'.repeat(100_000)),
);
const badInt = fc.oneof(notNumber, fc.constantFrom(INF, NINF, 1e300, -1e300, 2 ** 60, -(2 ** 60), 0.5, -0.5, 1e-300, Number.MAX_SAFE_INTEGER + 2));
const badReal = fc.oneof(notNumber, fc.constantFrom(INF, NINF, 1e300, -1e300, 1e30));
const badName = fc.oneof(
  fc.constantFrom('', ' ', '../x', '../../etc/passwd', '/etc/passwd', 'a/b', 'a\\b', '..', '.', 'a b', '1abc', '_x', 'x-y',
    'fft_delay', 'requant', 'tvscm_layer', 'SB_MAC16', 'SB_LUT4', 'circa_board', 'circa_proto', 'ñame', 'x\u0000y', 'x;rm -rf', '$x', 'a'.repeat(65), 'a'.repeat(300), 'a'.repeat(100_000)),
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(s)),
  fc.integer(), fc.constant(null), fc.constant(['a']), fc.constant({ name: 'a' }),
);
const badKind = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', 'isPrototypeOf', 'TVSCM', 'dense ', 'circ', '', 'x'.repeat(100_000)),
  fc.string({ maxLength: 12 }).filter((s) => !['tvscm', 'dense', 'activation', 'argmax', 'circulant', 'diag-circulant', 'block-circulant', 'fft'].includes(s)),
  fc.integer(), fc.constant(null), fc.constant({}), fc.constant(['tvscm']),
);
const badEnum = fc.oneof(fc.string({ maxLength: 10 }).filter((s) => !['band', 'complement', 'truncate', 'half-up', 'convergent', 'saturate', 'wrap', 'identity', 'relu', 'hardtanh', 'auto', 'ebr', 'spram', 'unit', 'none', 'streaming', 'folded', 'sequential', 'pipelined'].includes(s)), fc.integer(), fc.constant(null), fc.constant({}));
const badObject = fc.oneof(fc.integer(), fc.string({ maxLength: 6 }), fc.constant(null), fc.constant([]), fc.constant(true), deep);
const badBool = fc.oneof(fc.integer(), fc.string({ maxLength: 6 }), fc.constant(null), fc.constant({}), fc.constant([true]));

type Field = 'int' | 'real' | 'name' | 'enum' | 'object' | 'bool';
/** Valid small specs, each field with its type (a path of keys). */
const BASES: { spec: Record<string, unknown>; fields: [string[], Field][] }[] = [
  {
    spec: { kind: 'tvscm', name: 'tv', n: 7, lanes: 2, placement: { type: 'band', radius: 1 }, input: { int: 0, frac: 7 }, weights: { format: { int: 1, frac: 6 }, a: 0.5, b: 0.25 }, output: { format: { int: 1, frac: 6 }, rounding: 'convergent', overflow: 'saturate', relu: false } },
    fields: [[['name'], 'name'], [['n'], 'int'], [['lanes'], 'int'], [['placement'], 'object'], [['placement', 'type'], 'enum'], [['placement', 'radius'], 'int'], [['input'], 'object'], [['input', 'int'], 'int'], [['input', 'frac'], 'int'], [['weights'], 'object'], [['weights', 'a'], 'real'], [['weights', 'b'], 'real'], [['weights', 'format', 'frac'], 'int'], [['output', 'format', 'int'], 'int'], [['output', 'rounding'], 'enum'], [['output', 'overflow'], 'enum'], [['output', 'relu'], 'bool']],
  },
  {
    spec: { kind: 'dense', name: 'fc', inputs: 5, outputs: 3, lanes: 1, input: { int: 0, frac: 7 }, weights: { format: { int: 0, frac: 7 }, init: 'random', seed: 3 }, activation: 'relu', output: { format: { int: 1, frac: 6 }, rounding: 'half-up', overflow: 'wrap' } },
    fields: [[['name'], 'name'], [['inputs'], 'int'], [['outputs'], 'int'], [['lanes'], 'int'], [['weights'], 'object'], [['weights', 'seed'], 'int'], [['weights', 'format', 'int'], 'int'], [['activation'], 'enum'], [['output'], 'object'], [['output', 'format', 'frac'], 'int'], [['output', 'rounding'], 'enum']],
  },
  {
    spec: { kind: 'dense', name: 'fcv', inputs: 2, outputs: 2, weights: { values: [[0.5, -0.25], [0.125, 1]], bias: [0, 0.5], format: { int: 1, frac: 6 } } },
    fields: [[['weights', 'values', '0', '1'], 'real'], [['weights', 'bias', '1'], 'real'], [['weights', 'values'], 'object'], [['weights', 'values', '1'], 'object']],
  },
  {
    spec: { kind: 'activation', name: 'act', n: 6, function: 'hardtanh', input: { int: 2, frac: 5 }, output: { format: { int: 0, frac: 7 }, rounding: 'truncate', overflow: 'saturate' } },
    fields: [[['name'], 'name'], [['n'], 'int'], [['function'], 'enum'], [['input', 'frac'], 'int'], [['output', 'format'], 'object'], [['output', 'overflow'], 'enum']],
  },
  {
    spec: { kind: 'argmax', name: 'am', n: 4, input: { int: 0, frac: 7 } },
    fields: [[['name'], 'name'], [['n'], 'int'], [['input'], 'object']],
  },
  {
    spec: { kind: 'circulant', name: 'circ', inputs: 6, outputs: 5, input: { int: 0, frac: 7 }, weights: { init: 'random', seed: 1 }, fft: { dataWidth: 14, twiddleWidth: 12, multipliers: 3, rounding: 'convergent' }, activation: 'relu' },
    fields: [[['name'], 'name'], [['inputs'], 'int'], [['outputs'], 'int'], [['fft'], 'object'], [['fft', 'dataWidth'], 'int'], [['fft', 'twiddleWidth'], 'int'], [['fft', 'rounding'], 'enum'], [['activation'], 'enum'], [['weights', 'seed'], 'int']],
  },
  {
    spec: { kind: 'diag-circulant', name: 'dc', inputs: 5, outputs: 4, weights: { init: 'random', seed: 2 }, fft: { architecture: 'folded', butterflies: 1 } },
    fields: [[['name'], 'name'], [['inputs'], 'int'], [['fft', 'architecture'], 'enum'], [['fft', 'butterflies'], 'int'], [['weights'], 'object']],
  },
  {
    spec: { kind: 'block-circulant', name: 'bc', inputs: 8, outputs: 8, blockSize: 4, macs: 2, weights: { init: 'random', seed: 2 } },
    fields: [[['name'], 'name'], [['blockSize'], 'int'], [['macs'], 'int'], [['inputs'], 'int'], [['weights', 'seed'], 'int']],
  },
  {
    spec: { kind: 'fft', name: 'f16', n: 16, dataWidth: 10, twiddleWidth: 10, inverse: false, scaling: 'unit', rounding: 'convergent', overflow: 'saturate', naturalOrder: true },
    fields: [[['name'], 'name'], [['n'], 'int'], [['dataWidth'], 'int'], [['twiddleWidth'], 'int'], [['inverse'], 'bool'], [['rounding'], 'enum'], [['naturalOrder'], 'bool']],
  },
];
const BAD: Record<Field, fc.Arbitrary<unknown>> = { int: badInt, real: badReal, name: badName, enum: badEnum, object: badObject, bool: badBool };

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
/** a drawn case prints as its label (fast-check's report of a counterexample), not as a 100 kB value */
const labelled = <T extends { label: string }>(c: T): T => Object.assign(c, { [fc.toStringMethod]: () => JSON.stringify(c.label) });
function setAt(obj: Record<string, unknown>, path: string[], v: unknown): void {
  let o = obj as Record<string, unknown>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[path[path.length - 1]] = v;
}
function objectsIn(v: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(v)) v.forEach((e) => objectsIn(e, out));
  else if (typeof v === 'object' && v !== null) {
    out.push(v as Record<string, unknown>);
    Object.values(v).forEach((e) => objectsIn(e, out));
  }
  return out;
}

/** One hostile layer spec: a valid base with one hostile change. */
const hostileLayer: fc.Arbitrary<{ label: string; spec: unknown }> = fc.integer({ min: 0, max: BASES.length - 1 }).chain((b) => {
  const base = BASES[b];
  const field = fc.integer({ min: 0, max: base.fields.length - 1 }).chain((f) => {
    const [path, type] = base.fields[f];
    return BAD[type].map((v) => {
      const spec = clone(base.spec);
      setAt(spec, path, v);
      return labelled({ label: `${base.spec.kind}.${path.join('.')} = ${toText(v)?.slice(0, 40)}`, spec });
    });
  });
  const kind = badKind.map((v) => labelled({ label: `kind = ${toText(v)?.slice(0, 40)}`, spec: { ...clone(base.spec), kind: v } }));
  // an unknown field, a prototype key, or deep nesting, at any object level of the spec
  const extra = fc.tuple(
    fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.string({ minLength: 1, maxLength: 10 }), fc.constant('k'.repeat(100_000))),
    fc.oneof(fc.integer(), fc.constant({ n: 5 }), deep),
    fc.nat(),
  ).map(([key, v, at]) => {
    const spec = clone(base.spec);
    const objs = objectsIn(spec).filter((o) => !Array.isArray(o));
    const o = objs[at % objs.length];
    const known = Object.keys(o);
    const k = known.includes(key) ? `${key}_x` : key;
    // an own key even for "__proto__" (an assignment would set the prototype instead)
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    return labelled({ label: `${base.spec.kind}: extra key ${JSON.stringify(k.slice(0, 20))}`, spec });
  });
  return fc.oneof(field, field, kind, extra);
});

/** A hostile network spec: hostile names, layers, schedule or weight paths. */
const hostileNetwork: fc.Arbitrary<{ label: string; spec: unknown; files?: Record<string, string | Uint8Array> }> = fc.oneof(
  badName.map((n) => labelled({ label: `network = ${toText(n)?.slice(0, 40)}`, spec: { network: n, layers: [{ kind: 'activation', n: 4 }] } })),
  badObject.filter((l) => !Array.isArray(l)).map((l) => labelled({ label: `layers = ${toText(l)?.slice(0, 40)}`, spec: { network: 'n', layers: l } })),
  fc.constantFrom([], [1], ['tvscm'], [null], [[]]).map((l) => labelled({ label: `layers = ${JSON.stringify(l)}`, spec: { network: 'n', layers: l } })),
  hostileLayer.map(({ label, spec }) => labelled({ label: `a layer: ${label}`, spec: { network: 'net', layers: [{ kind: 'activation', name: 'pre', n: 5 }, spec] } })),
  badEnum.map((s) => labelled({ label: `schedule = ${toText(s)}`, spec: { network: 'n', schedule: s, layers: [{ kind: 'activation', n: 4 }] } })),
  // names that collide with each other, the network's top, templates or circa's own modules
  fc.constantFrom('a', 'relu1', 'n', 'requant', 'circa_board', 'stream_link').map((nm) => (labelled({
    label: `colliding names (${nm})`, spec: { network: nm === 'relu1' ? 'relu1' : 'n', layers: [{ kind: 'activation', n: 4, name: nm === 'n' ? 'n_top' : nm }, { kind: 'activation', n: 4, name: nm === 'relu1' ? 'x' : nm }] },
  }))),
  // weight paths: traversal, absolute, devices, directories, odd names (none of them a usable weight file)
  fc.oneof(
    fc.integer({ min: 1, max: 12 }).map((k) => `${'../'.repeat(k)}etc/passwd`),
    fc.integer({ min: 1, max: 12 }).map((k) => `${'../'.repeat(k)}nonexistent-circa-fuzz.npz`),
    fc.constantFrom('/etc/passwd', '/etc/hostname', '/dev/null', '/dev/zero', '/dev/stdin', '/dev/urandom', '/proc/self/mem', '/', '.', '..', '/tmp', 'weights.npz/..', 'x\u0000.npz', 'C:\\Windows\\x.npz',
      '/dev/zero.npz', 'zero.npz', 'dir.npz', 'fifo.json', `${'a'.repeat(5000)}.npz`, '~/.ssh/id_rsa', 'x.NPZ', 'x.npz.', '', ' '),
    fc.string({ maxLength: 16 }),
  ).map((w) => labelled({ label: `weights = ${JSON.stringify(w).slice(0, 60)}`, spec: { network: 'n', weights: w, layers: [{ kind: 'dense', name: 'fc', inputs: 2, outputs: 2, weights: { init: 'random' } }] } })),
);

// ---------------------------------------------------------------------------
// Hostile weight files
// ---------------------------------------------------------------------------
const enc = new TextEncoder();
/** a .npy with the given header dict text and data bytes */
function npy(header: string, data: Uint8Array, magic = '\x93NUMPY'): Uint8Array {
  let h = header;
  while ((magic.length + 4 + h.length + 1) % 64 !== 0) h += ' ';
  h += '\n';
  const out = new Uint8Array(magic.length + 4 + h.length + data.length);
  for (let i = 0; i < magic.length; i++) out[i] = magic.charCodeAt(i);
  out[magic.length] = 1;
  out[magic.length + 1] = 0;
  out[magic.length + 2] = h.length & 0xff;
  out[magic.length + 3] = h.length >> 8;
  out.set(enc.encode(h), magic.length + 4);
  out.set(data, magic.length + 4 + h.length);
  return out;
}
const f64 = (xs: number[]) => new Uint8Array(Float64Array.from(xs).buffer);
const hostileNpy: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.tuple(
    fc.constantFrom('<f8', '<f4', '<i8', '<u8', '|b1', '<c16', '<U4', '|O', '>f4', '<f2', 'x', "'", ''),
    fc.constantFrom('False', 'True', '1', "'x'"),
    fc.constantFrom('()', '(0,)', '(1000000000,)', '(-1,)', '(2, 3)', '(2,)', "('a',)", '(1.5,)', '(2**62,)', '(' + '1,'.repeat(40) + ')'),
    fc.constantFrom(f64([]), f64([1, 2]), f64([NaN, Infinity]), f64([1e308, -1e308, 0, 0, 0, 0]), new Uint8Array(7), new Uint8Array([255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 127])),
    fc.constantFrom('', "'__proto__': 1, ", "'constructor': {}, ", "'descr': '<f8', "),
  ).map(([descr, fortran, shape, data, extra]) => npy(`{${extra}'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`, data)),
  fc.constantFrom(npy('{', new Uint8Array(0)), npy("{'descr': '<f8'}", new Uint8Array(8)), npy('not a dict', new Uint8Array(0)), npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f64([1, 2]), '\x93NUMPX')),
);
const TENSOR_NAMES = fc.constantFrom('fc.weight', 'fc.bias', '__proto__', 'constructor', 'fc.__proto__', '../../fc.weight', '/etc/fc.weight', 'fc/weight', '', 'x'.repeat(100_000), 'fc.weight\u0000');
const hostileJsonTensors: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '{', '[1,2]', '1', 'null', '"fc.weight"', '{"fc.weight": [[1, 2], [3]]}', '{"fc.weight": []}', '{"fc.weight": [[]]}', '{"fc.weight": [[1e400, 0], [0, 0]], "fc.bias": [0, 0]}',
    '{"fc.weight": [["a", 0], [0, 0]], "fc.bias": [0, 0]}', '{"fc.weight": {"0": 1}}', '{"fc.weight": [[1, 2], [3, 4]], "fc.bias": [0, 0, 0], "extra.tensor": [1]}', '{"fc.weight": [[1, 2, 3], [3, 4, 5]], "fc.bias": [0, 0]}'),
  fc.tuple(TENSOR_NAMES, fc.oneof(deep, fc.constant([[1, 2], [3, 4]]), fc.constant([INF, NINF]), fc.constant(true), notNumber)).map(([k, v]) => toText(protoKeyed(k, v))),
  fc.integer({ min: 9, max: 100_000 }).map((d) => `{"fc.weight": ${'['.repeat(d)}1${']'.repeat(d)}}`),
);
const hostileNpz: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.uniqueArray(fc.tuple(fc.constantFrom('fc.weight.npy', 'fc.bias.npy', '../../evil.npy', '/abs.npy', '__proto__.npy', 'constructor.npy', '.npy', 'a/b.npy', 'x.txt', `${'n'.repeat(300)}.npy`, 'fc.weight.npy\u0000'), hostileNpy), { minLength: 1, maxLength: 3, selector: ([n]) => n })
    .map((es) => zipSync(Object.fromEntries(es.map(([n, d]) => [n, d])))),
  // a lying header: an entry that claims to inflate to 2 GiB
  fc.constant('bomb').map(() => {
    const z = zipSync({ 'fc.weight.npy': npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", f64([1, 2, 3, 4])) }, { level: 0 });
    const v = new DataView(z.buffer, z.byteOffset, z.byteLength);
    for (let i = 0; i + 4 <= z.length; i++) {
      const sig = v.getUint32(i, true);
      if (sig === 0x04034b50) v.setUint32(i + 22, 0x7fffffff, true);
      if (sig === 0x02014b50) v.setUint32(i + 24, 0x7fffffff, true);
    }
    return z;
  }),
);

// ---------------------------------------------------------------------------
const RUNS = 250;
/** run a command on a spec file that is removed afterwards, so the folder is as before */
async function onSpec(text: string, args: (spec: string) => string[], what: string, arm: string, keep: string[] = []): Promise<void> {
  const p = join(box, 'spec.json');
  writeFileSync(p, text);
  const before = readdirSync(box).sort();
  const r = await circa(args(p));
  expectRejected(r, what, before);
  rmSync(p);
  for (const k of readdirSync(box)) if (!keep.includes(k)) rmSync(join(box, k), { recursive: true, force: true });
  count(arm);
}

describe(`fuzz: hostile input is one exit-2 message, no stack, nothing written (seed ${SEED}; CIRCA_SEED reproduces)`, () => {
  it(`${RUNS} hostile layer specs through generate -o (and estimate)`, async () => {
    await fc.assert(fc.asyncProperty(hostileLayer, fc.boolean(), async ({ label, spec }, est) => {
      const text = toText(spec);
      const out = join(box, 'out');
      await onSpec(text, (p) => (est ? ['estimate', p] : ['generate', p, '-o', out]), label, 'layer specs (command)');
      expect(existsSync(out), `${label}: no -o directory`).toBe(false);
    }), { numRuns: RUNS, seed: SEED });
  });

  it(`${4 * RUNS} hostile layer specs through the library (loadLayerSpec, planAny): a CircaError`, () => {
    fc.assert(fc.property(hostileLayer, ({ label, spec }) => {
      const parsed = JSON.parse(toText(spec));
      for (const f of [() => loadLayerSpec(parsed, 'spec.json: '), () => planAny(parsed, 'spec.json: ')]) {
        let err: unknown;
        try {
          f();
        } catch (e) {
          err = e;
        }
        expect(err, label).toBeInstanceOf(CircaError);
        expect((err as Error).message.length, label).toBeLessThan(2500);
      }
      count('layer specs (library)');
    }), { numRuns: 4 * RUNS, seed: SEED + 1 });
  });

  it(`${RUNS} hostile network specs through generate -o`, async () => {
    // the odd weight-path targets: a symlink to /dev/zero, a directory and a FIFO named like weight files
    symlinkSync('/dev/zero', join(box, 'zero.npz'));
    mkdirSync(join(box, 'dir.npz'));
    const fifo = join(box, 'fifo.json');
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [fifo]);
    const keep = ['zero.npz', 'dir.npz', 'fifo.json'];
    try {
      await fc.assert(fc.asyncProperty(hostileNetwork, async ({ label, spec }) => {
        const out = join(box, 'out');
        await onSpec(toText(spec), (p) => ['generate', p, '-o', out], label, 'network specs (command)', keep);
        expect(existsSync(out), `${label}: no -o directory`).toBe(false);
      }), { numRuns: RUNS, seed: SEED + 2 });
    } finally {
      for (const k of keep) rmSync(join(box, k), { recursive: true, force: true });
    }
  });

  it(`${RUNS} hostile weight files (.npz, .npy, .json) through import -o and a network's "weights"`, async () => {
    const net = { network: 'n', layers: [{ kind: 'dense', name: 'fc', inputs: 2, outputs: 2, weights: { init: 'random' } }] };
    const file = fc.oneof(
      hostileNpz.map((b) => labelled({ label: `npz of ${b.length} bytes`, ext: 'npz', data: b as string | Uint8Array })),
      hostileNpy.map((b) => labelled({ label: `npy of ${b.length} bytes`, ext: 'npy', data: b as string | Uint8Array })),
      hostileJsonTensors.map((t) => labelled({ label: `json ${t.slice(0, 80)}`, ext: 'json', data: t as string | Uint8Array })),
    );
    await fc.assert(fc.asyncProperty(file, fc.boolean(), async ({ ext, data }, viaSpec) => {
      // a .npy's tensor is named after its file: fc.weight.npy
      const w = join(box, ext === 'npy' ? 'fc.weight.npy' : `w.${ext}`);
      writeFileSync(w, data);
      const out = join(box, 'out.npz');
      const what = `${ext} (${data.length} bytes) ${typeof data === 'string' ? data.slice(0, 60) : ''}`;
      if (viaSpec) await onSpec(toText({ ...net, weights: w.split('/').pop() }), (p) => ['generate', p, '-o', join(box, 'rtl')], what, 'weight files', [w.split('/').pop()!]);
      else await onSpec(toText(net), (p) => ['import', p, w, '-o', out], what, 'weight files', [w.split('/').pop()!]);
      expect(existsSync(out) || existsSync(join(box, 'rtl')), `${what}: nothing written`).toBe(false);
      // the library: readTensors either reads it or throws a CircaError
      try {
        readTensors(w);
      } catch (e) {
        expect(e, what).toBeInstanceOf(CircaError);
      }
      rmSync(w);
    }), { numRuns: RUNS, seed: SEED + 3 });
  });

  it('a few draws through the real command (bin/circa.mjs in a child process): exit 2, one line of message, no stack', async () => {
    const cases = fc.sample(hostileLayer, { numRuns: 1, seed: SEED + 4 }).map((c) => c.spec);
    cases.push({ network: 'n', weights: '../../../../../../../../etc/passwd', layers: [{ kind: 'activation', n: 4 }] });
    const dir = mkdtempSync(join(box, 'child-'));
    const runs = await Promise.all(cases.map((spec, i) => {
      writeFileSync(join(dir, `s${i}.json`), toText(spec));
      return runNode(resolve('bin/circa.mjs'), ['generate', `s${i}.json`, '-o', 'out', '-q'], dir, { TMPDIR: tmp });
    }));
    for (const [i, r] of runs.entries()) {
      expect({ i, code: r.code }).toEqual({ i, code: 2 });
      expect(r.stderr).toMatch(/^circa: \S/);
      expect(r.stderr).not.toMatch(STACK);
      count('child processes');
    }
    expect(readdirSync(dir).sort()).toEqual(cases.map((_, i) => `s${i}.json`).sort());
    // (tsx, running the sources when dist/ is stale, keeps its compile cache there: not circa's)
    expect(readdirSync(tmp).filter((f) => !f.startsWith('tsx-'))).toEqual([]);
    for (const f of readdirSync(tmp)) rmSync(join(tmp, f), { recursive: true, force: true });
    rmSync(dir, { recursive: true });
  });

  const OUT_RUNS = 240;
  it(`${OUT_RUNS} random outDir / -o paths (library generate, generate, import): canaries in every parent and user files survive`, async () => {
    // S/.canary, S/top/.canary, S/top/mid/.canary, S/top/mid/cwd/.canary; the command runs in cwd, which holds the inputs,
    // an output folder circa wrote (with a user's NOTES.txt), a foreign folder, files, a FIFO, symbolic links
    const outBox = mkdtempSync(join(dirname(box), 'circa-fuzz-out-'));
    const act = { kind: 'activation', n: 4, name: 'act4' };
    const net = { network: 'n', layers: [{ kind: 'dense', name: 'fc', inputs: 2, outputs: 2, weights: { init: 'random' } }] };
    const weights = encodeNpz(new Map([
      ['fc.weight', { shape: [2, 2], data: Float64Array.from([0.5, -0.25, 0.125, 0]), integer: false, dtype: 'f4' as const }],
      ['fc.bias', { shape: [2], data: Float64Array.from([0, 0.125]), integer: false, dtype: 'f4' as const }],
    ]));
    const template = join(outBox, 'template');
    const tcwd = join(template, 'top', 'mid', 'cwd');
    mkdirSync(tcwd, { recursive: true });
    for (const d of [template, join(template, 'top'), join(template, 'top', 'mid'), tcwd]) writeFileSync(join(d, '.canary'), `canary of ${d.slice(template.length) || '/'}`);
    writeFileSync(join(tcwd, 'spec.json'), JSON.stringify(act));
    writeFileSync(join(tcwd, 'net.json'), JSON.stringify(net));
    writeFileSync(join(tcwd, 'w.npz'), weights);
    writeFileSync(join(tcwd, 'old.npz'), 'a user\'s weights');
    writeFileSync(join(tcwd, 'file.txt'), 'a user\'s file');
    mkdirSync(join(tcwd, 'foreign'));
    writeFileSync(join(tcwd, 'foreign', 'user.txt'), 'a user\'s file in a folder');
    mkdirSync(join(tcwd, 'empty'));
    mkdirSync(join(tcwd, 'dir.npz'));
    await generate(designFromSpec(act), { outDir: join(tcwd, 'mine') });
    writeFileSync(join(tcwd, 'mine', 'NOTES.txt'), 'a user\'s notes in circa\'s folder');
    const links: [string, string][] = [['link-up', '..'], ['link-dot', '.'], ['link-mine', 'mine'], ['link-root', '/'], ['link-fifo', 'fifo'],
      ['link-fifo.npz', 'fifo.npz'], ['link-file', 'file.txt'], ['dangling', 'nowhere'], ['link-top', '../..']];
    for (const [l, t] of links) symlinkSync(t, join(tcwd, l));
    const fifos = ['fifo', 'fifo.npz'];
    execFileSync('mkfifo', fifos.map((f) => join(tcwd, f)));
    // fresh copies of the template, made by cp -a (FIFOs and links as they are) a batch at a time: one process per batch
    const pool: string[] = [];
    let made = 0;
    const fresh = (): string => {
      if (!pool.length) {
        const names = Array.from({ length: 50 }, () => join(outBox, `case-${made++}`));
        execFileSync('sh', ['-c', 'for d in "$@"; do cp -a "$0" "$d" || exit 1; done', template, ...names]);
        pool.push(...names.reverse());
      }
      return pool.pop()!;
    };
    const pkg = readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8');

    // the paths: a base (relative, absolute, a link, something that exists) and a tail; bases outside the sandbox
    // ('/', home, circa's package) take no tail that could name a new folder out there
    const local = ['.', '..', '../..', '../../..', '../../../..', 'mine', 'foreign', 'file.txt', 'fifo', 'fifo.npz', 'empty', 'dir.npz', 'old.npz',
      'spec.json', 'w.npz', 'new', 'new.npz', 'link-up', 'link-dot', 'link-mine', 'link-fifo', 'link-fifo.npz', 'link-file', 'dangling', 'link-top', 'mine/files.f', 'foreign/user.txt'];
    const outside = ['/', homedir(), join(PACKAGE_ROOT, 'src', 'x'), join(PACKAGE_ROOT, 'package.json'), PACKAGE_ROOT, join(PACKAGE_ROOT, 'boards'), '/dev/null', '/dev/full', 'link-root'];
    const pathArb = fc.oneof(
      fc.record({ base: fc.constantFrom(...local), tail: fc.constantFrom('', 'sub', 'a/b', '..', '../..', '.', 'x.npz', 'new.npz'), absolute: fc.boolean(), inside: fc.constant(true) }),
      // (never given a .npz ending: '/root.npz' or '/dev/null.npz' would be a new file out there)
      fc.record({ base: fc.constantFrom(...outside), tail: fc.constantFrom('', '.', '..'), absolute: fc.constant(false), inside: fc.constant(false) }),
    );
    const opArb = fc.constantFrom('library generate', 'generate', 'import');
    let accepted = 0;
    try {
      await fc.assert(fc.asyncProperty(pathArb, opArb, fc.boolean(), async ({ base, tail, absolute, inside }, op, force) => {
        const S = fresh();
        const cwd = join(S, 'top', 'mid', 'cwd');
        let path = tail ? `${base}/${tail}` : base;
        if (absolute) path = `${cwd}/${path}`;
        if (op === 'import' && inside && !path.toLowerCase().endsWith('.npz')) path = `${path}.npz`;
        const what = `${op} ${path}${force ? ' --force' : ''}`;
        // what the path is before the run, seen from cwd (symbolic links followed)
        const saved = process.cwd();
        process.chdir(cwd);
        let code: number;
        let message = '';
        let target: string;
        let before: 'file' | 'folder' | 'other' | 'none';
        try {
          target = realPath(path);
          before = existsSync(target) ? (statSync(target).isFile() ? 'file' : statSync(target).isDirectory() ? 'folder' : 'other') : 'none';
          if (op === 'library generate') {
            try {
              await generate(designFromSpec(act), { outDir: path, force });
              code = 0;
            } catch (e) {
              expect(e, what).toBeInstanceOf(CircaError);
              code = (e as CircaError).exitCode;
              message = `circa: ${(e as Error).message}\n`;
            }
          } else {
            const r = await circa(op === 'generate' ? ['generate', 'spec.json', '-o', path, '-q', ...(force ? ['--force'] : [])]
              : ['import', 'net.json', 'w.npz', '-o', path, ...(force ? ['--force'] : [])]);
            code = r.code;
            message = r.stderr.join('');
          }
        } finally {
          process.chdir(saved);
        }
        // the outcome: done, or refused with one line and no stack
        if (code !== 0) {
          expect({ what, code }).toEqual({ what, code: 2 });
          expect(message, what).toMatch(/^circa: [^\n]+\n$/);
          expect(message, what).not.toMatch(STACK);
        }
        // never the working directory, one of its parents, the root, home, circa's package, a non-regular file
        const cwdReal = realPath(cwd);
        const mustRefuse = within(cwdReal, target) || target === homedir() || within(target, PACKAGE_ROOT)
          || (before !== 'none' && before !== (op === 'import' ? 'file' : 'folder'))
          || (op === 'import' && before !== 'none' && !force);
        if (mustRefuse) expect({ what, code }).toEqual({ what, code: 2 });
        if (code === 0) {
          accepted++;
          if (op === 'import') expect(readTensors(target).size, what).toBe(2);
          else {
            expect(readFileSync(join(target, 'files.f'), 'utf8'), what).toMatch(/act4_top\.v/);
            expect(Object.keys(JSON.parse(readFileSync(join(target, MANIFEST), 'utf8')).files).sort(), what).toEqual(['act4_top.v', 'act_layer.v', 'files.f', 'requant.v']);
          }
        }
        // every canary, every user file, every FIFO and link is as it was; no staging or temporary file is left
        for (const d of ['', 'top', 'top/mid', 'top/mid/cwd']) expect(readFileSync(join(S, d, '.canary'), 'utf8'), `${what}: canary of ${d || '/'}`).toBe(`canary of ${d ? `${sep}${d}` : '/'}`);
        for (const [f, text] of [['spec.json', JSON.stringify(act)], ['net.json', JSON.stringify(net)], ['old.npz', 'a user\'s weights'], ['file.txt', 'a user\'s file'],
          ['foreign/user.txt', 'a user\'s file in a folder'], ['mine/NOTES.txt', 'a user\'s notes in circa\'s folder']]) {
          // (an import told to replace that very file with --force may: a single regular file, asked for)
          if (op === 'import' && force && code === 0 && realPath(join(cwd, f)) === target) continue;
          expect(readFileSync(join(cwd, f), 'utf8'), `${what}: ${f}`).toBe(text);
        }
        expect(Buffer.from(readFileSync(join(cwd, 'w.npz'))).equals(Buffer.from(weights)), `${what}: w.npz`).toBe(true);
        for (const f of fifos) expect(lstatSync(join(cwd, f)).isFIFO(), `${what}: ${f}`).toBe(true);
        for (const [l, t] of links) expect(readlinkSync(join(cwd, l)), `${what}: ${l}`).toBe(t);
        for (const dev of ['/dev/null', '/dev/full']) expect(statSync(dev).isCharacterDevice(), `${what}: ${dev}`).toBe(true);
        expect(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8'), `${what}: package.json`).toBe(pkg);
        expect(existsSync(join(PACKAGE_ROOT, 'src', 'x')), `${what}: src/x`).toBe(false);
        const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => [e.name, ...(e.isDirectory() ? walk(join(d, e.name)) : [])]);
        const leftovers = walk(S).filter((f) => /\.partial-/.test(f));
        expect(leftovers, `${what}: staging left behind`).toEqual([]);
        expect(readdirSync(tmp), `${what}: nothing in the temp folder`).toEqual([]);
        count('output paths');
      }), { numRuns: OUT_RUNS, seed: SEED + 5 });
    } finally {
      execFileSync('rm', ['-rf', outBox]); // one process, not a walk in JavaScript (slow here at a high load)
    }
    expect(accepted, 'some draws write (the property is not all refusals)').toBeGreaterThan(10);
  });
});
