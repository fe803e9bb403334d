/**
 * Reading a layer spec: JSON -> kind lookup -> schema (with defaults) -> plan.
 * Every failure is a CircaInputError that names the field and what is allowed.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { CircaInputError } from '../errors.ts';
import { parseJsonText, stripBom, withoutSchemaKey } from '../json.ts';
import { didYouMean, knownFields } from '../suggest.ts';
import { kindNamed, LAYER_KINDS } from './index.ts';
import type { LayerKind } from './types.ts';
import { MAX_LAYER_WEIGHTS } from './formats.ts';

export interface LoadedLayer<Plan = any> {
  kind: LayerKind<any, Plan>;
  spec: any;
  plan: Plan;
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[') || '(top level)';
}

/** Longest value echoed in a message; a longer one is cut and its length said. */
export const MAX_SHOWN = 60;

/**
 * A value as a message shows it: JSON-like, at most MAX_SHOWN characters,
 * with bounded recursion (a deeply nested value is shown by its outer levels).
 */
export function show(v: unknown, max = MAX_SHOWN): string {
  const parts: string[] = [];
  let len = 0;
  const put = (s: string): boolean => {
    parts.push(s);
    len += s.length;
    return len <= max;
  };
  const walk = (x: unknown, depth: number): boolean => {
    if (typeof x === 'string') return put(JSON.stringify(x.length > max ? x.slice(0, max + 1) : x));
    if (typeof x !== 'object' || x === null) return put(String(x));
    if (depth >= 3) return put(Array.isArray(x) ? '[...]' : '{...}');
    if (Array.isArray(x)) {
      if (!put('[')) return false;
      for (let i = 0; i < x.length; i++) if ((i > 0 && !put(',')) || !walk(x[i], depth + 1)) return false;
      return put(']');
    }
    if (!put('{')) return false;
    let first = true;
    for (const k of Object.keys(x)) {
      if ((!first && !put(',')) || !put(`${JSON.stringify(k.slice(0, max + 1))}:`) || !walk((x as Record<string, unknown>)[k], depth + 1)) return false;
      first = false;
    }
    return put('}');
  };
  walk(v, 0);
  const text = parts.join('');
  if (text.length <= max) return text;
  const size = typeof v === 'string' ? `${v.length.toLocaleString('en-US')} characters` : Array.isArray(v) ? `${v.length.toLocaleString('en-US')} entries` : 'cut';
  return `${text.slice(0, max)}... (${size})`;
}

/** Deepest nesting of objects and arrays a spec may have (real specs need 4: weights[row][col] inside a layer inside a network). */
export const MAX_JSON_DEPTH = 32;

/**
 * Checks every spec gets before its schema: nesting at most MAX_JSON_DEPTH
 * deep (so nothing downstream recurses without bound) and no "__proto__",
 * "constructor" or "prototype" keys (which plain-object code would misread).
 */
export function checkJsonShape(raw: unknown, where = ''): void {
  // depth-first, recursing at most MAX_JSON_DEPTH deep; the path of keys is
  // kept as a stack and joined only for a message (a million rows cost no strings)
  const keys: (string | number)[] = [];
  const at = () => keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${k.length > MAX_SHOWN ? `${k.slice(0, MAX_SHOWN)}...` : k}`)).join('') || '(top level)';
  const walk = (v: unknown, depth: number): void => {
    if (typeof v !== 'object' || v === null) return;
    if (depth >= MAX_JSON_DEPTH) throw new CircaInputError(`${where}${at()}: nested more than ${MAX_JSON_DEPTH} levels deep; no spec field needs that`);
    if (Array.isArray(v)) {
      // the length first: a sparse array of 2^32 - 1 holes would take minutes to walk
      if (v.length > MAX_LAYER_WEIGHTS) {
        throw new CircaInputError(`${where}${at()}: an array of ${v.length.toLocaleString('en-US')} entries; no spec field takes more than ${MAX_LAYER_WEIGHTS.toLocaleString('en-US')} (a layer's limit of weights)`);
      }
      // only arrays of objects or arrays need walking; a long array of numbers is skipped quickly,
      // and so is a row of numbers (weights.values[i]) without a call of its own
      for (let i = 0; i < v.length; i++) {
        const e = v[i];
        if (typeof e !== 'object' || e === null) continue;
        if (Array.isArray(e) && e.length <= MAX_LAYER_WEIGHTS && depth + 1 < MAX_JSON_DEPTH) {
          let flat = true;
          for (let j = 0; j < e.length && flat; j++) flat = typeof e[j] !== 'object' || e[j] === null;
          if (flat) continue;
        }
        keys.push(i);
        walk(e, depth + 1);
        keys.pop();
      }
      return;
    }
    for (const k of Object.keys(v)) {
      keys.push(k);
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') throw new CircaInputError(`${where}${at()}: unknown field ${JSON.stringify(k)}`);
      walk((v as Record<string, unknown>)[k], depth + 1);
      keys.pop();
    }
  };
  walk(raw, 0);
}

/**
 * A layer kind's counts face on a raw layer spec (the array lengths its sizes
 * fix), before the spec is walked or parsed: it reads only the fields it
 * names, so it is safe on any JSON data. A spec of an unknown kind is left to
 * the checks that name it.
 */
