/**
 * Hostile input and the command's corners (issue 16): every bad spec is one
 * exit-2 message naming the field, short, without a stack; outputs go only
 * where asked and --force never deletes what circa did not write; Ctrl-C and
 * SIGTERM leave no scratch directory, cache staging directory or child
 * process behind, exit 130, and a rerun works.
 *
 * The spec table runs in-process through planAny (what every command calls);
 * the command itself is spawned only where its own behaviour is under test.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CircaInputError } from '../src/errors.ts';
import { layerRtl, planAny, renderLayers } from '../src/network/plan.ts';
import { designFromPlan } from '../src/network/design.ts';
import { predictResources } from '../src/estimate/resources.ts';
import { fitCheck } from '../src/estimate/fit.ts';
import { checkTarget, MARKER } from '../src/output.ts';
import { MAX_NAME_LENGTH } from '../src/verilog/names.ts';
import { runNode } from './run-node.ts';

const CIRCA = resolve('bin/circa.mjs');
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'circa-hostile-'));
});

const tvscm = (extra: Record<string, unknown> = {}) => ({ kind: 'tvscm', n: 10, placement: { type: 'band' }, weights: { a: 0.5, b: 0.25 }, ...extra });
const deep = (levels: number) => '['.repeat(levels) + '1' + ']'.repeat(levels);
const MB = 'x'.repeat(1_000_000);

/** [label, the spec as JSON text, what the one message must say] */
const SPECS: [string, string, RegExp][] = [
  ['deeply nested value', `{"kind":"tvscm","n":${deep(100_000)}}`, /^spec\.json: n(\[0\])+: nested more than 32 levels deep/],
  ['deeply nested layer in a network', `{"network":"n","layers":[{"kind":"activation","n":${deep(100_000)}}]}`, /^spec\.json: layers\[0\]\.n(\[0\])+: nested more than 32/],
  ['kind __proto__', '{"kind":"__proto__"}', /^spec\.json: kind: unknown layer kind "__proto__"; known kinds: tvscm/],
  ['kind constructor', '{"kind":"constructor"}', /^spec\.json: kind: unknown layer kind "constructor"/],
  ['kind toString', '{"kind":"toString"}', /^spec\.json: kind: unknown layer kind "toString"/],
  ['kind hasOwnProperty', '{"kind":"hasOwnProperty","n":4}', /^spec\.json: kind: unknown layer kind "hasOwnProperty"/],
  ['a __proto__ key in a layer', '{"network":"n","layers":[{"kind":"activation","n":4,"__proto__":{"n":5}}]}', /^spec\.json: layers\[0\]\.__proto__: unknown field "__proto__"/],
  ['a __proto__ key at the top', '{"kind":"activation","n":4,"__proto__":{"x":1}}', /^spec\.json: __proto__: unknown field/],
  ['a constructor key', JSON.stringify(tvscm({ weights: { a: 0.5, b: 0.25, constructor: 1 } })), /^spec\.json: weights\.constructor: unknown field/],
  ['a 300-character name', JSON.stringify(tvscm({ name: 'a'.repeat(300) })), /^spec\.json: name: must be at most 64 characters .*got 300$/],
  ['a 245-character name', JSON.stringify(tvscm({ name: 'a'.repeat(245) })), /^spec\.json: name: must be at most 64 characters/],
  ['a name 65 long', JSON.stringify(tvscm({ name: 'a'.repeat(MAX_NAME_LENGTH + 1) })), /^spec\.json: name: must be at most 64/],
  ['a name with a path', JSON.stringify(tvscm({ name: '../../etc/passwd' })), /^spec\.json: name: must start with a letter/],
  ['a name that is not a string', JSON.stringify(tvscm({ name: 7 })), /^spec\.json: name: expected string, got 7/],
  ['an fft named wire', '{"kind":"fft","n":16,"name":"wire"}', /^spec\.json: name: "wire" is a Verilog keyword/],
  ['an fft named module', '{"kind":"fft","n":16,"name":"module"}', /^spec\.json: name: "module" is a Verilog keyword/],
  ['an fft named class (SystemVerilog)', '{"kind":"fft","n":16,"name":"class"}', /^spec\.json: name: "class" is a Verilog \(SystemVerilog\) keyword/],
  ['an fft named fft_delay', '{"kind":"fft","n":16,"name":"fft_delay"}', /^spec\.json: name: "fft_delay" is a template module of circa \(rtl-templates\/fft_delay\.v\)/],
  ['a layer named like a template', '{"kind":"activation","n":4,"name":"requant"}', /^spec\.json: name: "requant" is a template module/],
  ['a layer named circa_board', '{"kind":"activation","n":4,"name":"circa_board"}', /^spec\.json: name: names starting with circa_ are kept for circa's own modules/],
  ['a layer named like an iCE40 cell', '{"kind":"activation","n":4,"name":"SB_MAC16"}', /^spec\.json: name: names starting with SB_ are kept for the iCE40 cells/],
  ['an fft named like an iCE40 cell', '{"kind":"fft","n":16,"name":"SB_LUT4"}', /^spec\.json: name: names starting with SB_ are kept/],
  ['an fft name with a dash', '{"kind":"fft","n":16,"name":"fft-16"}', /^spec\.json: name: must start with a letter and hold only letters, digits and _/],
  ['a network named circa_board', '{"network":"circa_board","layers":[{"kind":"activation","n":4}]}', /^spec\.json: network: names starting with circa_ are kept/],
  ['a network named like one of its layers', '{"network":"relu1","layers":[{"kind":"activation","n":4,"name":"relu1"}]}', /^spec\.json: network: makes relu1_top\.v, which layers\[0\]\.name also makes/],
  ['two layers with one name', '{"network":"n","layers":[{"kind":"activation","n":4,"name":"a"},{"kind":"activation","n":4,"name":"a"}]}', /^spec\.json: layers\[1\]\.name: "a" is used by an earlier layer/],
  ['a layer named circa_proto in a network', '{"network":"n","layers":[{"kind":"activation","n":4,"name":"circa_proto"}]}', /^spec\.json: layers\[0\]\.name: names starting with circa_/],
  ['a 1 MB bad value', JSON.stringify(tvscm({ placement: { type: MB } })), /^spec\.json: placement\.type: must be one of 'band' \| 'complement', got "x{59}\.\.\. \(1,000,000 characters\)$/],
  ['a 1 MB name', JSON.stringify(tvscm({ name: MB })), /^spec\.json: name: must be at most 64 characters .*got 1000000$/],
  ['a 1 MB unknown key', JSON.stringify(tvscm({ [MB]: 1 })), /^spec\.json: x{60}\.\.\.: unknown field "x{59}\.\.\. \(1,000,000 characters\)$/],
  ['a 1 MB kind', JSON.stringify({ kind: MB }), /^spec\.json: kind: unknown layer kind "x{59}\.\.\. \(1,000,000 characters\); known kinds/],
  ['many unknown keys', JSON.stringify({ ...tvscm(), ...Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])) }), /^spec\.json: \(top level\): unknown fields "k0", "k1", "k2", "k3", "k4", \.\.\. \(10000 in all\)$/],
  ['a huge array of bad entries', JSON.stringify({ kind: 'dense', inputs: 2, outputs: 2, weights: { values: Array.from({ length: 100_000 }, () => ['x', 'y']) } }), /^spec\.json: weights\.values: expected 2 rows \(one per output\), got 100,000$/], // counted before any entry is read
  ['a non-finite number (1e400)', '{"kind":"tvscm","n":1e400,"placement":{"type":"band"},"weights":{"a":0.5,"b":0.25}}', /^spec\.json: n: expected number, got Infinity$/],
  ['a huge number', '{"kind":"activation","n":1e300}', /^spec\.json: n: must be <= 65536, got 1e\+300$/],
  ['a negative zero-size layer', '{"kind":"activation","n":-1}', /^spec\.json: n: must be >= 1, got -1$/],
  ['a dense 4096 x 4096 layer of explicit values', `{"kind":"dense","inputs":4096,"outputs":4096,"weights":{"values":${JSON.stringify(Array.from({ length: 4096 }, () => [0]))}}}`, /^spec\.json: weights\.values\[0\]: expected 4,096 values \(one per input\), got 1$/], // rows counted before the size limit
  ['a block-circulant 65536 x 65536 layer', '{"kind":"block-circulant","inputs":65536,"outputs":65536,"blockSize":16}', /^spec\.json: inputs: 4096 x 4096 blocks of 16 = 268,435,456 weights is over circa's limit/],
  ['an array at the top', '[1,2,3]', /^spec\.json: \(top level\): expected a network .* or a layer/],
  ['null', 'null', /^spec\.json: \(top level\): expected a network/],
  ['layers that are not objects', '{"network":"n","layers":[1]}', /^spec\.json: layers\[0\]: expected record, got 1$/],
];

describe('hostile specs: one message naming the field, short, no stack', () => {
  for (const [label, text, msg] of SPECS) {
    it(label, () => {
      let err: unknown;
      try {
        // plan, then render (module-name clashes are found when the RTL is first rendered)
        renderLayers(planAny(JSON.parse(text), 'spec.json: '));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CircaInputError);
      const m = (err as Error).message;
      expect(m).toMatch(msg);
      expect(m.length).toBeLessThan(800); // never the value echoed whole
    });
  }
  it('names up to the limit are accepted, and keywords where the name only prefixes module names', () => {
    const ok = planAny(tvscm({ name: 'a'.repeat(MAX_NAME_LENGTH) }));
    expect(layerRtl(ok.layers[0]).top).toBe(`${'a'.repeat(MAX_NAME_LENGTH)}_top`);
    // the paper networks name their argmax "class": a prefix (class_top), not a module name
    expect(layerRtl(planAny({ kind: 'argmax', n: 4, name: 'class' }).layers[0]).top).toBe('class_top');
    expect(layerRtl(planAny({ network: 'small', layers: [{ kind: 'activation', n: 4, name: 'wire' }] }).layers[0]).sources.map((f) => f.name)).toContain('wire_top.v');
  });
  it('a network with a long name gets default layer names within the limit', () => {
    const net = planAny({ network: 'n'.repeat(MAX_NAME_LENGTH), layers: [{ kind: 'activation', n: 4 }, { kind: 'activation', n: 4 }] });
    expect(net.layers.map((l) => (l.plan as { name: string }).name)).toEqual([`${'n'.repeat(MAX_NAME_LENGTH - 6)}_l0`, `${'n'.repeat(MAX_NAME_LENGTH - 6)}_l1`]);
  });
  it('generate, sim and build refuse a design far beyond any iCE40 before rendering it', () => {
    // 1000 x 1000 weights and 1000 biases of 24 bits (24,024,000 bits) and two 8,000-bit input buffers > 16 x 1,171,456
    const big = { kind: 'dense', inputs: 1000, outputs: 1000, input: { int: 0, frac: 7 }, weights: { init: 'random', format: { int: 0, frac: 23 } }, output: { format: { int: 7, frac: 0 } } };
    expect(() => planAny(big, 'big.json: ', { sizeLimit: true })).toThrow(
      /^big\.json: \(top level\): the design needs 24,040,000 bits of weight and buffer memory, 21x the largest iCE40 \(UP5K: 1,171,456 bits of EBR and SPRAM\); generate, sim and build stop at 16x \(18,743,296 bits\)/,
    );
  });
  it('a dense 4096 x 4096 layer of random weights: estimated (its weights are never drawn), refused where they would be', () => {
    const huge = { kind: 'dense', name: 'huge', inputs: 4096, outputs: 4096, lanes: 8, weights: { init: 'random' } };
    const net = planAny(huge, 'huge.json: ');
    const d = designFromPlan(net, false);
    expect(d.cost().ops.parameters).toBe(4096 * 4096 + 4096);
    expect(predictResources(d, { part: 'UP5K' }).total.dsp).toBe(8);
    expect(fitCheck(d, 'UP5K').fits).toBe(false);
    // generate, sim and build plan with the size limit and stop before rendering
    expect(() => planAny(huge, 'huge.json: ', { sizeLimit: true })).toThrow(/^huge\.json: \(top level\): the design needs 134,316,032 bits/);
    // the library's reference model would draw them: refused by the weight count, naming the layer
    expect(() => d.net.layers[0].kind.reference(d.net.layers[0].plan, new Array(4096).fill(0))).toThrow(
      /^huge: inputs: 4096 inputs x 4096 outputs = 16,777,216 weights .* is over circa's limit of 4,194,304 weights per layer/,
    );
  });
});

describe('output directories: -o and --force', () => {
  it('checkTarget refuses the working directory, its parents, home and root, even with --force', () => {
    for (const dir of ['.', '..', '../..', '/', process.env.HOME ?? '/root']) {
      expect(() => checkTarget(dir, true)).toThrow(/^-o .*: is (the working directory|a parent of the working directory|your home directory|the root directory); circa writes its output into a directory of its own/);
    }
  });
  it('checkTarget refuses a file, a path through a file, and (with --force) a directory circa did not write', () => {
    const file = join(work, 'a-file.txt');
    writeFileSync(file, 'data');
    expect(() => checkTarget(file, true)).toThrow(/^-o .*a-file\.txt: is a file, not a directory/);
    expect(() => checkTarget(join(file, 'sub'), true)).toThrow(/^-o .*a-file\.txt\/sub: .*a-file\.txt is a file, so the directory cannot be made there/);
    const foreign = join(work, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'thesis.tex'), 'years of work');
    expect(() => checkTarget(foreign, false)).toThrow(/exists and is not empty; pass --force/);
    expect(() => checkTarget(foreign, true, '--out')).toThrow(/^--out .*foreign: holds files circa did not write \(no \.circa-output manifest\)/);
    const mine = join(work, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, MARKER), ''); // a bare marker proves nothing
    writeFileSync(join(mine, 'old.v'), '');
    expect(() => checkTarget(mine, true)).toThrow(/holds files circa did not write \(no \.circa-output manifest\)/);
    writeFileSync(join(mine, MARKER), JSON.stringify({ files: { 'old.v': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } }));
    expect(checkTarget(mine, true)).toBe(mine);
    expect(checkTarget(join(work, 'empty-or-new'), false)).toBe(join(work, 'empty-or-new'));
  });

  const spec = () => {
    const p = join(work, 'act.json');
    writeFileSync(p, '{"kind":"activation","n":4,"name":"act4"}');
    return p;
  };
  it('the command: -o naming a file, -o . --force and --force over foreign files exit 2 and touch nothing', async () => {
    const cwd = mkdtempSync(join(work, 'cwd-'));
    writeFileSync(join(cwd, 'keep.txt'), 'keep');
    writeFileSync(join(cwd, 'file.v'), 'not a directory');
    mkdirSync(join(cwd, 'foreign'));
    writeFileSync(join(cwd, 'foreign', 'notes.md'), 'mine');
    const runs = await Promise.all([
      runNode(CIRCA, ['generate', spec(), '-o', 'file.v', '-q'], cwd),
      runNode(CIRCA, ['generate', spec(), '-o', '.', '--force', '-q'], cwd),
      runNode(CIRCA, ['generate', spec(), '-o', '..', '--force', '-q'], cwd),
      runNode(CIRCA, ['generate', spec(), '-o', 'foreign', '--force', '-q'], cwd),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2]);
    expect(runs[0].stderr).toMatch(/^circa: -o file\.v: is a file, not a directory/);
    expect(runs[1].stderr).toMatch(/^circa: -o \.: is the working directory/);
    expect(runs[2].stderr).toMatch(/^circa: -o \.\.: is a parent of the working directory/);
    expect(runs[3].stderr).toMatch(/^circa: -o foreign: holds files circa did not write/);
    for (const r of runs) expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+|ENOTDIR|EEXIST/);
    expect(readdirSync(cwd).sort()).toEqual(['file.v', 'foreign', 'keep.txt']);
    expect(readFileSync(join(cwd, 'file.v'), 'utf8')).toBe('not a directory');
    expect(readdirSync(join(cwd, 'foreign'))).toEqual(['notes.md']);
  });
  it('the command: --force replaces its own earlier output, and leaves a file it did not write in place', async () => {
    const cwd = mkdtempSync(join(work, 'cwd-'));
    const first = await runNode(CIRCA, ['generate', spec(), '-o', 'rtl', '-q'], cwd);
    expect(first.code).toBe(0);
    expect(readdirSync(join(cwd, 'rtl'))).toContain(MARKER);
    writeFileSync(join(cwd, 'rtl', 'stale.v'), '');
    const again = await runNode(CIRCA, ['generate', spec(), '-o', 'rtl', '--force', '-q'], cwd);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/left in place \(not written by circa, or changed since\): stale\.v/);
    expect(readdirSync(join(cwd, 'rtl')).sort()).toEqual([MARKER, 'act4_top.v', 'act_layer.v', 'files.f', 'requant.v', 'stale.v']);
    expect(readdirSync(cwd)).toEqual(['rtl']); // no staging directory left
  });
});

