/**
 * `circa sweep`: --vary parsing and shorthands, a model sweep's CSV and SVG,
 * shards merged back into the unsharded CSV byte for byte, and --synth
 * filling the actual resources of every point (native tools, two worker
 * threads, cached by content hash).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runNode } from './run-node.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { applyVary, expandPoints, mergeCsv, parseCsv, parseShard, parseVary } from '../src/estimate/sweep.ts';
import { planAny } from '../src/network/plan.ts';

const ex = (name: string) => resolve('examples', `${name}.json`);
const work = mkdtempSync(join(tmpdir(), 'circa-sweep-'));
const cache = join(work, 'cache');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The circa command as a user runs it, with its Verilator/synthesis cache in the scratch directory. */
const CIRCA = resolve('bin/circa.mjs');
const circa = (...args: string[]) => runNode(CIRCA, args, work, { CIRCA_CACHE_DIR: cache });

describe('--vary', () => {
  const net = JSON.parse(readFileSync(ex('mnist-tvscm'), 'utf8'));

  it('parses values and rejects what is not key=list', () => {
    expect(parseVary('lanes=1,2,4')).toEqual({ key: 'lanes', values: [1, 2, 4] });
    expect(parseVary('layers.0.placement.type=band,complement').values).toEqual(['band', 'complement']);
    expect(() => parseVary('lanes')).toThrow(/--vary: expected key=v1,v2/);
    expect(() => parseVary('lanes=1,,2')).toThrow(/comma-separated/);
    expect(() => parseVary('width=1,8')).toThrow(/--vary width: must be in 2\.\.32/);
    expect(() => parseVary('lanes=0')).toThrow(/positive integers/);
    expect(() => parseShard('3/2')).toThrow(/--shard: i must be in 1\.\.N/);
  });

  it('shorthands: lanes on every layer that has them (capped), width on every format as Q0.(W-1)', () => {
    const s = applyVary(net, 'lanes', 16) as { layers: Record<string, any>[] };
    expect(s.layers[0].lanes).toBe(16);
    expect(s.layers[2].lanes).toBe(10); // dense 784 -> 10: capped at its outputs
    const w = applyVary(net, 'width', 12) as { layers: Record<string, any>[] };
    expect(w.layers[0].input).toEqual({ int: 0, frac: 11 });
    expect(w.layers[0].weights.format).toEqual({ int: 0, frac: 11 });
    expect(w.layers[3].input).toEqual({ int: 0, frac: 11 });
    expect(() => planAny(w)).not.toThrow(); // the layers still chain
  });

  it('dotted paths set a field; a missing parent is named', () => {
    const s = applyVary(net, 'layers[0].placement.radius', 3) as { layers: Record<string, any>[] };
    expect(s.layers[0].placement.radius).toBe(3);
    expect(() => applyVary(net, 'layers.9.lanes', 2)).toThrow(/--vary layers\.9\.lanes: the spec has no "layers\.9"/);
  });

  it('FFT shorthands: butterflies of every folded engine, architecture and fftWidth of every FFT section', () => {
    const mc = JSON.parse(readFileSync(ex('mnist-diagcirc'), 'utf8'));
    const b = applyVary(mc, 'butterflies', 4) as { layers: Record<string, any>[] };
    expect(b.layers.map((l) => l.fft?.butterflies)).toEqual([4, 4, undefined, undefined]);
    const s = applyVary(b, 'architecture', 'streaming') as { layers: Record<string, any>[] };
    expect(s.layers.slice(0, 2).map((l) => [l.fft.architecture, 'butterflies' in l.fft])).toEqual([['streaming', false], ['streaming', false]]);
    // dc2 shares dc1's folded engine (fft.shareEngine, d and b in SPRAM): streaming, each layer has its own pipelines again
    expect(mc.layers[1].fft.shareEngine).toBe(true);
    expect(['shareEngine' in s.layers[1].fft, 'memory' in s.layers[1]]).toEqual([false, false]);
    expect(() => planAny(s)).not.toThrow();
    // streaming sections keep no units, so butterflies leaves them alone
    expect((applyVary(s, 'butterflies', 2) as { layers: Record<string, any>[] }).layers[0].fft).not.toHaveProperty('butterflies');
    expect((applyVary(mc, 'fftWidth', 12) as { layers: Record<string, any>[] }).layers.map((l) => l.fft?.dataWidth)).toEqual([12, 12, undefined, undefined]);
    // a bare fft spells its section at the top level
    const bare = { kind: 'fft', n: 1024, architecture: 'folded', butterflies: 1 };
    expect(applyVary(bare, 'butterflies', 2)).toEqual({ ...bare, butterflies: 2 });
    expect(() => parseVary('architecture=pipelined')).toThrow(/--vary architecture: values must be streaming or folded, got "pipelined"/);
    expect(() => parseVary('butterflies=0,1')).toThrow(/positive integers/);
    expect(() => applyVary(net, 'butterflies', 2)).toThrow(/--vary butterflies: the spec has no FFT section to set/);
  });

  it('points are the product, the first vary slowest', () => {
    const pts = expandPoints(net, [parseVary('lanes=1,2'), parseVary('width=8,12')]);
    expect(pts.map((p) => p.values)).toEqual([[1, 8], [1, 12], [2, 8], [2, 12]]);
    expect(() => expandPoints(net, [parseVary('lanes=1'), parseVary('lanes=2')])).toThrow(/given twice/);
  });
});

