/**
 * Child process of the fuzz suite's hostile-weights arm (test/fuzz-weights.test.ts):
 * runs `circa import <spec> <file> -o <out>` in this process for each case
 * listed in the JSON file given, one after the other, and prints, for each,
 * the exit code, the message, the time and the peak resident memory so far
 * (process.resourceUsage().maxRSS: it only grows, so the first case over a
 * bound is the one that took the memory), and what an accepted file imported.
 */
import { readFileSync, rmSync } from 'node:fs';
import { main } from '../src/cli/main.ts';
import { readTensors } from '../src/tensors/tensors.ts';

interface Case { label: string; path: string }
const [listFile, spec, out] = process.argv.slice(2);
const cases = JSON.parse(readFileSync(listFile, 'utf8')) as Case[];
const results: { label: string; code: number; stderr: string; stdout: string; ms: number; maxRssMB: number; values?: Record<string, number[]> }[] = [];
const w0 = process.stderr.write;
const w1 = process.stdout.write;
for (const c of cases) {
  let err = '';
  let std = '';
  process.stderr.write = ((s: string | Uint8Array) => ((err += String(s)), true)) as typeof process.stderr.write;
  process.stdout.write = ((s: string | Uint8Array) => ((std += String(s)), true)) as typeof process.stdout.write;
  const t0 = performance.now();
  let code: number;
  try {
    code = await main(['node', 'circa', 'import', spec, c.path, '-o', out, '-q']);
  } finally {
    process.stderr.write = w0;
    process.stdout.write = w1;
  }
  const ms = performance.now() - t0;
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  // what was imported, value for value
  const values = code === 0 ? Object.fromEntries([...readTensors(out)].map(([k, t]) => [k, Array.from(t.data)])) : undefined;
  results.push({ label: c.label, code, stderr: err, stdout: std.slice(0, 400), ms, maxRssMB, values });
  rmSync(out, { force: true });
  rmSync(c.path, { force: true }); // the case is done: its file goes (the next may be large)
}
process.stdout.write(`${JSON.stringify(results)}\n`);
