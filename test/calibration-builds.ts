/**
 * Predicted against real builds with the native tools (small designs, a few
 * seconds each): DSP, EBR and SPRAM exact, LUT and FF within 20%. The
 * iCEBreaker designs run in test/estimate.test.ts, the HX8K network and the
 * CNN in test/estimate.deep.test.ts.
 */
import { expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBoard } from '../src/target/ice40/boards.ts';
import { runFlow } from '../src/flow/index.ts';
import { boardDesign } from '../src/network/board.ts';
import { compareResources, predictResources } from '../src/estimate/resources.ts';
import { designOfSpec } from '../src/estimate/sweep.ts';

const work = mkdtempSync(join(tmpdir(), 'circa-calibration-'));

export const CALIBRATION_BUILDS: [string, unknown, string][] = [
  ['tvscm n=96, 2 lanes', { kind: 'tvscm', name: 'tv96', n: 96, lanes: 2, placement: { type: 'band', radius: 1 }, weights: { a: 0.5, b: -0.25 } }, 'icebreaker'],
  ['dense 64 -> 12, 3 lanes', {
    kind: 'dense', name: 'fc', inputs: 64, outputs: 12, lanes: 3, weights: { init: 'random', seed: 7 }, activation: 'relu',
  }, 'icebreaker'],
  ['network tvscm 48 + dense 48 -> 4 + argmax', {
    network: 'small', layers: [
      { kind: 'tvscm', n: 48, lanes: 2, placement: { type: 'complement' }, weights: { a: 0.5, b: 0.0625 }, output: { relu: true } },
      { kind: 'dense', inputs: 48, outputs: 4, lanes: 2, weights: { init: 'random', seed: 3 } },
      { kind: 'argmax', n: 4 },
    ],
  }, 'hx8k-breakout'],
];

/**
 * A LeNet-shaped CNN (examples/lenet-28.json: conv, max pool, conv, max pool,
 * dense, argmax on 28 x 28 images; the conv group's network record of
 * bench/estimate-calibrate.ts, checked there, not fitted) on the iCEBreaker:
 * test/estimate.deep.test.ts.
 */
export const CNN_CALIBRATION_BUILDS: [string, unknown, string][] = [
  ['LeNet-shaped CNN examples/lenet-28.json', JSON.parse(readFileSync('examples/lenet-28.json', 'utf8')), 'icebreaker'],
];

export function itCalibrationBuild([label, spec, boardName]: [string, unknown, string]): void {
  it(`${label} on ${boardName}: DSP and EBR exact, LUT and FF within 20%`, async () => {
    const design = designOfSpec(spec);
    const board = loadBoard(boardName);
    const bd = boardDesign(design.rtl(), board);
    const report = await runFlow({ sources: bd.sources, top: bd.top, board, pcf: bd.pcf, toolchain: 'native', outDir: join(work, label.replace(/\W+/g, '-')) });
    const predicted = predictResources(design, { part: board.part, toolchain: 'native' });
    const cmp = compareResources(predicted, report);
    const row = (k: string) => cmp.rows.find((r) => r.resource === k)!;
    expect(row('dsp').predicted, 'DSP').toBe(report.cells.dsp);
    expect(row('ebr').predicted, 'EBR').toBe(report.cells.ebr);
    expect(row('spram').predicted, 'SPRAM').toBe(report.cells.spram);
    expect(Math.abs(row('lut').errorPct!), `LUT ${row('lut').predicted} vs ${row('lut').actual}`).toBeLessThanOrEqual(20);
    expect(Math.abs(row('ff').errorPct!), `FF ${row('ff').predicted} vs ${row('ff').actual}`).toBeLessThanOrEqual(20);
    expect(cmp.ok).toBe(true);
  });
}
