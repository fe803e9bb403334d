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
import { PARTS, type PartName } from '../src/flow/parts.ts';
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
  it('is ceil(multiplies / DSPs): FACTS.md\'s 196 (tvscm-784) and 1,176 (mnist-tvscm) on the UP5K', () => {
    const t = dspBound(loadDesign('examples/tvscm-784.json'), 'UP5K');
    expect([t.multiplies, t.dsp, t.bound, t.period, t.multipliers, t.ownBound]).toEqual([1568, 8, 196, 988, 8, 196]);
    expect(t.ratio).toBeCloseTo(988 / 196, 12);
    expect(formatDspBound(t)).toBe('period 988 cycles (DSP bound 196 on UP5K: 5.04x; 196 for its own 8 multiplier(s): 5.04x)');
    const m = dspBound(loadDesign('examples/mnist-tvscm.json'), 'UP5K');
    expect([m.multiplies, m.bound, m.multipliers, m.ownBound]).toEqual([9408, 1176, 6, 1568]);
    // a part without SB_MAC16 has no bound
    const hx = dspBound(loadDesign('examples/tvscm-784.json'), 'HX8K');
    expect([hx.bound, hx.ratio]).toEqual([null, null]);
    expect(formatDspBound(hx)).toMatch(/no DSP bound on HX8K/);
  });

  it('compare reports both periods and bounds beside the latency ratio and the paper\'s 117x', () => {
    const c = compareDesigns(loadDesign('examples/mnist-dense.json'), loadDesign('examples/mnist-tvscm.json'), { part: 'UP5K' });
    expect(c.metrics.find((x) => x.key === 'latency')!.paper).toBe(117);
    const p = c.metrics.find((x) => x.key === 'period')!;
    expect([p.a, p.b]).toEqual([loadDesign('examples/mnist-dense.json').cost().period, 5512]);
    expect(c.b.bound.bound).toBe(1176);
    expect(c.notes.join('\n')).toMatch(/throughput: a vector every 158,388 vs 5,512 cycles; the DSP bound on UP5K .* is 77,812 \(2\.04x\) vs 1,176 \(4\.69x\)/);
  });

  it('parsePart takes UP5K, up5k and iCE40UP5K; anything else is an input error listing the parts', () => {
    expect(parsePart('up5k', '--fill')).toBe('UP5K');
    expect(parsePart('iCE40HX8K', '--fill')).toBe('HX8K');
    expect(() => parsePart('XC7A35T', '--fill')).toThrow(CircaInputError);
    expect(() => parsePart('XC7A35T', '--fill')).toThrow(/--fill: unknown part "XC7A35T"; parts: UP5K, UP3K, HX8K, LP8K, HX1K/);
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

  it('mnist-tvscm on the UP5K: EBR binds the dense head; the fill finds tvscm lanes 1, fc10 lanes 5 (7 DSP, 30 EBR)', () => {
    const r = fill(loadDesign('examples/mnist-tvscm.json'), 'UP5K');
    const lanes = (c: FillChoice) => c.layers.map((l) => [l.name, l.settings[0].field, l.settings[0].spec, l.settings[0].chosen]);
    expect(lanes(r.best)).toEqual([['tvscm784', 'layers[0].lanes', 2, 1], ['fc10', 'layers[2].lanes', 2, 5]]);
    expect(r.search).toBe('exhaustive');
    expect([r.best.resources.dsp, r.best.resources.ebr]).toEqual([7, 30]);
    expect(r.best.period).toBeLessThan(r.spec.period);
    expect(r.pipelined!.schedule).toBe('pipelined');
    expect(r.pipelined!.period).toBeLessThan(r.best.period);
    // one more dense lane group is over: fc10 at 10 lanes needs 12 DSP (tvscm 1 lane: 2 + 10)
    const over = readSpec('examples/mnist-tvscm.json');
    (over.layers as Record<string, unknown>[])[0].lanes = 1;
    (over.layers as Record<string, unknown>[])[2].lanes = 10;
    expect(fitCheck(designFromPlan(planAny(over), true), 'UP5K', { advise: false }).fits).toBe(false);
  });

  it('a dense layer worked by hand: 12 outputs of 16 inputs take ceil(12/P) groups of 16 cycles after a 16-cycle load', () => {
    const spec = {
      kind: 'dense', name: 'd12', inputs: 16, outputs: 12, lanes: 1,
      input: { int: 0, frac: 7 }, weights: { format: { int: 0, frac: 7 }, init: 'random', seed: 3 }, output: { format: { int: 3, frac: 4 } },
    };
    const d = designFromPlan(planAny(spec), false);
    // UP5K, 8 DSP: 12 lanes (one group) need 12; 6 lanes give 2 groups (7 and 8 lanes too, with more DSP): period 16 + 2 * 16 = 48
    const up5k = fill(d, 'UP5K');
    expect(up5k.best.layers[0].settings[0]).toEqual({ knob: 'lanes', field: 'lanes', spec: 1, chosen: 6 });
    expect(up5k.best.period).toBe(48);
    expect(up5k.best.resources.dsp).toBeLessThanOrEqual(8);
    expect(up5k.best.layers[0].multipliers).toBe(6);
    // UP3K, 4 DSP: 4 lanes, 3 groups: 16 + 3 * 16 = 64
    const up3k = fill(d, 'UP3K');
    expect(up3k.best.layers[0].settings[0].chosen).toBe(4);
    expect(up3k.best.period).toBe(64);
    // the period is the cost face's for those lanes
    const l4 = designFromPlan(planAny({ ...spec, lanes: 4 }), false);
    expect(l4.net.layers[0].kind.cost(l4.net.layers[0].plan).cycles.period).toBe(64);
    // the bound: 192 multiplies / 8 DSP = 24 cycles; 48 is 2.00x
    expect([up5k.best.bound.bound, up5k.best.bound.ratio]).toEqual([24, 2]);
    checkChoice(spec, up5k.best, 'UP5K');
    checkChoice(spec, up3k.best, 'UP3K');
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
    expect(r.best.layers.flatMap((l) => l.settings.map((s) => s.field))).toEqual(['layers[0].fft.butterflies', 'layers[1].lanes']);
    checkChoice(readSpec('examples/mnist-circulant.json'), r.best, 'UP5K');
  });

  it('a design no setting fits is a failed check (exit 1), naming what is over', () => {
    expect(() => fill(loadDesign('examples/mnist-dense.json'), 'UP5K')).toThrow(CircaError);
    expect(() => fill(loadDesign('examples/mnist-dense.json'), 'UP5K')).toThrow(/no lane setting fits iCE40UP5K .*EBR \(4 kbit\) 1,232 \(has 30\)/);
  });
});

describe('circa estimate --fill / --part', () => {
  it('prints the period beside the DSP bound and the fill table; --json carries both', async () => {
    const t = await circa('estimate', 'examples/tvscm-784.json', '--fill', 'UP5K', '-q');
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('period 988 cycles (DSP bound 196 on UP5K: 5.04x');
    expect(t.stdout).toMatch(/\nbest\s+988/);
    const j = JSON.parse((await circa('estimate', 'examples/mnist-tvscm.json', '--fill', 'up5k', '--json', '-q')).stdout);
    expect(j.dspBound.bound).toBe(1176);
    expect(j.fill.best.layers.map((l: { settings: { chosen: number }[] }) => l.settings[0].chosen)).toEqual([1, 5]);
    expect(j.fill.pipelined.schedule).toBe('pipelined');
  });

  it('bad parts exit 2 naming the flag and listing the parts; a bad spec field exits 2 naming it', async () => {
    const f = await circa('estimate', 'examples/tvscm-784.json', '--fill', 'XC7');
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/--fill: unknown part "XC7"; parts: UP5K, UP3K, HX8K, LP8K, HX1K/);
    const p = await circa('estimate', 'examples/tvscm-784.json', '--part', 'up9k');
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/--part: unknown part "up9k"/);
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
