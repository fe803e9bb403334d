/**
 * The folded FFT engine against the targets: a 1024-point, 16-bit
 * folded FFT on the UP5K with at most 4 SB_MAC16 and at most 1,500 LUT4, and
 * N/2 log2(N) / B butterfly cycles plus at most 10% overhead. The LUT4,
 * SB_MAC16 and EBR counts are YoWASP yosys's (`synth_ice40 -device u -dsp`,
 * the engine alone, no board top); the cycles are the cost model's, which
 * the co-simulation tests hold to the cycle (test/fft.folded.test.ts).
 *
 *   npx tsx bench/fft-folded-fit.ts            # n = 1024, B = 1
 *   npx tsx bench/fft-folded-fit.ts '{"n":1024,"butterflies":2}'
 */
import { synthIce40, planFoldedFft, generateFoldedFftRtl, computeCycles, engineCycles, foldedFftSchedule } from '../src/fft/index.ts';

const TARGET = { dsp: 4, lut: 1500, overheadPct: 10 };

async function main(): Promise<void> {
  const specs = process.argv.slice(2).map((a) => JSON.parse(a) as { n?: number });
  if (!specs.length) specs.push({ n: 1024 });
  for (const spec of specs) {
    const plan = planFoldedFft({ n: 1024, name: 'bench_folded', ...spec });
    const d = generateFoldedFftRtl(plan);
    const r = await synthIce40(d.sources, d.top);
    const lut = r.cells.SB_LUT4 ?? 0;
    const dsp = r.cells.SB_MAC16 ?? 0;
    const ebr = r.cells.SB_RAM40_4K ?? 0;
    const ideal = (plan.n / 2) * plan.log2n / plan.butterflies;
    const compute = computeCycles(plan.passes);
    const over = (100 * (compute - ideal)) / ideal;
    const ok = (b: boolean) => (b ? 'ok' : 'OVER TARGET');
    console.log(`\nfolded ${plan.n}-point ${plan.inverse ? 'IFFT' : 'FFT'}, ${plan.butterflies} butterfly unit(s), ${plan.spec.multipliers} multipliers each, ${plan.memWidth}-bit samples`);
    console.log(`  SB_MAC16   ${String(dsp).padStart(6)}   (target <= ${TARGET.dsp}: ${ok(dsp <= TARGET.dsp)})`);
    console.log(`  LUT4       ${String(lut).padStart(6)}   (target <= ${TARGET.lut}: ${ok(lut <= TARGET.lut)})`);
    console.log(`  EBR        ${String(ebr).padStart(6)}`);
    console.log(`  compute    ${String(compute).padStart(6)}   cycles vs N/2 log2 N / B = ${ideal}: +${over.toFixed(1)}% (target <= ${TARGET.overheadPct}%: ${ok(over <= TARGET.overheadPct)})`);
    console.log(`  per vector ${String(engineCycles(foldedFftSchedule(plan)).latency).padStart(6)}   cycles first input to last output (load and unload included)`);
    console.log(`  yosys      ${r.seconds.toFixed(1)} s`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
