/**
 * The DSP bound (src/estimate/bound.ts) and the lane filler
 * (src/estimate/fill.ts, `circa estimate --fill <part>`): the proposed
 * settings, written back into the spec and planned again, fit the part by the
 * fit check and give the period the fill reports; they are never worse than
 * the spec's own; a dense layer worked by hand; errors exit 2 naming the flag.
 * Cost models only (no simulator, no synthesis): milliseconds per design.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadDesign, designFromPlan } from '../src/network/design.ts';
import { planAny } from '../src/network/plan.ts';
import { fitCheck } from '../src/estimate/fit.ts';
import { PARTS, type PartName } from '../src/target/ice40/parts.ts';
import { fill, type FillChoice, type FillResult } from '../src/estimate/fill.ts';
import { dspBound, formatDspBound, parsePart } from '../src/estimate/bound.ts';
import { compareDesigns } from '../src/estimate/compare.ts';
import { CircaError, CircaInputError } from '../src/errors.ts';
import { runNode } from './run-node.ts';

const CIRCA = resolve('bin/circa.mjs');
const circa = (...args: string[]) => runNode(CIRCA, args, process.cwd());
const readSpec = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

/** The spec with a choice's settings written into its fields ("layers[2].lanes", "fft.butterflies"). */
function specWith(raw: Record<string, unknown>, c: FillChoice): Record<string, unknown> {
  const out = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
  for (const l of c.layers) {
    for (const s of l.settings) {
      const m = /^layers\[(\d+)\]\.(.*)$/.exec(s.field);
      let node = (m ? (out.layers as Record<string, unknown>[])[Number(m[1])] : out) as Record<string, unknown>;
      const path = (m ? m[2] : s.field).split('.');
      for (const k of path.slice(0, -1)) node = node[k] as Record<string, unknown>;
      node[path[path.length - 1]] = s.chosen;
    }
  }
  return out;
}

/** Plan the chosen settings again from JSON and check them against the part and the fill's own figures. */
function checkChoice(raw: Record<string, unknown>, c: FillChoice, part: PartName): void {
  const spec = specWith(raw, c);
  const isNetwork = 'layers' in spec;
  const d = designFromPlan(planAny(isNetwork ? { ...spec, schedule: c.schedule } : spec), isNetwork);
  const f = fitCheck(d, part, { advise: false });
  const lim = PARTS[part].limits;
  // fits with room: every row ok, each count at or under the part's
  for (const r of f.rows) expect(r.status, r.resource).toBe('ok');
  expect(f.estimate.total.lut).toBeLessThanOrEqual(lim.lut);
  expect(f.estimate.total.dsp).toBeLessThanOrEqual(lim.dsp);
  expect(f.estimate.total.ebr).toBeLessThanOrEqual(lim.ebr);
  expect(f.estimate.total.spram).toBeLessThanOrEqual(lim.spram);
  // the figures the fill reports are the re-planned design's
  expect(c.resources).toEqual({ lut: f.estimate.total.lut, ff: f.estimate.total.ff, dsp: f.estimate.total.dsp, ebr: f.estimate.total.ebr, spram: f.estimate.total.spram });
  expect(c.period).toBe(d.cost().period);
  expect(c.latency).toBe(d.cost().latency);
}

