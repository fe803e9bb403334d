/**
 * npm run bench (last part): how long the `circa` command takes to start and
 * answer, run as a user runs it (`node bin/circa.mjs ...`, compiled dist/),
 * beside the issue's targets. Printed, not asserted.
 *
 * Each command runs RUNS times; the table gives the median and the fastest
 * wall time, and the median CPU time (user + system) of the process, which a
 * busy machine disturbs less than the wall time. The load average is printed
 * with them. The last rows run the sources through tsx (CIRCA_FROM_SOURCE=1),
 * what every start cost before dist/.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { distState } from '../bin/dist-fresh.mjs';
import { MAX_LAYER_WEIGHTS } from '../src/layers/formats.ts';

const ROOT = join(import.meta.dirname, '..');
const RUNS = 7;
// the process reports its own CPU time as it exits
const CPU_HOOK = `data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('\\ncpu-us '+(u.user+u.system)+'\\n')})`;

interface Row { label: string; args: string[]; targetS?: number; env?: Record<string, string> }

function measure(row: Row): { medianS: number; minS: number; cpuS: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['--import', CPU_HOOK, 'bin/circa.mjs', ...row.args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...row.env } });
    walls.push(Number(process.hrtime.bigint() - t0) / 1e9);
    if (r.status !== 0) throw new Error(`circa ${row.args.join(' ')} exited ${r.status}: ${r.stderr}`);
    const m = /cpu-us (\d+)/.exec(r.stderr);
    if (m) cpus.push(Number(m[1]) / 1e6);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { medianS: median(walls), minS: Math.min(...walls), cpuS: median(cpus) };
}

const state = distState(ROOT);
if (state !== 'fresh') throw new Error(`dist/ is ${state}: run npm run build first (npm run bench does)`);
console.log(`\ncirca start-up (node bin/circa.mjs, compiled dist/), ${RUNS} runs each; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on this machine`);
// issue 13: planning renders no Verilog and draws no random weights, so estimate is cheap at any size
const scratch = mkdtempSync(join(tmpdir(), 'circa-bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
// the largest square dense layer circa takes (MAX_LAYER_WEIGHTS, 2048 x 2048): a 4096 x 4096 one is refused as over that limit
const side = Math.floor(Math.sqrt(MAX_LAYER_WEIGHTS));
const denseMax = join(scratch, `dense-${side}.json`);
writeFileSync(denseMax, JSON.stringify({ kind: 'dense', name: `fc${side}`, inputs: side, outputs: side, lanes: 8, weights: { init: 'random', seed: 1 } }));
const rows: Row[] = [
  { label: 'circa --help', args: ['--help'], targetS: 0.5 },
  { label: 'circa boards', args: ['boards'], targetS: 0.5 },
  { label: 'circa estimate examples/tvscm-784.json', args: ['estimate', 'examples/tvscm-784.json'], targetS: 1.5 },
  { label: 'circa estimate examples/mnist-tvscm.json', args: ['estimate', 'examples/mnist-tvscm.json'] },
  { label: 'circa estimate examples/mnist-dense.json', args: ['estimate', 'examples/mnist-dense.json'], targetS: 2 },
  { label: `circa estimate (dense ${side} x ${side})`, args: ['estimate', denseMax], targetS: 5 },
  { label: 'circa --help, from the sources (tsx)', args: ['--help'], env: { CIRCA_FROM_SOURCE: '1' } },
];
console.log(`  ${'command'.padEnd(42)} ${'median'.padStart(8)} ${'fastest'.padStart(8)} ${'CPU'.padStart(8)}  target`);
for (const row of rows) {
  const m = measure(row);
  const verdict = row.targetS === undefined ? '' : `<= ${row.targetS} s: ${m.medianS <= row.targetS ? 'met' : `NOT met (median)${m.minS <= row.targetS ? ', met by the fastest run' : ''}`}`;
  console.log(`  ${row.label.padEnd(42)} ${`${m.medianS.toFixed(2)} s`.padStart(8)} ${`${m.minS.toFixed(2)} s`.padStart(8)} ${`${m.cpuS.toFixed(2)} s`.padStart(8)}  ${verdict}`);
}
