/**
 * The `circa` command as a user runs it: exit codes, messages that name the
 * bad field, outputs only where asked, and the main job (generate, sim,
 * build a bitstream for the iCEBreaker).
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runNode } from './run-node.ts';
import { buildExample } from './cli-build.ts';

const CIRCA = resolve('bin/circa.mjs');
const EXAMPLE = resolve('examples/tvscm-784.json');
let work: string;

const circa = (...args: string[]) => runNode(CIRCA, args, work);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'circa-cli-'));
});

describe('help and usage', () => {
  it('--help lists every subcommand and exits 0', async () => {
    const r = await circa('--help');
    expect(r.code).toBe(0);
    for (const c of ['generate', 'sim', 'build', 'estimate', 'boards']) expect(r.stdout).toContain(c);
  });
  it('each subcommand has --help with its options', async () => {
    expect((await circa('sim', '--help')).stdout).toMatch(/--vectors <n>[\s\S]*--seed <s>[\s\S]*--json/);
    expect((await circa('build', '--help')).stdout).toMatch(/--board[\s\S]*--toolchain[\s\S]*yowasp/);
    expect((await circa('generate', '--help')).stdout).toMatch(/-o, --output <dir>/);
  });
  it('a bad flag value exits 2 and names the flag', async () => {
    const r = await circa('sim', EXAMPLE, '--vectors', 'many');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--vectors must be an integer/);
    expect((await circa('build', EXAMPLE, '--toolchain', 'vivado')).code).toBe(2);
  });
});

describe('bad input: exit 2, the field named, no output left behind', () => {
  const specs: [string, string, RegExp][] = [
    ['n < 3', '{"kind":"tvscm","n":2,"placement":{"type":"band"},"weights":{"a":0.5,"b":0.25}}', /n: must be >= 3, got 2/],
    ['r >= n/2', '{"kind":"tvscm","n":10,"placement":{"type":"band","radius":5},"weights":{"a":0.5,"b":0.25}}', /placement\.radius: must be in 1\.\.4/],
    ['P > n', '{"kind":"tvscm","n":10,"lanes":11,"placement":{"type":"band"},"weights":{"a":0.5,"b":0.25}}', /lanes: must be in 1\.\.10/],
    ['width', '{"kind":"tvscm","n":10,"placement":{"type":"band"},"output":{"format":{"int":40,"frac":0}},"weights":{"a":0.5,"b":0.25}}', /output\.format\.int/],
    ['weight', '{"kind":"tvscm","n":10,"placement":{"type":"band"},"weights":{"a":-1.5,"b":0.25}}', /weights\.a: -1\.5 does not fit/],
    ['placement', '{"kind":"tvscm","n":10,"placement":{"type":"ring"},"weights":{"a":0.5,"b":0.25}}', /placement\.type/],
    ['malformed JSON', '{"kind":"tvscm",', /malformed JSON/],
  ];
  for (const [label, text, msg] of specs) {
    it(label, async () => {
      const spec = join(work, `bad-${label.replace(/\W+/g, '_')}.json`);
      writeFileSync(spec, text);
      const out = join(work, `out-${label.replace(/\W+/g, '_')}`);
      const r = await circa('generate', spec, '-o', out);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(work).filter((f) => f.includes('partial'))).toEqual([]);
    });
  }
  it('an unknown board exits 2 listing the known ones', async () => {
    const out = join(work, 'out-board');
    const r = await circa('build', EXAMPLE, '--board', 'arty', '-o', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown board "arty"; known boards: .*icebreaker/);
    expect(existsSync(out)).toBe(false);
  });
  it('a --clock the PLL cannot make exits 2 before the tools run, naming the nearest setting', async () => {
    const out = join(work, 'out-clock');
    const r = await circa('build', EXAMPLE, '--clock', '300', '-o', out);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--clock 300: the iCE40 PLL makes 16\.\.275 MHz.*the nearest: 270 MHz \(DIVR 0, DIVF 44, DIVQ 1\)/);
    expect(existsSync(out)).toBe(false);
    expect((await circa('build', EXAMPLE, '--clock', 'fastest', '-o', out)).stderr).toMatch(/--clock must be a frequency in MHz/);
  });
  it('a network that does not fit the board is refused before the tools run, with the numbers', async () => {
    for (const [spec, board, why] of [
      ['examples/mnist-dense.json', 'icebreaker', /EBR \(4 kbit\)\s+1,240\s+30\s+over/],
      ['examples/mnist-tvscm.json', 'icestick', /does not fit iCE40HX1K[\s\S]*fits instead on iCE40UP5K/],
      ['examples/mnist-tvscm.json', 'tinyfpga-bx', /has no UART/],
    ] as const) {
      const out = join(work, `nofit-${board}`);
      const r = await circa('build', resolve(spec), '--board', board, '-o', out);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(why);
      expect(r.stderr).not.toMatch(/yosys: synthesising/);
      expect(existsSync(out)).toBe(false);
    }
  });
  it('a missing spec file exits 2', async () => {
    const r = await circa('estimate', join(work, 'nope.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.json: cannot read the file/);
  });
  it('a non-empty output directory is not overwritten without --force', async () => {
    const out = join(work, 'occupied');
    await circa('generate', EXAMPLE, '-o', out, '-q');
    writeFileSync(join(out, 'mine.txt'), 'keep me');
    const r = await circa('generate', EXAMPLE, '-o', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--force/);
    expect(readFileSync(join(out, 'mine.txt'), 'utf8')).toBe('keep me');
  });
});

describe('the main job', () => {
  it('generate writes the RTL, checked, where asked', { tags: ['tools'] }, async () => {
    const out = join(work, 'rtl');
    const r = await circa('generate', EXAMPLE, '-o', out, '--check', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.top).toBe('tvscm_784_top');
    expect(readdirSync(out).sort()).toEqual(['.circa-output', 'files.f', 'requant.v', 'tvscm_784_top.v', 'tvscm_layer.v']);
    expect(j.checks.map((c: { ok: boolean }) => c.ok)).toEqual([true, true, true]);
  });

  it('sim reports every vector bit-exact and cycles as predicted', { tags: ['tools'] }, async () => {
    const r = await circa('sim', EXAMPLE, '--vectors', '200', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.pass).toBe(true);
    expect(j.full.exact).toBe(200);
    expect(j.backpressure.exact).toBe(200);
    expect(new Set(j.full.cycles.measuredLatency)).toEqual(new Set([j.full.cycles.predictedLatency]));
    expect(r.stderr).toMatch(/co-simulating 200 vectors/); // progress on stderr
  });

  it('estimate prints cycles and counts', async () => {
    const r = await circa('estimate', EXAMPLE, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.latency).toBe(784 + 196 + 2 + 5);
    expect(j.ops.multiplies).toBe(2 * 784);
    expect(j.ops.parameters).toBe(2);
  });

  // the native toolchain's build of the same example repeats this path: test/cli.build.deep.test.ts
  it('build --board icebreaker --toolchain yowasp: a bitstream, DSPs in use, Fmax >= 12 MHz', { tags: ['tools'] }, async () => {
    await buildExample('yowasp', work);
  });
});
