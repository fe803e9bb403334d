/**
 * Diag-circulant reference face: the streaming core's bit-exact model
 * (z = Re IFFT(H o FFT(x)) in the RTL's stage order), then circ_out.v's
 * output stage: acc = z_i d_i + (b_i << biasShift) exactly, requantise,
 * activation. The float model is act(d o (C x) + b) with the spec's reals.
 */
import { identityRaw, requantActivate, reluRaw } from '../../fixed/index.ts';
import type { ReferenceResult } from '../types.ts';
import { anyCoreFloat as coreFloat, anyCoreReference as coreReference } from '../circulant-common/core.ts';
import type { DiagCirculantPlan } from './plan.ts';

export function diagCirculantReference(p: DiagCirculantPlan, x: readonly number[]): ReferenceResult {
  const core = coreReference(p.core, x);
  let overflow = core.overflow;
  const align = 2 ** p.biasShift;
  const y = new Array<number>(p.outputs);
  for (let i = 0; i < p.outputs; i++) {
    const r = requantActivate(core.z[i] * p.d[i] + p.bias[i] * align, p.requant, p.activation === 'relu' ? reluRaw : identityRaw);
    overflow ||= r.overflow;
    y[i] = r.value;
  }
  return { y, overflow };
}

export function diagCirculantFloat(p: DiagCirculantPlan, x: readonly number[]): number[] {
  const z = coreFloat(p.core, x);
  return Array.from({ length: p.outputs }, (_, i) => {
    const v = p.dReal[i] * z[i] + p.biasReal[i];
    return p.activation === 'relu' && v < 0 ? 0 : v;
  });
}
