/**
 * Estimates for hardware studies (src/estimate/): the paper's parameter
 * ratios, yosys' mapping rules replayed, the fit check, the energy model and
 * its tables, the `compare` command, the FFT kinds (fft, circulant,
 * diag-circulant, block-circulant) against yosys' recorded DSP/EBR/SPRAM
 * counts and the SPRAM refusal on parts without SPRAM, and, against real
 * builds with the native tools, the DSP/EBR counts (exact) and LUT/FF
 * (within 20%).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runNode } from './run-node.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { CircaInputError } from '../src/errors.ts';
import { loadDesign } from '../src/network/design.ts';
import { listBoards, loadBoard } from '../src/target/ice40/boards.ts';
import { dspCount, mapMemory } from '../src/target/ice40/memory.ts';
import { compareDesigns, PAPER } from '../src/estimate/compare.ts';
import { fitCheck } from '../src/estimate/fit.ts';
import { energyPerInference, ENERGY_CATEGORIES } from '../src/estimate/energy.ts';
import { ASIC_45NM, ICE40_UP5K, loadEnergyTable, parseEnergyTable } from '../src/estimate/tables.ts';
import { LOGIC_TOLERANCE_PCT, predictResources } from '../src/estimate/resources.ts';
import { designOfSpec } from '../src/estimate/sweep.ts';
import { CALIBRATION_BUILDS, itCalibrationBuild } from './calibration-builds.ts';

const ex = (name: string) => resolve('examples', `${name}.json`);
const work = mkdtempSync(join(tmpdir(), 'circa-estimate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The circa command as a user runs it (main.ts registers the estimate subcommands). */
const CIRCA = resolve('bin/circa.mjs');
export const circa = (...args: string[]) => runNode(CIRCA, args, work);

describe('the paper pairs', () => {
  it('parameter ratios are exact for both pairs, and the paper row is found by the counts', () => {
    const mnist = compareDesigns(loadDesign(ex('mnist-dense')), loadDesign(ex('mnist-tvscm')));
    const p = mnist.metrics.find((m) => m.key === 'parameters')!;
    expect([p.a, p.b]).toEqual([623_290, 7_852]);
    expect(p.ratio).toBe(623_290 / 7_852);
    expect(mnist.paper?.key).toBe('mnist');
    expect(p.paper).toBe(PAPER.mnist.ratios.parameters);

    const mit = compareDesigns(loadDesign(ex('mitbih-dense')), loadDesign(ex('mitbih-tvscm')));
    const q = mit.metrics.find((m) => m.key === 'parameters')!;
    expect([q.a, q.b]).toEqual([24_709, 942]);
    expect(q.ratio).toBe(24_709 / 942);
    expect(mit.paper?.key).toBe('mitbih');
    expect(mit.metrics.find((m) => m.key === 'latency')!.paper).toBe(91.5);
  });

  it('the paper ratio is inverted when a is the TVSCM design', () => {
    const c = compareDesigns(loadDesign(ex('mitbih-tvscm')), loadDesign(ex('mitbih-dense')));
    const e = c.metrics.find((m) => m.key === 'energy:asic-45nm')!;
    expect(c.aIsBaseline).toBe(false);
    expect(e.paper).toBeCloseTo(1 / 112, 12);
    expect(e.ratio).toBeLessThan(1);
  });

  it('every metric is positive and each energy report adds up', () => {
    const c = compareDesigns(loadDesign(ex('mnist-dense')), loadDesign(ex('mnist-tvscm')));
    for (const m of c.metrics) expect(m.a > 0 && m.b > 0, m.key).toBe(true);
    for (const r of [...c.a.energy, ...c.b.energy]) {
      const sum = ENERGY_CATEGORIES.reduce((s, k) => s + r.breakdown[k], 0);
      expect(sum).toBeCloseTo(r.totalPJ, 6);
    }
    expect(c.notes.some((n) => /parameters/.test(n))).toBe(true);
  });
});

