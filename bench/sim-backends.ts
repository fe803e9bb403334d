/**
 * npm run bench, simulator back ends: Verilator (native) against CXXRTL
 * compiled to WebAssembly, on examples/tvscm-784.json and
 * examples/mnist-tvscm.json, with the targets printed beside:
 *   - simulated cycles per second, CXXRTL at least 1/3 of Verilator's
 *     (the simulator alone: build excluded, same vectors, no stalls; Verilator's
 *     time is the harness's CPU time from its end record, since it runs beside
 *     the host through pipes; CXXRTL's the wall time of its run, which blocks the host);
 *   - a cached CXXRTL `circa sim` starts simulating within 3 s (from the
 *     command's start to its "simulating" progress line);
 *   - a cold CXXRTL compile of mnist-tvscm (yosys + clang, empty cache)
 *     within 3 minutes on 2 cores.
 * The cold compile uses a fresh cache directory; the speed runs reuse it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadDesign } from '../src/network/design.ts';
import { cosim } from '../src/sim/cosim.ts';
import { CLANG_OPT } from '../src/sim/cxxrtl.ts';

const fmt = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
const cache = mkdtempSync(join(tmpdir(), 'circa-bench-cache-'));
process.env.CIRCA_CACHE_DIR = cache;

console.log(`\nsimulator back ends (node ${process.version}, ${cpus().length} cores, clang ${CLANG_OPT}; empty cache ${cache})`);
try {
  const rows: string[] = [];
  for (const [spec, vectors] of [['examples/tvscm-784.json', 1000], ['examples/mnist-tvscm.json', 200]] as const) {
    const dut = loadDesign(spec).dut();
    // cold compiles first (the cache is empty), one vector each
    const coldC = await cosim(dut, { vectors: 1, simulator: 'cxxrtl' });
    const coldV = await cosim(dut, { vectors: 1, simulator: 'verilator' });
    const v = await cosim(dut, { vectors, simulator: 'verilator' });
    const c = await cosim(dut, { vectors, simulator: 'cxxrtl' });
    if (v.exact !== vectors || c.exact !== vectors) throw new Error(`${spec}: a mismatch during the benchmark`);
    if (v.sim.totalCycles !== c.sim.totalCycles) throw new Error(`${spec}: the back ends disagree on the cycle count`);
    const vr = v.sim.totalCycles / v.sim.simSeconds;
    const cr = c.sim.totalCycles / c.sim.simSeconds;
    rows.push(
      `  ${spec.padEnd(28)} ${fmt(vectors)} vectors, ${fmt(v.sim.totalCycles)} cycles`,
      `    verilator  ${fmt(vr).padStart(11)} cycles/s   build ${coldV.sim.buildSeconds.toFixed(1)} s (cold)`,
      `    cxxrtl     ${fmt(cr).padStart(11)} cycles/s   build ${coldC.sim.buildSeconds.toFixed(1)} s (cold)` +
        `   ratio ${(cr / vr).toFixed(2)} of verilator (target >= 0.33: ${cr / vr >= 1 / 3 ? 'met' : 'NOT met'})`,
    );
    if (spec.includes('mnist')) {
      rows.push(`    cold CXXRTL compile of mnist-tvscm: ${coldC.sim.buildSeconds.toFixed(1)} s (target <= 180 s: ${coldC.sim.buildSeconds <= 180 ? 'met' : 'NOT met'})`);
    }
  }
  console.log(rows.join('\n'));

  // cached start: the command as a user runs it, until it starts simulating
  const t0 = Date.now();
  const started = await new Promise<number>((res, rej) => {
    const child = spawn(process.execPath, [resolve('bin/circa.mjs'), 'sim', 'examples/tvscm-784.json', '--vectors', '1', '--no-backpressure', '--simulator', 'cxxrtl'], {
      env: { ...process.env, CIRCA_CACHE_DIR: cache }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let seen = -1;
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (seen < 0 && /simulating 1 vectors \(cxxrtl\)/.test(err)) seen = (Date.now() - t0) / 1000;
    });
    child.on('exit', (code) => (code === 0 && seen >= 0 ? res(seen) : rej(new Error(`circa sim failed (${code}): ${err}`))));
  });
  console.log(`  cached CXXRTL start (circa sim, process start to simulating): ${started.toFixed(2)} s (target <= 3 s: ${started <= 3 ? 'met' : 'NOT met'})`);
} finally {
  rmSync(cache, { recursive: true, force: true });
}
