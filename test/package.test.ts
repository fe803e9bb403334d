/**
 * circa as a package: `npm pack` the repo, install the tarball into an empty
 * project, and use it there as a user would: the `circa` command, an import
 * from JavaScript, and a TypeScript file checked against the shipped types.
 *
 * The tarball's dependencies come from the npm cache that `npm ci` filled
 * (`--prefer-offline`; the registry is asked only for what the cache lacks).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { runNode } from './run-node.ts';

const exec = promisify(execFile);
const REPO = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'circa-package-'));
const proj = join(work, 'proj');
let tarball = '';
let packed: string[] = [];
let installStderr = '';

beforeAll(async () => {
  const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', work], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 });
  const info = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info[0].filename);
  packed = info[0].files.map((f) => f.path);
  await exec('mkdir', ['-p', proj]);
  writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'uses-circa', private: true, type: 'module' }));
  ({ stderr: installStderr } = await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: proj, maxBuffer: 64 * 1024 * 1024 }));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the tarball', () => {
  it('holds the compiled library with types, the command and what the code reads at run time; no sources, tests, benches or scripts', () => {
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/estimate/sweep-worker.js', 'bin/circa.mjs', 'bin/dist-fresh.mjs', 'package.json', 'README.md']) {
      expect(packed, f).toContain(f);
    }
    // every template, harness, board and schema the code resolves relative to its own file
    for (const dir of ['rtl-templates', 'sim', 'boards', 'schemas']) {
      for (const f of readdirSync(join(REPO, dir))) expect(packed, `${dir}/${f}`).toContain(`${dir}/${f}`);
    }
    const bad = packed.filter((p) => /^(src|test|bench|scripts|generated|\.ci)\//.test(p) || /\.tsbuildinfo$|\.build-stamp$|\.test\.|\.ts$/.test(p) && !p.endsWith('.d.ts'));
    expect(bad).toEqual([]);
  });
});

describe('installed into an empty project', () => {
  it('installs without a word about a script of circa\'s own (no prepare pointing at the unshipped scripts/)', () => {
    // what npm may still say is the project's own allowScripts list for two dependencies (README, "Install scripts of dependencies")
    expect(installStderr).not.toMatch(/prepare|scripts\/build|circa@/);
    const warned = [...installStderr.matchAll(/^npm warn install-scripts +(\S+)@/gm)].map((m) => m[1]).sort();
    expect(warned.every((p) => ['@serialport/bindings-cpp', 'protobufjs', 'esbuild'].includes(p)), installStderr).toBe(true);
  });

  it('`circa generate` writes the example\'s RTL, identical to generated/', async () => {
    const r = await runNode(join(proj, 'node_modules/.bin/circa'), ['generate', 'node_modules/circa/examples/tvscm-784.json', '-o', 'rtl'], proj);
    expect(r.code, r.stderr).toBe(0);
    const want = readdirSync(join(REPO, 'generated/tvscm-784')).sort();
    // circa marks its output directories (.circa-output, so that --force only ever replaces its own); the rest is generated/'s
    expect(readdirSync(join(proj, 'rtl')).filter((f) => f !== '.circa-output').sort()).toEqual(want);
    expect(existsSync(join(proj, 'rtl', '.circa-output'))).toBe(true);
    for (const f of want) expect(readFileSync(join(proj, 'rtl', f), 'utf8'), f).toBe(readFileSync(join(REPO, 'generated/tvscm-784', f), 'utf8'));
  });

  it('`circa sim` co-simulates from the package: its Verilator harness (sim/) and templates are found from dist/', async () => {
    writeFileSync(join(proj, 'tv16.json'), JSON.stringify({ kind: 'tvscm', name: 'tv16', n: 16, lanes: 2, placement: { type: 'band', radius: 1 }, weights: { a: 0.5, b: -0.25 } }));
    const r = await runNode(join(proj, 'node_modules/.bin/circa'), ['sim', 'tv16.json', '--vectors', '20', '--json', '-q'], proj, { CIRCA_CACHE_DIR: join(work, 'cache') });
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { pass: boolean; full: { exact: number }; backpressure: { exact: number } };
    expect(j.pass).toBe(true);
    expect(j.full.exact).toBe(20);
    expect(j.backpressure.exact).toBe(20);
  });

  it('`circa boards` lists the boards shipped in the package', async () => {
    const r = await runNode(join(proj, 'node_modules/.bin/circa'), ['boards', '--json'], proj);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { name: string }[]).map((b) => b.name).sort())
      .toEqual(readdirSync(join(REPO, 'boards')).map((f) => f.replace(/\.json$/, '')).sort());
  });

  it('imports from JavaScript: load, estimate, reference model and generate with a board', async () => {
    const script = join(proj, 'use.mjs');
    writeFileSync(script, `
import { loadDesign, designFromSpec, estimate, reference, generate } from 'circa';
const d = loadDesign('node_modules/circa/examples/tvscm-784.json');
const x = Array.from({ length: 784 }, (_, i) => (i * 37) % 256 - 128);
const small = designFromSpec({ kind: 'tvscm', name: 'tv16', n: 16, lanes: 2, placement: { type: 'band', radius: 1 }, weights: { a: 0.5, b: -0.25 } });
const g = await generate(small, { board: 'icebreaker' });
console.log(JSON.stringify({ latency: estimate(d).cost.latency, y: reference(d, x).y.slice(0, 8), top: g.top, files: g.files.map((f) => f.name) }));
`);
    const r = await runNode(script, [], proj);
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as { latency: number; y: number[]; top: string; files: string[] };
    expect(got.latency).toBe(987); // n + ceil(n/P) + 2 ceil(r/P) + 5 for n = 784, P = 4, r = 1
    // the same model, from this repo's sources
    const { loadDesign } = await import('../src/network/design.ts');
    const { networkReference } = await import('../src/network/reference.ts');
    const x = Array.from({ length: 784 }, (_, i) => (i * 37) % 256 - 128);
    expect(got.y).toEqual(networkReference(loadDesign(join(REPO, 'examples/tvscm-784.json')).net, x).y.slice(0, 8));
    expect(got.top).toBe('circa_board_top');
    expect(got.files).toContain('icebreaker.pcf');
    expect(got.files).toContain('tvscm_layer.v');
  });

  it('type-checks from TypeScript against the shipped .d.ts (tsc --noEmit, library files checked too)', async () => {
    writeFileSync(join(proj, 'check.ts'), `
import { loadDesign, estimate, generate, CircaInputError, type Design, type Estimate, type Generated } from 'circa';
const d: Design = loadDesign('node_modules/circa/examples/tvscm-784.json');
const e: Estimate = estimate(d);
const latency: number = e.cost.latency;
// @ts-expect-error the types are real, not any: a latency is not a string
const wrong: string = e.cost.latency;
const g: Promise<Generated> = generate(d, { board: 'icebreaker' });
const err: Error = new CircaInputError('x');
console.log(latency, wrong, g, err);
`);
    writeFileSync(join(proj, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false,
        types: ['node'], typeRoots: [join(REPO, 'node_modules/@types')],
      },
      files: ['check.ts'],
    }));
    const tsc = join(REPO, 'node_modules/typescript/bin/tsc');
    const r = await runNode(tsc, ['-p', 'tsconfig.json'], proj);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
    // and a misuse is caught: the check is not vacuous
    writeFileSync(join(proj, 'check.ts'), `import { estimate } from 'circa';\nestimate('not a design');\n`);
    const bad = await runNode(tsc, ['-p', 'tsconfig.json', '--skipLibCheck'], proj);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toMatch(/check\.ts.*TS2345/);
  });
});
