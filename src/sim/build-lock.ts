/**
 * One build of a cache entry at a time, across processes. The simulator
 * builds (Verilator binaries, CXXRTL WebAssembly programs, the precompiled
 * CXXRTL header) are cached by content hash; two processes that need the same
 * entry at once (two `circa sim` runs, two test workers) would otherwise both
 * compile it, and one of the results be thrown away. The first to create the
 * entry's lock directory (an atomic `mkdir`) builds; the others wait until the
 * entry appears and use it.
 *
 * A lock whose owner has gone (its process no longer exists, e.g. killed with
 * SIGKILL) or that is older than STALE_MS is taken over. An interrupt of the
 * owner removes its lock (src/cleanup.ts), and so does a failed build, after
 * which a waiting process builds it itself and reports its own error.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { track } from '../cleanup.ts';

/** A lock older than this is taken over whatever its owner (a build never takes this long). */
export const STALE_MS = 2 * 60 * 60 * 1000;
const POLL_MS = 200;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ownerAlive(lock: string): boolean {
  try {
    if (Date.now() - statSync(lock).mtimeMs > STALE_MS) return false;
  } catch {
    return false; // gone meanwhile: try again
  }
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'owner'), 'utf8'));
  } catch {
    return true; // just created: the owner has not written its pid yet
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * `cached()` when the entry exists; otherwise take `lock`, build, release.
 * While another process holds the lock, wait (telling `onWait` once) and
 * look again.
 */
export async function buildOnce<T>(
  lock: string, cached: () => T | undefined, build: () => Promise<T>, onWait?: () => void,
): Promise<T> {
  let told = false;
  for (;;) {
    const hit = cached();
    if (hit !== undefined) return hit;
    mkdirSync(dirname(lock), { recursive: true });
    let mine = false;
    try {
      mkdirSync(lock);
      mine = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (mine) {
      const untrack = track(lock);
      try {
        writeFileSync(join(lock, 'owner'), String(process.pid));
        return cached() ?? (await build());
      } finally {
        rmSync(lock, { recursive: true, force: true });
        untrack();
      }
    }
    if (!ownerAlive(lock)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (!told) {
      told = true;
      onWait?.();
    }
    await sleep(POLL_MS);
  }
}
