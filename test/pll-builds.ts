/**
 * The PLL builds, shared by test/pll.build.test.ts (the PLL one, in the
 * default suite) and test/pll.build.deep.test.ts (the other). Bitstreams of
 * mitbih-tvscm behind the framed UART protocol on the iCEBreaker: at the 12 MHz board clock (native tools, for speed), and at
 * 24 MHz through the PLL (`circa build --clock 24`), where nextpnr is given
 * the PLL's output frequency and timing is judged against it. The 24 MHz
 * build uses YoWASP: its newer yosys reaches ~26 MHz on this design, while
 * the Debian yosys 0.23 reaches ~22-23 MHz (the critical path is the TVSCM
 * layer's requantiser, not the protocol logic) and would fail timing.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDesign } from '../src/network/design.ts';
import { loadBoard } from '../src/target/ice40/boards.ts';
import { runFlow } from '../src/flow/index.ts';
import { boardDesign } from '../src/network/board.ts';
import { describeClock } from '../src/target/ice40/pll.ts';

const work = mkdtempSync(join(tmpdir(), 'circa-pllbuild-'));

export type PllBuildCase = [label: string, clock: number | undefined, toolchain: 'native' | 'yowasp'];

/** The builds: at the 12 MHz board clock with native tools, and at 24 MHz through the PLL with YoWASP. */
export const PLL_BUILDS: PllBuildCase[] = [
  ['board clock (12 MHz), native', undefined, 'native'],
  ['--clock 24 through the PLL, yowasp', 24, 'yowasp'],
];

export function describePllBuilds(cases: PllBuildCase[]): void {
describe('mitbih-tvscm with the framed protocol on the iCEBreaker', () => {
  const design = loadDesign('examples/mitbih-tvscm.json');
  const board = loadBoard('icebreaker');
  for (const [label, clock, toolchain] of cases) {
    it(`${label}: a bitstream, timing met at the design clock`, async () => {
      const d = boardDesign(design.rtl(), board, clock);
      const r = await runFlow({
        sources: d.sources, top: d.top, board: d.flowBoard, pcf: d.pcf, toolchain, outDir: join(work, String(clock ?? 12)),
      });
      expect(statSync(r.bitstream).size).toBeGreaterThan(100_000);
      expect(r.targetMHz).toBe(clock ?? 12);
      expect(r.cells.pll).toBe(clock ? 1 : 0);
      expect(r.clocks.map((c) => c.constraintMHz)).toEqual([clock ?? 12]);
      expect(r.timingMet).toBe(true);
      expect(r.fmaxMHz).toBeGreaterThanOrEqual(clock ?? 12);
      expect(r.cells.dsp).toBe(design.cost().hardware.multipliers);
      console.log(`mitbih-tvscm framed, icebreaker, ${toolchain}, ${describeClock(d.clock)}: ${r.cells.logicCells} logic cells, ${r.cells.ff} FF, ` +
        `${r.cells.ebr} EBR, ${r.cells.dsp} DSP, ${r.cells.pll} PLL; Fmax ${r.fmaxMHz} MHz vs ${r.targetMHz} MHz ` +
        `(${r.clocks.map((c) => `${c.net} ${c.achievedMHz}/${c.constraintMHz}`).join(', ')}); ` +
        `yosys ${r.seconds.yosys} s, nextpnr ${r.seconds.nextpnr} s`);
    });
  }
});
}