describe('DSP bound', () => {
  it('is ceil(multiplies / DSPs): docs/references.md\'s 196 (tvscm-784) and 1,176 (mnist-tvscm) on the UP5K', () => {
    const d = loadDesign('examples/tvscm-784.json');
    const t = dspBound(d, 'UP5K');
    const period = d.cost().period;
    expect([t.multiplies, t.dsp, t.bound, t.period, t.multipliers, t.ownBound]).toEqual([1568, 8, 196, period, 8, 196]);
    expect(t.ratio).toBeCloseTo(period / 196, 12);
    expect(formatDspBound(t)).toBe(`period ${period.toLocaleString('en-US')} cycles (DSP bound 196 on UP5K: ${(period / 196).toFixed(2)}x; ` +
      `196 for its own 8 multiplier(s): ${(period / 196).toFixed(2)}x); DSP bound single 196, dual 8x8 147 (50% of the multiplies fit 8 x 8 bits)`);
    const m = dspBound(loadDesign('examples/mnist-tvscm.json'), 'UP5K');
    expect([m.multiplies, m.bound, m.multipliers, m.ownBound]).toEqual([9408, 1176, 6, 1568]);
    // a part without SB_MAC16 has no bound
    const hx = dspBound(d, 'HX8K');
    expect([hx.bound, hx.ratio]).toEqual([null, null]);
    expect(formatDspBound(hx)).toMatch(/no DSP bound on HX8K/);
  });

  it('compare reports both periods and bounds beside the latency ratio and the paper\'s 117x', () => {
    const dense = loadDesign('examples/mnist-dense.json');
    const tv = loadDesign('examples/mnist-tvscm.json');
    const c = compareDesigns(dense, tv, { part: 'UP5K' });
    expect(c.metrics.find((x) => x.key === 'latency')!.paper).toBe(117);
    const p = c.metrics.find((x) => x.key === 'period')!;
    expect([p.a, p.b]).toEqual([dense.cost().period, tv.cost().period]);
    // 622,496 multiplies of 8-bit operands / (8 x 2) = 38,906; 9,408 / 8 = 1,176 (the TVSCM pair sums are 9 bits)
    expect([c.a.bound.bound, c.b.bound.bound]).toEqual([38906, 1176]);
    const n = (x: number) => x.toLocaleString('en-US');
    expect(c.notes).toContain(`throughput: a vector every ${n(dense.cost().period)} vs ${n(tv.cost().period)} cycles; the DSP bound on UP5K ` +
      `(multiplies per vector / 8 SB_MAC16) is 38,906 (2 per DSP: operands of at most 8 bits) (${(dense.cost().period / 38906).toFixed(2)}x; single 77,812, dual 8x8 38,906) ` +
      `vs 1,176 (${(tv.cost().period / 1176).toFixed(2)}x; single 1,176, dual 8x8 637)`);
  });

  it('counts 16 multiplies a cycle on the UP5K when every multiply has operands of at most 8 bits (two per SB_MAC16, dsp_dual8.v)', () => {
    // mitbih-dense: 8-bit inputs and weights throughout: 24,576 / 16 = 1,536
    const narrow = dspBound(loadDesign('examples/mitbih-dense.json'), 'UP5K');
    expect([narrow.multiplies, narrow.perDsp, narrow.bound]).toEqual([24576, 2, 1536]);
    expect(formatDspBound(narrow)).toMatch(/DSP bound 1,536 on UP5K \(16 multiplies a cycle: operands of at most 8 bits, 2 per SB_MAC16\): /);
    // one 9-bit operand anywhere (the TVSCM band's pair sums): 8 a cycle
    const wide = dspBound(loadDesign('examples/tvscm-784.json'), 'UP5K');
    expect([wide.perDsp, wide.bound]).toEqual([1, 196]);
    // the same dense layer with 9-bit weights: 8 a cycle
    const d9 = designFromPlan(planAny({ kind: 'dense', name: 'd9', inputs: 16, outputs: 4, weights: { init: 'random', format: { int: 1, frac: 7 } } }), false);
    expect([dspBound(d9, 'UP5K').perDsp, dspBound(d9, 'UP5K').bound]).toEqual([1, 8]);
    const d8 = designFromPlan(planAny({ kind: 'dense', name: 'd8', inputs: 16, outputs: 4, weights: { init: 'random' } }), false);
    expect([dspBound(d8, 'UP5K').perDsp, dspBound(d8, 'UP5K').bound]).toEqual([2, 4]);
  });

  it('"dsp": "dual8" on a part without SB_MAC16: estimate exits 2 naming the layer, the field and the widths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'circa-dual8-part-'));
    const spec = join(dir, 'd8.json');
    writeFileSync(spec, JSON.stringify({ kind: 'dense', name: 'fc_d8', inputs: 12, outputs: 5, lanes: 3, dsp: 'dual8', weights: { init: 'random' } }));
    const bad = await runNode(resolve('bin/circa.mjs'), ['estimate', spec, '--part', 'HX8K'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([
      'circa: fc_d8: dsp: "dual8" packs two 8 x 8-bit multiplies per SB_MAC16, and iCE40HX8K (--part) has no SB_MAC16 (only the UltraPlus parts do): ' +
        'use "dsp": "single" (multipliers in logic) or an UltraPlus part',
    ]);
    const ok = await runNode(resolve('bin/circa.mjs'), ['estimate', spec, '--part', 'UP5K'], dir);
    expect(ok.code, ok.stderr).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('parsePart takes UP5K, up5k and iCE40UP5K; anything else is an input error listing the parts', () => {
    expect(parsePart('up5k', '--fill')).toBe('UP5K');
    expect(parsePart('iCE40HX8K', '--fill')).toBe('HX8K');
    // a board name, as --board takes it elsewhere (issue 28): its part
    expect(['icebreaker', 'icestick', 'tinyfpga-bx', 'hx8k-breakout'].map((b) => parsePart(b, '--fill'))).toEqual(['UP5K', 'HX1K', 'LP8K', 'HX8K']);
    expect(() => parsePart('XC7A35T', '--fill')).toThrow(CircaInputError);
    expect(() => parsePart('XC7A35T', '--fill')).toThrow(/--fill: unknown part or board "XC7A35T"; parts: UP5K, UP3K, HX8K, LP8K, HX1K; boards: hx8k-breakout, icebreaker/);
  });
});

describe('fill', () => {
  const cases: [string, PartName][] = [
    ['examples/mnist-tvscm.json', 'UP5K'],
    ['examples/mnist-tvscm.json', 'HX8K'],
    ['examples/tvscm-784.json', 'UP5K'],
    ['examples/tvscm-784.json', 'UP3K'],
    ['examples/mitbih-tvscm.json', 'UP5K'],
    ['examples/mitbih-dense.json', 'UP5K'],
    ['examples/fft1024-folded.json', 'UP5K'],
    // wide beats: layer 0's lanes must stay a multiple of layer 1's input beat
    ['examples/tvscm-chain-wide.json', 'UP5K'],
  ];
  for (const [path, part] of cases) {
    it(`${path} on ${part}: every proposal fits when planned again, and is no worse than the spec's own lanes`, () => {
      const d = loadDesign(path);
      const r = fill(d, part);
      const raw = readSpec(path);
      checkChoice(raw, r.best, part);
      if (r.pipelined) checkChoice(raw, r.pipelined, part);
      // the spec row is the spec as written
      expect(r.spec.period).toBe(d.cost().period);
      expect(r.spec.fits).toBe(fitCheck(d, part, { advise: false }).rows.every((x) => x.status === 'ok'));
      if (r.spec.fits) {
        expect(r.best.period).toBeLessThanOrEqual(r.spec.period);
        if (r.pipelined) expect(r.pipelined.period).toBeLessThanOrEqual(designFromPlan({ ...d.net, schedule: 'pipelined' }, true).cost().period);
      }
      expect(r.best.bound.bound).toBe(dspBound(d, part).bound);
    });
  }

  it('mnist-tvscm on the UP5K: the fill finds the shortest period of every lane pair, buffer count, dsp mode and fc10 weight memory that fits (tvscm 1..8 with beats 1..lanes, fc10 1..10, one or two input buffers each, both single or both dual8, fc10 unsplit or split, planned one by one)', () => {
    const raw = readSpec('examples/mnist-tvscm.json');
    const r = fill(loadDesign('examples/mnist-tvscm.json'), 'UP5K');
    expect(r.search).toBe('exhaustive');
    expect(r.best.layers.map((l) => l.settings[0].field)).toEqual(['layers[0].lanes', 'layers[2].lanes']);
    expect(r.best.layers.map((l) => l.settings[0].spec)).toEqual([2, 2]);
    // brute force, independent of the fill's candidates and pruning ("dual8"
    // needs half the DSPs of "single" for the same cycles in these models, so
    // a mixed setting is never better than both dual8; the split weight ROM
    // has the unsplit one's cycles, so it is tried where the unsplit does not fit)
    const best = { sequential: Infinity, pipelined: Infinity };
    const fits = (d: ReturnType<typeof designFromPlan>) => fitCheck(d, 'UP5K', { advise: false }).rows.every((x) => x.status === 'ok');
    const fitsSomeMemory = (spec: { layers: Record<string, unknown>[] }) => {
      if (fits(designFromPlan(planAny(spec), true))) return true;
      try {
        return fits(designFromPlan(planAny({ ...spec, layers: spec.layers.map((l, i) => (i === 2 ? { ...l, memory: 'ebr-split' } : l)) }), true));
      } catch (e) {
        if (e instanceof CircaInputError && /memory: "ebr-split"/.test(e.message)) return false; // a split that saves nothing is refused
        throw e;
      }
    };
    for (let a = 1; a <= 8; a++) {
      for (let b = 1; b <= 10; b++) for (const dsp of ['single', 'dual8']) for (const beat of [1, 2, 4, 8].filter((k) => a % k === 0)) for (const [ba, bb] of [[1, 1], [1, 2], [2, 1], [2, 2]]) {
        const spec = JSON.parse(JSON.stringify(raw)) as { layers: Record<string, unknown>[] };
        spec.layers[0].lanes = a;
        spec.layers[0].beat = beat;
        spec.layers[0].buffers = ba;
        spec.layers[2].lanes = b;
        spec.layers[2].buffers = bb;
        spec.layers[0].dsp = dsp;
        spec.layers[2].dsp = dsp;
        const d = designFromPlan(planAny(spec), true);
        if (fitsSomeMemory(spec)) best.sequential = Math.min(best.sequential, d.cost().period);
        // the pipelined schedule is judged by its own fit (its links differ)
        const piped = { ...spec, schedule: 'pipelined' };
        if (fitsSomeMemory(piped)) best.pipelined = Math.min(best.pipelined, designFromPlan(planAny(piped), true).cost().period);
      }
    }
    expect(r.best.period).toBe(best.sequential);
    expect(r.pipelined!.schedule).toBe('pipelined');
    expect(r.pipelined!.period).toBe(best.pipelined);
    expect(r.best.period).toBeLessThan(r.spec.period);
    // fc10's weight ROM: split where that is what fits (pipelined: two input
    // buffers and the 784-element link), unsplit where it fits whole; the split
    // saves EBR for logic, so it does not push out the unsplit setting, whose
    // equal cycles take fewer logic cells (sequential)
    const memoryOf = (c: FillChoice) => c.layers[1].settings.find((x) => x.knob === 'memory')!.chosen;
    expect([memoryOf(r.best), memoryOf(r.pipelined!)]).toEqual(['auto', 'ebr-split']);
    checkChoice(raw, r.best, 'UP5K');
    checkChoice(raw, r.pipelined!, 'UP5K');
    // all ten head rows in one group is over with one multiply per DSP: fc10 at 10 lanes needs 12 DSP (tvscm at 1 lane: 2 + 10)
    const over = readSpec('examples/mnist-tvscm.json');
    (over.layers as Record<string, unknown>[])[0].lanes = 1;
    (over.layers as Record<string, unknown>[])[2].lanes = 10;
    expect(fitCheck(designFromPlan(planAny(over), true), 'UP5K', { advise: false }).fits).toBe(false);
  });

  it('a dense layer worked by hand: 12 outputs take ceil(12/P) groups of rows, one lane per DSP', () => {
    const spec = {
      kind: 'dense', name: 'd12', inputs: 16, outputs: 12, lanes: 1,
      input: { int: 0, frac: 7 }, weights: { format: { int: 0, frac: 7 }, init: 'random', seed: 3 }, output: { format: { int: 3, frac: 4 } },
    };
    const d = designFromPlan(planAny(spec), false);
    const periodAt = (lanes: number) => {
      const l = designFromPlan(planAny({ ...spec, lanes }), false).net.layers[0];
      return l.kind.cost(l.plan).cycles.period;
    };
    // UP5K, 8 DSP, one lane per DSP ("single"): 12 lanes (one group) need 12 DSP; 6 lanes give 2 groups (7 and 8 lanes too, with more DSP)
    const single = fill(designFromPlan(planAny(spec), false), 'HX8K');
    expect(single.best.layers[0].settings.map((s) => s.knob)).toEqual(['lanes', 'buffers']); // no SB_MAC16, no dsp mode
    const up5k = fill(d, 'UP5K');
    // two lanes per DSP ("dual8", 8-bit operands): 12 lanes in one group on 6 DSP
    expect(up5k.best.layers[0].settings.find((s) => s.knob === 'lanes')).toEqual({ knob: 'lanes', field: 'lanes', spec: 1, chosen: 12 });
    expect(up5k.best.layers[0].settings.find((s) => s.knob === 'dsp')).toEqual({ knob: 'dsp', field: 'dsp', spec: 'single', chosen: 'dual8' });
    expect(up5k.best.layers[0].multipliers).toBe(12);
    expect(up5k.best.resources.dsp).toBe(6);
    const sixSingle = fill(designFromPlan(planAny({ ...spec, weights: { ...spec.weights, format: { int: 1, frac: 7 } } }), false), 'UP5K');
    expect(sixSingle.best.layers[0].settings.find((s) => s.knob === 'lanes')!.chosen).toBe(6); // 9-bit weights: single only, 6 lanes
    expect(up5k.best.resources.dsp).toBeLessThanOrEqual(8);
    expect(up5k.best.period).toBe(periodAt(12));
    expect(periodAt(12)).toBeLessThan(periodAt(6)); // 1 group against 2
    expect(periodAt(6)).toBeLessThan(periodAt(5)); // 2 groups against 3
    // UP3K, 4 DSP: 8 lanes dual8 (2 groups on 4 DSP); 6 lanes take as many groups on 3
    const up3k = fill(d, 'UP3K');
    expect(up3k.best.layers[0].settings.find((s) => s.knob === 'lanes')!.chosen).toBe(6);
    expect(up3k.best.period).toBe(periodAt(6));
    // the bound: 12 x 16 = 192 multiplies of 8-bit operands / (8 DSP x 2) = 12 cycles
    expect(up5k.best.bound.bound).toBe(12);
    expect(up5k.best.bound.ratio).toBe(periodAt(12) / 12);
    checkChoice(spec, up5k.best, 'UP5K');
    checkChoice(spec, up3k.best, 'UP3K');
  });

  it('a dense layer that fits at its fastest only with its weight ROM split ("memory": "ebr-split") gets the split from the fill', () => {
    // 784 -> 16, 8-bit: 16 lanes in dual8 (8 SB_MAC16, one group of rows) read
    // a 784 x 128-bit ROM, 32 EBR whole, over the UP5K's 30 with the input
    // buffers; split, 768 words in 24 EBR and 16 in LUTs. Unsplit, the fastest
    // that fits is 8 lanes, two groups: twice the period.
    const spec = { kind: 'dense', name: 'd16', inputs: 784, outputs: 16, lanes: 1, weights: { init: 'random', seed: 5 } };
    const r = fill(designFromPlan(planAny(spec), false), 'UP5K');
    const chosen = (knob: string) => r.best.layers[0].settings.find((s) => s.knob === knob)?.chosen;
    expect([chosen('lanes'), chosen('dsp'), chosen('memory')]).toEqual([16, 'dual8', 'ebr-split']);
    checkChoice(spec, r.best, 'UP5K');
    const split = designFromPlan(planAny(specWith(spec, r.best)), false);
    const whole = designFromPlan(planAny({ ...specWith(spec, r.best), memory: 'auto' }), false);
    expect(whole.cost().period).toBe(split.cost().period);
    expect(fitCheck(whole, 'UP5K', { advise: false }).rows.find((x) => x.resource.startsWith('EBR'))!.status).not.toBe('ok');
    const eight = designFromPlan(planAny({ ...specWith(spec, r.best), lanes: 8, memory: 'auto' }), false);
    expect(r.best.period).toBeLessThan(eight.cost().period);
  });

  it('greedy (forced by a limit of 1 combination) fits and finds the exhaustive period on mnist-tvscm and mitbih-dense', () => {
    for (const path of ['examples/mnist-tvscm.json', 'examples/mitbih-dense.json']) {
      const d = loadDesign(path);
      const ex = fill(d, 'UP5K');
      const gr: FillResult = fill(d, 'UP5K', { exhaustiveLimit: 1 });
      expect(gr.search).toBe('greedy');
      checkChoice(readSpec(path), gr.best, 'UP5K');
      expect(gr.best.period).toBe(ex.best.period);
      expect(gr.best.period).toBeLessThanOrEqual(gr.spec.period);
    }
  });

  it('folded FFT engines: mnist-circulant offers layers[0].fft.butterflies beside the head\'s lanes', () => {
    const r = fill(loadDesign('examples/mnist-circulant.json'), 'UP5K');
    expect(r.best.layers.flatMap((l) => l.settings.map((s) => s.field))).toEqual(['layers[0].fft.butterflies', 'layers[1].lanes', 'layers[1].buffers', 'layers[1].dsp', 'layers[1].memory']);
    checkChoice(readSpec('examples/mnist-circulant.json'), r.best, 'UP5K');
  });

  it('a fused layer (two diag-circulant layers on one engine) is kept whole: mnist-diagcirc varies only the head, named by its spec index', () => {
    const d = loadDesign('examples/mnist-diagcirc.json');
    const r = fill(d, 'UP5K');
    expect(r.best.layers.flatMap((l) => l.settings.map((s) => s.field))).toEqual(['layers[2].lanes', 'layers[2].buffers', 'layers[2].dsp', 'layers[2].memory']);
    // both diag-circulant layers are still in the priced design: its DSP bound is the whole network's
    expect(r.best.bound.bound).toBe(dspBound(d, 'UP5K').bound);
    expect(r.spec.period).toBe(d.cost().period);
    checkChoice(readSpec('examples/mnist-diagcirc.json'), r.best, 'UP5K');
  });

  it('a design no setting fits is a failed check (exit 1), naming what is over', () => {
    expect(() => fill(loadDesign('examples/mnist-dense.json'), 'UP5K')).toThrow(CircaError);
    expect(() => fill(loadDesign('examples/mnist-dense.json'), 'UP5K')).toThrow(/no lane setting fits iCE40UP5K .*EBR \(4 kbit\) 1,228 \(has 30\)/);
  });
});

describe('circa estimate --fill / --part', () => {
  it('prints the period beside the DSP bound and the fill table; --json carries both', async () => {
    const t = await circa('estimate', 'examples/tvscm-784.json', '--fill', 'UP5K', '-q');
    expect(t.code).toBe(0);
    const period = loadDesign('examples/tvscm-784.json').cost().period.toLocaleString('en-US');
    expect(t.stdout).toContain(`throughput:  period ${period} cycles (DSP bound 196 on UP5K: `);
    expect(t.stdout).toMatch(/DSP bound: 1,568 multiplies per vector \/ 8 SB_MAC16 = 196 cycles per vector/);
    expect(t.stdout).toMatch(new RegExp(`\\nspec\\s+${period}\\s`));
    expect(t.stdout).toMatch(/\nbest\s+[\d,]+\s/);
    const j = JSON.parse((await circa('estimate', 'examples/mnist-tvscm.json', '--fill', 'up5k', '--json', '-q')).stdout);
    expect(j.dspBound.bound).toBe(1176);
    expect(j.fill.best.layers.map((l: { settings: { field: string }[] }) => l.settings[0].field)).toEqual(['layers[0].lanes', 'layers[2].lanes']);
    expect(j.fill.best.period).toBe(fill(loadDesign('examples/mnist-tvscm.json'), 'UP5K').best.period);
    expect(j.fill.pipelined.schedule).toBe('pipelined');
  });

  it('bad parts exit 2 naming the flag and listing the parts; a bad spec field exits 2 naming it', async () => {
    const f = await circa('estimate', 'examples/tvscm-784.json', '--fill', 'XC7');
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/--fill: unknown part or board "XC7"; parts: UP5K, UP3K, HX8K, LP8K, HX1K; boards: /);
    const p = await circa('estimate', 'examples/tvscm-784.json', '--part', 'up9k');
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/--part: unknown part or board "up9k"/);
    const both = await circa('estimate', 'examples/tvscm-784.json', '--part', 'HX8K', '--fill', 'UP5K');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--part: HX8K differs from --fill UP5K/);
    const dir = mkdtempSync(join(tmpdir(), 'circa-fill-'));
    const spec: Record<string, unknown> = { ...readSpec('examples/tvscm-784.json'), lanes: 0 };
    delete spec.$schema;
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(spec));
    const bad = await circa('estimate', join(dir, 'bad.json'), '--fill', 'UP5K');
    rmSync(dir, { recursive: true, force: true });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/lanes/);
    const none = await circa('estimate', 'examples/mnist-dense.json', '--fill', 'UP5K', '-q');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no lane setting fits iCE40UP5K/);
  });
});