describe('yosys mapping rules, replayed', () => {
  it('a memory goes to EBR only when it is cheaper than logic (memory_libmap costs)', () => {
    // stream_link thresholds measured with yosys: 7 x 9 logic, 10 x 7 EBR, 11 x 6 logic (cost tie)
    expect(mapMemory({ name: 'a', depth: 7, width: 9, rom: false }).target).toBe('logic');
    expect(mapMemory({ name: 'b', depth: 10, width: 7, rom: false }).blocks).toBe(1);
    expect(mapMemory({ name: 'c', depth: 11, width: 6, rom: false }).target).toBe('logic');
    // the 4-lane TVSCM bank of n = 784: 196 x 8 -> one block
    expect(mapMemory({ name: 'bank', depth: 196, width: 8, rom: false })).toMatchObject({ target: 'ebr', blocks: 1 });
    // a ROM goes to EBR only past 1/16 of the RAM threshold; a 300 x 8 ROM packs two chunks in one block
    expect(mapMemory({ name: 'r', depth: 10, width: 16, rom: true }).target).toBe('logic');
    expect(mapMemory({ name: 'r', depth: 300, width: 8, rom: true }).blocks).toBe(1);
    expect(mapMemory({ name: 'w', depth: 5984, width: 32, rom: true }).blocks).toBe(48);
    expect(mapMemory({ name: 'f', depth: 10, width: 16, rom: true, forceBlock: true }).target).toBe('ebr');
  });

  it('a RAM with ram_style "huge" takes SB_SPRAM256KA blocks of 16384 x 16', () => {
    // the block-circulant 784 spectra: 21,609 words of 16 bits -> two address chunks
    expect(mapMemory({ name: 's', depth: 21_609, width: 16, rom: false, huge: true })).toMatchObject({ target: 'spram', blocks: 2, chunks: 2 });
    expect(mapMemory({ name: 's', depth: 16_384, width: 32, rom: false, huge: true })).toMatchObject({ target: 'spram', blocks: 2, chunks: 1 });
    expect(mapMemory({ name: 's', depth: 100, width: 16, rom: false, huge: true }).blocks).toBe(1);
  });

  it('DSPs follow mul2dsp: 16-bit slices, products under 11 bits in logic', () => {
    expect(dspCount(8, 8, 16).dsp).toBe(1);
    expect(dspCount(16, 17, 33)).toMatchObject({ dsp: 1, softBits: 16 });
    expect(dspCount(9, 18, 27).dsp).toBe(2);
    expect(dspCount(4, 4, 8).dsp).toBe(0);
    expect(dspCount(5, 6, 11).dsp).toBe(1);
    expect(dspCount(32, 32, 64).dsp).toBe(4);
  });

  it('the UP5K gets one DSP per multiplier, an HX part none', () => {
    const d = loadDesign(ex('tvscm-784'));
    expect(predictResources(d, { part: 'UP5K' }).total.dsp).toBe(8);
    expect(predictResources(d, { part: 'HX8K' }).total.dsp).toBe(0);
    expect(predictResources(d, { part: 'HX8K' }).total.lut).toBeGreaterThan(predictResources(d, { part: 'UP5K' }).total.lut);
  });
});

describe('fit check', () => {
  it('refuses the MNIST dense baseline on every board, with the numbers and what would fit', () => {
    const d = loadDesign(ex('mnist-dense'));
    for (const name of listBoards()) {
      const part = loadBoard(name).part;
      const f = fitCheck(d, part);
      expect(f.fits, name).toBe(false);
      const mem = f.rows.find((r) => r.resource.startsWith('memory bits'))!;
      expect(mem.need).toBeGreaterThan(615_440 * 8);
      expect(mem.status).toBe('over');
      expect(f.advice).toMatch(/does not fit/);
      expect(f.advice).toMatch(/more than any iCE40 holds on chip/);
      expect(f.advice).toMatch(/TVSCM layer in place of fc784/);
    }
  });

  it('accepts the MNIST TVSCM network on the iCEBreaker', () => {
    const f = fitCheck(loadDesign(ex('mnist-tvscm')), 'UP5K');
    expect(f.fits).toBe(true);
    expect(f.rows.every((r) => r.status !== 'over')).toBe(true);
    expect(f.rows.find((r) => r.resource.startsWith('EBR'))!.need).toBeLessThanOrEqual(30);
  });

  it('advises fewer lanes when the DSPs run out', () => {
    const d = designOfSpec({
      kind: 'tvscm', name: 't', n: 64, lanes: 8, placement: { type: 'band', radius: 1 },
      weights: { a: 0.5, b: 0.25 },
    });
    const f = fitCheck(d, 'UP5K');
    expect(f.fits).toBe(false);
    expect(f.rows.find((r) => r.resource.startsWith('DSP'))).toMatchObject({ need: 16, have: 8, status: 'over' });
    expect(f.advice).toMatch(/with at most 4 lane\(s\) per layer it fits/);
    expect(f.advice).toMatch(/fits instead on iCE40HX8K/);
  });
});

