/**
 * What an interrupt must undo: scratch directories (a build's circa-build-*
 * in the temp folder, a Verilator build's tmp-* in the cache, an output's
 * staging directory) and the child processes working in them.
 *
 * Library code registers each while it lives (`track`, `trackChild`) and
 * unregisters it when done. The command installs `onInterrupt()`: on SIGINT
 * or SIGTERM it kills the children (their whole process group, so make and
 * the compilers under Verilator stop too), removes the directories and exits
 * with 130. The long YoWASP steps run in a worker thread (src/flow/), so the
 * main thread is free to take the signal at any time.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

const dirs = new Set<string>();
const children = new Set<ChildProcess>();
/** worker threads running a tool (src/flow/yowasp.ts): ended before the process exits on an interrupt */
const workers = new Set<{ terminate(): Promise<number> }>();

/**
 * End `worker` before exiting on an interrupt, until the returned function is
 * called. Exiting while a worker thread is inside a long WebAssembly run can
 * end the process by a signal during teardown instead of with status 130 (seen
 * once in CI, under load), so the handler terminates the workers first.
 */
export function trackWorker(worker: { terminate(): Promise<number> }): () => void {
  workers.add(worker);
  return () => void workers.delete(worker);
}

/** Remove `dir` on an interrupt until the returned function is called. */
export function track(dir: string): () => void {
  dirs.add(dir);
  return () => void dirs.delete(dir);
}

/**
 * Kill `child` on an interrupt until the returned function is called. A child
 * started with `detached: true` leads its own process group, and the whole
 * group is killed.
 */
export function trackChild(child: ChildProcess | undefined): () => void {
  if (!child) return () => {};
  children.add(child);
  const forget = () => void children.delete(child);
  child.once('exit', forget);
  return forget;
}

/** Kill every tracked child and remove every tracked directory, now (synchronously). */
export function cleanupNow(): void {
  for (const c of children) {
    if (c.pid === undefined || c.exitCode !== null || c.signalCode !== null) continue;
    try {
      process.kill(-c.pid, 'SIGKILL'); // its group: make and the compilers under it
    } catch {
      try {
        c.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  children.clear();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs.clear();
}

/** Exit status after an interrupt (128 + SIGINT's number, as a shell reports Ctrl-C). */
export const INTERRUPTED_EXIT = 130;

let installed = false;
/** Install the SIGINT / SIGTERM handlers (once): clean up, say so on stderr, exit 130. */
export function onInterrupt(): void {
  if (installed) return;
  installed = true;
  const handler = (signal: NodeJS.Signals) => {
    cleanupNow();
    process.stderr.write(`\ncirca: interrupted (${signal}); removed temporary files\n`);
    if (workers.size === 0) process.exit(INTERRUPTED_EXIT);
    // end the tools' worker threads first, then exit (at most 2 s later whatever they do)
    const running = [...workers];
    workers.clear();
    setTimeout(() => process.exit(INTERRUPTED_EXIT), 2000).unref();
    void Promise.allSettled(running.map((w) => w.terminate())).then(() => process.exit(INTERRUPTED_EXIT));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
