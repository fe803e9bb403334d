/**
 * The layer-kind registry: one line per kind. Adding a kind touches its own
 * folder and this list.
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
import { withInputCheck } from './input-check.ts';

// every reference() checks its raw inputs (input-check.ts)
const KINDS: Record<string, LayerKind<any, any>> = {
  tvscm,
  dense,
  activation,
  argmax,
  circulant,
  'diag-circulant': diagCirculant,
  'block-circulant': blockCirculant,
  fft,
};

export const LAYER_KINDS: Record<string, LayerKind<any, any>> = Object.fromEntries(Object.entries(KINDS).map(([k, v]) => [k, withInputCheck(v)]));
