/**
 * The fuzz suite's hostile-weights arm (issue 22): every kind of broken or
 * hostile weight file (truncated, trailing data, bad CRC, zip bombs, huge
 * headers, NaN/Inf, 1e30, wrong dtypes, path-traversal member names, ...)
 * and fast-check's random damage to a valid .npz, each through `circa import`
 * in a child process that measures the time and the peak memory of each
 * case (test/hostile-weights-child.ts). No case may take over 5 s or
 * bring the process over 400 MB; each hostile one is one exit-2 line naming
 * what is wrong, and a damaged file is never imported as other values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SPEC, dict, f4, hostileCases, member, npy, zip } from './hostile-weights.ts';

const SEED = process.env.CIRCA_SEED ? Number(process.env.CIRCA_SEED) : Date.now() % 2 ** 31;
const MAX_MS = 5000;
const MAX_RSS_MB = 400;
const STACK = /^\s+at .*(\.ts|\.js|\.mjs|node:internal)|internal error|RangeError|TypeError/m;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'circa-hostile-weights-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Result { label: string; code: number; stderr: string; stdout: string; ms: number; maxRssMB: number; values?: Record<string, number[]> }

/** Write each case into a folder of its own (a .npy's tensor is named after its file) and run them all in one child. */
async function runCases(cases: { label: string; file: string; data: Uint8Array | string }[]): Promise<Result[]> {
  const list = cases.map((c, k) => {
    const sub = join(dir, `c${k}`);
    mkdirSync(sub);
    writeFileSync(join(sub, c.file), c.data);
    return { label: c.label, path: join(sub, c.file) };
  });
  writeFileSync(join(dir, 'cases.json'), JSON.stringify(list));
  writeFileSync(join(dir, 'spec.json'), JSON.stringify(SPEC));
  const { stdout } = await promisify(execFile)(
    'node', ['--import', 'tsx', resolve('test/hostile-weights-child.ts'), join(dir, 'cases.json'), join(dir, 'spec.json'), join(dir, 'out.npz')],
    { cwd: resolve('.'), maxBuffer: 64 * 2 ** 20 },
  );
  for (const k of cases.keys()) rmSync(join(dir, `c${k}`), { recursive: true, force: true });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Result[];
}

const bounded = (r: Result) => {
  expect(r.ms, `${r.label}: time`).toBeLessThan(MAX_MS);
  expect(r.maxRssMB, `${r.label}: peak memory (MB)`).toBeLessThan(MAX_RSS_MB);
};

describe(`fuzz: hostile weight files, each under ${MAX_MS / 1000} s and ${MAX_RSS_MB} MB (seed ${SEED})`, () => {
  it('every kind of hostile weight file is one exit-2 line saying what is wrong, in bounded time and memory', async () => {
    const cases = hostileCases();
    const results = await runCases(cases);
    expect(results.map((r) => r.label)).toEqual(cases.map((c) => c.label));
    const table: string[] = [];
    const wrong: string[] = [];
    for (const [k, r] of results.entries()) {
      const c = cases[k];
      if (!c.says.test(c.valid ? r.stdout : r.stderr)) wrong.push(`${r.label}: ${(c.valid ? r.stdout : r.stderr).slice(0, 300)}`);
      table.push(`${r.ms.toFixed(0).padStart(6)} ms ${r.maxRssMB.toFixed(0).padStart(5)} MB  ${r.label}`);
      bounded(r);
      if (c.valid) {
        expect({ label: r.label, code: r.code, stderr: r.stderr }).toEqual({ label: r.label, code: 0, stderr: '' });
        continue;
      }
      expect({ label: r.label, code: r.code }).toEqual({ label: r.label, code: 2 });
      expect(r.stderr, r.label).toMatch(/^circa: [^\n]+\n$/);
      expect(r.stderr, r.label).not.toMatch(STACK);
    }
    console.log(`hostile weight files (time, peak RSS of the child so far):\n${table.join('\n')}`);
    expect(wrong, 'cases whose message does not say what it should').toEqual([]);
    expect(readdirSync(dir).filter((f) => f !== 'cases.json' && f !== 'spec.json')).toEqual([]);
  }, 120_000);

  it('random damage to a valid .npz (flipped bytes, cuts, appended bytes) is refused, or imports the very same values', async () => {
    const good = [member('fc.weight.npy', npy(dict('<f4', [2, 2]), f4([0.5, -0.25, 0.125, 1]))), member('fc.bias.npy', npy(dict('<f4', [2]), f4([0, 0.5])))];
    const bases = [zip(good), zip(good.map((m) => member(m.name, m.plain!, 0)))];
    const damage = fc.tuple(fc.nat(1), fc.oneof(
      fc.tuple(fc.constant('flip'), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 })),
      fc.tuple(fc.constant('cut'), fc.nat()),
      fc.tuple(fc.constant('append'), fc.uint8Array({ minLength: 1, maxLength: 40 })),
    ));
    const drawn = fc.sample(damage, { numRuns: 60, seed: SEED });
    const cases = drawn.map(([b, [how, arg]], k) => {
      const base = bases[b];
      let data: Uint8Array;
      if (how === 'flip') {
        data = base.slice();
        for (const [at, x] of arg as [number, number][]) data[at % data.length] ^= x;
      } else if (how === 'cut') data = base.subarray(0, (arg as number) % base.length);
      else data = new Uint8Array([...base, ...(arg as Uint8Array)]);
      return { label: `#${k} ${b ? 'stored' : 'deflated'} ${how} ${JSON.stringify(arg).slice(0, 60)}`, file: 'w.npz', data };
    });
    const results = await runCases(cases);
    let refused = 0;
    for (const r of results) {
      bounded(r);
      expect([0, 2], `${r.label}: ${r.stderr}`).toContain(r.code);
      expect(r.stderr, r.label).not.toMatch(STACK);
      if (r.code === 2) {
        refused++;
        expect(r.stderr, r.label).toMatch(/^circa: [^\n]+\n$/);
      } else {
        // a byte that changes no value (a version field, a timestamp): the very same values
        expect(r.values, r.label).toEqual({ 'fc.weight': [0.5, -0.25, 0.125, 1], 'fc.bias': [0, 0.5] });
      }
    }
    console.log(`random damage: ${results.length} cases (seed ${SEED}), ${refused} refused, ${results.length - refused} harmless; slowest ${Math.max(...results.map((r) => r.ms)).toFixed(0)} ms, peak ${Math.max(...results.map((r) => r.maxRssMB)).toFixed(0)} MB`);
  }, 120_000);
});
