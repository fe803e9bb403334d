/**
 * Estimates for the image kinds (conv2d, conv1d, pool) and the networks that
 * hold them: the resource model against the recorded yosys runs of
 * `bench/estimate-calibrate.ts measure <toolchain> conv`, `circa estimate` on
 * a LeNet-shaped network (cycles: the layers' timing faces composed, the
 * timeline the co-simulations of test/conv2d.network.test.ts check against
 * the RTL; resources from the calibrated model), `compare` with the DSP bound
 * of CNNs, `sweep --vary` over the conv fields (a network re-chained, values
 * out of range refused with the spec's own message) and `--fill` on a CNN.
 * Models only (no simulator, no synthesis).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { planAny } from '../src/network/plan.ts';
import { designFromPlan } from '../src/network/design.ts';
import { networkTimeline } from '../src/network/cost.ts';
import { predictResources } from '../src/estimate/resources.ts';
import { fitCheck } from '../src/estimate/fit.ts';
import { dspBound } from '../src/estimate/bound.ts';
import { compareDesigns, formatComparison } from '../src/estimate/compare.ts';
import { applyVary, evaluatePoint, expandPoints, parseVary } from '../src/estimate/sweep.ts';
import { fill } from '../src/estimate/fill.ts';
import { loadBoard } from '../src/target/ice40/boards.ts';
import { CircaInputError } from '../src/errors.ts';
import { runNode } from './run-node.ts';
import { lenet as smallLenet } from './cnn-specs.ts';

const CIRCA = resolve('bin/circa.mjs');
const circa = (cwd: string, ...args: string[]) => runNode(CIRCA, args, cwd);
const q = { int: 1, frac: 6 };
const pct = (p: number, a: number) => (100 * (p - a)) / a;

/** examples/lenet-28.json: a LeNet-shaped network on 28 x 28 images (the layers of the conv group's network record, bench/estimate-calibrate.ts lenetSpec). */
const EXAMPLE = JSON.parse(readFileSync('examples/lenet-28.json', 'utf8')) as { layers: Record<string, any>[] };
const lenet = (schedule = 'sequential') => ({ ...(JSON.parse(JSON.stringify(EXAMPLE)) as typeof EXAMPLE), network: 'lenet', schedule });
const design = (spec: unknown) => designFromPlan(planAny(spec), typeof spec === 'object' && spec !== null && 'layers' in spec);

interface Rec { group: string; id: string; dev: 'u' | 'hx'; spec: Record<string, unknown>; cells: { lut: number; ff: number; dsp: number; ebr: number; spram: number } }

describe('resource model of the image kinds', () => {
  for (const tc of ['yowasp', 'native'] as const) {
    const recs = (JSON.parse(readFileSync(`src/estimate/calibration/${tc}.json`, 'utf8')) as { records: Rec[] }).records.filter((r) => r.group === 'conv');

    it(`${tc}: every recorded conv2d, conv1d and pool synthesis: DSP and EBR exact, LUT4 and FF within 12%`, () => {
      const layers = recs.filter((r) => !('layers' in r.spec));
      expect(layers.length).toBeGreaterThanOrEqual(25);
      expect(new Set(layers.map((r) => r.spec.kind))).toEqual(new Set(['conv2d', 'conv1d', 'pool']));
      for (const r of layers) {
        const e = predictResources(design(r.spec), { part: r.dev === 'u' ? 'UP5K' : 'HX8K', toolchain: tc, board: false });
        expect(e.unmodelled, r.id).toEqual([]);
        expect(e.rows.flatMap((x) => x.notes), r.id).toEqual([]);
        expect([e.total.dsp, e.total.ebr, e.total.spram], `${r.id} ${r.dev}`).toEqual([r.cells.dsp, r.cells.ebr, r.cells.spram]);
        expect(Math.abs(pct(e.total.lut4, r.cells.lut)), `${r.id} ${r.dev} LUT4 ${e.total.lut4}/${r.cells.lut}`).toBeLessThanOrEqual(12);
        expect(Math.abs(pct(e.total.ff, r.cells.ff)), `${r.id} ${r.dev} FF ${e.total.ff}/${r.cells.ff}`).toBeLessThanOrEqual(12);
      }
    });

    it(`${tc}: the LeNet-shaped network (its in-network term fitted on it and the CNN builds): DSP and EBR exact, LUT4 and FF within 15%`, () => {
      const net = recs.find((r) => 'layers' in r.spec)!;
      expect(net.spec.layers).toEqual(EXAMPLE.layers);
      const e = predictResources(design(net.spec), { part: 'UP5K', toolchain: tc, board: false });
      expect([e.total.dsp, e.total.ebr]).toEqual([net.cells.dsp, net.cells.ebr]);
      expect(Math.abs(pct(e.total.lut4, net.cells.lut)), `LUT4 ${e.total.lut4}/${net.cells.lut}`).toBeLessThanOrEqual(15);
      expect(Math.abs(pct(e.total.ff, net.cells.ff)), `FF ${e.total.ff}/${net.cells.ff}`).toBeLessThanOrEqual(15);
    });
  }
});