export function checkCounts(raw: unknown, where = ''): void {
  if (typeof raw !== 'object' || raw === null || !Object.hasOwn(raw, 'kind')) return;
  const kindName = (raw as { kind?: unknown }).kind;
  const kind = typeof kindName === 'string' ? kindNamed(kindName) : undefined;
  try {
    kind?.counts?.(raw as Record<string, unknown>);
  } catch (e) {
    if (e instanceof CircaInputError) throw new CircaInputError(`${where}${e.message}`);
    throw e;
  }
}

/** One line per problem: the field, what is allowed, and (where known) what was given. */
function issueText(i: z.core.$ZodIssue): string {
  const got = 'input' in i && i.input !== undefined ? `, got ${show(i.input)}` : '';
  switch (i.code) {
    case 'too_small':
      if (i.origin === 'array') return `needs at least ${i.minimum} entr${Number(i.minimum) === 1 ? 'y' : 'ies'}`;
      return `must be ${i.inclusive ? '>=' : '>'} ${i.minimum}${got}`;
    case 'too_big':
      if (i.origin === 'array') return `allows at most ${i.maximum} entries`;
      return `must be ${i.inclusive ? '<=' : '<'} ${i.maximum}${got}`;
    case 'invalid_value':
      return `must be one of ${i.values.map((v) => show(v)).join(', ')}${got}`;
    case 'invalid_type':
      if (i.input === undefined) return `required (${i.expected})`;
      return i.expected === 'int' ? `must be an integer${got}` : `expected ${i.expected}${got}`;
    case 'unrecognized_keys':
      return `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.slice(0, MAX_ISSUES).map((k) => show(k)).join(', ')}${i.keys.length > MAX_ISSUES ? `, ... (${i.keys.length} in all)` : ''}`;
    case 'invalid_union': {
      // a discriminated union: name the allowed tags and the one given
      const m = /Expected (.*)$/.exec(i.message);
      const key = i.path[i.path.length - 1];
      const given = typeof i.input === 'object' && i.input !== null && typeof key === 'string' ? (i.input as Record<string, unknown>)[key] : undefined;
      return m ? `must be one of ${m[1]}${given !== undefined ? `, got ${show(given)}` : ''}` : i.message;
    }
    default:
      return i.message;
  }
}

/** Problems listed in one message; more are counted, not listed. */
const MAX_ISSUES = 5;

/**
 * One line per problem (at most MAX_ISSUES), each naming the field. Given the
 * schema that failed, an unknown field gets the closest known one as a
 * "did you mean".
 */
export function formatZodError(where: string, err: z.ZodError, schema?: unknown): string {
  // .int() also checks the safe-integer range; with a tighter bound on the same field that one says nothing
  const samePath = (a: z.core.$ZodIssue, b: z.core.$ZodIssue) => a !== b && a.path.length === b.path.length && a.path.every((p, k) => p === b.path[k]);
  const safeBound = (i: z.core.$ZodIssue) =>
    (i.code === 'too_big' && Number(i.maximum) === Number.MAX_SAFE_INTEGER) || (i.code === 'too_small' && Number(i.minimum) === Number.MIN_SAFE_INTEGER);
  const issues = err.issues.filter((i) => !(safeBound(i) && err.issues.some((j) => samePath(i, j))));
  const more = issues.length - MAX_ISSUES;
  return issues
    .slice(0, MAX_ISSUES)
    .map((i) => {
      const keys = i.code === 'unrecognized_keys' ? i.keys : [];
      const path = keys.length === 1 ? [...i.path, keys[0]] : i.path;
      const hint = keys.length === 1 && schema !== undefined ? didYouMean(keys[0], knownFields(schema, i.path)) : '';
      return `${where}${fieldPath(path.map((p) => (typeof p === 'string' && p.length > MAX_SHOWN ? `${p.slice(0, MAX_SHOWN)}...` : p)))}: ${issueText(i as z.core.$ZodIssue)}${hint}`;
    })
    .concat(more > 0 ? [`(and ${more.toLocaleString('en-US')} more problem${more === 1 ? '' : 's'})`] : [])
    .join('\n');
}

/** Validate an already-parsed spec object; `where` prefixes messages (e.g. "spec.json: "). */
export function loadLayerSpec(spec: unknown, where = ''): LoadedLayer {
  const raw = withoutSchemaKey(spec);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CircaInputError(`${where}(top level): expected a JSON object with a "kind" field`);
  }
  checkCounts(raw, where); // counts before contents: before anything walks every value
  checkJsonShape(raw, where);
  const kindName = (raw as { kind?: unknown }).kind;
  const known = Object.keys(LAYER_KINDS).join(', ');
  if (typeof kindName !== 'string') throw new CircaInputError(`${where}kind: required, one of ${known}`);
  const kind = kindNamed(kindName);
  if (!kind) throw new CircaInputError(`${where}kind: unknown layer kind ${show(kindName)}; known kinds: ${known}`);
  const parsed = kind.schema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new CircaInputError(formatZodError(where, parsed.error, kind.schema));
  try {
    return { kind, spec: parsed.data, plan: kind.plan(parsed.data) };
  } catch (e) {
    if (e instanceof CircaInputError) throw new CircaInputError(`${where}${e.message}`);
    throw e;
  }
}

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CircaInputError(`${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  text = stripBom(text);
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new CircaInputError(`${path}: malformed JSON at ${parsed.error}`);
  const raw = parsed.value;
  checkJsonShape(raw, `${path}: `); // before anything (a sweep's clone, a schema) walks it
  return raw;
}

export function loadLayerFile(path: string): LoadedLayer {
  return loadLayerSpec(readJsonFile(path), `${path}: `);
}
