/**
 * Where outputs land: a staging directory beside the target, renamed into
 * place only when the step succeeded, so a failure leaves no half-written
 * output directory behind.
 *
 * Every output directory holds a marker file (MARKER) saying circa wrote it.
 * --force replaces a directory only when it is empty or has that marker, and
 * never the working directory, one of its parents, the home directory or
 * the root: it cannot delete files circa did not write.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, parse, relative, resolve, sep } from 'node:path';
import { CircaInputError } from '../errors.ts';
import type { SourceFile } from '../verilog/index.ts';
import { packageVersion } from '../verilog/index.ts';
import { track } from '../cleanup.ts';

/** The file in every output directory that says circa wrote it (and so --force may replace it). */
export const MARKER = '.circa-output';

/** `inner` is `outer` or inside it. */
const within = (inner: string, outer: string) => {
  const r = relative(outer, inner);
  return r === '' || (!r.startsWith('..') && !r.startsWith(sep) && !/^[A-Za-z]:/.test(r));
};

/**
 * Check an output directory before any work: it may not exist yet, be empty,
 * or (with --force) be one circa wrote. `option` names the flag in messages.
 */
export function checkTarget(dir: string, force: boolean, option = '-o'): string {
  const target = resolve(dir);
  const shown = `${option} ${dir}`;
  const home = homedir();
  if (target === parse(target).root || within(process.cwd(), target) || (home && resolve(home) === target)) {
    const what = target === parse(target).root ? 'the root directory' : home && resolve(home) === target ? 'your home directory'
      : target === process.cwd() ? 'the working directory' : 'a parent of the working directory';
    throw new CircaInputError(`${shown}: is ${what}; circa writes its output into a directory of its own (for example ${option} build/out)`);
  }
  // the nearest existing path must be a directory (a file on the way gives ENOTDIR later)
  for (let p = target; ; p = dirname(p)) {
    if (existsSync(p)) {
      if (!statSync(p).isDirectory()) {
        throw new CircaInputError(p === target
          ? `${shown}: is a file, not a directory; name a directory for the output`
          : `${shown}: ${relative(process.cwd(), p) || p} is a file, so the directory cannot be made there`);
      }
      break;
    }
    if (dirname(p) === p) break;
  }
  if (existsSync(target)) {
    const entries = readdirSync(target);
    if (entries.length > 0) {
      if (!force) throw new CircaInputError(`${shown}: output directory exists and is not empty; pass --force to replace it`);
      if (!entries.includes(MARKER)) {
        throw new CircaInputError(
          `${shown}: holds files circa did not write (no ${MARKER} marker); --force replaces only an output directory circa made. ` +
            'Remove it yourself or choose another directory',
        );
      }
    }
  }
  return target;
}

/** Make a staging directory next to `target` (same filesystem, so the final rename is atomic). */
export function stage(target: string): string {
  mkdirSync(dirname(target), { recursive: true });
  const dir = mkdtempSync(join(dirname(target), `.${basename(target)}.partial-`));
  chmodSync(dir, 0o755); // mkdtemp makes it private; the output is an ordinary directory
  writeFileSync(join(dir, MARKER), `written by circa ${packageVersion()}; \`--force\` may replace this directory\n`);
  return dir;
}

export function commit(staging: string, target: string): void {
  if (existsSync(target)) rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
}

export function discard(staging: string): void {
  rmSync(staging, { recursive: true, force: true });
}

export function writeSources(dir: string, files: readonly SourceFile[]): void {
  for (const f of files) writeFileSync(join(dir, f.name), f.text);
}

/** Run `fill(staging)`; move the result to `target` on success, remove it on failure. */
export async function writeAtomically<T>(target: string, fill: (staging: string) => Promise<T> | T): Promise<T> {
  const staging = stage(target);
  const untrack = track(staging); // an interrupt removes it too
  try {
    const result = await fill(staging);
    commit(staging, target);
    return result;
  } catch (e) {
    discard(staging);
    throw e;
  } finally {
    untrack();
  }
}
