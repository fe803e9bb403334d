/**
 * A whole trained network on a real part: mnist-tvscm builds for the
 * iCEBreaker (UltraPlus, DSPs: the trained, pipelined network of the README
 * and `npm run demo`, 7 SB_MAC16, a new image every 1,578 cycles) with the
 * default YoWASP tools. The other networks' builds (the HX8K breakout with
 * native tools, the three trained FFT networks) repeat this path:
 * test/network.build.deep.test.ts (`npm run test:deep`).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDesign } from '../src/network/design.ts';
import { loadBoard } from '../src/target/ice40/boards.ts';
import { runFlow } from '../src/flow/index.ts';
import { boardDesign } from '../src/network/board.ts';

const work = mkdtempSync(join(tmpdir(), 'circa-netbuild-'));

describe('mnist-tvscm bitstreams', () => {
  const cases = [['icebreaker', 'yowasp', 'examples/trained/mnist-tvscm.json']] as const;
  for (const [boardName, toolchain, spec] of cases) {
    it(`${spec} on ${boardName} (${toolchain}): a bitstream, timing met at the board clock`, async () => {
      const design = loadDesign(spec);
      const board = loadBoard(boardName);
      const d = boardDesign(design.rtl(), board);
      const r = await runFlow({ sources: d.sources, top: d.top, board, pcf: d.pcf, toolchain, outDir: join(work, boardName) });
      expect(statSync(r.bitstream).size).toBeGreaterThan(30_000);
      expect(r.timingMet).toBe(true);
      expect(r.fmaxMHz).toBeGreaterThanOrEqual(12);
      if (board.part === 'UP5K') {
        expect(r.cells.dsp).toBe(design.cost().hardware.multipliers);
        expect(r.cells.ebr).toBeLessThanOrEqual(30);
      } else expect(r.cells.dsp).toBe(0);
      console.log(`${spec} on ${boardName}: ${r.cells.logicCells} logic cells, ${r.cells.ff} FF, ${r.cells.dsp} DSP, ${r.cells.ebr} EBR, ` +
        `Fmax ${r.fmaxMHz?.toFixed(1)} MHz, latency ${design.cost().latency}, period ${design.cost().period} cycles`);
    });
  }
});
