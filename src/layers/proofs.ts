/**
 * The proofs `circa prove` runs: src/formal/'s generic rounding and DSP
 * proofs, then each registered kind's own (its `proofs` face), in registry
 * order.
 */
import { formalProofs, type ProofJob } from '../formal/index.ts';
import { LAYER_KINDS } from './index.ts';

/**
 * The proofs of `npm test` (default) or `npm run test:deep` (deep: every mode
 * of the sequential checks, the complement placement, the delay-2 butterfly).
 */
export function proofSuite(deep = false): ProofJob[] {
  return [...formalProofs(deep), ...Object.values(LAYER_KINDS).flatMap((k) => k.proofs?.(deep) ?? [])];
}
