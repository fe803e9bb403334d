/**
 * A synthesis target is its folder (issue 27): test/fixtures/targets/tinylut
 * defines a target with its own parts and a different synthesis command,
 * using only the package's public API, and nothing in src/ names it.
 * Registered here, its parts are planned (lane counts filled, the DSP
 * bound), estimated and fit-checked, its boards pass the board schema, and
 * the flow and the build step of `circa build` run its steps, its script and
 * its own packer (with a recording runner: no tools), reporting each step
 * under its own name.
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

  it('runs through the flow with its own steps, tools and synthesis command; its limits refuse an oversized netlist', async () => {
    const board = { name: 'tinyboard', part: 'TL3K', package: 'qfn32', clock: { mhz: 10 } };
    const sources = [{ name: 'top.v', text: 'module top(input a, output y); assign y = ~a; endmodule\n' }];
    const steps = circa.flowSteps({ sources, top: 'top', board, pcf: 'a 1\ny 2\n', toolchain: 'yowasp', outDir: work });
    // its steps by its own names, one of them a tool src/ has never heard of
    expect(steps.map((s) => [s.name, s.tool.name])).toEqual([['synth', 'yosys'], ['pack', 'tinypack']]);
    expect(steps[0].does).toBe('synthesising top for TinyLUT-TL3K');
    expect(steps[1].args).toEqual(['--pins', 'top.pins', 'netlist.json', 'top.tlb']);
    // the native runner looks for the target's executables, the packer among them
    expect(() => circa.RUNNERS.native.ready(steps.map((s) => s.tool))).toThrow(/^toolchain 'native' needs (yosys, )?tinypack on PATH/);

    const scripts: string[] = [];
    const ran: { tool: string; args: string[] }[] = [];
    const readied: string[][] = [];
    const luts = (n: number) => JSON.stringify({
      modules: { top: { attributes: { top: '00000000000000000000000000000001' }, cells: Object.fromEntries([...Array(n)].map((_, i) => [`l${i}`, { type: '$lut' }])) } },
    });
    const runner = (n: number): circa.Runner => ({
      toolchain: 'yowasp',
      ready(tools) {
        readied.push(tools.map((t) => t.binary));
      },
      async run(tool, args, inputs, outputs) {
        ran.push({ tool: tool.name, args });
        if (tool.name === 'yosys') scripts.push(String(inputs.get('synth.ys')));
        return { log: `${tool.name} ran\n`, seconds: 0.5, outputs: new Map(outputs.map((o) => [o, luts(n)])) };
      },
    });
    const r = await circa.runFlow({ sources, top: 'top', board, pcf: 'a 1\ny 2\n', toolchain: 'yowasp', outDir: join(work, 'ok'), runner: runner(12) });
    expect(readied).toEqual([['yosys', 'tinypack']]);
    expect(ran.map((x) => x.tool)).toEqual(['yosys', 'tinypack']);
    expect(scripts[0]).toMatch(/^synth -flatten -top top\nabc -lut 4\n/m);
    expect(scripts[0]).toMatch(/\nwrite_json netlist\.json\n$/);
    expect(scripts[0]).not.toMatch(/synth_ice40/);
    expect(readFileSync(join(work, 'ok', 'top.pins'), 'utf8')).toBe('a 1\ny 2\n');
    expect(r.cells.lut4).toBe(12);
    expect(r.limits).toEqual(tinylut.parts.TL3K.limits);
    // seconds and logs by its steps' own names, the bitstream its packer's
    expect(r.seconds).toEqual({ synth: 0.5, pack: 0.5 });
    expect(r.logs).toEqual({ synth: join(work, 'ok', 'synth.log'), pack: join(work, 'ok', 'pack.log') });
    expect(r.bitstream).toBe(join(work, 'ok', 'top.tlb'));
    expect(JSON.parse(readFileSync(join(work, 'ok', 'report.json'), 'utf8')).part).toBe('TL3K');
    const table = circa.formatReport(r);
    expect(table).toMatch(/tinyboard \(TinyLUT-TL3K\)/);
    expect(table).toMatch(/\nBRAM \(4 kbit\) +0 +8/);
    expect(table).toMatch(/\ntime: yosys 0\.5 s, tinypack 0\.5 s\n/);
    expect(table).not.toMatch(/SB_MAC16|nextpnr|icepack/);

    ran.length = 0;
    await expect(circa.runFlow({ sources, top: 'top', board, pcf: 'a 1\ny 2\n', toolchain: 'yowasp', outDir: join(work, 'over'), runner: runner(3200) }))
      .rejects.toThrow(/design does not fit TinyLUT-TL3K:\n {2}ERROR: logic cells 3200 used, 3000 available\n {2}log: .*synth\.log$/);
    // its figures come from the synthesis step: the packer never ran
    expect(ran.map((x) => x.tool)).toEqual(['yosys']);

    // the build step `circa build` and build() share (src/network/build.ts): a board top on a TinyLUT board, its report.json
    const d = dense(16, 4, 2);
    const tinyBoard = tinyBoardOf({ device: 'tl3k' });
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
    expect(kept.flow.logs).toEqual({ synth: join(out, 'synth.log'), pack: join(out, 'pack.log') });
    expect(kept.flow.bitstream).toBe(join(out, 'circa_board_top.tlb'));
    expect(existsSync(built.work)).toBe(false);
    expect(scripts[scripts.length - 1]).toMatch(/^synth -flatten -top circa_board_top$/m);
  });

  it('its boards pass the board schema: the part checked against every registered target, the device by the part\'s target', () => {
    const b = tinyBoardOf({ device: 'tl3k' });
    expect([b.part, b.package, b.device]).toEqual(['TL3K', 'qfn32', 'tl3k']);
    // the device is the TinyLUT's rule (its part in lower case), not nextpnr's
    expect(() => tinyBoardOf({ device: 'up5k' })).toThrow(/^board file tinyboard\.json: device: expected "tl3k" for part TL3K, got "up5k"$/);
    // an unknown part: exit 2, the field named, every registered target's parts listed
    let err: unknown;
    try {
      tinyBoardOf({ part: 'TL9K' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(circa.CircaInputError);
    expect((err as circa.CircaInputError).exitCode).toBe(2);
    expect((err as Error).message)
      .toBe('board file tinyboard.json: part: expected one of "UP5K"|"UP3K"|"HX8K"|"LP8K"|"HX1K"|"TL3K"|"TL20K", got "TL9K"');
  });
});

/** A TinyLUT board: the iCEBreaker's pins on a TinyLUT part, through the board schema (no cast). */
function tinyBoardOf(edit: Record<string, unknown>): circa.Board {
  const icebreaker = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'boards', 'icebreaker.json'), 'utf8')) as Record<string, unknown>;
  return circa.parseBoard({ ...icebreaker, name: 'tinyboard', part: 'TL3K', package: 'qfn32', ...edit }, 'tinyboard.json');
}
