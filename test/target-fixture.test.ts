/**
 * A synthesis target is its folder (issue 27): test/fixtures/targets/tinylut
 * defines a target with its own parts and a different synthesis command,
 * using only the package's public API, and nothing in src/ names it.
 * Registered here, its parts are planned (lane counts filled, the DSP
 * bound), estimated and fit-checked, and the flow and the build step of
 * `circa build` run its steps and its script (with a recording runner: no
 * tools).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as circa from '../src/index.ts';
import { tinylut } from './fixtures/targets/tinylut/index.ts';
import { buildReport, keepBuild, scratchBuild } from '../src/network/build.ts';

circa.registerTarget(tinylut);

const work = mkdtempSync(join(tmpdir(), 'circa-target-fixture-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const dense = (inputs: number, outputs: number, lanes: number) => circa.designFromSpec({
  kind: 'dense', name: 'fc', inputs, outputs, lanes, input: { int: 1, frac: 6 },
  weights: { format: { int: 0, frac: 7 }, init: 'random', seed: 3 }, output: { format: { int: 3, frac: 4 } },
});

describe('a synthesis target defined outside src/ (test/fixtures/targets/tinylut)', () => {
  it('is registered once; a second registration, or a part name another target has, is refused', () => {
    expect(circa.partNames()).toEqual(['UP5K', 'UP3K', 'HX8K', 'LP8K', 'HX1K', 'TL3K', 'TL20K']);
    expect(circa.partOf('TL3K').target).toBe(tinylut);
    expect(() => circa.registerTarget(tinylut)).toThrow(/a target named "tinylut" is registered already/);
    expect(() => circa.registerTarget({ ...tinylut, name: 'other', parts: { UP5K: tinylut.parts.TL3K } }))
      .toThrow(/part "UP5K" of other is a part of ice40 already/);
  });

  it('is estimated on its own limits and model: no hard multipliers, its part title in the advice', () => {
    const small = dense(16, 4, 2);
    const e = circa.estimate(small, { part: 'TL3K' });
    expect(e.resources.part).toBe('TL3K');
    expect(e.resources.family).toBe('tinylut');
    // the target prices multiplies in logic: no DSP, where the UP5K puts them on SB_MAC16
    expect(e.resources.total.dsp).toBe(0);
    expect(circa.estimate(small, { part: 'UP5K' }).resources.total.dsp).toBeGreaterThan(0);
    expect(e.fit.fits).toBe(true);
    expect(e.fit.advice).toMatch(/^fits TinyLUT-TL3K: /);
  });

  it('is fit-checked: over its small part, with the larger part of the same target named as the way out', () => {
    const big = dense(256, 64, 16);
    const f = circa.estimate(big, { part: 'TL3K' }).fit;
    expect(f.fits).toBe(false);
    expect(f.advice).toMatch(/^does not fit TinyLUT-TL3K: logic cells/);
    expect(f.advice).toMatch(/fits instead on TinyLUT-TL20K: /);
    // only the target's own parts are offered, never an iCE40
    expect(f.advice).not.toMatch(/iCE40/);
    expect(circa.estimate(big, { part: 'TL20K' }).fit.fits).toBe(true);
  });

  it('is planned on its own limits: lane counts filled to its part, and its DSP bound (no hard multipliers)', () => {
    const d = dense(64, 32, 1);
    const small = circa.fill(d, 'TL3K');
    const large = circa.fill(d, 'TL20K');
    const lanes = (f: circa.FillResult) => Number(f.best.layers[0].settings.find((x) => x.knob === 'lanes')!.chosen);
    // the lanes chosen within the part's logic cells, and more logic cells take more lanes
    expect(small.limits).toEqual({ lut: 3000, dsp: 0, ebr: 8, spram: 0 });
    expect(small.best.resources.lut).toBeLessThanOrEqual(3000);
    expect(small.best.resources.dsp).toBe(0);
    expect(lanes(large)).toBeGreaterThan(lanes(small));
    expect(large.best.period).toBeLessThan(small.best.period);
    // no hard multipliers: no DSP bound on the period
    expect(circa.dspBound(d, 'TL3K').bound).toBeNull();
    expect(circa.dspBound(d, 'UP5K').bound).not.toBeNull();
  });

  it('an unknown part names every registered part (exit 2 text)', () => {
    expect(() => circa.estimate(dense(16, 4, 2), { part: 'TL9K' }))
      .toThrow(/^estimate: options\.part: must be one of "UP5K", "UP3K", "HX8K", "LP8K", "HX1K", "TL3K", "TL20K", got "TL9K"$/);
  });

  it('runs through the flow with its own steps and synthesis command; its limits refuse an oversized netlist', async () => {
    const board = { name: 'tinyboard', part: 'TL3K', package: 'qfn32', clock: { mhz: 10 } };
    const sources = [{ name: 'top.v', text: 'module top(input a, output y); assign y = ~a; endmodule\n' }];
    const steps = circa.flowSteps({ sources, top: 'top', board, pcf: 'a 1\ny 2\n', toolchain: 'yowasp', outDir: work });
    expect(steps.map((s) => s.tool)).toEqual(['yosys']);
    expect(steps[0].does).toBe('synthesising top for TinyLUT-TL3K');

    const scripts: string[] = [];
    const luts = (n: number) => JSON.stringify({
      modules: { top: { attributes: { top: '00000000000000000000000000000001' }, cells: Object.fromEntries([...Array(n)].map((_, i) => [`l${i}`, { type: '$lut' }])) } },
    });
    const runner = (n: number): circa.Runner => ({
      toolchain: 'yowasp',
      ready() {},
      async run(_tool, _args, inputs, outputs) {
        scripts.push(String(inputs.get('synth.ys')));
        return { log: '', seconds: 0.5, outputs: new Map(outputs.map((o) => [o, luts(n)])) };
      },
    });
    const r = await circa.runFlow({ sources, top: 'top', board, pcf: 'a 1\ny 2\n', toolchain: 'yowasp', outDir: join(work, 'ok'), runner: runner(12) });
    expect(scripts[0]).toMatch(/^synth -flatten -top top\nabc -lut 4\n/m);
    expect(scripts[0]).not.toMatch(/synth_ice40/);
    expect(r.cells.lut4).toBe(12);
    expect(r.limits).toEqual(tinylut.parts.TL3K.limits);
    expect(JSON.parse(readFileSync(join(work, 'ok', 'report.json'), 'utf8')).part).toBe('TL3K');
    expect(circa.formatReport(r)).toMatch(/tinyboard \(TinyLUT-TL3K\)/);

    await expect(circa.runFlow({ sources, top: 'top', board, pcf: 'a 1\ny 2\n', toolchain: 'yowasp', outDir: join(work, 'over'), runner: runner(3200) }))
      .rejects.toThrow(/design does not fit TinyLUT-TL3K:\n {2}ERROR: logic cells 3200 used, 3000 available/);

    // the build step `circa build` and build() share (src/network/build.ts): a board top on a TinyLUT board, its report.json
    const d = dense(16, 4, 2);
    // (the board schema is the iCE40's: its part field names iCE40 parts, hence the cast)
    const tinyBoard = { ...circa.loadBoard('icebreaker'), name: 'tinyboard', part: 'TL3K', package: 'qfn32' } as unknown as circa.Board;
    const built = await scratchBuild(d.rtl(), tinyBoard, undefined, { toolchain: 'yowasp', runner: runner(40) });
    const out = join(work, 'built');
    const report = buildReport({ design: d, board: tinyBoard, report: built.report, work: built.work, outDir: out });
    await keepBuild(built, out, report, { force: false, option: 'outDir' });
    const kept = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(kept).toEqual(JSON.parse(JSON.stringify(report)));
    expect(kept).toMatchObject({ spec: null, design: 'fc', board: 'tinyboard', flow: { part: 'TL3K', cells: { lut4: 40 } } });
    // the measured figures joined with the predicted cycles, the paths where the build was kept
    expect(kept.cycles.latency).toBe(d.cost().latency);
    expect(kept.cycles.latencyUsAtBoardClock).toBeCloseTo(d.cost().latency / kept.flow.targetMHz, 9);
    expect(kept.flow.logs.yosys).toBe(join(out, 'yosys.log'));
    expect(existsSync(built.work)).toBe(false);
    expect(scripts[scripts.length - 1]).toMatch(/^synth -flatten -top circa_board_top$/m);
  });
});
