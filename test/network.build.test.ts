/**
 * A whole trained network on a real part: the trained CNN mnist-cnn builds
 * for the iCEBreaker (UltraPlus: conv -> pool -> conv -> pool -> dense ->
 * argmax, pipelined, its conv lanes two 8-bit multiplies per SB_MAC16, the
 * links between layers sized by the network timeline) with the default
 * YoWASP tools, the path `circa build --board icebreaker` takes. The other
 * networks' builds repeat this path: test/network.build.deep.test.ts
 * (`npm run test:deep`), trained mnist-tvscm on the iCEBreaker among them
 * (it was this file's build until mnist-cnn fitted).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDesign } from '../src/network/design.ts';
import { loadBoard } from '../src/target/ice40/boards.ts';
import { runFlow } from '../src/flow/index.ts';
import { boardDesign } from '../src/network/board.ts';
import { predictResources } from '../src/estimate/resources.ts';

const work = mkdtempSync(join(tmpdir(), 'circa-netbuild-'));

describe('trained CNN bitstream', () => {
  it('examples/trained/mnist-cnn.json on icebreaker (yowasp): a bitstream, timing met at the board clock, the SB_MAC16 and EBR the estimate predicts', async () => {
    const design = loadDesign('examples/trained/mnist-cnn.json');
    const board = loadBoard('icebreaker');
    const d = boardDesign(design.rtl(), board);
    const r = await runFlow({ sources: d.sources, top: d.top, board, pcf: d.pcf, toolchain: 'yowasp', outDir: join(work, board.name) });
    expect(statSync(r.bitstream).size).toBeGreaterThan(30_000);
    expect(r.timingMet).toBe(true);
    expect(r.fmaxMHz).toBeGreaterThanOrEqual(12);
    const predicted = predictResources(design, { part: 'UP5K' }).total;
    // 13 conv and dense lanes: 2 + 4 SB_MAC16 in the conv layers' 8x8 mode, 1 in the dense head
    expect(r.cells.dsp).toBe(7);
    expect(r.cells.dsp).toBe(predicted.dsp);
    expect(r.cells.ebr).toBe(predicted.ebr);
    expect(r.cells.lut).toBeLessThanOrEqual(r.limits.lut);
    console.log(`mnist-cnn on icebreaker: ${r.cells.logicCells} logic cells (${r.cells.lut4} LUT4), ${r.cells.ff} FF, ${r.cells.dsp} DSP, ${r.cells.ebr} EBR, ` +
      `${r.cells.spram} SPRAM, Fmax ${r.fmaxMHz?.toFixed(1)} MHz, latency ${design.cost().latency}, period ${design.cost().period} cycles`);
  });
});
