/**
 * The ordinary mistakes of a new user (issue 28): each is refused clearly,
 * exit 2, one line naming what is wrong, before any work is done. No tools
 * needed: the fast tier runs this file.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runNode } from './run-node.ts';
import { planAny } from '../src/network/plan.ts';
import { readJsonFile } from '../src/layers/load.ts';
import { evaluateFixed } from '../src/train/evaluate.ts';
import { loadDataset } from '../src/train/mnist.ts';
import { applyVary, expandPoints, parseVary } from '../src/estimate/sweep.ts';
import { locateJsonError } from '../src/json.ts';
import { closest } from '../src/suggest.ts';
import { fitCheck } from '../src/estimate/fit.ts';
import { compareResources, formatResourceComparison, predictResources } from '../src/estimate/resources.ts';
import { loadDesign } from '../src/network/design.ts';
import type { FlowReport } from '../src/flow/report.ts';

const CIRCA = resolve('bin/circa.mjs');
let work: string;
const circa = (...args: string[]) => runNode(CIRCA, args, work);
const oneLine = (stderr: string) => stderr.trim().split('\n');

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'circa-newcomer-'));
});

describe('--dataset on a spec that is not a classifier (item 3)', () => {
  const TVSCM = resolve('examples/tvscm-784.json');
  it('circa sim refuses it before simulating, exit 2', async () => {
    const r = await circa('sim', TVSCM, '--dataset', 'mnist', '--limit', '10');
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual([
      'circa: --dataset: the design is not a mnist classifier: it gives 784 outputs and has no argmax stage, and mnist has 10 classes',
    ]);
    expect(r.stdout).not.toMatch(/PASS|accuracy/);
  });
  it('circa eval refuses it, exit 2', async () => {
    const r = await circa('eval', TVSCM, '--limit', '10');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^circa: .*tvscm-784\.json: the design is not a mnist classifier: it gives 784 outputs/);
    expect(r.stdout).toBe('');
  });
  it('circa run refuses it before opening the port, exit 2', async () => {
    const r = await circa('run', TVSCM, '--dataset', 'mnist', '--limit', '5', '--port', join(work, 'no-such-port'));
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual([
      'circa: --dataset: the design is not a mnist classifier: it gives 784 outputs and has no argmax stage, and mnist has 10 classes',
    ]);
    expect(r.stdout).toBe('');
  });
  it('circa train refuses it before training, exit 2, nothing written', async () => {
    const out = join(work, 'never.npz');
    const r = await circa('train', TVSCM, '-o', out, '--limit', '10');
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual([`circa: ${TVSCM}: the last trainable layer gives 784 outputs; mnist has 10 classes`]);
    expect(existsSync(out)).toBe(false);
  });
  it('circa sweep and circa compare with --dataset refuse it too, exit 2', async () => {
    const sw = await circa('sweep', TVSCM, '--vary', 'lanes=1,2', '--dataset', 'mnist', '--limit', '5', '-q');
    expect(sw.code).toBe(2);
    expect(oneLine(sw.stderr)).toEqual([expect.stringMatching(/^circa: \w+: the design is not a mnist classifier: it gives 784 outputs and has no argmax stage/)]);
    expect(sw.stdout).toBe('');
    const cmp = await circa('compare', TVSCM, resolve('examples/tvscm-784-wide.json'), '--dataset', 'mnist', '--limit', '5', '-q');
    expect(cmp.code).toBe(2);
    expect(oneLine(cmp.stderr)).toEqual([expect.stringMatching(/^circa: \w+: the design is not a mnist classifier: it gives 784 outputs/)]);
    expect(cmp.stdout).toBe('');
  });
  it('the library refuses it too; a classifier is still scored', () => {
    const test = loadDataset('mnist', 'test');
    expect(() => evaluateFixed(planAny(readJsonFile(TVSCM)), test, 5)).toThrow(/not a mnist classifier/);
    const r = evaluateFixed(planAny(readJsonFile('examples/trained/mnist-tvscm.json'), '', { baseDir: resolve('examples/trained') }), test, 20);
    expect(r.images).toBe(20);
    expect(r.correct).toBeGreaterThan(10);
  });
});

describe('circa sweep (item 4)', () => {
  const TVSCM = resolve('examples/tvscm-784.json');
  it('a misspelt --vary key is refused before sweeping, with a suggestion', async () => {
    const r = await circa('sweep', TVSCM, '--vary', 'lanse=1,2');
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual(['circa: --vary lanse: the spec has no field "lanse" there (did you mean "lanes"?); not sweeping']);
    const n = await circa('sweep', resolve('examples/mnist-tvscm.json'), '--vary', 'layers.0.placement.raduis=1,2');
    expect(n.code).toBe(2);
    expect(n.stderr).toMatch(/--vary layers\.0\.placement\.raduis: the spec has no field "raduis" there \(did you mean "radius"\?\)/);
  });
  it('an out-of-range value is an invalid point with the spec\'s own message, not capped into a valid one', () => {
    const spec = readJsonFile(TVSCM);
    const [, bad] = expandPoints(spec, [parseVary('lanes=2,1000')]);
    expect((bad.spec as { lanes: number }).lanes).toBe(1000);
    expect(() => planAny(bad.spec)).toThrow(/lanes: must be in 1\.\.784/);
    // in a network, a value some layer can take is still capped for the others
    const net = applyVary(readJsonFile('examples/mnist-tvscm.json'), 'lanes', 16) as { layers: { kind: string; lanes?: number }[] };
    expect(net.layers.filter((l) => l.lanes !== undefined).map((l) => l.lanes)).toEqual([16, 10]);
  });
  it('exits 2 when no point is valid, and 0 with the invalid rows marked when some are', async () => {
    const none = await circa('sweep', TVSCM, '--vary', 'lanes=1000', '-q');
    expect(none.code).toBe(2);
    expect(oneLine(none.stderr)).toEqual(['circa: --vary: none of the 1 point(s) is valid (point 0: lanes: must be in 1..784 (at most n), got 1000)']);
    const some = await circa('sweep', TVSCM, '--vary', 'lanes=2,1000', '-q');
    expect(some.code, some.stderr).toBe(0);
    expect(some.stdout).toMatch(/^1 +1000 +invalid: lanes: must be in 1\.\.784 \(at most n\), got 1000$/m);
    expect(some.stdout).toMatch(/2 point\(s\), 1 invalid/);
  });
});

describe('names that mean what they say (item 9)', () => {
  it('the fit table and the fit refusal say logic cells, never calling them LUT4', async () => {
    const r = await circa('build', resolve('examples/mnist-tvscm.json'), '--board', 'icestick', '-o', join(work, 'never-built'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^logic cells +[\d,]+ +1,280 +over$/m);
    expect(r.stderr).toMatch(/does not fit iCE40HX1K: logic cells needs [\d,]+, has 1,280;/);
    expect(r.stderr).not.toMatch(/LUT4/);
    const f = fitCheck(loadDesign(resolve('examples/tvscm-784.json')), 'UP5K', { advise: false });
    expect(f.rows[0].resource).toBe('logic cells');
  });
  it('predicted vs actual labels the logic cells so', () => {
    const predicted = predictResources(loadDesign(resolve('examples/tvscm-784.json')), { part: 'UP5K' });
    const report = { part: 'UP5K', toolchain: 'yowasp', cells: { logicCells: 1800, lut: 1800, lut4: 1200, ff: 1000, dsp: 8, ebr: 9, spram: 0 } } as unknown as FlowReport;
    const table = formatResourceComparison(compareResources(predicted, report));
    expect(table).toMatch(/^logic cells +[\d]+ +1800 /m);
    expect(table).not.toMatch(/LUT4/);
  });
});

describe('smaller points (item 10)', () => {
  it('--json: an error is a JSON object on stdout, exit 2 kept', async () => {
    const spec = join(work, 'unknown-field.json');
    writeFileSync(spec, '{"kind":"tvscm","n":10,"lanse":2,"placement":{"type":"band"},"weights":{"a":0.5,"b":0.25}}');
    const r = await circa('estimate', spec, '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ error: { message: `${spec}: lanse: unknown field "lanse" (did you mean "lanes"?)`, exitCode: 2, kind: 'input' } });
    const u = await circa('sim', spec, '--vectors', 'many', '--json');
    expect(u.code).toBe(2);
    expect(JSON.parse(u.stdout).error.kind).toBe('usage');
    expect(JSON.parse(u.stdout).error.message).toMatch(/--vectors/);
  });
  it('an unknown spec field gets a "did you mean", at any depth, in layers and networks', async () => {
    const spec = join(work, 'deep.json');
    writeFileSync(spec, JSON.stringify({ network: 'n', layers: [{ kind: 'tvscm', n: 10, placement: { type: 'band', raduis: 1 }, weights: { a: 0.5, b: 0.25 } }], schedul: 'sequential' }));
    const r = await circa('estimate', spec);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/schedul: unknown field "schedul" \(did you mean "schedule"\?\)/);
    writeFileSync(spec, JSON.stringify({ network: 'n', layers: [{ kind: 'tvscm', n: 10, placement: { type: 'band', raduis: 1 }, weights: { a: 0.5, b: 0.25 } }] }));
    expect((await circa('estimate', spec)).stderr).toMatch(/layers\[0\]\.placement\.raduis: unknown field "raduis" \(did you mean "radius"\?\)/);
    expect(closest('zzzzzz', ['lanes', 'kind'])).toBeUndefined();
    // a hostile key (a million characters) gets no suggestion, and costs no time (the fuzz suite draws such keys)
    const t0 = performance.now();
    expect(closest('k'.repeat(1_000_000), ['kind', 'lanes', 'k'.repeat(60)])).toBeUndefined();
    expect(performance.now() - t0).toBeLessThan(50);
  });
  it('malformed JSON is reported by line and column', async () => {
    const spec = join(work, 'malformed.json');
    writeFileSync(spec, '{\n  "kind": "tvscm",\n  "n": 10,\n  "lanes" 2\n}\n');
    const r = await circa('estimate', spec);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual([`circa: ${spec}: malformed JSON at line 4, column 11: expected ":" after the property name, found "2"`]);
    expect(locateJsonError('{"a":1,')).toEqual({ line: 1, column: 8, problem: 'expected a double-quoted property name, found the end of the text' });
    expect(locateJsonError('[1, 2,]\n')).toMatchObject({ line: 1, column: 7 });
    expect(locateJsonError('{"a": "x\ny"}')).toMatchObject({ line: 1, column: 9, problem: 'expected no control character inside a string, found "\\n"' });
  });
  it('circa generate with no spec complains about the spec first', async () => {
    const r = await circa('generate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: missing required argument 'spec'/);
    const o = await circa('generate', resolve('examples/tvscm-784.json'));
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/^error: required option '-o, --output <dir>' not specified/);
  });
});

describe('installing (item 10)', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string>; allowScripts?: Record<string, boolean>; files: string[] };
  it('no install-time script of circa\'s own: the tarball does not ship scripts/, so prepare would point at nothing', () => {
    for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts[s], s).toBeUndefined();
    // npm pack still builds dist/ first
    expect(pkg.scripts.prepack).toBe('node scripts/build.mjs');
    expect(pkg.files.some((f) => f.startsWith('scripts'))).toBe(false);
  });
  it('allowScripts settles every dependency with an install script in the lock file', () => {
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
    const withScripts = Object.entries(lock.packages).filter(([, v]) => v.hasInstallScript).map(([k]) => k.replace(/^.*node_modules\//, '')).sort();
    expect(withScripts.length).toBeGreaterThan(0);
    expect(Object.keys(pkg.allowScripts ?? {}).sort()).toEqual(withScripts);
  });
});
