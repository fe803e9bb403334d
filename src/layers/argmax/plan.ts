import { width, type QFormat } from '../../fixed/index.ts';
import { bitsFor } from '../formats.ts';
import type { ArgmaxSpec } from './spec.ts';

export interface ArgmaxPlan {
  name: string;
  n: number;
  xFormat: QFormat;
  xWidth: number;
  /** signed width that holds the index 0..n-1 */
  idxWidth: number;
  /** width of both output lanes: one more than the wider of value and index */
  outWidth: number;
  cntWidth: number;
}

export function planArgmax(spec: ArgmaxSpec): ArgmaxPlan {
  const xWidth = width(spec.input);
  const idxWidth = bitsFor(spec.n - 1) + 1;
  return {
    name: spec.name,
    n: spec.n,
    xFormat: spec.input,
    xWidth,
    idxWidth,
    outWidth: Math.max(xWidth, idxWidth) + 1,
    cntWidth: bitsFor(spec.n - 1),
  };
}
