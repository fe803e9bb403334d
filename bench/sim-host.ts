/**
 * npm run bench, the co-simulation host (issue 15 item 5): the TypeScript
 * side of a co-simulation (packing vectors, reading the harness's binary
 * records, comparing, the reference model) against the simulator's own time,
 * with the targets printed beside the figures:
 *   - tvscm-784, 2,000 vectors, full rate + stalled (as `circa sim` runs them):
 *     host CPU time at most the simulator's CPU time;
 *   - `circa sim examples/trained/mnist-tvscm.json --dataset mnist` (10,000 test
 *     images, both passes) with a cached build: at most 30 s wall;
 *   - the peak memory (RSS high-water, process.resourceUsage().maxRSS) of that
 *     command and of `circa sim examples/tvscm-784.json --vectors 10000`: at most 400 MB;
 *   - memory flat in the vector count: the peak RSS of `circa sim
 *     examples/tvscm-784.json --vectors N` for N = 1,000, 10,000 and 50,000, and
 *     its growth per vector, at most FLAT_BYTES_PER_VECTOR (200 bytes: a
 *     vector's inputs alone are 784 bytes, its outputs 784 more, so a run that
 *     kept either would be far over it).
 * "Host" is this process's CPU time (process.cpuUsage: every thread, GC
 * included) during the runs; "simulator" is the harness's own CPU time (it
 * reports it in its end record). With Verilator the two overlap in time
 * (pipes), so the wall time is less than their sum.
 * The commands run as child processes, each measured alone.
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadDesign } from '../src/network/design.ts';
import { cosim, type CosimReport } from '../src/sim/cosim.ts';

const circa = resolve('bin/circa.mjs');
/** the bound of "flat": peak RSS growth per vector between 10,000 and 50,000 vectors */
const FLAT_BYTES_PER_VECTOR = 200;
const mb = (kb: number) => kb / 1024;
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

/** run `circa <args>` in a child process: its wall time, its peak RSS, its JSON result */
function runCirca(args: string[]): Promise<{ wall: number; maxRssKb: number; out: string; json: { pass: boolean; full: CosimReport; backpressure: CosimReport | null } }> {
  const code = [
    `process.argv = [process.argv[0], ${JSON.stringify(circa)}, ...${JSON.stringify(args)}];`,
    `process.on('exit', () => process.stderr.write('\\nCIRCA_BENCH_MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));`,
    `await import(${JSON.stringify(pathToFileURL(circa).href)});`,
  ].join('\n');
  const t0 = Date.now();
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (status) => {
      const wall = (Date.now() - t0) / 1000;
      const rss = /CIRCA_BENCH_MAXRSS (\d+)/.exec(err);
      if (status !== 0 || !rss) return rej(new Error(`circa ${args.join(' ')} failed (${status}): ${err.slice(-2000)}`));
      res({ wall, maxRssKb: Number(rss[1]), out, json: args.includes('--json') ? JSON.parse(out) : { pass: /\nPASS\n?$/.test(out), full: undefined!, backpressure: null } });
    });
  });
}

const hostOf = (r: CosimReport) => r.sim.hostSeconds;
const simOf = (r: CosimReport) => r.sim.simSeconds;

console.log(`\nco-simulation host (node ${process.version}, ${cpus().length} cores; Verilator, cached builds)`);

// 1. tvscm-784, 2,000 vectors, in this process: host against simulator
{
  const dut = loadDesign('examples/tvscm-784.json').dut();
  await cosim(dut, { vectors: 1, simulator: 'verilator' }); // build, or take from the cache
  const t0 = Date.now();
  // 2,000 x 784 outputs is more than a set keeps (REFERENCE_CACHE_VALUES): each run makes the vectors and runs the model as it packs them
  const full = await cosim(dut, { vectors: 2000, seed: 1, simulator: 'verilator' });
  const stalled = await cosim(dut, { vectors: 2000, seed: 1, validPct: 70, readyPct: 60, simulator: 'verilator' });
  const wall = (Date.now() - t0) / 1000;
  for (const r of [full, stalled]) if (r.exact !== r.vectors) throw new Error('tvscm-784: a mismatch during the benchmark');
  if (!full.cycles.match) throw new Error('tvscm-784: cycles differ from the prediction during the benchmark');
  const host = hostOf(full) + hostOf(stalled);
  const sim = simOf(full) + simOf(stalled);
  console.log(
    `  tvscm-784, 2,000 vectors, full rate + stalled (${(full.sim.totalCycles + stalled.sim.totalCycles).toLocaleString('en-US')} cycles): ` +
      `host ${host.toFixed(2)} s CPU, simulator ${sim.toFixed(2)} s CPU, wall ${wall.toFixed(2)} s ` +
      `(target host <= simulator: ${verdict(host <= sim)})`,
  );
}