describe('model sweeps', () => {
  it('streaming vs folded circulant side by side: cycles fall and resources grow with the butterfly units', async () => {
    const r = await circa('sweep', ex('circulant-256'), '--vary', 'architecture=streaming,folded', '--vary', 'butterflies=1,2,4', '--json', '-q');
    expect(r.code, r.stderr).toBe(0);
    const pts = (JSON.parse(r.stdout) as { points: { values: unknown[]; cycles: number; dsp: number; lut: number; ebr: number; fits: boolean }[] }).points;
    expect(pts.map((p) => p.values)).toEqual([['streaming', 1], ['streaming', 2], ['streaming', 4], ['folded', 1], ['folded', 2], ['folded', 4]]);
    const [stream, f1, f2, f4] = [pts[0], pts[3], pts[4], pts[5]];
    // two streaming pipelines (FFT and IFFT, one sample per clock) against one time-shared engine
    expect(stream.fits).toBe(false);
    expect(f1.fits).toBe(true);
    expect([f1.dsp, f2.dsp, f4.dsp]).toEqual([4, 8, 16]);
    expect(f1.cycles).toBeGreaterThan(f2.cycles);
    expect(f2.cycles).toBeGreaterThan(f4.cycles);
    expect(f4.cycles).toBeGreaterThan(stream.cycles);
    expect(f1.lut).toBeLessThan(f2.lut);
    expect(f1.lut).toBeLessThan(stream.lut);
  });

  it('writes a CSV row per point and an SVG Pareto plot', async () => {
    const out = join(work, 'sweep4');
    const r = await circa('sweep', ex('mitbih-tvscm'), '--vary', 'lanes=1,2', '--vary', 'width=8,12', '--out', out, '-q');
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['.circa-output', 'pareto.svg', 'sweep.csv']);
    const csv = parseCsv(readFileSync(join(out, 'sweep.csv'), 'utf8'));
    expect(csv.header.slice(0, 4)).toEqual(['index', 'lanes', 'width', 'status']);
    expect(csv.rows.map((x) => [x.index, x.lanes, x.width])).toEqual([['0', '1', '8'], ['1', '1', '12'], ['2', '2', '8'], ['3', '2', '12']]);
    for (const row of csv.rows) {
      expect(row.status).toBe('ok');
      expect(Number(row.parameters)).toBe(942);
      expect(Number(row.logic_cells)).toBeGreaterThan(0);
      expect(Number(row.energy_ice40_up5k_pj)).toBeGreaterThan(0);
      expect(row.fits).toBe('yes');
    }
    // more lanes: fewer cycles
    expect(Number(csv.rows[2].cycles)).toBeLessThan(Number(csv.rows[0].cycles));
    const svg = readFileSync(join(out, 'pareto.svg'), 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg.match(/<circle /g)?.length).toBe(4);
    expect(svg).not.toMatch(/stroke="#d62728" stroke-width="2.5"><title>/);
    expect(r.stdout).toMatch(/4 point\(s\)/);
  });

  it('points that do not fit are marked in the CSV and crossed in the plot', async () => {
    const out = join(work, 'nofit');
    const r = await circa('sweep', ex('tvscm-784'), '--vary', 'lanes=4,8', '--out', out, '-q');
    expect(r.code, r.stderr).toBe(0);
    const csv = parseCsv(readFileSync(join(out, 'sweep.csv'), 'utf8'));
    expect(csv.rows.map((x) => x.fits)).toEqual(['yes', 'no']); // 8 lanes: 16 multipliers, 8 DSPs
    const svg = readFileSync(join(out, 'pareto.svg'), 'utf8');
    expect(svg.match(/stroke="#d62728" stroke-width="2.5"><title>/g)?.length).toBe(1);
  });

  it('a point whose spec does not plan is reported, not fatal', async () => {
    const r = await circa('sweep', ex('tvscm-784'), '--vary', 'placement.radius=1,400', '--json', '-q');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.points[1].status).toBe('invalid');
    expect(j.points[1].error).toMatch(/placement\.radius/);
  });

  it('shards merged give the unsharded CSV byte for byte', async () => {
    const args = [ex('mnist-tvscm'), '--vary', 'lanes=1,2,4', '--vary', 'width=8,10', '-q'];
    expect((await circa('sweep', ...args, '--out', join(work, 'all'))).code).toBe(0);
    for (const s of ['1/3', '2/3', '3/3']) {
      const r = await circa('sweep', ...args, '--shard', s, '--out', join(work, `shard${s[0]}`));
      expect(r.code, r.stderr).toBe(0);
    }
    const shard1 = parseCsv(readFileSync(join(work, 'shard1', 'sweep.csv'), 'utf8'));
    expect(shard1.rows.map((x) => x.index)).toEqual(['0', '3']);
    const merged = join(work, 'merged.csv');
    const m = await circa('sweep', 'merge', join(work, 'shard3', 'sweep.csv'), join(work, 'shard1', 'sweep.csv'), join(work, 'shard2', 'sweep.csv'), '-o', merged);
    expect(m.code, m.stderr).toBe(0);
    expect(readFileSync(merged, 'utf8')).toBe(readFileSync(join(work, 'all', 'sweep.csv'), 'utf8'));
    // merging again refuses to overwrite, and a foreign CSV is rejected
    expect((await circa('sweep', 'merge', join(work, 'shard1', 'sweep.csv'), '-o', merged)).code).toBe(2);
    writeFileSync(join(work, 'other.csv'), 'a,b\n1,2\n');
    const bad = await circa('sweep', 'merge', join(work, 'other.csv'), '-o', join(work, 'x.csv'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a sweep CSV header/);
  });

  it('merge refuses shards of different sweeps and conflicting rows', () => {
    const a = 'index,lanes,status\n0,1,ok\n';
    expect(() => mergeCsv([{ name: 'a', text: a }, { name: 'b', text: 'index,width,status\n1,8,ok\n' }])).toThrow(/columns differ/);
    expect(() => mergeCsv([{ name: 'a', text: a }, { name: 'b', text: 'index,lanes,status\n0,2,ok\n' }])).toThrow(/point 0 differs/);
  });
});