describe('the FFT kinds: fft, circulant, diag-circulant, block-circulant', () => {
  const q07 = { int: 0, frac: 7 };
  const out25 = { format: { int: 2, frac: 5 } };
  const example = (name: string) => JSON.parse(readFileSync(ex(name), 'utf8')) as Record<string, unknown>;
  /**
   * Counts yosys maps for the bare design (no board top) on the UP5K:
   * `synth_ice40 -device u -dsp` then `stat`, recorded by
   * `npx tsx bench/estimate-calibrate.ts measure native|yowasp spectral` in
   * src/estimate/calibration/{native,yowasp}.json (2026-11-22) with Yosys 0.23
   * (git sha1 7ce5011c24b, Debian) and YoWASP Yosys 0.55 (git sha1 60f126cd0).
   * Both give the same DSP, EBR and SPRAM counts. (YoWASP's yosys 0.55 used to
   * map each block-circulant lane with one SB_MAC16 fewer, dropping a product:
   * an ice40_dsp bug with enable-free registered products summed. The lanes'
   * stage registers now have enables, YoWASP maps all four, and
   * test/netlist.test.ts checks the netlist; the recorded YoWASP counts of the
   * block-circulant designs predate that change.)
   */
  const MEASURED: [string, () => unknown, { dsp: number; ebr: number; spram: number }][] = [
    ['fft64 example', () => example('fft64'), { dsp: 8, ebr: 6, spram: 0 }],
    ['fft 64, 12-bit, 3 multipliers', () => ({ kind: 'fft', n: 64, dataWidth: 12, twiddleWidth: 12, multipliers: 3 }), { dsp: 6, ebr: 5, spram: 0 }],
    ['fft 64, natural order (reorder buffer)', () => ({ kind: 'fft', n: 64, naturalOrder: true }), { dsp: 8, ebr: 8, spram: 0 }],
    ['fft 64 unscaled (18..21-bit samples: two DSPs a product)', () => ({ kind: 'fft', n: 64, scaling: 'none' }), { dsp: 16, ebr: 6, spram: 0 }],
    ['fft 1024, 10-bit', () => ({ kind: 'fft', n: 1024, dataWidth: 10, twiddleWidth: 10 }), { dsp: 16, ebr: 23, spram: 0 }],
    ['circulant-256 example', () => example('circulant-256'), { dsp: 40, ebr: 33, spram: 0 }],
    ['circulant 16, 3 multipliers', () => ({
      kind: 'circulant', name: 'c16', inputs: 16, outputs: 16, input: q07, fft: { dataWidth: 12, twiddleWidth: 12, multipliers: 3 }, output: out25,
    }), { dsp: 10, ebr: 1, spram: 0 }],
    ['diag-circulant 64 -> 32', () => ({
      kind: 'diag-circulant', name: 'd64', inputs: 64, outputs: 32, input: q07, weights: { init: 'random', seed: 3 }, output: { format: { int: 1, frac: 6 } },
    }), { dsp: 21, ebr: 13, spram: 0 }],
    ['blockcirc-784 example (SPRAM)', () => example('blockcirc-784'), { dsp: 8, ebr: 7, spram: 2 }],
    ['block-circulant 256 -> 128, k 16, 2 lanes, EBR', () => ({
      kind: 'block-circulant', name: 'b256', inputs: 256, outputs: 128, blockSize: 16, macs: 2, input: q07, output: out25, memory: 'ebr',
    }), { dsp: 12, ebr: 13, spram: 0 }],
    ['block-circulant 256, k 32, 2 lanes, SPRAM', () => ({
      kind: 'block-circulant', name: 'b32k', inputs: 256, outputs: 256, blockSize: 32, macs: 2, input: q07, output: out25, memory: 'spram',
    }), { dsp: 16, ebr: 7, spram: 2 }],
    ['blockcirc-784 with memory "ebr" (yosys 0.23 only)', () => ({ ...example('blockcirc-784'), name: 'bc784e', memory: 'ebr' }), { dsp: 8, ebr: 95, spram: 0 }],
    // re-measured (native yosys 0.23, 2026-12-07) after the links were sized by the timeline: 70 EBR before
    ['diagcirc-chain example (yosys 0.23 only)', () => example('diagcirc-chain'), { dsp: 84, ebr: 68, spram: 0 }],
    // re-measured (native yosys 0.23, 2026-12-07) after the links were sized by the timeline: 21 EBR before
    ['mnist-blockcirc example (fc10 in SPRAM)', () => example('mnist-blockcirc'), { dsp: 8, ebr: 8, spram: 3 }],
    ['dense 20 -> 5, 2 lanes, SPRAM', () => ({
      kind: 'dense', name: 'd20s', inputs: 20, outputs: 5, lanes: 2, memory: 'spram', weights: { init: 'random', seed: 3, scale: 0.5 }, output: { format: { int: 1, frac: 6 } },
    }), { dsp: 2, ebr: 1, spram: 1 }],
    // re-measured (native yosys 0.23, 2026-12-07) after the links were sized by the timeline: 7 EBR before
    ['mitbih-dense example (fc128 in SPRAM under "auto")', () => example('mitbih-dense'), { dsp: 5, ebr: 4, spram: 2 }],
  ];
  for (const [label, spec, counts] of MEASURED) {
    it(`${label}: DSP, EBR and SPRAM as yosys maps them`, () => {
      const design = designOfSpec(spec());
      for (const toolchain of ['yowasp', 'native'] as const) {
        const e = predictResources(design, { part: 'UP5K', board: false, toolchain });
        expect(e.unmodelled).toEqual([]);
        expect({ dsp: e.total.dsp, ebr: e.total.ebr, spram: e.total.spram }, toolchain).toEqual(counts);
      }
      // no DSP on an HX part: every product in logic
      expect(predictResources(design, { part: 'HX8K', board: false }).total.dsp).toBe(0);
    });
  }

  it('the examples of these kinds are modelled, and the recorded YoWASP builds are within 20%', () => {
    for (const name of ['fft64', 'circulant-256', 'blockcirc-784', 'diagcirc-chain', 'mnist-blockcirc']) {
      const e = predictResources(loadDesign(ex(name)), { part: 'UP5K' });
      expect(e.unmodelled, name).toEqual([]);
      expect(e.rows.every((r) => !r.notes.some((n) => /not modelled|no LUT\/FF model/.test(n))), name).toBe(true);
    }
    const within = (p: number, a: number) => Math.abs(p - a) / a <= LOGIC_TOLERANCE_PCT / 100;
    // `circa build examples/fft64.json --board icebreaker` (YoWASP, board top): 4288 LC, 2938 FF, 2771 SB_LUT4, 11 EBR, 8 DSP
    const f = predictResources(loadDesign(ex('fft64')), { part: 'UP5K' });
    expect(within(f.total.lut, 4288), `LC ${f.total.lut}`).toBe(true);
    expect(within(f.total.ff, 2938), `FF ${f.total.ff}`).toBe(true);
    expect(within(f.total.lut4, 2771), `LUT4 ${f.total.lut4}`).toBe(true);
    expect([f.total.dsp, f.total.ebr]).toEqual([8, 11]);
    // examples/blockcirc-784.json on the iCEBreaker (YoWASP, board top, before the lane enables): 4662 LC, 18 EBR, 2 SPRAM
    const b = predictResources(loadDesign(ex('blockcirc-784')), { part: 'UP5K' });
    expect(within(b.total.lut, 4662), `LC ${b.total.lut}`).toBe(true);
    expect([b.total.ebr, b.total.spram]).toEqual([18, 2]);
    // examples/tvscm-chain-wide.json on the iCEBreaker (YoWASP, seed 1, board top; wide links and ports): 2473 LC, 1668 LUT4, 1422 FF, 23 EBR, 8 DSP
    // when its links held whole vectors; with the links sized by the timeline, yosys 0.23 (synth_ice40 -device u -dsp,
    // board top, 2026-12-07) maps 8 SB_MAC16, 13 SB_RAM40_4K, 1,648 SB_LUT4 and 1,365 flip-flops
    const w = predictResources(loadDesign(ex('tvscm-chain-wide')), { part: 'UP5K' });
    expect(within(w.total.lut, 2473), `LC ${w.total.lut}`).toBe(true);
    expect(within(w.total.ff, 1365), `FF ${w.total.ff}`).toBe(true);
    expect([w.total.dsp, w.total.ebr]).toEqual([8, 13]);
  });

  it('the fit check refuses blockcirc-784 where there is no SPRAM, naming the field, and accepts it on the iCEBreaker', () => {
    const d = loadDesign(ex('blockcirc-784'));
    for (const part of ['HX8K', 'HX1K'] as const) {
      const f = fitCheck(d, part);
      expect(f.fits, part).toBe(false);
      expect(f.rows.find((r) => r.resource.startsWith('SPRAM'))).toMatchObject({ need: 2, have: 0, status: 'over' });
      expect(f.advice).toMatch(/^memory: "spram" puts the weights of bc784 in 2 SB_SPRAM256KA block\(s\); iCE40HX\d+K has no SPRAM/m);
      expect(f.advice).toMatch(/with "memory": "ebr" it needs 106 EBR/);
      expect(f.advice).toMatch(/use "memory": "ebr", or an UltraPlus board \(icebreaker, icesugar, upduino-v3\)/);
    }
    const up = fitCheck(d, 'UP5K');
    expect(up.fits).toBe(true);
    expect(up.rows.find((r) => r.resource.startsWith('SPRAM'))).toMatchObject({ need: 2, have: 4, status: 'ok' });
    expect(up.rows.find((r) => r.resource.startsWith('DSP'))).toMatchObject({ need: 8, have: 8, status: 'ok' });
    expect(up.rows.find((r) => r.resource.startsWith('EBR'))).toMatchObject({ need: 18, have: 30, status: 'ok' });
    expect(up.rows.find((r) => r.resource.startsWith('logic'))!.status).toBe('ok');
  });

  it('circa build refuses blockcirc-784 on the hx8k-breakout and the icestick: exit 2 before any tool runs', async () => {
    for (const board of ['hx8k-breakout', 'icestick']) {
      const out = join(work, `bc784-${board}`);
      const t0 = performance.now();
      const r = await circa('build', ex('blockcirc-784'), '--board', board, '-o', out, '-q');
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`bc784 does not fit the ${board} \\(iCE40HX\\d+K\\); not running the tools`));
      expect(r.stderr).toMatch(/SPRAM \(256 kbit\)\s+2\s+0\s+over/);
      expect(r.stderr).toMatch(/memory: "spram"/);
      expect(r.stderr).toMatch(/--no-fit-check runs them anyway/);
      expect(r.stderr).not.toMatch(/yosys|nextpnr/);
      expect(existsSync(out)).toBe(false);
      // no synthesis ran: yosys alone takes longer than this on the design
      expect(performance.now() - t0).toBeLessThan(60_000);
    }
  });

  it('mnist-blockcirc fits the UP5K with fc10 in SPRAM, and with fc10 in EBR too now that its links hold only what the timeline leaves in them', () => {
    const f = fitCheck(loadDesign(ex('mnist-blockcirc')), 'UP5K');
    expect(f.fits).toBe(true);
    expect(f.rows.find((r) => r.resource.startsWith('DSP'))).toMatchObject({ need: 8, have: 8, status: 'ok' });
    // 23 EBR when its links held whole vectors (as `circa build --board icebreaker`, YoWASP, mapped it then)
    expect(f.rows.find((r) => r.resource.startsWith('EBR'))).toMatchObject({ need: 10, have: 30, status: 'ok' });
    expect(f.rows.find((r) => r.resource.startsWith('SPRAM'))).toMatchObject({ need: 3, have: 4, status: 'ok' });
    const spec = example('mnist-blockcirc') as { layers: Record<string, unknown>[] };
    const ebr = { ...spec, layers: spec.layers.map((l, k) => (k === 2 ? { ...l, memory: 'ebr' } : l)) };
    const g = fitCheck(designOfSpec(ebr), 'UP5K');
    // 39 EBR before: the 16-EBR weight ROM now fits beside links of a few beats
    expect(g.fits).toBe(true);
    expect(g.rows.find((r) => r.resource.startsWith('EBR'))).toMatchObject({ need: 26, have: 30, status: 'ok' });
  });

  it('a dense head whose ROM does not fit the EBR: the advice names its layers[k].memory and what SPRAM gives', () => {
    const g = fitCheck(designOfSpec({
      network: 'bighead', schedule: 'sequential',
      layers: [
        { kind: 'dense', name: 'fcb', inputs: 784, outputs: 64, lanes: 1, buffers: 1, memory: 'ebr', weights: { init: 'random', seed: 3 } },
        { kind: 'argmax', n: 64 },
      ],
    }), 'UP5K');
    expect(g.fits).toBe(false);
    expect(g.rows.find((r) => r.resource.startsWith('EBR'))!.status).toBe('over');
    expect(g.advice).toMatch(/fcb\.wrom: 50,176 x 8 bits = 401,408 bits -> 98 EBR/);
    expect(g.advice).toMatch(/with "memory": "spram" on layers\[0\]\.memory \(fcb\) the weights load at run time \(`circa run`\) and it needs 4 EBR \(iCE40UP5K has 30\), 4 SPRAM \(has 4\): that fits/);
  });

  it('a dense layer in SPRAM on a part without SPRAM: refused, naming its memory field', () => {
    const d = designOfSpec({ kind: 'dense', name: 'fcs', inputs: 784, outputs: 10, memory: 'spram', weights: { init: 'random' } });
    const f = fitCheck(d, 'HX8K');
    expect(f.fits).toBe(false);
    expect(f.rows.find((r) => r.resource.startsWith('SPRAM'))).toMatchObject({ need: 1, have: 0, status: 'over' });
    expect(f.advice).toMatch(/^memory: "spram" puts the weights of fcs in 1 SB_SPRAM256KA block\(s\); iCE40HX8K has no SPRAM/m);
    expect(f.advice).toMatch(/with "memory": "ebr" it needs \d+ EBR \(iCE40HX8K has 32\).*that fits/);
  });

  it('SPRAM accesses are priced as SPRAM in the energy model', () => {
    const r = energyPerInference(loadDesign(ex('blockcirc-784')), ICE40_UP5K);
    expect(r.placement).toContainEqual({ memory: 'bc784.wmem[0]', placed: 'spram' });
    const line = r.lines.find((l) => l.what.startsWith('bc784.wmem[0]: SPRAM reads'))!;
    // one SB_SPRAM256KA of the two (address chunks) per access, one access per MAC issue: 49 x 9 x 49
    expect(line.count).toBe(21_609);
    const mem = ICE40_UP5K.memory;
    expect(mem.model).toBe('blocks');
    if (mem.model === 'blocks') expect(line.pJEach).toBe(mem.spramReadPJ);
  });
});

