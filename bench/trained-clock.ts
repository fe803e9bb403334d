/**
 * npm run bench: the trained MNIST networks on the iCEBreaker, per network:
 * period (cost model), DSP bound single / dual 8x8 on the UP5K
 * (src/estimate/bound.ts), Fmax at seed 1 (and the best of the seeds
 * recorded), images per second at the chosen clock, and LUT4.
 *
 * The place-and-route figures come from recorded build reports
 * (bench/trained-builds.json: `circa build ... --json` runs, the command and
 * the machine load with each), because one build takes 5 to 13 minutes on
 * this shared 2-core machine: the output says so on every row. A recorded
 * report whose period differs from today's cost model is flagged STALE (the
 * design changed since it was built). The chosen clock is the fastest clock
 * the iCE40 PLL makes within the recorded Fmax (what `circa build --clock
 * auto` asks for after such a build); whether a build at that clock meets
 * timing is stated per row ("met": a build at that clock met timing).
 */
import { readFileSync } from 'node:fs';
import { loadDesign } from '../src/network/design.ts';
import { dspBound } from '../src/estimate/bound.ts';
import { pllAtMost } from '../src/target/ice40/pll.ts';

interface RecordedBuild {
  seed: number;
  /** the clock the build was placed and routed for (MHz) */
  targetMHz: number;
  fmaxMHz: number;
  timingMet: boolean;
  lut4: number;
  logicCells: number;
  /** the cost model's period when it was built */
  period: number;
  command: string;
  measured: string;
}
interface Recorded { network: string; spec: string; builds: RecordedBuild[] }

const n = (x: number) => x.toLocaleString('en-US');
const recorded = JSON.parse(readFileSync(new URL('./trained-builds.json', import.meta.url), 'utf8')) as { boardMHz: number; networks: Recorded[] };

console.log('\ntrained MNIST networks on the iCEBreaker (UP5K), YoWASP tools; place-and-route figures RECORDED (bench/trained-builds.json), not built here:');
console.log(`  ${'network'.padEnd(16)}${'period'.padStart(8)}${'single'.padStart(8)}${'dual'.padStart(7)}${'Fmax s1'.padStart(10)}${'best (seed)'.padStart(15)}${'clock'.padStart(9)}${'images/s'.padStart(10)}${'LUT4'.padStart(7)}${'cells'.padStart(7)}  note`);
for (const r of recorded.networks) {
  const design = loadDesign(r.spec);
  const b = dspBound(design, 'UP5K');
  const seed1 = r.builds.find((x) => x.seed === 1);
  const best = [...r.builds].sort((x, y) => y.fmaxMHz - x.fmaxMHz)[0];
  const clock = best ? pllAtMost(recorded.boardMHz, best.fmaxMHz)[0]?.actualMHz : undefined;
  const metAtClock = r.builds.some((x) => x.timingMet && clock !== undefined && Math.abs(x.targetMHz - clock) < 1e-6);
  const stale = r.builds.some((x) => x.period !== b.period);
  const perSecond = clock ? Math.round((clock * 1e6) / b.period) : null;
  console.log(`  ${r.network.padEnd(16)}${n(b.period).padStart(8)}${(b.single === null ? '-' : n(b.single)).padStart(8)}${(b.dual === null ? '-' : n(b.dual)).padStart(7)}` +
    `${(seed1 ? `${seed1.fmaxMHz.toFixed(2)}` : '-').padStart(10)}${(best ? `${best.fmaxMHz.toFixed(2)} (${best.seed})` : '-').padStart(15)}` +
    `${(clock ? String(Number(clock.toFixed(3))) : '-').padStart(9)}${(perSecond === null ? '-' : n(perSecond)).padStart(10)}` +
    `${(seed1 ? n(seed1.lut4) : '-').padStart(7)}${(seed1 ? n(seed1.logicCells) : '-').padStart(7)}  ` +
    `${!best ? 'no recorded build' : metAtClock ? 'met at that clock' : `clock not built: within the Fmax of a build for ${best.targetMHz} MHz`}${stale ? '; STALE: the period changed since the build' : ''}`);
  for (const x of r.builds) console.log(`      recorded: ${x.command}  (${x.measured})`);
}
console.log('  (single / dual: the DSP bound in cycles with one multiply per SB_MAC16, and with two 8x8 where the operands fit; clock: the fastest PLL clock within the best Fmax)');
