/**
 * Issue 22, the output path (src/output.ts): one guarded module for every
 * writer, command and library alike. Each `describe` is one defect of the
 * issue; the commands run in-process (`main`, what bin/circa.mjs calls) in a
 * sandbox folder that is also the working directory. The read-only and full
 * file systems are real: tmpfs mounts in a private mount namespace
 * (`unshare -rm`), where the command runs as a child process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import {
  cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../src/cli/main.ts';
import { CircaInputError } from '../src/errors.ts';
import { build, generate, designFromSpec, simulate } from '../src/index.ts';
import { checkTarget, MANIFEST, networkSchemaRef, PACKAGE_ROOT } from '../src/output.ts';
import { encodeNpz } from '../src/tensors/tensors.ts';
import { distState } from '../bin/dist-fresh.mjs';
import { runNode } from './run-node.ts';

const STACK = /^\s+at .*(\.ts|\.js|\.mjs|node:internal)|internal error|TypeError|RangeError/m;
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
let listeners: Map<string, Function[]>;
let box: string;
const cwd0 = process.cwd();
beforeAll(() => {
  listeners = new Map(SIGNALS.map((s) => [s, process.listeners(s)]));
  box = mkdtempSync(join(tmpdir(), 'circa-output-'));
});
afterAll(() => {
  process.chdir(cwd0);
  for (const s of SIGNALS) for (const l of process.listeners(s)) if (!listeners.get(s)!.includes(l)) process.removeListener(s, l as () => void);
  rmSync(box, { recursive: true, force: true });
});

/** The command in-process, in folder `cwd`; stdout and stderr collected. */
async function circa(cwd: string, ...args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let err = '';
  let out = '';
  const w0 = process.stderr.write;
  const w1 = process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((err += String(s)), true)) as typeof process.stderr.write;
  process.stdout.write = ((s: string | Uint8Array) => ((out += String(s)), true)) as typeof process.stdout.write;
  process.chdir(cwd);
  try {
    const code = await main(['node', 'circa', ...args]);
    return { code, stderr: err, stdout: out };
  } finally {
    process.chdir(cwd0);
    process.stderr.write = w0;
    process.stdout.write = w1;
  }
}

/** exit 2, one line naming the thing, no stack */
function refused(r: { code: number; stderr: string }, message: RegExp): void {
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(message) });
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(STACK);
}

const ACT = '{"kind":"activation","n":4,"name":"act4"}';
const NET = { network: 'n', layers: [{ kind: 'dense', name: 'fc', inputs: 2, outputs: 2, weights: { init: 'random' } }] };
const WEIGHTS = encodeNpz(new Map([
  ['fc.weight', { shape: [2, 2], data: Float64Array.from([0.5, -0.25, 0.125, 0]), integer: false, dtype: 'f4' as const }],
  ['fc.bias', { shape: [2], data: Float64Array.from([0, 0.125]), integer: false, dtype: 'f4' as const }],
]));

/** A fresh folder with the activation spec, the network spec and its weights. */
function sandbox(): string {
  const d = mkdtempSync(join(box, 'case-'));
  writeFileSync(join(d, 'act.json'), ACT);
  writeFileSync(join(d, 'net.json'), JSON.stringify(NET));
  writeFileSync(join(d, 'w.npz'), WEIGHTS);
  return d;
}
const mkfifo = (p: string) => execFileSync('mkfifo', [p]);
const snapshot = (d: string): Record<string, string> => Object.fromEntries(readdirSync(d, { recursive: true, withFileTypes: true })
  .map((e) => {
    const p = join(e.parentPath, e.name);
    const s = lstatSync(p);
    return [p.slice(d.length + 1), s.isFile() ? readFileSync(p, 'latin1') : s.isFIFO() ? '<fifo>' : s.isSymbolicLink() ? '<link>' : '<dir>'];
  }));