describe('resource model of the image kinds against real builds', () => {
  interface Built extends Rec { lc: number; board: string; source: string; cells: Rec['cells'] & { carry?: number } }
  const builds = (JSON.parse(readFileSync('src/estimate/calibration/yowasp.json', 'utf8')) as { records: Built[] }).records.filter((r) => r.group === 'cnnbuild');
  const predicted = (r: Built) => predictResources(design(r.spec), { part: 'UP5K', toolchain: 'yowasp', board: true }).total;
  const FILES: Record<string, string> = {
    'mnist-cnn on icebreaker': 'examples/trained/mnist-cnn.json',
    'mnist-cnn-bcirc on icebreaker': 'examples/trained/mnist-cnn-bcirc.json',
    'ecg-conv1d on icebreaker': 'examples/ecg-conv1d.json',
  };

  it('the cnnbuild records are the README\'s builds of the CNNs as the examples stand (same layers), each with its source', () => {
    expect(builds.map((r) => r.id).sort()).toEqual(Object.keys(FILES).sort());
    for (const r of builds) {
      expect((JSON.parse(readFileSync(FILES[r.id], 'utf8')) as { layers: unknown[] }).layers, r.id).toEqual(r.spec.layers);
      expect(r.source, r.id).toMatch(/^circa build \S+ --board icebreaker/);
      expect(r.board).toBe('icebreaker');
    }
  });

  it('yowasp (bench/estimate-calibrate.ts fit --kinds conv2d,pool): SB_MAC16 and SPRAM exact, logic cells within 5% on the dense CNNs and 10% on all', () => {
    for (const r of builds) {
      const e = predicted(r);
      expect([e.dsp, e.spram], r.id).toEqual([r.cells.dsp, r.cells.spram]);
      expect(Math.abs(pct(e.lut, r.lc)), `${r.id} logic cells ${e.lut}/${r.lc}`).toBeLessThanOrEqual(10);
    }
    // before the in-network term: mnist-cnn 4,893 (+11.2% on 4,399), mnist-cnn-bcirc 5,308 (+17.3%), ecg-conv1d 3,729 (+3.9%)
    for (const id of ['mnist-cnn on icebreaker', 'ecg-conv1d on icebreaker']) {
      const r = builds.find((x) => x.id === id)!;
      expect(Math.abs(pct(predicted(r).lut, r.lc)), `${id} logic cells ${predicted(r).lut}/${r.lc}`).toBeLessThanOrEqual(5);
    }
  });

  // ecg-conv1d was built before the links were sized by the timeline (19 EBR; today's RTL needs 18)
  it('EBR exact on the trained CNNs, built on today\'s links', () => {
    for (const id of ['mnist-cnn on icebreaker', 'mnist-cnn-bcirc on icebreaker']) {
      const r = builds.find((x) => x.id === id)!;
      expect(predicted(r).ebr, id).toBe(r.cells.ebr);
    }
  });

  it('a conv or pool layer inside a network is priced apart from the same layer on its own top (the fitted in-network term)', () => {
    const net = design(lenet('pipelined'));
    for (const k of [0, 1]) {
      const inNet = predictResources(net, { part: 'UP5K', toolchain: 'yowasp', board: false }).rows.find((x) => x.name === EXAMPLE.layers[k].name)!;
      const alone = predictResources(design(EXAMPLE.layers[k]), { part: 'UP5K', toolchain: 'yowasp', board: false }).rows[0];
      expect(inNet.kind).toBe(alone.kind);
      expect(inNet.lut4, EXAMPLE.layers[k].name).toBeLessThan(alone.lut4);
    }
  });
});

