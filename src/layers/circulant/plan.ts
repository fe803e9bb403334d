/**
 * The circulant plan: the streaming core (circulant-common/stream-plan.ts)
 * with the sign flip D in front and a requantiser behind. Every width comes
 * from the core's formats; nothing downstream re-derives one.
 *
 *   z = Re IFFT(H o FFT(D x))  raw, frac zFrac (the core)
 *   y = act(requant(z))        shift zFrac - yFrac, rounding, saturate or wrap
 */
import { CircaInputError } from '../../errors.ts';
import { width, type Overflow, type QFormat, type Requant, type Rounding } from '../../fixed/index.ts';
import { planStreamCore, nextPow2, type StreamCorePlan } from '../circulant-common/stream-plan.ts';
import { planFoldedCore, type FoldedCorePlan } from '../circulant-common/folded-core.ts';
import { checkTransformLength, refuseShareEngine } from '../circulant-common/fft-options.ts';
import { drawSigns, drawWeights, flatVector, type WeightSource } from '../circulant-common/weights.ts';
import type { CircActivation } from '../circulant-common/schema.ts';
import type { CirculantSpec } from './spec.ts';

export interface CirculantPlan {
  name: string;
  inputs: number;
  outputs: number;
  /** the streaming core (two pipelines) or the folded one (one engine), by fft.architecture */
  core: StreamCorePlan | FoldedCorePlan;
  xFormat: QFormat;
  xWidth: number;
  yFormat: QFormat;
  yWidth: number;
  /** the fixed +-1 diagonal D, one per input, and the seed it came from (null: given in the spec) */
  signs: number[];
  signSeed: number | null;
  /** r, the first column of R (reals) */
  r: number[];
  weightSource: WeightSource;
  requant: Requant;
  activation: CircActivation;
}

export function planCirculant(spec: CirculantSpec): CirculantPlan {
  refuseShareEngine(spec.fft, 'circulant');
  const folded = spec.fft.architecture === 'folded';
  if (spec.size !== undefined && !folded) checkTransformLength(spec.size, 'size', 'the circulant size');
  const k = spec.size ?? Math.max(folded ? 16 : 4, nextPow2(Math.max(spec.inputs, spec.outputs)));
  const { signs, seed } = drawSigns(spec.signs, spec.inputs, 'signs');
  const { values: r, source } = drawWeights(spec.weights, k, 1 / Math.sqrt(spec.inputs), 'uniform', flatVector(k, 'weights.values'));
  const yFormat = spec.output.format;
  const core = (folded ? planFoldedCore : planStreamCore)({
    name: spec.name,
    inputs: spec.inputs,
    outputs: spec.outputs,
    size: spec.size,
    xFormat: spec.input,
    signs,
    column: r,
    spectrumWidth: spec.weights.spectrumWidth,
    spectrumInt: spec.weights.spectrumInt,
    fft: spec.fft,
    zInt: yFormat.int,
    zFracNeeded: yFormat.frac,
  });
  const shift = core.zFrac - yFormat.frac;
  if (shift < 0) throw new CircaInputError(`output.format.frac: must be at most ${core.zFrac}, got ${yFormat.frac}`);
  return {
    name: spec.name,
    inputs: spec.inputs,
    outputs: spec.outputs,
    core,
    xFormat: spec.input,
    xWidth: width(spec.input),
    yFormat,
    yWidth: width(yFormat),
    signs,
    signSeed: seed,
    r,
    weightSource: source,
    requant: { shift, outWidth: width(yFormat), rounding: spec.output.rounding as Rounding, overflow: spec.output.overflow as Overflow },
    activation: spec.activation,
  };
}