describe('energy tables', () => {
  const good = () => JSON.parse(JSON.stringify(ASIC_45NM)) as Record<string, any>;

  it('the built-in tables validate and price with the documented scaling', () => {
    expect(() => parseEnergyTable(ICE40_UP5K, 'ice40')).not.toThrow();
    expect(() => parseEnergyTable(ASIC_45NM, 'asic')).not.toThrow();
    expect(loadEnergyTable('asic-45nm')).toBe(ASIC_45NM);
  });

  it('errors name the field', () => {
    const cases: [(t: Record<string, any>) => void, RegExp][] = [
      [(t) => { delete t.add; }, /add: /],
      [(t) => { t.multiply.soft.pJ = -1; }, /multiply\.soft\.pJ: /],
      [(t) => { t.memory.model = 'dram'; }, /memory\.model: /],
      [(t) => { t.memory.points = [{ bytes: 8192, pJ: 10 }]; }, /memory\.points: /],
      [(t) => { t.static.watt = 1; }, /static/],
      [(t) => { t.name = 'two words'; }, /name: /],
    ];
    for (const [mutate, re] of cases) {
      const t = good();
      mutate(t);
      let err: unknown;
      try {
        parseEnergyTable(t, 'mine.json');
      } catch (e) {
        err = e;
      }
      expect(err, String(re)).toBeInstanceOf(CircaInputError);
      expect((err as Error).message).toMatch(/^energy table mine\.json: /);
      expect((err as Error).message).toMatch(re);
    }
  });

  it('a table file is read, checked, and used', () => {
    const t: Record<string, any> = { ...good(), name: 'slow-sram' };
    t.memory.points = [{ bytes: 1024, pJ: 100 }, { bytes: 1 << 20, pJ: 1000 }];
    const path = join(work, 'slow.json');
    writeFileSync(path, JSON.stringify(t));
    const table = loadEnergyTable(path);
    const d = loadDesign(ex('mitbih-tvscm'));
    expect(energyPerInference(d, table).breakdown.memory).toBeGreaterThan(energyPerInference(d, ASIC_45NM).breakdown.memory);
    writeFileSync(join(work, 'bad.json'), '{"name": "x"');
    expect(() => loadEnergyTable(join(work, 'bad.json'))).toThrow(/malformed JSON/);
    expect(() => loadEnergyTable('nosuch')).toThrow(/unknown table "nosuch"/);
  });

  it('weights that do not fit the part are priced as off-chip reads', () => {
    const r = energyPerInference(loadDesign(ex('mnist-dense')), ICE40_UP5K);
    expect(r.breakdown['off-chip']).toBeGreaterThan(0);
    expect(r.placement.find((p) => p.memory === 'fc784.wrom')?.placed).toBe('off-chip');
    const t = energyPerInference(loadDesign(ex('mnist-tvscm')), ICE40_UP5K);
    expect(t.breakdown['off-chip']).toBe(0);
    expect(t.breakdown.static).toBeCloseTo(104.3e-6 * (t.latencyCycles / 12e6) * 1e12, 3);
  });
});

