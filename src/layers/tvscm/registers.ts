/**
 * TVSCM run-time registers (the config port of the generated top, rtl.ts):
 *   0 = a, 1 = b (raw, in the weight format: the value's low W bits read as
 *   a signed W-bit number, W = wWidth), 2 = clear the sticky overflow flag,
 *   3 = nothing.
 * Setup: write the spec's a and b and clear the flag. The model computes
 * with the a and b it holds (tvscmReference's weight arguments).
 */
import { formatName, fromUnsigned, toReal } from '../../fixed/index.ts';
import type { LayerRegisters } from '../types.ts';
import type { TvscmPlan } from './plan.ts';
import { tvscmReference } from './reference.ts';

export function tvscmRegisters(p: TvscmPlan): LayerRegisters {
  let a = p.a;
  let b = p.b;
  return {
    setup: () => ({
      writes: [{ reg: 0, value: p.a }, { reg: 1, value: p.b }, { reg: 2, value: 0 }],
      summary: 'set a and b to the spec\'s weights and cleared the overflow flag',
      task: 'setting the spec\'s weights',
    }),
    write(reg, value) {
      const raw = fromUnsigned(BigInt.asUintN(p.wWidth, BigInt(value)), p.wWidth);
      if (reg === 0 || reg === 1) {
        if (reg === 0) a = raw;
        else b = raw;
        return { effect: `${reg === 0 ? 'a' : 'b'} = ${raw} (${toReal(raw, p.wFormat)} in ${formatName(p.wFormat)})`, applied: true, clearsOverflow: false };
      }
      if (reg === 2) return { effect: 'overflow flag cleared', applied: true, clearsOverflow: true };
      return { effect: `no register ${reg} (0 = a, 1 = b, 2 = clear overflow)`, applied: false, clearsOverflow: false };
    },
    reference: (x) => tvscmReference(p, x, a, b),
  };
}