// ---------------------------------------------------------------------------
// Interrupts: the real command, a real signal, a private temp folder and cache.
// ---------------------------------------------------------------------------
interface Started { code: Promise<number | string | null>; stderr: () => string; pid: number }

function startCirca(args: string[], env: Record<string, string>, cwd: string): Started {
  const child = spawn('node', [CIRCA, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdout.resume();
  // the exit status, or the signal that ended the process (so a failure names it)
  const code = new Promise<number | string | null>((res) => child.on('close', (c, sig) => res(c ?? sig)));
  return { code, stderr: () => stderr, pid: child.pid! };
}

async function until(what: string, cond: () => boolean, ms = 300_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Processes whose command line mentions `path` (a private folder of this test). */
function processesUsing(path: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(path)) found.push(`${pid} ${cmd.slice(0, 120)}`);
      else if (readlinkSync(`/proc/${pid}/cwd`).startsWith(path)) found.push(`${pid} (cwd) ${cmd.slice(0, 120)}`);
    } catch {
      /* gone, or not ours to read */
    }
  }
  return found;
}

/** What circa left in a private temp folder (tsx keeps its compile cache there: not ours). */
const leftovers = (dir: string) => readdirSync(dir).filter((f) => !f.startsWith('tsx-'));

describe('interrupts: exit 130, nothing left behind, a rerun works', () => {
  it('SIGINT during a Verilator compile removes the cache staging directory and stops the compilers', async () => {
    const root = mkdtempSync(join(work, 'sigint-'));
    const env = { TMPDIR: join(root, 'tmp'), CIRCA_CACHE_DIR: join(root, 'cache') };
    mkdirSync(env.TMPDIR);
    const spec = join(root, 'act.json');
    writeFileSync(spec, '{"kind":"activation","n":4,"name":"act4"}');
    const run = startCirca(['sim', spec, '--vectors', '20'], env, root);
    const vdir = join(env.CIRCA_CACHE_DIR, 'verilator');
    await until('the Verilator build to start', () => /verilating/.test(run.stderr()) && existsSync(vdir) && readdirSync(vdir).some((f) => f.startsWith('tmp-')));
    await until('the C++ compiler to start', () => processesUsing(vdir).some((p) => /make|g\+\+|cc1plus/.test(p)), 60_000);
    process.kill(run.pid, 'SIGINT');
    expect(await run.code, run.stderr()).toBe(130);
    expect(run.stderr()).toMatch(/circa: interrupted \(SIGINT\); removed temporary files/);
    expect(readdirSync(vdir)).toEqual([]);
    expect(leftovers(env.TMPDIR)).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(processesUsing(root)).toEqual([]);
    // a rerun builds from scratch and passes
    const again = await runNode(CIRCA, ['sim', spec, '--vectors', '20', '-q'], root, env);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/20\/20 vectors bit-exact[\s\S]*PASS/);
    expect(readdirSync(vdir).filter((f) => f.startsWith('tmp-'))).toEqual([]);
  });

  it('SIGTERM during a YoWASP build removes circa-build-* and writes no output; a rerun builds', async () => {
    const root = mkdtempSync(join(work, 'sigterm-'));
    const env = { TMPDIR: join(root, 'tmp'), CIRCA_CACHE_DIR: join(root, 'cache') };
    mkdirSync(env.TMPDIR);
    // big enough that the flow is still running when the signal comes
    const spec = join(root, 'fc.json');
    writeFileSync(spec, '{"kind":"dense","name":"fc","inputs":32,"outputs":8,"lanes":2,"weights":{"init":"random"}}');
    const run = startCirca(['build', spec, '-o', 'out'], env, root);
    await until('yosys to start', () => /yosys: synthesising/.test(run.stderr()) && leftovers(env.TMPDIR).some((f) => f.startsWith('circa-build-')));
    await new Promise((r) => setTimeout(r, 500)); // inside yosys (in its worker thread)
    const t0 = Date.now();
    process.kill(run.pid, 'SIGTERM');
    expect(await run.code, run.stderr()).toBe(130);
    // taken at once, not when yosys returns (the WebAssembly runs off the main thread)
    expect(Date.now() - t0, run.stderr()).toBeLessThan(5000);
    expect(run.stderr()).toMatch(/circa: interrupted \(SIGTERM\)/);
    expect(leftovers(env.TMPDIR), run.stderr()).toEqual([]);
    expect(readdirSync(root).sort()).toEqual(['fc.json', 'tmp']);
    const again = await runNode(CIRCA, ['build', spec, '-o', 'out', '--toolchain', 'native', '-q'], root, env);
    expect(again.code).toBe(0);
    expect(readdirSync(join(root, 'out'))).toContain('circa_board_top.bin');
    expect(leftovers(env.TMPDIR)).toEqual([]);
  });
});