describe('circa compare', () => {
  it('prints the table with both energy tables and the paper column', async () => {
    const r = await circa('compare', ex('mnist-dense'), ex('mnist-tvscm'), '-q');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/parameters\s+623,290\s+7,852\s+79\.38x\s+79\.00x/);
    expect(r.stdout).toMatch(/energy \(ice40-up5k\)/);
    expect(r.stdout).toMatch(/energy \(asic-45nm\)/);
    expect(r.stdout).toMatch(/paper \(MNIST\)/);
  });

  it('--md, --json and --svg', async () => {
    const md = await circa('compare', ex('mitbih-dense'), ex('mitbih-tvscm'), '--md', '-q');
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^\| metric \| a: mitbih_dense \| b: mitbih_tvscm \| a\/b \| paper \(MIT-BIH\) \|/);
    const dir = join(work, 'charts');
    const js = await circa('compare', ex('mitbih-dense'), ex('mitbih-tvscm'), '--json', '--svg', dir, '--clock', '24', '-q');
    expect(js.code).toBe(0);
    const j = JSON.parse(js.stdout);
    expect(j.clockMHz).toBe(24);
    expect(j.paper.key).toBe('mitbih');
    expect(readdirSync(dir).sort()).toEqual(['.circa-output', 'energy-breakdown.svg', 'ratios.svg']);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.svg'))) expect(readFileSync(join(dir, f), 'utf8')).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>\n$/);
  });

  it('bad input exits 2 and names the flag', async () => {
    const a = await circa('compare', ex('mnist-dense'), ex('mnist-tvscm'), '--paper', 'cifar');
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--paper: expected mnist or mitbih/);
    const b = await circa('compare', ex('mnist-dense'), ex('mnist-tvscm'), '--table', 'nosuch');
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--table: unknown table/);
    const c = await circa('compare', ex('mnist-dense'), ex('mnist-tvscm'), '--clock', '-3');
    expect(c.code).toBe(2);
    expect(existsSync(join(work, 'nosvg'))).toBe(false);
  });
});

describe('predicted vs real builds (native tools)', { tags: ['tools'] }, () => {
  // the iCEBreaker designs; the HX8K network in test/estimate.deep.test.ts
  for (const c of CALIBRATION_BUILDS.filter(([, , board]) => board === 'icebreaker')) itCalibrationBuild(c);
});
