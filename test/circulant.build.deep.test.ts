/**
 * Bitstreams in the deep tier (`npm run test:deep`):
 * - the block-circulant 784 -> 784 layer (16 x 16 blocks, 8-bit spectra in
 *   SPRAM) for the iCEBreaker (UP5K) with the native tools: it fits, the
 *   multipliers are the SB_MAC16s the cost model counts (the FFT's twiddle
 *   stage and one complex MAC lane), the spectra take 2 SPRAM blocks, and
 *   timing is met at the board clock;
 * - the 64-point FFT (examples/fft64.json) through the `circa build` command
 *   with the default YoWASP tools.
 * The default suite builds a layer through `circa build` (test/cli.test.ts),
 * a trained network (test/network.build.test.ts), and with the native tools
 * the small calibration designs (test/estimate.test.ts) and a counter
 * (test/flow.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBoard } from '../src/target/ice40/boards.ts';
import { runFlow } from '../src/flow/index.ts';
import { boardDesign } from '../src/network/board.ts';
import { loadDesign } from '../src/network/design.ts';

describe('block-circulant 784 -> 784 on the iCEBreaker', () => {
  it('fits the UP5K with FFT(w) in SPRAM, 8 DSPs, timing met at 12 MHz', async () => {
    const design = loadDesign('examples/blockcirc-784.json');
    const board = loadBoard('icebreaker');
    const d = boardDesign(design.rtl(), board);
    const r = await runFlow({
      sources: d.sources, top: d.top, board, pcf: d.pcf, toolchain: 'native',
      outDir: mkdtempSync(join(tmpdir(), 'circa-bcirc-build-')),
    });
    const cost = design.cost();
    expect(statSync(r.bitstream).size).toBeGreaterThan(30_000);
    // the cost model counts 8 multipliers (FFT twiddle stage 4, one complex MAC lane 4), each an
    // SB_MAC16 (test/netlist.test.ts checks YoWASP's netlist keeps them all, inputs driven)
    expect(r.cells.dsp).toBe(cost.hardware.multipliers);
    expect(r.cells.spram).toBe(2);
    expect(r.cells.lut).toBeLessThanOrEqual(r.limits.lut);
    expect(r.cells.ebr).toBeLessThanOrEqual(r.limits.ebr);
    expect(r.timingMet).toBe(true);
    const us = (mhz: number) => (cost.latency / mhz).toFixed(0);
    console.log(`bc784 on icebreaker (native): ${r.cells.lut} LC, ${r.cells.ff} FF, ${r.cells.dsp} DSP, ${r.cells.ebr} EBR, ${r.cells.spram} SPRAM, ` +
      `Fmax ${r.fmaxMHz?.toFixed(1)} MHz; ${cost.latency} cycles per vector (${us(12)} us at 12 MHz, ${us(r.fmaxMHz ?? 12)} us at Fmax)`);
  });
});

describe('the 64-point FFT (examples/fft64.json) on the iCEBreaker, through `circa build`', () => {
  it('YoWASP: 8 SB_MAC16, <= 3000 LUT4 with the board top, 11 EBR, timing met at 12 MHz; report.json written where asked', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { readFileSync } = await import('node:fs');
    const out = join(mkdtempSync(join(tmpdir(), 'circa-fft-build-')), 'fft64');
    const { stdout } = await promisify(execFile)('node', ['bin/circa.mjs', 'build', 'examples/fft64.json', '--board', 'icebreaker', '-o', out, '--json', '-q'],
      { maxBuffer: 64 * 1024 * 1024 });
    const r = JSON.parse(stdout);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).design).toBe('fft64');
    expect(statSync(r.flow.bitstream).size).toBeGreaterThan(30_000);
    const c = r.flow.cells;
    // two twiddle stages x 4 real multipliers, each an SB_MAC16 (16 x 16)
    expect(c.dsp).toBe(8);
    // the FFT's 32-word delay line and its 64-word twiddle ROM (6 EBR), plus the board top's vector buffers
    expect(c.ebr).toBe(11);
    // the LUT target is for the FFT; the whole design, UART protocol top included, meets it too
    expect(c.lut4).toBeLessThanOrEqual(3000);
    expect(r.flow.timingMet).toBe(true);
    expect(r.cycles.latency).toBe(157);
    console.log(`fft64 on icebreaker (yowasp): ${c.lut} LC, ${c.lut4} LUT4, ${c.ff} FF, ${c.dsp} DSP, ${c.ebr} EBR, Fmax ${r.flow.fmaxMHz} MHz`);
  });
});
