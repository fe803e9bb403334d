/**
 * The overflow flag means "an output lost information" (requantActivate() in
 * src/fixed/index.ts): a value that did not fit is an overflow only when the
 * activation of what was kept differs from the activation of the true value.
 * One layer of each kind with an activation, with a narrow output so that
 * outputs leave the range in both directions; the same spec with the
 * identity activation tells which vectors overflowed in the requantiser.
 * Shared by test/overflow-meaning.test.ts (the models, fast tier) and
 * test/overflow.cosim.test.ts (the RTL in Verilator).
 */
import { loadLayerSpec, type LoadedLayer } from '../src/layers/load.ts';
import { makeVectors, type LabelledVector } from '../src/sim/vectors.ts';

export interface OverflowCase {
  label: string;
  /** the spec with the activation under test */
  spec: Record<string, unknown>;
  /** the same spec with the identity activation */
  identity: Record<string, unknown>;
}

const out = (overflow: 'saturate' | 'wrap') => ({ format: { int: 0, frac: 3 }, rounding: 'convergent', overflow });

function withAct(label: string, base: Record<string, unknown>, act: Record<string, unknown>, ident: Record<string, unknown>): OverflowCase {
  return { label, spec: { ...base, ...act }, identity: { ...base, ...ident } };
}

const dense = (overflow: 'saturate' | 'wrap') => ({
  kind: 'dense', name: 'ov_dense', inputs: 6, outputs: 4, lanes: 2, input: { int: 0, frac: 7 },
  weights: { format: { int: 0, frac: 7 }, init: 'random', seed: 3, scale: 0.75 }, output: out(overflow),
});
const tvscm = (overflow: 'saturate' | 'wrap', relu: boolean) => ({
  kind: 'tvscm', name: 'ov_tvscm', n: 5, lanes: 1, placement: { type: 'band', radius: 1 }, input: { int: 0, frac: 7 },
  weights: { format: { int: 1, frac: 6 }, a: 1.5, b: -1 }, output: { ...out(overflow), relu },
});
const fft = { dataWidth: 14, twiddleWidth: 10, multipliers: 4, rounding: 'convergent' };
const folded = { ...fft, architecture: 'folded', butterflies: 1 };
const circulant = (overflow: 'saturate' | 'wrap') => ({
  kind: 'circulant', name: 'ov_circ', inputs: 8, outputs: 2, input: { int: 0, frac: 7 },
  weights: { init: 'random', seed: 11, scale: 1 }, fft, output: { format: { int: 0, frac: 2 }, rounding: 'convergent', overflow },
});
const diag = (overflow: 'saturate' | 'wrap') => ({
  kind: 'diag-circulant', name: 'ov_diag', inputs: 8, outputs: 2, input: { int: 0, frac: 7 },
  weights: { init: 'random', seed: 11, scale: 1 }, fft, output: { format: { int: 0, frac: 2 }, rounding: 'convergent', overflow },
});
const bcirc = (overflow: 'saturate' | 'wrap') => ({
  kind: 'block-circulant', name: 'ov_bcirc', blockSize: 4, inputs: 8, outputs: 2, macs: 1, input: { int: 0, frac: 7 },
  weights: { init: 'random', seed: 5, scale: 1 }, fft, output: { format: { int: 0, frac: 2 }, rounding: 'convergent', overflow },
});
const conv = (overflow: 'saturate' | 'wrap') => ({
  kind: 'conv2d', name: 'ov_conv', height: 4, width: 4, channels: 1, outChannels: 2, kernel: 2, stride: 1, padding: 'valid', bias: false,
  lanes: 1, input: { int: 0, frac: 7 }, weights: { format: { int: 0, frac: 7 }, init: 'random', seed: 4, scale: 0.75 }, output: out(overflow),
});
const act = (overflow: 'saturate' | 'wrap') => ({
  kind: 'activation', name: 'ov_act', n: 4, input: { int: 2, frac: 5 }, output: { format: { int: 0, frac: 5 }, rounding: 'convergent', overflow },
});

/** Every kind with an activation, ReLU (and hardtanh where the kind has it), saturating and wrapping. */
export const OVERFLOW_CASES: OverflowCase[] = (['saturate', 'wrap'] as const).flatMap((o) => [
  withAct(`dense relu ${o}`, dense(o), { activation: 'relu' }, { activation: 'identity' }),
  withAct(`dense hardtanh ${o}`, dense(o), { activation: 'hardtanh' }, { activation: 'identity' }),
  { label: `tvscm relu ${o}`, spec: tvscm(o, true), identity: tvscm(o, false) },
  withAct(`circulant relu ${o}`, circulant(o), { activation: 'relu' }, { activation: 'identity' }),
  withAct(`diag-circulant relu ${o}`, diag(o), { activation: 'relu' }, { activation: 'identity' }),
  withAct(`circulant folded relu ${o}`, { ...circulant(o), fft: folded }, { activation: 'relu' }, { activation: 'identity' }),
  withAct(`diag-circulant folded relu ${o}`, { ...diag(o), fft: folded }, { activation: 'relu' }, { activation: 'identity' }),
  withAct(`block-circulant relu ${o}`, bcirc(o), { activation: 'relu' }, { activation: 'identity' }),
  withAct(`conv2d relu ${o}`, conv(o), { activation: 'relu' }, { activation: 'identity' }),
  withAct(`activation relu ${o}`, act(o), { function: 'relu' }, { function: 'identity' }),
  withAct(`activation hardtanh ${o}`, act(o), { function: 'hardtanh' }, { function: 'identity' }),
]);

export interface OverflowSplit {
  layer: LoadedLayer;
  /** vectors whose requantiser overflowed (the identity layer's flag) but no output lost information */
  discarded: LabelledVector[];
  /** vectors with an output that lost information */
  lost: LabelledVector[];
}

/** The case's layer and 300 seeded vectors sorted by what the models say of them. */
export function splitVectors(c: OverflowCase): OverflowSplit {
  const layer = loadLayerSpec(c.spec);
  const ident = loadLayerSpec(c.identity);
  const shape = layer.kind.shape(layer.plan);
  const discarded: LabelledVector[] = [];
  const lost: LabelledVector[] = [];
  for (const v of makeVectors(300, shape.inputs, shape.inWidth, 17)) {
    const r = layer.kind.reference(layer.plan, v.x);
    if (r.overflow) lost.push(v);
    else if (ident.kind.reference(ident.plan, v.x).overflow) discarded.push(v);
  }
  return { layer, discarded, lost };
}
