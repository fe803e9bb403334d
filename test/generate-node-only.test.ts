/**
 * `circa generate --check` on a machine with Node only (issue 28, item 2):
 * no verilator or iverilog on PATH is not a failed check. The checks that can
 * run (yosys, from npm) run; the others are reported as skipped with the
 * reason, and the command exits 0 and writes the RTL. A real failure still
 * fails, and the library's default still fails a missing tool (the tests
 * rely on every tool running).
 */
import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runNode } from './run-node.ts';
import { checkRtl } from '../src/sim/lint.ts';

const CIRCA = resolve('bin/circa.mjs');
const SPEC = resolve('examples/tvscm-784.json');
let work: string;
let bin: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'circa-gen-node-'));
  bin = join(work, 'bin');
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, 'node'));
});

const PATH = process.env.PATH;
afterEach(() => {
  process.env.PATH = PATH;
});

describe('generate --check with only node on PATH', () => {
  it('runs yosys, skips verilator and iverilog saying why, writes the RTL and exits 0', async () => {
    const out = join(work, 'rtl');
    const r = await runNode(CIRCA, ['generate', SPEC, '-o', out, '--check'], work, { PATH: bin });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^verilator --lint-only -Wall: skipped \(verilator is not on PATH; install it to run this check\)$/m);
    expect(r.stdout).toMatch(/^iverilog -g2005: skipped \(iverilog is not on PATH; install it to run this check\)$/m);
    expect(r.stdout).toMatch(/^yosys read_verilog: clean$/m);
    expect(r.stderr).toMatch(/verilator --lint-only -Wall: skipped/);
    expect(existsSync(join(out, 'tvscm_layer.v'))).toBe(true);
  });

  it('--json marks the skipped checks', async () => {
    const r = await runNode(CIRCA, ['generate', SPEC, '-o', join(work, 'rtl-json'), '--check', '--json'], work, { PATH: bin });
    expect(r.code, r.stderr).toBe(0);
    const checks = JSON.parse(r.stdout).checks as { tool: string; ok: boolean; skipped?: string }[];
    expect(checks.map((c) => [c.tool, c.ok, c.skipped ?? null])).toEqual([
      ['verilator --lint-only -Wall', true, 'verilator is not on PATH'],
      ['iverilog -g2005', true, 'iverilog is not on PATH'],
      ['yosys read_verilog', true, null],
    ]);
  });

  it('a real failure still fails when the other tools are skipped', async () => {
    process.env.PATH = bin;
    const broken = [{ name: 'bad.v', text: 'module bad(input a, output y);\n  assign y = a &;\nendmodule\n' }];
    const checks = await checkRtl(broken, 'bad', { missing: 'skip' });
    expect(checks.map((c) => c.ok)).toEqual([true, true, false]);
    expect(checks[2].messages.join('\n')).toMatch(/syntax error|ERROR/);
  });

  it('the library default fails a missing tool, naming it', async () => {
    process.env.PATH = bin;
    const ok = [{ name: 'ok.v', text: 'module ok(input a, output y);\n  assign y = a;\nendmodule\n' }];
    const checks = await checkRtl(ok, 'ok');
    expect(checks.map((c) => [c.ok, c.messages])).toEqual([
      [false, ['verilator is not on PATH']],
      [false, ['iverilog is not on PATH']],
      [true, []],
    ]);
  });
});
