/**
 * Weight sources of the circulant kinds: seeded random reals or explicit
 * values, checked with errors that name the field.
 */
import { CircaInputError } from '../../errors.ts';
import { realSource } from './spectrum.ts';

export type WeightSource = { type: 'random'; seed: number; scale: number; dist: 'uniform' | 'normal' } | { type: 'values' };

interface WeightFields {
  init?: 'random';
  seed?: number;
  scale?: number;
  values?: unknown;
}

function bad(field: string, msg: string): never {
  throw new CircaInputError(`${field}: ${msg}`);
}

/**
 * `count` reals from the weights section: explicit `values` (flattened by
 * the caller's `flatten`, which checks the shape) or seeded random draws,
 * uniform in [-scale, scale] or normal with standard deviation `scale`.
 */
export function drawWeights(
  ws: WeightFields,
  count: number,
  defaultScale: number,
  dist: 'uniform' | 'normal',
  flatten: (values: unknown) => number[],
): { values: number[]; source: WeightSource } {
  if (ws.init !== undefined && ws.values !== undefined) bad('weights', 'give either "init": "random" or "values", not both');
  if (ws.values !== undefined) {
    if (ws.seed !== undefined) bad('weights.seed', 'only used with "init": "random"');
    if (ws.scale !== undefined) bad('weights.scale', 'only used with "init": "random"');
    const values = flatten(ws.values);
    values.forEach((v, i) => {
      if (!Number.isFinite(v)) bad(`weights.values`, `value ${i} is not a finite number`);
    });
    return { values, source: { type: 'values' } };
  }
  const seed = ws.seed ?? 1;
  const scale = ws.scale ?? defaultScale;
  const rnd = realSource(seed);
  const values = Array.from({ length: count }, () => (dist === 'uniform' ? rnd.uniform() : rnd.normal()) * scale);
  return { values, source: { type: 'random', seed, scale, dist } };
}

/** A flat array of exactly `n` numbers. */
export function flatVector(n: number, field: string) {
  return (v: unknown): number[] => {
    if (!Array.isArray(v) || v.some((e) => typeof e !== 'number')) bad(field, `expected an array of ${n} numbers`);
    if (v.length !== n) bad(field, `expected ${n} values, got ${v.length}`);
    return v as number[];
  };
}

/** A sign vector: explicit +-1 values (one per input) or seeded. */
export function drawSigns(s: { seed: number } | number[], n: number, field: string): { signs: number[]; seed: number | null } {
  if (Array.isArray(s)) {
    if (s.length !== n) bad(field, `expected ${n} values (one per input), got ${s.length}`);
    s.forEach((v, i) => {
      if (v !== 1 && v !== -1) bad(`${field}[${i}]`, `must be 1 or -1, got ${v}`);
    });
    return { signs: [...s], seed: null };
  }
  const rnd = realSource(s.seed);
  return { signs: Array.from({ length: n }, () => rnd.sign()), seed: s.seed };
}

export function describeSource(s: WeightSource): string {
  return s.type === 'random' ? `seeded random (seed ${s.seed}, ${s.dist} scale ${Number(s.scale.toPrecision(4))})` : 'explicit values';
}
