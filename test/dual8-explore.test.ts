/**
 * Issue 25, the dual 8x8 SB_MAC16 mode in the planner's tools: the DSP bound
 * single and dual (src/estimate/bound.ts), `circa estimate --fill` with the
 * dsp mode among its knobs (src/estimate/fill.ts), and `--vary dsp` in
 * `circa sweep` (src/estimate/sweep.ts). Cost and resource models only.
 */
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadDesign } from '../src/network/design.ts';
import { dspBound, formatDspBound } from '../src/estimate/bound.ts';
import { fill } from '../src/estimate/fill.ts';
import { applyVary, parseVary } from '../src/estimate/sweep.ts';
import { LAYER_KINDS } from '../src/layers/index.ts';
import { runNode } from './run-node.ts';

const TRAINED_TVSCM = 'examples/trained/mnist-tvscm.json';

describe('DSP bound single and dual 8x8', () => {
  it('trained mnist-tvscm: 9,408 multiplies, 8,624 of 8 x 8 bits (a*x and the dense head), 784 of 8 x 9 (b*pairsum): 1,176 single, 637 dual', () => {
    const b = dspBound(loadDesign(TRAINED_TVSCM), 'UP5K');
    expect([b.multiplies, b.single, b.dual, b.bound, b.perDsp]).toEqual([9408, 1176, 637, 1176, 1]);
    expect(b.narrowShare).toBeCloseTo(8624 / 9408, 12);
    expect(formatDspBound(b)).toMatch(/; DSP bound single 1,176, dual 8x8 637 \(92% of the multiplies fit 8 x 8 bits\)$/);
    // all narrow (mitbih-dense): dual is the bound, half of single
    const d = dspBound(loadDesign('examples/mitbih-dense.json'), 'UP5K');
    expect([d.single, d.dual, d.bound, d.narrowShare]).toEqual([3072, 1536, 1536, 1]);
    // no SB_MAC16: neither
    const hx = dspBound(loadDesign(TRAINED_TVSCM), 'HX8K');
    expect([hx.single, hx.dual]).toEqual([null, null]);
  });

  it('circa estimate prints both', async () => {
    const r = await runNode(resolve('bin/circa.mjs'), ['estimate', TRAINED_TVSCM, '-q'], process.cwd());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('DSP bound single 1,176, dual 8x8 637');
  });
});

describe('--fill explores the dsp mode', () => {
  it('trained mnist-tvscm on the UP5K: both layers dual8, a shorter period than the spec within the 8 SB_MAC16', () => {
    const f = fill(loadDesign(TRAINED_TVSCM), 'UP5K');
    const best = f.pipelined ?? f.best;
    const dsp = best.layers.flatMap((l) => l.settings.filter((s) => s.knob === 'dsp').map((s) => [l.name, s.field, s.spec, s.chosen]));
    expect(dsp).toEqual([['tvscm784', 'layers[0].dsp', 'single', 'dual8'], ['fc10', 'layers[1].dsp', 'single', 'dual8']]);
    // since the links hold only what the timeline leaves in them (EBR freed),
    // dual8 buys lanes rather than saving a DSP: 1,186 cycles against 1,578
    expect(best.period).toBeLessThan(f.spec.period);
    expect(best.resources.dsp).toBeLessThanOrEqual(8);
  });

  it('no dsp knob on a part without SB_MAC16', () => {
    const f = fill(loadDesign('examples/tvscm-784.json'), 'HX8K');
    expect(f.best.layers.flatMap((l) => l.settings.map((s) => s.knob))).not.toContain('dsp');
  });
});

describe('sweep --vary dsp', () => {
  it('sets "dsp" on every dense and TVSCM layer, and only there; refuses other values and specs without such a layer', () => {
    expect(parseVary('dsp=single,dual8')).toEqual({ key: 'dsp', values: ['single', 'dual8'] });
    expect(() => parseVary('dsp=single,quad4')).toThrow(/^--vary dsp: values must be single or dual8, got "quad4"$/);
    const net = { network: 'n', layers: [{ kind: 'tvscm', name: 't' }, { kind: 'activation', name: 'a' }, { kind: 'dense', name: 'd' }] };
    const out = applyVary(net, 'dsp', 'dual8') as typeof net;
    expect(out.layers.map((l) => (l as { dsp?: string }).dsp)).toEqual(['dual8', undefined, 'dual8']);
    expect((net.layers[0] as { dsp?: string }).dsp).toBeUndefined();
    expect(() => applyVary({ kind: 'argmax', name: 'x', n: 4 }, 'dsp', 'dual8')).toThrow(/^--vary dsp: the spec has no layer with an SB_MAC16 mode/);
  });

  it('the kinds that set it are the kinds whose spec has a "dsp" field (their vary face says so, no list of names in the sweep)', () => {
    const withField = Object.entries(LAYER_KINDS)
      .filter(([, k]) => Object.hasOwn((k.schema as unknown as { shape?: object }).shape ?? {}, 'dsp')).map(([n]) => n).sort();
    const withFace = Object.entries(LAYER_KINDS).filter(([, k]) => k.vary?.dsp).map(([n]) => n).sort();
    expect(withField).toEqual(['conv1d', 'conv2d', 'dense', 'tvscm']);
    expect(withFace).toEqual(withField);
    const conv = applyVary({ kind: 'conv1d', name: 'c' }, 'dsp', 'dual8') as { dsp?: string };
    expect(conv.dsp).toBe('dual8');
  });

  it('the CLI: a point per mode, dual8 with fewer SB_MAC16', async () => {
    const r = await runNode(resolve('bin/circa.mjs'), ['sweep', TRAINED_TVSCM, '--vary', 'dsp=single,dual8', '-q', '--json'], process.cwd());
    expect(r.code, r.stderr).toBe(0);
    const points = (JSON.parse(r.stdout) as { points: { values: string[]; status: string; dsp: number; cycles: number }[] }).points;
    // tvscm784 (1 lane): 2 -> 1 + 1 (a*x on a DSP with an idle top half, b*pairsum); fc10 (5 lanes): 5 -> 3
    expect(points.map((p) => [p.values[0], p.status, p.dsp])).toEqual([['single', 'ok', 7], ['dual8', 'ok', 5]]);
    expect(points[1].cycles).toBe(points[0].cycles);
  });
});
