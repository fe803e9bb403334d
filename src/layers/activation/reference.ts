import { requantActivate, toReal } from '../../fixed/index.ts';
import type { ReferenceResult } from '../types.ts';
import type { ActivationPlan } from './plan.ts';

export function activationApply(p: ActivationPlan, y: number): number {
  if (p.fn === 'relu') return y < 0 ? 0 : y;
  if (p.fn === 'hardtanh') return y > p.htHi ? p.htHi : y < p.htLo ? p.htLo : y;
  return y;
}

export function activationReference(p: ActivationPlan, x: readonly number[]): ReferenceResult {
  let overflow = false;
  const scale = 2 ** p.leftShift;
  const y = x.map((v) => {
    const r = requantActivate(v * scale, p.requant, (u) => activationApply(p, u));
    overflow ||= r.overflow;
    return r.value;
  });
  return { y, overflow };
}

export function activationFloat(p: ActivationPlan, x: readonly number[]): number[] {
  return x.map((v) => {
    const r = toReal(v, p.xFormat);
    return p.fn === 'relu' ? Math.max(0, r) : p.fn === 'hardtanh' ? Math.min(1, Math.max(-1, r)) : r;
  });
}