describe('defect 1: the library\'s generate(design, { outDir }) is guarded like the command', () => {
  const design = () => designFromSpec(JSON.parse(ACT));
  it('a folder of someone\'s files is refused (CircaInputError naming outDir), and every file stays', async () => {
    const d = sandbox();
    mkdirSync(join(d, 'victimdir'));
    writeFileSync(join(d, 'victimdir', 'thesis.tex'), 'years of work');
    const err = await generate(design(), { outDir: join(d, 'victimdir') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CircaInputError);
    expect((err as Error).message).toMatch(/^outDir .*victimdir: output directory exists and is not empty/);
    const forced = await generate(design(), { outDir: join(d, 'victimdir'), force: true }).catch((e: unknown) => e);
    expect((forced as Error).message).toMatch(/^outDir .*victimdir: holds files circa did not write \(no \.circa-output manifest\)/);
    expect(readdirSync(join(d, 'victimdir'))).toEqual(['thesis.tex']);
  });
  it('\'.\' and \'..\' (the working directory and its parent) are refused before anything is written; a canary in each survives', async () => {
    const d = sandbox();
    const inner = join(d, 'inner');
    mkdirSync(inner);
    writeFileSync(join(d, 'canary'), 'parent');
    writeFileSync(join(inner, 'canary'), 'cwd');
    process.chdir(inner);
    try {
      for (const outDir of ['.', '..', inner, d]) {
        const err = await generate(design(), { outDir, force: true }).catch((e: unknown) => e);
        expect(err, outDir).toBeInstanceOf(CircaInputError);
        expect((err as Error).message, outDir).toMatch(/^outDir .*: is (the working directory|a parent of the working directory); circa writes its output into a directory of its own/);
      }
    } finally {
      process.chdir(cwd0);
    }
    expect(readFileSync(join(d, 'canary'), 'utf8')).toBe('parent');
    expect(readFileSync(join(inner, 'canary'), 'utf8')).toBe('cwd');
    expect(readdirSync(inner)).toEqual(['canary']);
  });
  it('the root, the home folder and circa\'s own tree are refused with outDir named (checked, never written)', async () => {
    for (const dir of ['/', homedir()]) expect(() => checkTarget(dir, { force: true, option: 'outDir' })).toThrow(/^outDir .*: is (the root directory|your home directory|a parent of the working directory)/);
    const err = await generate(design(), { outDir: join(PACKAGE_ROOT, 'src', 'x') }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^outDir .*src\/x: is inside circa's own package/);
    expect(existsSync(join(PACKAGE_ROOT, 'src', 'x'))).toBe(false);
  });
  it('build(design, { outDir }) is checked before any tool runs', async () => {
    for (const outDir of ['.', '..', join(PACKAGE_ROOT, 'dist')]) {
      const err = await build(design(), { outDir }).catch((e: unknown) => e);
      expect(err, outDir).toBeInstanceOf(CircaInputError);
      expect((err as Error).message, outDir).toMatch(/^outDir .*: is (the working directory|a parent of the working directory|inside circa's own package)/);
    }
  });
  it('a new folder gets the files and a manifest of their SHA-256; generate again with force replaces them', async () => {
    const d = sandbox();
    const g = await generate(design(), { outDir: join(d, 'rtl') });
    expect(g.written?.files.sort()).toEqual(['act4_top.v', 'act_layer.v', 'files.f', 'requant.v']);
    const m = JSON.parse(readFileSync(join(d, 'rtl', MANIFEST), 'utf8')) as { files: Record<string, string> };
    expect(Object.keys(m.files).sort()).toEqual(['act4_top.v', 'act_layer.v', 'files.f', 'requant.v']);
    const { createHash } = await import('node:crypto');
    expect(m.files['files.f']).toBe(createHash('sha256').update(readFileSync(join(d, 'rtl', 'files.f'))).digest('hex'));
    expect((await generate(design(), { outDir: join(d, 'rtl') }).catch((e: unknown) => e) as Error).message).toMatch(/pass --force/);
    const again = await generate(design(), { outDir: join(d, 'rtl'), force: true });
    expect(again.written?.kept).toEqual([]);
  });
});

describe('defect 2: sim --vcd replaces nothing without --force, and never the spec, a FIFO, a device or a folder', () => {
  it('refused before the simulation: the spec itself, an existing file, a FIFO, /dev/full, a folder, the package tree', async () => {
    const d = sandbox();
    writeFileSync(join(d, 'old.vcd'), 'my waveform');
    mkfifo(join(d, 'pipe.vcd'));
    mkdirSync(join(d, 'dir.vcd'));
    const before = snapshot(d);
    const sim = (...a: string[]) => circa(d, 'sim', 'act.json', '--vectors', '2', '-q', ...a);
    refused(await sim('--vcd', 'act.json'), /^circa: --vcd act\.json: is an input of this command \(act\.json\)/);
    refused(await sim('--vcd', 'act.json', '--force'), /^circa: --vcd act\.json: is an input of this command \(act\.json\); circa never writes over its input/);
    refused(await sim('--vcd', 'old.vcd'), /^circa: --vcd old\.vcd: the file exists; pass --force to replace it/);
    refused(await sim('--vcd', 'pipe.vcd', '--force'), /^circa: --vcd pipe\.vcd: is a FIFO \(named pipe\), not a regular file; circa never replaces it \(even with --force\)/);
    refused(await sim('--vcd', '/dev/full', '--force'), /^circa: --vcd \/dev\/full: is a character device, not a regular file/);
    refused(await sim('--vcd', 'dir.vcd', '--force'), /^circa: --vcd dir\.vcd: is a folder, not a regular file/);
    refused(await sim('--vcd', join(PACKAGE_ROOT, 'src', 'x.vcd')), /^circa: --vcd .*src\/x\.vcd: is inside circa's own package/);
    expect(snapshot(d)).toEqual(before);
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
  });
  it('the library: simulate(design, { vcd }) refuses an existing file before simulating, naming vcd.path', async () => {
    const d = sandbox();
    writeFileSync(join(d, 'old.vcd'), 'mine');
    const err = await simulate(designFromSpec(JSON.parse(ACT)), { vectors: 2, vcd: { path: join(d, 'old.vcd'), vector: 0 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CircaInputError);
    expect((err as Error).message).toMatch(/^vcd\.path .*old\.vcd: the file exists; pass --force to replace it/);
    expect(readFileSync(join(d, 'old.vcd'), 'utf8')).toBe('mine');
  });
});

describe('defect 3: --force never deletes a file circa did not write', () => {
  it('a user\'s NOTES.txt in an output folder survives generate --force, and is reported', async () => {
    const d = sandbox();
    expect((await circa(d, 'generate', 'act.json', '-o', 'mine', '-q')).code).toBe(0);
    writeFileSync(join(d, 'mine', 'NOTES.txt'), 'my notes');
    const r = await circa(d, 'generate', 'act.json', '-o', 'mine', '--force');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^left in place \(not written by circa, or changed since\): NOTES\.txt$/m);
    expect(readFileSync(join(d, 'mine', 'NOTES.txt'), 'utf8')).toBe('my notes');
    expect(readdirSync(join(d, 'mine')).sort()).toEqual([MANIFEST, 'NOTES.txt', 'act4_top.v', 'act_layer.v', 'files.f', 'requant.v']);
  });
  it('generate gen1/myspec.json -o gen1 --force keeps its own input spec', async () => {
    const d = sandbox();
    expect((await circa(d, 'generate', 'act.json', '-o', 'gen1', '-q')).code).toBe(0);
    writeFileSync(join(d, 'gen1', 'myspec.json'), ACT);
    expect((await circa(d, 'generate', 'gen1/myspec.json', '-o', 'gen1', '--force', '-q')).code).toBe(0);
    expect(readFileSync(join(d, 'gen1', 'myspec.json'), 'utf8')).toBe(ACT);
  });
  it('a file circa wrote but someone edited since is not replaced: exit 2 before anything moves', async () => {
    const d = sandbox();
    expect((await circa(d, 'generate', 'act.json', '-o', 'rtl', '-q')).code).toBe(0);
    writeFileSync(join(d, 'rtl', 'files.f'), 'edited by hand');
    const before = snapshot(d);
    refused(await circa(d, 'generate', 'act.json', '-o', 'rtl', '--force', '-q'),
      /^circa: -o rtl: files\.f is a file circa did not write there \(or one changed since\); circa does not replace it/);
    expect(snapshot(d)).toEqual(before);
  });
  it('a bare old-style marker proves nothing: the folder is refused', async () => {
    const d = sandbox();
    mkdirSync(join(d, 'old'));
    writeFileSync(join(d, 'old', MANIFEST), 'written by circa 0.1.0; `--force` may replace this directory\n');
    writeFileSync(join(d, 'old', 'NOTES.txt'), 'x');
    refused(await circa(d, 'generate', 'act.json', '-o', 'old', '--force', '-q'), /^circa: -o old: holds files circa did not write \(no \.circa-output manifest\)/);
    expect(readdirSync(join(d, 'old')).sort()).toEqual([MANIFEST, 'NOTES.txt']);
  });
  it('sweep --out and compare --svg follow the same manifest', async () => {
    const d = sandbox();
    const tv = resolve('examples/tvscm-784.json');
    expect((await circa(d, 'sweep', tv, '--vary', 'lanes=1,2', '--out', 'sw', '-q')).code).toBe(0);
    writeFileSync(join(d, 'sw', 'NOTES.txt'), 'x');
    const r = await circa(d, 'sweep', tv, '--vary', 'lanes=1,2', '--out', 'sw', '--force', '-q');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/left in place .*: NOTES\.txt/);
    expect(readdirSync(join(d, 'sw')).sort()).toEqual([MANIFEST, 'NOTES.txt', 'pareto.svg', 'sweep.csv']);
    mkdirSync(join(d, 'cmp'));
    writeFileSync(join(d, 'cmp', 'ratios.svg'), 'my drawing');
    refused(await circa(d, 'compare', resolve('examples/mnist-dense.json'), resolve('examples/mnist-tvscm.json'), '--svg', 'cmp', '--force', '-q'),
      /^circa: --svg cmp: holds files circa did not write/);
    expect(readFileSync(join(d, 'cmp', 'ratios.svg'), 'utf8')).toBe('my drawing');
  });
});

describe('defect 4: circa never writes into its own package tree', () => {
  it('generate -o <package>/src/x, import -o <package>/src/w.npz, quantize -o <package>/package.json --force: exit 2, nothing written', async () => {
    const d = sandbox();
    const pkg = readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8');
    refused(await circa(d, 'generate', 'act.json', '-o', join(PACKAGE_ROOT, 'src', 'x')), /^circa: -o .*\/src\/x: is inside circa's own package/);
    refused(await circa(d, 'import', 'net.json', 'w.npz', '-o', join(PACKAGE_ROOT, 'src', 'w.npz')), /^circa: -o .*\/src\/w\.npz: is inside circa's own package/);
    refused(await circa(d, 'quantize', 'net.json', '--weights', 'w.npz', '-o', join(PACKAGE_ROOT, 'package.json'), '--force', '-q'),
      /^circa: -o .*package\.json: is inside circa's own package/);
    refused(await circa(d, 'generate', 'act.json', '-o', PACKAGE_ROOT, '--force'), /^circa: -o .*: is (circa's own package folder|a parent of the working directory)/);
    refused(await circa(PACKAGE_ROOT, 'generate', resolve(d, 'act.json'), '-o', 'boards', '--force'), /^circa: -o boards: is inside circa's own package/);
    refused(await circa(PACKAGE_ROOT, 'generate', resolve(d, 'act.json'), '-o', 'node_modules/x'), /^circa: -o node_modules\/x: is inside circa's own package/);
    expect(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).toBe(pkg);
    expect(existsSync(join(PACKAGE_ROOT, 'src', 'x')) || existsSync(join(PACKAGE_ROOT, 'src', 'w.npz'))).toBe(false);
  });
  it('bin/circa.mjs in a tree with src/ but no tsconfig.json runs (no ENOENT stack)', async () => {
    const tree = mkdtempSync(join(box, 'tree-'));
    cpSync(resolve('bin'), join(tree, 'bin'), { recursive: true });
    mkdirSync(join(tree, 'src'));
    mkdirSync(join(tree, 'dist', 'cli'), { recursive: true });
    writeFileSync(join(tree, 'package.json'), '{"type":"module"}');
    writeFileSync(join(tree, 'dist', 'cli', 'main.js'), 'export async function main() { process.stdout.write("ran dist\\n"); return 0; }\n');
    writeFileSync(join(tree, 'dist', '.build-stamp'), '');
    expect(distState(tree)).toBe('fresh');
    const r = await runNode(join(tree, 'bin', 'circa.mjs'), ['--version'], tree);
    expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 0, stderr: '', stdout: 'ran dist\n' });
  });
});

describe('defect 5: file-system conditions are one line (exit 2), before the work where they can be, and nothing half-written', () => {
  it('EISDIR: import -o <folder> --force, quantize when the .npz name is a folder, train -o <folder> --force (before training)', async () => {
    const d = sandbox();
    mkdirSync(join(d, 'out.npz'));
    mkdirSync(join(d, 'q.npz'));
    const before = snapshot(d);
    refused(await circa(d, 'import', 'net.json', 'w.npz', '-o', 'out.npz', '--force'), /^circa: -o out\.npz: is a folder, not a regular file; circa never replaces it \(even with --force\)/);
    refused(await circa(d, 'quantize', 'net.json', '--weights', 'w.npz', '-o', 'q.json', '--force', '-q'), /^circa: -o \(the weights beside the spec\) q\.npz: is a folder/);
    const t0 = Date.now();
    refused(await circa(d, 'train', 'net.json', '-o', 'out.npz', '--force', '-q'), /^circa: -o out\.npz: is a folder/);
    expect(Date.now() - t0).toBeLessThan(5000); // refused before the dataset is even read
    expect(snapshot(d)).toEqual(before);
  });

  it('EROFS (read-only mount) and ENOSPC (full tmpfs): generate, import, sim --vcd, quantize, the library; nothing half-written', async () => {
    const d = sandbox();
    mkdirSync(join(d, 'ro'));
    mkdirSync(join(d, 'full'));
    const circaBin = resolve('bin/circa.mjs');
    const lib = join(d, 'lib.mjs');
    writeFileSync(lib, `import { generate, designFromSpec } from ${JSON.stringify(resolve('dist/index.js'))};
try { await generate(designFromSpec({ kind: 'activation', n: 4 }), { outDir: process.argv[2] }); console.log('written'); }
catch (e) { console.log(e.constructor.name + ': ' + e.message); }\n`);
    // a private mount namespace: a read-only tmpfs and a 12 KiB tmpfs filled to the brim
    const script = [
      'set -u',
      `mount -t tmpfs -o ro,size=64k tmpfs ${d}/ro`,
      `mount -t tmpfs -o size=12k tmpfs ${d}/full`,
      `echo keep > ${d}/full/canary`,
      `head -c 1000000 /dev/zero > ${d}/full/filler 2>/dev/null || true`,
      'run() { echo "== $*"; node "$@" 2>&1; echo "exit $?"; }',
      `cd ${d}`,
      `run ${circaBin} generate act.json -o ro/out -q`,
      `run ${circaBin} generate act.json -o full/out -q`,
      `run ${circaBin} import net.json w.npz -o ro/w.npz`,
      `run ${circaBin} import net.json w.npz -o full/w.npz`,
      `run ${circaBin} sim act.json --vectors 2 --vcd ro/x.vcd -q`,
      `run ${circaBin} quantize net.json --weights w.npz -o ro/q.json -q`,
      `run ${lib} ro/lib`,
      `run ${lib} full/lib`,
      `echo "== listing"; ls -A ${d}/full; echo ro:; ls -A ${d}/ro`,
    ].join('\n');
    const out = execFileSync('unshare', ['-rm', 'sh', '-c', script], { encoding: 'utf8', env: { ...process.env, CIRCA_FROM_SOURCE: '' } });
    const runs = out.split(/^== /m).slice(1).map((b) => b.trimEnd());
    const ro = '(the file system is read-only \\(EROFS\\))';
    const full = '(the disk is full \\(no space left on the device\\) \\(ENOSPC\\))';
    const expected: RegExp[] = [
      new RegExp(`^.* generate act\\.json -o ro/out -q\\ncirca: -o ro/out: cannot write ro: ${ro}\\nexit 2$`),
      new RegExp(`^.* generate act\\.json -o full/out -q\\ncirca: -o full/out: cannot write full/out(/\\S+)?: ${full}\\nexit 2$`),
      new RegExp(`^.* import net\\.json w\\.npz -o ro/w\\.npz\\ncirca: -o ro/w\\.npz: cannot write ro: ${ro}\\nexit 2$`),
      new RegExp(`^.* import net\\.json w\\.npz -o full/w\\.npz\\ncirca: -o full/w\\.npz: cannot write full/w\\.npz: ${full}\\nexit 2$`),
      new RegExp(`^.* sim act\\.json --vectors 2 --vcd ro/x\\.vcd -q\\ncirca: --vcd ro/x\\.vcd: cannot write ro: ${ro}\\nexit 2$`),
      new RegExp(`^.* quantize net\\.json --weights w\\.npz -o ro/q\\.json -q\\ncirca: -o ro/q\\.json: cannot write ro: ${ro}\\nexit 2$`),
      new RegExp(`^.*lib\\.mjs ro/lib\\nCircaInputError: outDir ro/lib: cannot write ro: ${ro}\\nexit 0$`),
      new RegExp(`^.*lib\\.mjs full/lib\\nCircaInputError: outDir full/lib: cannot write full/lib(/\\S+)?: ${full}\\nexit 0$`),
      /^listing\ncanary\nfiller\nro:$/,
    ];
    expect(runs, out).toHaveLength(expected.length);
    for (const [i, r] of runs.entries()) expect(r, out).toMatch(expected[i]);
  });
});

describe('issue 22 item 11: program names what a path is', () => {
  it('program . and program /dev/zero: a folder, a device (not "no such file")', async () => {
    refused(await circa(box, 'program', '.', '--dry-run'), /^circa: <bitstream> \.: is a folder, not a file; give the \.bin/);
    refused(await circa(box, 'program', '/dev/zero', '--dry-run'), /^circa: <bitstream> \/dev\/zero: is a character device, not a file/);
    refused(await circa(box, 'program', 'missing.bin', '--dry-run'), /^circa: <bitstream> missing\.bin: no such file\n$/);
  });
});

describe('symbolic links are followed before the checks', () => {
  it('-o through a link to the working directory, its parent or the root is refused; a link to a folder is written through', async () => {
    const d = sandbox();
    symlinkSync('.', join(d, 'here'));
    symlinkSync('..', join(d, 'up'));
    symlinkSync('/', join(d, 'root'));
    mkdirSync(join(d, 'real'));
    symlinkSync('real', join(d, 'to-real'));
    for (const [link, why] of [['here', 'the working directory'], ['up', 'a parent of the working directory'], ['root', 'the root directory']]) {
      refused(await circa(d, 'generate', 'act.json', '-o', link, '--force', '-q'), new RegExp(`^circa: -o ${link}: is ${why}`));
    }
    expect((await circa(d, 'generate', 'act.json', '-o', 'to-real', '-q')).code).toBe(0);
    expect(lstatSync(join(d, 'to-real')).isSymbolicLink()).toBe(true);
    expect(readdirSync(join(d, 'real'))).toContain('files.f');
  });
});

describe('the "$schema" of a spec circa writes (quantize, import --spec-out)', () => {
  it('circa\'s own network schema, relative to the file, inside the project that holds circa; none elsewhere', () => {
    expect(networkSchemaRef(join(PACKAGE_ROOT, 'examples/trained/x.json'))).toBe('../../schemas/network.schema.json');
    expect(networkSchemaRef(join(PACKAGE_ROOT, 'x.json'))).toBe('schemas/network.schema.json');
    // an installed package: the project is the folder that holds node_modules
    expect(networkSchemaRef('/p/specs/net.json', '/p/node_modules/circa')).toBe('../node_modules/circa/schemas/network.schema.json');
    expect(networkSchemaRef('/q/net.json', '/p/node_modules/circa')).toBeUndefined();
    // a temporary folder outside the clone: no path through /
    expect(networkSchemaRef(join(tmpdir(), 'circa-x', 'q.json'))).toBeUndefined();
  });
});
