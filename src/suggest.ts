/**
 * "Did you mean": the known name closest to a misspelt one, by edit distance
 * (insertions, deletions, substitutions and swaps of neighbours), when it is
 * close enough to be a likely typo: at most 1 edit for names up to 4
 * characters, 2 up to 8, 3 beyond. Case is ignored. And the field names a
 * zod schema allows at a path, the candidates for an unknown field.
 */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest of `known` to `word`, or undefined when none is close. */
export function closest(word: string, known: Iterable<string>): string | undefined {
  // no name is this long: a hostile or garbled key gets no suggestion (and costs no time)
  if (word.length > 64) return undefined;
  const w = word.toLowerCase();
  const limit = w.length <= 4 ? 1 : w.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestD = limit + 1;
  for (const k of known) {
    // lengths further apart than the limit cannot be within it
    if (Math.abs(k.length - w.length) > limit || k.length > 64) continue;
    const d = distance(w, k.toLowerCase());
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

/** ` (did you mean "x"?)`, or '' when nothing is close. */
export function didYouMean(word: string, known: Iterable<string>): string {
  const c = closest(word, known);
  return c === undefined ? '' : ` (did you mean ${JSON.stringify(c)}?)`;
}

/** The inside of a zod schema, as far as finding an object's fields needs (zod 4's `_zod.def`). */
interface SchemaDef {
  type: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  in?: unknown;
  options?: unknown[];
  element?: unknown;
  left?: unknown;
  right?: unknown;
  getter?: () => unknown;
}
const defOf = (schema: unknown): SchemaDef | undefined => (schema as { _zod?: { def?: SchemaDef } } | undefined)?._zod?.def;

/** The objects a schema can be at its top, through wrappers, pipes, unions and intersections. */
function objectsOf(schema: unknown, depth = 0): SchemaDef[] {
  const def = defOf(schema);
  if (!def || depth > 20) return [];
  if (def.type === 'object') return [def];
  if (def.type === 'union') return (def.options ?? []).flatMap((o) => objectsOf(o, depth + 1));
  if (def.type === 'intersection') return [...objectsOf(def.left, depth + 1), ...objectsOf(def.right, depth + 1)];
  if (def.type === 'lazy' && def.getter) return objectsOf(def.getter(), depth + 1);
  const inner = def.innerType ?? def.in;
  return inner ? objectsOf(inner, depth + 1) : [];
}

/** The schema (or schemas, through unions) at a path inside a schema. */
function schemasAt(schema: unknown, path: readonly PropertyKey[], depth = 0): unknown[] {
  if (!path.length) return [schema];
  const def = defOf(schema);
  if (!def || depth > 40) return [];
  const [head, ...rest] = path;
  if (def.type === 'array' && typeof head === 'number') return schemasAt(def.element, rest, depth + 1);
  if (def.type === 'object') return def.shape && typeof head === 'string' && Object.hasOwn(def.shape, head) ? schemasAt(def.shape[head], rest, depth + 1) : [];
  if (def.type === 'union') return (def.options ?? []).flatMap((o) => schemasAt(o, path, depth + 1));
  if (def.type === 'intersection') return [...schemasAt(def.left, path, depth + 1), ...schemasAt(def.right, path, depth + 1)];
  if (def.type === 'lazy' && def.getter) return schemasAt(def.getter(), path, depth + 1);
  const inner = def.innerType ?? def.in;
  return inner ? schemasAt(inner, path, depth + 1) : [];
}

/** The field names a schema allows in the object at `path`. */
export function knownFields(schema: unknown, path: readonly PropertyKey[]): string[] {
  return [...new Set(schemasAt(schema, path).flatMap((s) => objectsOf(s)).flatMap((o) => Object.keys(o.shape ?? {})))];
}
