/**
 * Resource and Fmax check of the streaming FFT on the iCE40 UP5K
 * (YoWASP yosys `synth_ice40 -device u -dsp`, nextpnr-ice40 --up5k --package
 * sg48 --freq 50). Prints SB_MAC16, LUTs, EBR and Fmax against the targets
 * (<= 8 SB_MAC16, <= 3000 LUTs, >= 50 MHz) next to the cost model's counts.
 *
 *   npx tsx bench/fft-fit.ts                 # the 64-point, 16-bit data, 16-bit twiddle FFT
 *   npx tsx bench/fft-fit.ts '{"n":64,"inverse":true}' '{"n":256,"multipliers":3,"dataWidth":15,"twiddleWidth":15}'
 *
 * Each argument is an FFT spec (src/fft/spec.ts) as JSON.
 */
import { fftCost } from '../src/fft/cost.ts';
import { fitUp5k } from '../src/fft/fit.ts';
import { generateFftRtl } from '../src/fft/rtl.ts';

const TARGET = { dsp: 8, lut: 3000, fmax: 50 };

async function main(): Promise<void> {
  const specs = process.argv.slice(2).map((a) => JSON.parse(a) as object);
  if (!specs.length) specs.push({ n: 64, dataWidth: 16, twiddleWidth: 16 });
  let failed = 0;
  for (const spec of specs) {
    const design = generateFftRtl(spec as never);
    const cost = fftCost(design.plan);
    const s = design.plan.spec;
    console.log(
      `\n${design.top}: ${s.n}-point ${s.inverse ? 'IFFT' : 'FFT'}, data ${s.dataWidth} bits, twiddle ${s.twiddleWidth} bits, ` +
        `${s.multipliers}-multiplier cmul, rounding ${s.rounding}, scaling ${JSON.stringify(s.scaling)}${s.naturalOrder ? ', natural order' : ''}`,
    );
    let r;
    try {
      r = await fitUp5k(design, TARGET.fmax);
    } catch (e) {
      // e.g. more multipliers than the UP5K's 8 SB_MAC16: report it and go on with the next spec
      console.log(`  does not fit: ${e instanceof Error ? e.message : String(e)}`);
      console.log(`  (model: ${cost.realMultipliers} real multipliers, ~${cost.ebrEstimate} EBR)`);
      failed++;
      continue;
    }
    const ok = (b: boolean): string => (b ? 'ok' : 'OVER TARGET');
    const lutUsed = r.lut4;
    console.log(`  SB_MAC16      ${String(r.dsp).padStart(6)}   (target <= ${TARGET.dsp}: ${ok(r.dsp <= TARGET.dsp)}; model ${cost.realMultipliers} real multipliers)`);
    console.log(`  LUT4          ${String(lutUsed).padStart(6)}   (target <= ${TARGET.lut}: ${ok(lutUsed <= TARGET.lut)})`);
    console.log(`  logic cells   ${String(r.lc).padStart(6)}   of ${r.utilization.ICESTORM_LC?.available ?? '?'} (LUT4, FF and carry share a cell)`);
    console.log(`  flip-flops    ${String(r.ff).padStart(6)}`);
    console.log(`  EBR           ${String(r.ebr).padStart(6)}   of ${r.utilization.ICESTORM_RAM?.available ?? '?'} (model estimate ${cost.ebrEstimate}: delay lines >= 32 words, ROMs >= 64 words, reorder buffer)`);
    console.log(`  Fmax          ${r.fmaxMHz === null ? '   n/a' : r.fmaxMHz.toFixed(1).padStart(6)} MHz (target >= ${TARGET.fmax}: ${ok((r.fmaxMHz ?? 0) >= TARGET.fmax)}; nextpnr does not model SB_MAC16 internals)`);
    console.log(`  latency       first ${cost.latencyFirst}, last ${cost.latencyLast} cycles; one vector per ${cost.periodCycles} cycles`);
    console.log(`  tools         yosys ${r.yosysSeconds.toFixed(1)} s, nextpnr ${r.nextpnrSeconds.toFixed(1)} s; figures include the pin wrapper (${r.top})`);
    const interesting = Object.entries(r.cells)
      .filter(([t]) => !t.startsWith('$'))
      .sort((a, b) => b[1] - a[1])
      .map(([t, c]) => `${t} ${c}`)
      .join(', ');
    console.log(`  cells         ${interesting}`);
  }
  if (failed) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