describe('--synth', { tags: ['tools'] }, () => {
  it('builds a 2-point sweep of a small TVSCM layer in worker threads and fills the actual resources', async () => {
    const spec = join(work, 'tv.json');
    writeFileSync(spec, JSON.stringify({ kind: 'tvscm', name: 'tv64', n: 64, lanes: 1, placement: { type: 'band', radius: 1 }, weights: { a: 0.5, b: -0.25 } }));
    const out = join(work, 'synth');
    const args = ['sweep', spec, '--vary', 'lanes=1,2', '--synth', '--toolchain', 'native', '--jobs', '2'];
    const r = await circa(...args, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/2\/2 built \(0 cached\)/);
    const csv = parseCsv(readFileSync(join(out, 'sweep.csv'), 'utf8'));
    expect(csv.rows).toHaveLength(2);
    for (const row of csv.rows) {
      expect(row.synth_status).toBe('ok');
      expect(Number(row.actual_logic_cells)).toBeGreaterThan(0);
      expect(Number(row.actual_ff)).toBeGreaterThan(0);
      // the models' exact counts hold
      expect(row.actual_dsp).toBe(row.dsp);
      expect(row.actual_ebr).toBe(row.ebr);
      expect(Math.abs(Number(row.logic_cells) - Number(row.actual_logic_cells)) / Number(row.actual_logic_cells)).toBeLessThanOrEqual(0.2);
    }
    expect(readdirSync(join(cache, 'builds')).filter((f) => f.endsWith('.json'))).toHaveLength(2);
    // again: both from the cache, same CSV
    const again = await circa(...args, '--out', join(work, 'synth2'));
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/2\/2 built \(2 cached\)/);
    expect(readFileSync(join(work, 'synth2', 'sweep.csv'), 'utf8')).toBe(readFileSync(join(out, 'sweep.csv'), 'utf8'));
    expect(existsSync(join(work, 'synth2', 'pareto.svg'))).toBe(true);
  });
});
