/**
 * Where outputs land: a staging directory beside the target, renamed into
 * place only when the step succeeded, so a failure leaves no half-written
 * output directory behind.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CircaInputError } from '../errors.ts';
import type { SourceFile } from '../verilog/index.ts';

export function checkTarget(dir: string, force: boolean): string {
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0 && !force) {
    throw new CircaInputError(`output directory ${dir} exists and is not empty; pass --force to replace it`);
  }
  return target;
}

/** Make a staging directory next to `target` (same filesystem, so the final rename is atomic). */
export function stage(target: string): string {
  mkdirSync(dirname(target), { recursive: true });
  const dir = mkdtempSync(join(dirname(target), `.${basename(target)}.partial-`));
  chmodSync(dir, 0o755); // mkdtemp makes it private; the output is an ordinary directory
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
  try {
    const result = await fill(staging);
    commit(staging, target);
    return result;
  } catch (e) {
    discard(staging);
    throw e;
  }
}
