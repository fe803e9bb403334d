/**
 * Estimates for hardware studies (src/estimate/): the paper's parameter
 * ratios, yosys' mapping rules replayed, the fit check, the energy model and
 * its tables, the `compare` command, and, against real builds with the
 * native tools, the DSP/EBR counts (exact) and LUT/FF (within 20%).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircaInputError } from '../src/errors.ts';
import { loadDesign } from '../src/network/design.ts';
import { listBoards, loadBoard } from '../src/flow/boards.ts';
import { runFlow } from '../src/flow/index.ts';
import { boardDesign } from '../src/network/board.ts';
import { dspCount, mapMemory } from '../src/estimate/memory.ts';
import { compareDesigns, PAPER } from '../src/estimate/compare.ts';
import { fitCheck } from '../src/estimate/fit.ts';
import { energyPerInference, ENERGY_CATEGORIES } from '../src/estimate/energy.ts';
import { ASIC_45NM, ICE40_UP5K, loadEnergyTable, parseEnergyTable } from '../src/estimate/tables.ts';
import { compareResources, predictResources } from '../src/estimate/resources.ts';
import { designOfSpec } from '../src/estimate/sweep.ts';

const exec = promisify(execFile);
const ex = (name: string) => resolve('examples', `${name}.json`);
const work = mkdtempSync(join(tmpdir(), 'circa-estimate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * The circa command with the estimate subcommands registered, as main.ts
 * does once it calls registerEstimateCommands (registered here only if it
 * does not yet).
 */
const RUNNER = join(work, 'circa-estimate.mjs');
beforeAll(() => {
  const u = (p: string) => pathToFileURL(resolve(p)).href;
  writeFileSync(RUNNER, `
import { register } from ${JSON.stringify(u('node_modules/tsx/dist/esm/api/index.mjs'))};
register();
const { buildProgram } = await import(${JSON.stringify(u('src/cli/main.ts'))});
const { registerEstimateCommands } = await import(${JSON.stringify(u('src/cli/estimate-commands.ts'))});
const { CircaError } = await import(${JSON.stringify(u('src/errors.ts'))});
const { CommanderError } = await import(${JSON.stringify(u('node_modules/commander/esm.mjs'))});
const program = buildProgram();
if (!program.commands.some((c) => c.name() === 'compare')) registerEstimateCommands(program);
try {
  await program.parseAsync(process.argv);
  process.exitCode = program.getOptionValue('exit') ?? 0;
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? 0 : 2;
  else if (e instanceof CircaError) { process.stderr.write('circa: ' + e.message + '\\n'); process.exitCode = e.exitCode; }
  else throw e;
}
`);
});

export async function circa(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('node', [RUNNER, ...args], { cwd: work, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

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
    expect(readdirSync(dir).sort()).toEqual(['energy-breakdown.svg', 'ratios.svg']);
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), 'utf8')).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>\n$/);
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

describe('predicted vs real builds (native tools)', () => {
  // small designs: each build takes a few seconds with the native tools
  const designs: [string, unknown, string][] = [
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
  for (const [label, spec, boardName] of designs) {
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
});
