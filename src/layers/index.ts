/**
 * The layer-kind registry: one line per kind. Adding a kind touches its own
 * folder (typed by defineKind, src/layers/types.ts) and this list; a kind
 * defined outside the package joins with registerKind().
 */
import type { LayerKind } from './types.ts';
import { tvscm } from './tvscm/index.ts';
import { dense } from './dense/index.ts';
import { activation } from './activation/index.ts';
import { argmax } from './argmax/index.ts';
import { circulant } from './circulant/index.ts';
import { diagCirculant } from './diag-circulant/index.ts';
import { blockCirculant } from './block-circulant/index.ts';
import { fft } from './fft/index.ts';
import { conv2d } from './conv2d/index.ts';
import { pool } from './pool/index.ts';
import { conv1d } from './conv1d/index.ts';
import { withInputCheck } from './input-check.ts';

/** Every registered kind by its spec name ("kind" in a spec file). */
export const LAYER_KINDS: Record<string, LayerKind<any, any>> = {};

/**
 * The registered kind named `name`, or undefined: only the registry's own
 * entries ("constructor", "toString" or "__proto__" are not kinds).
 */
export function kindNamed(name: unknown): LayerKind<any, any> | undefined {
  return typeof name === 'string' && Object.hasOwn(LAYER_KINDS, name) ? LAYER_KINDS[name] : undefined;
}

/**
 * Register a layer kind (one built with defineKind). Specs naming it then
 * plan, estimate, generate and simulate like the built-in kinds. Refuses a
 * name that is taken. The registered kind's reference() checks its raw
 * inputs first (input-check.ts), for every kind, built in or not.
 */
export function registerKind(kind: LayerKind<any, any>): void {
  if (Object.hasOwn(LAYER_KINDS, kind.kind)) throw new Error(`registerKind: a layer kind named "${kind.kind}" is registered already`);
  LAYER_KINDS[kind.kind] = Object.freeze(withInputCheck(kind));
}

for (const kind of [tvscm, dense, activation, argmax, circulant, diagCirculant, blockCirculant, fft, conv2d, pool, conv1d]) registerKind(kind);