// 2. the commands as a user runs them, each in its own process
{
  const args = ['sim', 'examples/trained/mnist-tvscm.json', '--dataset', 'mnist', '--json', '-q'];
  await runCirca([...args.slice(0, 4), '--limit', '1', '--no-backpressure', '--json', '-q']); // build, or take from the cache
  const r = await runCirca(args);
  if (!r.json.pass) throw new Error('mnist-tvscm: the dataset run failed');
  const runs = [r.json.full, ...(r.json.backpressure ? [r.json.backpressure] : [])];
  const host = runs.reduce((s, x) => s + hostOf(x), 0);
  const sim = runs.reduce((s, x) => s + simOf(x), 0);
  console.log(
    `  circa sim mnist-tvscm --dataset mnist (10,000 images, both passes): wall ${r.wall.toFixed(1)} s (target <= 30 s: ${verdict(r.wall <= 30)}), ` +
      `peak RSS ${mb(r.maxRssKb).toFixed(0)} MB (target <= 400 MB: ${verdict(mb(r.maxRssKb) <= 400)}); ` +
      `host ${host.toFixed(2)} s CPU in the runs, simulator ${sim.toFixed(2)} s CPU`,
  );
}
{
  const r = await runCirca(['sim', 'examples/tvscm-784.json', '--vectors', '10000', '--json', '-q']);
  if (!r.json.pass) throw new Error('tvscm-784: the 10,000-vector run failed');
  const runs = [r.json.full, ...(r.json.backpressure ? [r.json.backpressure] : [])];
  console.log(
    `  circa sim tvscm-784 --vectors 10000 (both passes): wall ${r.wall.toFixed(1)} s, ` +
      `peak RSS ${mb(r.maxRssKb).toFixed(0)} MB (target <= 400 MB: ${verdict(mb(r.maxRssKb) <= 400)}); ` +
      `host ${runs.reduce((s, x) => s + hostOf(x), 0).toFixed(2)} s CPU, simulator ${runs.reduce((s, x) => s + simOf(x), 0).toFixed(2)} s CPU`,
  );
}

// 3. memory flat in the vector count: `circa sim tvscm-784 --vectors N` (both passes, text output: --json would print every vector's cycles)
{
  const rows: { n: number; rssKb: number; wall: number; host: number; sim: number }[] = [];
  for (const n of [1000, 10000, 50000]) {
    const r = await runCirca(['sim', 'examples/tvscm-784.json', '--vectors', String(n), '-q']);
    if (!r.json.pass) throw new Error(`tvscm-784: the ${n}-vector run failed`);
    const cpu = /simulator ([\d.]+) s CPU, host side ([\d.]+) s CPU/.exec(r.out);
    if (!cpu) throw new Error(`tvscm-784: no CPU figures in the report:\n${r.out}`);
    rows.push({ n, rssKb: r.maxRssKb, wall: r.wall, host: Number(cpu[2]), sim: Number(cpu[1]) });
  }
  console.log('  circa sim tvscm-784 --vectors N (both passes): peak RSS and host CPU against the vector count');
  for (const r of rows) {
    console.log(
      `    N = ${r.n.toLocaleString('en-US').padStart(6)}: peak RSS ${mb(r.rssKb).toFixed(0).padStart(3)} MB, wall ${r.wall.toFixed(1)} s, ` +
        `host ${r.host.toFixed(2)} s CPU, simulator ${r.sim.toFixed(2)} s CPU (host <= simulator: ${verdict(r.host <= r.sim)})`,
    );
  }
  const per = (a: (typeof rows)[number], b: (typeof rows)[number]) => ((b.rssKb - a.rssKb) * 1024) / (b.n - a.n);
  const [r1, r10, r50] = rows;
  console.log(
    `    growth: ${per(r1, r10).toFixed(0)} bytes/vector from 1,000 to 10,000, ${per(r10, r50).toFixed(0)} bytes/vector from 10,000 to 50,000 ` +
      `(target flat, at most ${FLAT_BYTES_PER_VECTOR} bytes/vector from 10,000 to 50,000: ${verdict(per(r10, r50) <= FLAT_BYTES_PER_VECTOR)}; before: about 4 KB/vector)`,
  );
}
