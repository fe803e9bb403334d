/**
 * The reference faces check their raw inputs, as `circa run` checks the
 * vectors it sends (src/host/inputs.ts): a library call with a vector of the
 * wrong length, or a value that is not an integer of the layer's input
 * format, is a CircaInputError naming the layer, the index and the value
 * with its format, instead of a silently wrong result.
 *
 * The registry (index.ts) puts every kind's reference() behind this check,
 * so the network model, the co-simulation and library users all get it.
 */
import { CircaInputError } from '../errors.ts';
import { maxOf, minOf, rawDescription } from '../fixed/index.ts';
import type { LayerKind, LayerShape } from './types.ts';

const shapes = new WeakMap<object, LayerShape>();

/** Throw unless `x` is one vector of raw values in the layer's input format. */
export function checkRawInputs(kind: LayerKind<any, any>, plan: any, x: readonly number[]): void {
  let s = shapes.get(plan);
  if (!s) {
    s = kind.shape(plan);
    shapes.set(plan, s);
  }
  // the message's name is built only on a failure: this runs before every reference() call
  const name = () => `${(plan as { name?: string }).name ?? kind.kind} (${kind.kind})`;
  if (!Array.isArray(x) && !ArrayBuffer.isView(x)) throw new CircaInputError(`${name()}: the input must be an array of ${s.inputs} raw values, got ${typeof x}`);
  if (x.length !== s.inputs) throw new CircaInputError(`${name()}: the input has ${x.length} values, the layer takes ${s.inputs}`);
  const lo = minOf(s.inWidth);
  const hi = maxOf(s.inWidth);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!(Number.isInteger(v) && v >= lo && v <= hi)) {
      throw new CircaInputError(`${name()}: input ${i} is ${typeof v === 'number' ? v : typeof v === 'bigint' ? `the BigInt ${v}n` : JSON.stringify(v)}, not a ${rawDescription(s.inFormat)}`);
    }
  }
}

/** `kind` with its reference() checking its inputs first. */
export function withInputCheck<S, P>(kind: LayerKind<S, P>): LayerKind<S, P> {
  const reference = kind.reference;
  return { ...kind, reference: (plan: P, x: readonly number[]) => (checkRawInputs(kind, plan, x), reference(plan, x)) };
}
