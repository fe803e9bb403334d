import { maxOf, minOf, width, type QFormat, type Requant, type Rounding, type Overflow } from '../../fixed/index.ts';
import type { ActivationSpec } from './spec.ts';

export interface ActivationPlan {
  name: string;
  n: number;
  fn: 'identity' | 'relu' | 'hardtanh';
  xFormat: QFormat;
  xWidth: number;
  yFormat: QFormat;
  yWidth: number;
  /** left shift first when the output has more fraction bits */
  leftShift: number;
  requant: Requant;
  /** raw +1 and -1 in the output format, clamped to its range (hardtanh bounds) */
  htHi: number;
  htLo: number;
}

export function planActivation(spec: ActivationSpec): ActivationPlan {
  const xWidth = width(spec.input);
  const yWidth = width(spec.output.format);
  const d = spec.input.frac - spec.output.format.frac;
  const one = 2 ** spec.output.format.frac;
  return {
    name: spec.name,
    n: spec.n,
    fn: spec.function,
    xFormat: spec.input,
    xWidth,
    yFormat: spec.output.format,
    yWidth,
    leftShift: Math.max(0, -d),
    requant: { shift: Math.max(0, d), outWidth: yWidth, rounding: spec.output.rounding as Rounding, overflow: spec.output.overflow as Overflow },
    htHi: Math.min(one, maxOf(yWidth)),
    htLo: Math.max(-one, minOf(yWidth)),
  };
}
