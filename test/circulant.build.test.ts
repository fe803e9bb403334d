/**
 * The block-circulant 784 -> 784 layer (16 x 16 blocks, 8-bit spectra in
 * SPRAM) as an iCEBreaker (UP5K) bitstream: it fits, the multipliers are the
 * SB_MAC16s the cost model counts (the FFT's twiddle stage and one complex
 * MAC lane), the spectra take 2 SPRAM blocks, and timing is met at the
 * board clock. Native yosys/nextpnr for speed (about a minute): the default
 * suite's native-tool build. The 64-point FFT through the `circa build`
 * command with the YoWASP tools repeats test/cli.test.ts's path:
 * test/circulant.build.deep.test.ts (`npm run test:deep`).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBoard } from '../src/flow/boards.ts';
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
