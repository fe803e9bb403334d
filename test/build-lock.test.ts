/**
 * src/sim/build-lock.ts: one build of a cache entry at a time. Concurrent
 * callers of the same entry wait for the first and use its result; a lock
 * left by a process that no longer exists is taken over; a failed build
 * releases the lock so the next caller builds (and reports its own error).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildOnce } from '../src/sim/build-lock.ts';

const root = () => mkdtempSync(join(tmpdir(), 'circa-lock-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function entry(dir: string) {
  const path = join(dir, 'entry.txt');
  let builds = 0;
  const cached = () => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);
  const build = async () => {
    builds++;
    await sleep(300);
    writeFileSync(path, 'built');
    return 'built';
  };
  return { cached, build, builds: () => builds };
}

describe('buildOnce', () => {
  it('three concurrent callers of one entry: one build, all get its result, one wait reported per waiter', async () => {
    const dir = root();
    const e = entry(dir);
    const waits: number[] = [];
    const results = await Promise.all([0, 1, 2].map((i) => buildOnce(join(dir, 'lock'), e.cached, e.build, () => waits.push(i))));
    expect(results).toEqual(['built', 'built', 'built']);
    expect(e.builds()).toBe(1);
    expect(waits).toHaveLength(2);
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });

  it('a cached entry is returned without building or locking', async () => {
    const dir = root();
    const e = entry(dir);
    writeFileSync(join(dir, 'entry.txt'), 'old');
    expect(await buildOnce(join(dir, 'lock'), e.cached, e.build)).toBe('old');
    expect(e.builds()).toBe(0);
  });

  it('a lock whose owner process is gone is taken over', async () => {
    const dir = root();
    const e = entry(dir);
    // a pid that existed and has exited
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    mkdirSync(join(dir, 'lock'));
    writeFileSync(join(dir, 'lock', 'owner'), dead);
    expect(await buildOnce(join(dir, 'lock'), e.cached, e.build)).toBe('built');
    expect(e.builds()).toBe(1);
  });

  it('a lock held by a live process is waited for (this process: it never releases, so the wait is cut short here)', async () => {
    const dir = root();
    const e = entry(dir);
    mkdirSync(join(dir, 'lock'));
    writeFileSync(join(dir, 'lock', 'owner'), String(process.pid));
    let waited = false;
    const run = buildOnce(join(dir, 'lock'), e.cached, e.build, () => { waited = true; });
    await sleep(500);
    expect(waited).toBe(true);
    expect(e.builds()).toBe(0);
    // the "owner" finishes: the entry appears and the waiter returns it
    writeFileSync(join(dir, 'entry.txt'), 'theirs');
    expect(await run).toBe('theirs');
    expect(e.builds()).toBe(0);
  });

  it('a failed build releases the lock: the next caller builds', async () => {
    const dir = root();
    const e = entry(dir);
    await expect(buildOnce(join(dir, 'lock'), e.cached, async () => { throw new Error('compile failed'); })).rejects.toThrow('compile failed');
    expect(existsSync(join(dir, 'lock'))).toBe(false);
    expect(await buildOnce(join(dir, 'lock'), e.cached, e.build)).toBe('built');
  });
});
