/**
 * `circa program` and `circa build --program`, with fake programmers on PATH:
 * shell scripts named openFPGALoader and iceprog that record their arguments
 * (and fail when asked), so the test sees exactly what would run.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const CIRCA = resolve('bin/circa.mjs');
const work = mkdtempSync(join(tmpdir(), 'circa-program-'));

/** A directory holding fake programmers that append "<name> <args>" to log; FAKE_FAIL=1 makes them fail. */
function fakeTools(names: string[]): { dir: string; log: string } {
  const dir = mkdtempSync(join(work, 'bin-'));
  const log = join(dir, 'calls.log');
  for (const name of names) {
    const p = join(dir, name);
    writeFileSync(p, `#!/bin/sh\necho "${name} $*" >> "${log}"\nif [ "$FAKE_FAIL" = 1 ]; then echo "Error: no device found" >&2; exit 3; fi\necho "${name}: done"\n`);
    chmodSync(p, 0o755);
  }
  return { dir, log };
}

const calls = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);

async function circa(args: string[], path: string, env: Record<string, string> = {}) {
  try {
    const r = await exec(process.execPath, [CIRCA, ...args], { cwd: work, env: { ...process.env, PATH: path, ...env } });
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

// an icepack-style .bin: a comment block, then the sync word and some configuration bytes
const BIT = join(work, 'design.bin');
writeFileSync(BIT, Buffer.from([0xff, 0x00, ...Buffer.from('circa test'), 0x00, 0xff, 0x7e, 0xaa, 0x99, 0x7e, 0x92, 0x00, 0x00, 0x51, 0x00, 0x01]));

describe('circa program', () => {
  it('both on PATH: openFPGALoader, with the board\'s arguments and the bitstream\'s full path', async () => {
    const { dir, log } = fakeTools(['openFPGALoader', 'iceprog']);
    const r = await circa(['program', 'design.bin', '--board', 'icebreaker'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(calls(log)).toEqual([`openFPGALoader -b ice40_generic ${BIT}`]);
    expect(r.stdout).toBe(`programmed with: openFPGALoader -b ice40_generic ${BIT}\n`);
    expect(r.stderr).toMatch(/openFPGALoader: writing design\.bin to the icebreaker/); // progress, and the tool's own output
    expect(r.stderr).toContain('openFPGALoader: done');
  });

  it('only iceprog on PATH: iceprog; --tool names one; a board with its own arguments gets them', async () => {
    const only = fakeTools(['iceprog']);
    expect((await circa(['program', BIT, '--board', 'icestick', '-q'], only.dir)).code).toBe(0);
    const both = fakeTools(['openFPGALoader', 'iceprog']);
    expect((await circa(['program', BIT, '--board', 'hx8k-breakout', '--tool', 'iceprog', '-q'], both.dir)).code).toBe(0);
    expect((await circa(['program', BIT, '--board', 'upduino-v3', '-q'], both.dir)).code).toBe(0);
    expect(calls(only.log)).toEqual([`iceprog ${BIT}`]);
    expect(calls(both.log)).toEqual([`iceprog ${BIT}`, `iceprog -d i:0x0403:0x6014 ${BIT}`]);
  });

  it('--dry-run and --json: the command, and nothing run', async () => {
    const { dir, log } = fakeTools(['openFPGALoader']);
    const r = await circa(['program', BIT, '--dry-run', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ bitstream: BIT, board: 'icebreaker', tool: 'openFPGALoader', exe: join(dir, 'openFPGALoader'), args: ['-b', 'ice40_generic', BIT], programmed: false });
    expect(calls(log)).toEqual([]);
  });

  it('neither on PATH: exit 1, one message naming both tools and how to install them', async () => {
    const empty = mkdtempSync(join(work, 'empty-'));
    const r = await circa(['program', BIT], empty);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('circa: programming the icebreaker needs openFPGALoader or iceprog on PATH, and neither is there. ' +
      'Install one: Debian/Ubuntu `apt install openfpgaloader` or `apt install fpga-icestorm` (iceprog); macOS `brew install openfpgaloader`; ' +
      'Windows and others: the OSS CAD Suite, which has both.\n');
  });

  it('the programmer fails: exit 1 with its last lines', async () => {
    const { dir } = fakeTools(['openFPGALoader']);
    const r = await circa(['program', BIT, '-q'], dir, { FAKE_FAIL: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^circa: openFPGALoader failed \(exit 3\):\n {2}Error: no device found\n$/);
  });

  it('bad input exits 2 naming it: no file, not a bitstream, a board no programmer reaches, a tool that does not reach it', async () => {
    const { dir, log } = fakeTools(['openFPGALoader', 'iceprog']);
    writeFileSync(join(work, 'notes.txt'), 'hello');
    const cases: [string[], RegExp][] = [
      [['program', 'missing.bin'], /^circa: <bitstream> missing\.bin: no such file\n$/],
      [['program', 'notes.txt'], /^circa: <bitstream> notes\.txt: not an iCE40 bitstream/],
      [['program', BIT, '--board', 'tinyfpga-bx'], /^circa: --board tinyfpga-bx: circa program knows no programmer for this board \(.*tinyprog/],
      [['program', BIT, '--board', 'upduino-v3', '--tool', 'openFPGALoader'], /^circa: --tool openFPGALoader: does not reach the upduino-v3 as circa knows it; use iceprog/],
      [['program', BIT, '--tool', 'fujprog'], /--tool.*fujprog.*Allowed choices are auto, openFPGALoader, iceprog/],
    ];
    for (const [args, want] of cases) {
      const r = await circa(args, dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(want);
    }
    expect(calls(log)).toEqual([]);
  });
});

describe('circa build --program', () => {
  it('without a programmer it refuses before building: exit 1, nothing written', async () => {
    const empty = mkdtempSync(join(work, 'empty-'));
    const out = join(work, 'never');
    const r = await circa(['build', resolve('examples/tvscm-784.json'), '--program', '-o', out], empty);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/needs openFPGALoader or iceprog on PATH/);
    expect(existsSync(out)).toBe(false);
  });

  it('builds a small layer with the native tools, then programs the bitstream it wrote', { tags: ['tools'] }, async () => {
    const { dir, log } = fakeTools(['iceprog']);
    mkdirSync(join(work, 'specs'), { recursive: true });
    const spec = join(work, 'specs', 'tv16.json');
    writeFileSync(spec, JSON.stringify({ kind: 'tvscm', name: 'tv16', n: 16, lanes: 2, placement: { type: 'band', radius: 1 }, weights: { a: 0.5, b: -0.25 } }));
    const out = join(work, 'tv16-icebreaker');
    const r = await circa(['build', spec, '--toolchain', 'native', '--program', '-o', out, '--json', '-q'], `${dir}${delimiter}${process.env.PATH}`);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { flow: { bitstream: string; timingMet: boolean }; program: { tool: string; args: string[]; programmed: boolean } };
    expect(j.flow.timingMet).toBe(true);
    expect(j.program).toMatchObject({ tool: 'iceprog', programmed: true });
    expect(calls(log)).toEqual([`iceprog ${resolve(j.flow.bitstream)}`]);
    expect(readFileSync(resolve(j.flow.bitstream)).length).toBeGreaterThan(100_000);
  });
});
