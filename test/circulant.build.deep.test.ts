/**
 * The 64-point FFT (examples/fft64.json) as an iCEBreaker bitstream through
 * the `circa build` command with the default YoWASP tools; test/cli.test.ts
 * builds a TVSCM layer through the same command in the default suite.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
