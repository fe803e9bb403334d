/**
 * The YoWASP worker (src/flow/yowasp.ts, yowasp-worker.mjs) keeps the tools'
 * own chatter off our stdout: YoWASP clang's driver re-runs itself with -###
 * without the caller's options, and that run printed "clang: fetched N%"
 * progress lines with console.log, which broke `circa sim --simulator cxxrtl
 * --json` on a cold cache. A clang run in the worker must write nothing to
 * this process's stdout, and still compile.
 */
import { describe, expect, it } from 'vitest';
import { runYowaspTool } from '../src/flow/yowasp.ts';

describe('YoWASP worker', { tags: ['tools'] }, () => {
  it('clang in the worker compiles and writes nothing to our stdout (no fetch progress)', async () => {
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      written.push(typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    try {
      const r = await runYowaspTool('clang', ['clang++', '-fsyntax-only', 'ok.cpp'], { 'ok.cpp': 'int main() { return 0; }\n' });
      expect(r.failure, r.log).toBeUndefined();
      const bad = await runYowaspTool('clang', ['clang++', '-fsyntax-only', 'bad.cpp'], { 'bad.cpp': 'int main() { return x; }\n' });
      expect(bad.failure).toBeDefined();
      expect(bad.log).toMatch(/undeclared identifier 'x'/);
      // the worker's stdout reaches ours asynchronously: let it drain
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      process.stdout.write = write;
    }
    expect(written.join('')).not.toMatch(/fetched/);
  });
});
