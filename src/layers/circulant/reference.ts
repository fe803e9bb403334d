/**
 * Circulant reference face: the streaming core's bit-exact model
 * (circulant-common/stream-reference.ts: sign flip, FFT, spectral product,
 * IFFT, all in the RTL's order with its roundings), then the output
 * requantiser and the activation, for the first `outputs` positions. The
 * float model is act(R D x) in double precision with the spec's real r.
 */
import { identityRaw, requantActivate, reluRaw } from '../../fixed/index.ts';
import type { ReferenceResult } from '../types.ts';
import { anyCoreFloat as coreFloat, anyCoreReference as coreReference } from '../circulant-common/core.ts';
import type { CirculantPlan } from './plan.ts';

export function circulantReference(p: CirculantPlan, x: readonly number[]): ReferenceResult {
  const core = coreReference(p.core, x);
  let overflow = core.overflow;
  const y = new Array<number>(p.outputs);
  for (let i = 0; i < p.outputs; i++) {
    const r = requantActivate(core.z[i], p.requant, p.activation === 'relu' ? reluRaw : identityRaw);
    overflow ||= r.overflow;
    y[i] = r.value;
  }
  return { y, overflow };
}

export function circulantFloat(p: CirculantPlan, x: readonly number[]): number[] {
  const z = coreFloat(p.core, x);
  return z.slice(0, p.outputs).map((v) => (p.activation === 'relu' && v < 0 ? 0 : v));
}