describe('circa estimate and compare on a LeNet-shaped network', () => {
  it('estimate: cycles are the timing faces composed (both schedules), resources from the calibrated model, the DSP bound', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'circa-est-conv-'));
    try {
      for (const schedule of ['sequential', 'pipelined']) {
        const spec = lenet(schedule);
        writeFileSync(join(dir, 'lenet.json'), JSON.stringify(spec));
        const r = await circa(dir, 'estimate', 'lenet.json', '--json', '-q');
        expect(r.code, r.stderr).toBe(0);
        const j = JSON.parse(r.stdout);
        const d = design(spec);
        const tl = networkTimeline(d.net, 16);
        expect(j.latency).toBe(tl.lastOut[0] - tl.firstIn[0]);
        expect(j.period).toBe(tl.firstIn[15] - tl.firstIn[14]);
        // each layer's own cycles: its cost face (conv2d and pool: their timing face run alone, conv2dTimeline)
        for (const [k, l] of d.net.layers.entries()) expect(j.perLayer[k], l.kind.kind).toMatchObject({ kind: l.kind.kind, latency: l.kind.cost(l.plan).cycles.latency });
        // 2 x 24 x 24 x 4 x 25 + 8 x 8 x 8 x 100 + 128 x 10 multiplies, 8-bit operands: 16 a cycle on the UP5K
        expect(j.dspBound).toMatchObject({ multiplies: 110_080, perDsp: 2, bound: 6_880 });
        expect(j.dspBound.ratio).toBeCloseTo(j.period / 6_880, 10);
        const f = fitCheck(d, 'UP5K', { advise: false }).estimate.total;
        expect(j.resources).toMatchObject({ part: 'UP5K', logicCells: f.lut, ff: f.ff, dsp: 6, ebr: f.ebr, spram: 0, unmodelled: [] });
      }
      writeFileSync(join(dir, 'lenet.json'), JSON.stringify(lenet()));
      const t = await circa(dir, 'estimate', 'lenet.json', '-q');
      expect(t.stdout).toMatch(/^throughput: {2}period [\d,]+ cycles \(DSP bound 6,880 on UP5K/m);
      expect(t.stdout).toMatch(/^resources: {3}predicted on iCE40UP5K with the board top: [\d,]+ logic cells, [\d,]+ FF, 6 DSP, \d+ EBR, 0 SPRAM \(fits\)$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('compare prints each CNN\'s DSP bound and its period\'s ratio to it (no paper row needed)', async () => {
    const wide = lenet();
    wide.network = 'lenet4';
    Object.assign(wide.layers[0], { lanes: 4 });
    Object.assign(wide.layers[1], { beat: 4 });
    Object.assign(wide.layers[2], { lanes: 4, beat: 4 });
    const a = design(lenet());
    const b = design(wide);
    const c = compareDesigns(a, b);
    const row = (k: string) => c.metrics.find((m) => m.key === k)!;
    expect([row('dspBound').a, row('dspBound').b]).toEqual([dspBound(a, 'UP5K').bound, dspBound(b, 'UP5K').bound]);
    expect(row('boundRatio').a).toBeCloseTo(a.cost().period / 6_880, 10);
    expect(row('boundRatio').b).toBeCloseTo(b.cost().period / 6_880, 10);
    const text = formatComparison(c);
    expect(text).toMatch(/^DSP bound on UP5K \(cycles\) +6,880 +6,880 +1\.00x/m);
    expect(text).toMatch(new RegExp(`^period / DSP bound +${(a.cost().period / 6880).toFixed(2)}x +${(b.cost().period / 6880).toFixed(2)}x`, 'm'));
    expect(text).toMatch(/^- throughput: a vector every [\d,]+ vs [\d,]+ cycles; the DSP bound on UP5K .* is 6,880/m);
  });
});

describe('sweep --vary over the conv fields', () => {
  const board = loadBoard('icebreaker');

  it('kernel and layers.0.outChannels: the later layers take the image it gives; a kernel larger than its input is the spec\'s own refusal', () => {
    const pts = expandPoints(lenet(), [parseVary('kernel=3,5,13'), parseVary('layers.0.outChannels=2,4')]);
    expect(pts).toHaveLength(6);
    const rows = pts.map((p) => evaluatePoint(p, board, 'yowasp'));
    // kernel 3: 28 -> 26 -> 13 -> 11 -> 5 (floor), 5 x 5 x 8 into the head
    const k3 = pts[1].spec as ReturnType<typeof lenet>;
    expect(k3.layers.map((l) => [l.kernel, (l as { height?: number }).height, (l as { channels?: number }).channels])).toEqual([
      [3, 28, 1], [undefined, 26, 4], [3, 13, 4], [undefined, 11, 8], [undefined, undefined, undefined], [undefined, undefined, undefined],
    ]);
    expect(k3.layers[4].inputs).toBe(5 * 5 * 8);
    expect((pts[0].spec as ReturnType<typeof lenet>).layers[2].channels).toBe(2);
    for (const r of rows.slice(0, 4)) {
      expect(r.status, r.error).toBe('ok');
      const d = design(pts[r.index].spec);
      expect(r.cycles).toBe(d.cost().latency);
      expect(r.dsp).toBe(fitCheck(d, 'UP5K', { advise: false }).estimate.total.dsp);
    }
    // the spec as written is point 3 (kernel 5, 4 channels)
    expect(rows[3].cycles).toBe(design(lenet()).cost().latency);
    // kernel 13: 28 -> 16 -> 8, and conv c2's 13 taps do not fit its 8 rows
    for (const r of rows.slice(4)) {
      expect(r.status).toBe('invalid');
      expect(r.error).toBe('layers[2].kernel: 13 is larger than the input height 8 with "padding": "valid" (no padding): use a kernel of at most 8 or "padding": "same"');
    }
  });

  it('outChannels and channels out of range, and lanes beyond the channels: invalid points with the spec\'s own message', () => {
    const r = (key: string) => evaluatePoint(expandPoints(lenet(), [parseVary(key)])[0], board, 'yowasp');
    expect(r('outChannels=1')).toMatchObject({ status: 'invalid', error: 'layers[0].lanes: must be in 1..1 (at most outChannels), got 2' });
    expect(r('outChannels=0').error).toMatch(/^layers\[0\]\.outChannels: /);
    expect(r('layers.0.channels=0').error).toMatch(/^layers\[0\]\.channels: /);
    // a single conv1d layer: lanes capped at its outChannels, stride over the length
    const e1 = { kind: 'conv1d', name: 'e1', length: 187, channels: 1, outChannels: 4, kernel: 5, stride: 2, padding: 'same', lanes: 4, weights: { init: 'random', seed: 2 }, output: { format: q } };
    const pts = expandPoints(e1, [parseVary('outChannels=2,8'), parseVary('lanes=2,8')]);
    const rows = pts.map((p) => evaluatePoint(p, board, 'yowasp'));
    expect(rows.map((x) => x.status)).toEqual(['ok', 'invalid', 'ok', 'ok']);
    // 8 lanes on 2 output channels is not capped into another point
    expect(rows[1].error).toBe('lanes: must be in 1..2 (at most outChannels), got 8');
    expect(rows.map((x) => x.dsp)).toEqual([2, undefined, 2, 8]);
    expect(evaluatePoint(expandPoints(e1, [parseVary('kernel=200')])[0], board, 'yowasp').error).toBe('kernel: must be <= 16, got 200');
  });

  it('a conv field on a spec without such a layer is refused up front; the shorthands are listed', () => {
    const dense = { kind: 'dense', name: 'd', inputs: 16, outputs: 4, weights: { init: 'random', seed: 1 } };
    expect(() => applyVary(dense, 'kernel', 3)).toThrow(CircaInputError);
    expect(() => applyVary(dense, 'kernel', 3)).toThrow(/^--vary kernel: no layer of the spec has kernel \(a field of conv2d, conv1d layers\)/);
    // pool: its window, on the small LeNet (12 -> 10 -> 10 (window 1) -> 9 -> 9, or 10 -> 5 -> 4 -> 2; the head follows)
    const pts = expandPoints(smallLenet('sequential'), [parseVary('window=1,2')]);
    expect(pts.map((p) => (p.spec as ReturnType<typeof lenet>).layers[4].inputs)).toEqual([9 * 9 * 3, 2 * 2 * 3]);
    expect(pts.map((p) => evaluatePoint(p, board, 'yowasp').status)).toEqual(['ok', 'ok']);
  });

  it('circa sweep --vary kernel=3,5 on a LeNet-shaped network: a valid row each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'circa-sweep-conv-'));
    try {
      writeFileSync(join(dir, 'lenet.json'), JSON.stringify(lenet()));
      const r = await circa(dir, 'sweep', 'lenet.json', '--vary', 'kernel=3,5', '--out', 'out', '-q');
      expect(r.code, r.stderr).toBe(0);
      const csv = readFileSync(join(dir, 'out', 'sweep.csv'), 'utf8').trim().split('\n');
      expect(csv).toHaveLength(3);
      expect(csv[1]).toMatch(/^0,3,ok,,/);
      expect(csv[2]).toMatch(new RegExp(`^1,5,ok,,2202,110080,\\d+,${design(lenet()).cost().latency},`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('estimate --fill on a CNN', () => {
  it('LeNet-shaped on the UP5K: valid lanes and beats that fit, the period of the re-planned spec; pipelined fits too (links sized by the timeline)', () => {
    const raw = lenet();
    const r = fill(design(raw), 'UP5K');
    const spec = JSON.parse(JSON.stringify(raw)) as ReturnType<typeof lenet>;
    for (const l of r.best.layers) {
      for (const s of l.settings) {
        const m = /^layers\[(\d+)\]\.(\w+)$/.exec(s.field)!;
        (spec.layers[Number(m[1])] as Record<string, unknown>)[m[2]] = s.chosen;
      }
    }
    // a conv layer's lanes at most its output channels
    expect(spec.layers[0].lanes).toBeLessThanOrEqual(4);
    expect(spec.layers[2].lanes).toBeLessThanOrEqual(8);
    const d = design(spec);
    const f = fitCheck(d, 'UP5K', { advise: false });
    for (const row of f.rows) expect(row.status, row.resource).toBe('ok');
    expect(r.best.period).toBe(d.cost().period);
    expect(r.best.period).toBeLessThan(r.spec.period);
    expect(r.best.bound.bound).toBe(6_880);
    // pipelined: the links after the conv layers hold only the beats the timeline leaves in them (when they
    // held two feature maps each, no pipelined setting fitted the EBR); a shorter period than sequential
    expect(r.pipelined).toBeDefined();
    expect(r.noPipelined).toBeUndefined();
    expect(r.pipelined!.period).toBeLessThan(r.best.period);
    const pspec = { ...(JSON.parse(JSON.stringify(raw)) as ReturnType<typeof lenet>), schedule: 'pipelined' };
    for (const l of r.pipelined!.layers) {
      for (const s of l.settings) {
        const m = /^layers\[(\d+)\]\.(\w+)$/.exec(s.field)!;
        (pspec.layers[Number(m[1])] as Record<string, unknown>)[m[2]] = s.chosen;
      }
    }
    const piped = design(pspec);
    for (const row of fitCheck(piped, 'UP5K', { advise: false }).rows) expect(row.status, row.resource).toBe('ok');
    expect(r.pipelined!.period).toBe(piped.cost().period);
  });

  it('examples/ecg-conv1d.json: the spec row is the spec as written (a conv layer\'s beat left out is all its channels); it fits the UP5K as written, and so does the best one', () => {
    const path = 'examples/ecg-conv1d.json';
    const raw = JSON.parse(readFileSync(path, 'utf8')) as { layers: Record<string, unknown>[] };
    const d = design(raw);
    const r = fill(d, 'UP5K');
    expect(raw.layers[2].beat).toBeUndefined();
    expect(r.spec.layers.find((l) => l.name === 'c2')!.settings.find((x) => x.knob === 'beat')).toMatchObject({ spec: 4, chosen: 4 });
    expect([r.spec.period, r.spec.latency]).toEqual([d.cost().period, d.cost().latency]);
    const f = fitCheck(d, 'UP5K', { advise: false });
    expect(r.spec.resources).toEqual({ lut: f.estimate.total.lut, ff: f.estimate.total.ff, dsp: f.estimate.total.dsp, ebr: f.estimate.total.ebr, spram: f.estimate.total.spram });
    // c1's 4 lanes take two multiplies per SB_MAC16 ("dsp": "dual8"): 2 + 4 conv, the head's 1, of the UP5K's 8
    // (with one multiply each it needed 9)
    expect(raw.layers[0].dsp).toBe('dual8');
    expect(r.spec.resources.dsp).toBe(7);
    expect(r.spec.fits).toBe(true);
    expect(f.rows.every((x) => x.status === 'ok')).toBe(true);
    expect(r.best.resources.dsp).toBeLessThanOrEqual(8);
    const spec = JSON.parse(JSON.stringify(raw)) as typeof raw;
    for (const l of r.best.layers) for (const x of l.settings) spec.layers[Number(/^layers\[(\d+)\]/.exec(x.field)![1])][x.field.replace(/^layers\[\d+\]\./, '')] = x.chosen;
    const best = design(spec);
    expect(fitCheck(best, 'UP5K', { advise: false }).rows.every((x) => x.status === 'ok')).toBe(true);
    expect(r.best.period).toBe(best.cost().period);
  });
});
