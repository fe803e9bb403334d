/**
 * Reading a layer spec: JSON -> kind lookup -> schema (with defaults) -> plan.
 * Every failure is a CircaInputError that names the field and what is allowed.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { CircaInputError } from '../errors.ts';
import { withoutSchemaKey } from '../json.ts';
import { LAYER_KINDS } from './index.ts';
import type { LayerKind } from './types.ts';

export interface LoadedLayer<Plan = any> {
  kind: LayerKind<any, Plan>;
  spec: any;
  plan: Plan;
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[') || '(top level)';
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' ? JSON.stringify(v)?.slice(0, 40) : String(v));

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
      return `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => show(k)).join(', ')}`;
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

export function formatZodError(where: string, err: z.ZodError): string {
  return err.issues
    .map((i) => {
      const keys = i.code === 'unrecognized_keys' ? i.keys : [];
      const path = keys.length === 1 ? [...i.path, keys[0]] : i.path;
      return `${where}${fieldPath(path)}: ${issueText(i as z.core.$ZodIssue)}`;
    })
    .join('\n');
}

/** Validate an already-parsed spec object; `where` prefixes messages (e.g. "spec.json: "). */
export function loadLayerSpec(spec: unknown, where = ''): LoadedLayer {
  const raw = withoutSchemaKey(spec);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CircaInputError(`${where}(top level): expected a JSON object with a "kind" field`);
  }
  const kindName = (raw as { kind?: unknown }).kind;
  const known = Object.keys(LAYER_KINDS).join(', ');
  if (typeof kindName !== 'string') throw new CircaInputError(`${where}kind: required, one of ${known}`);
  const kind = LAYER_KINDS[kindName];
  if (!kind) throw new CircaInputError(`${where}kind: unknown layer kind "${kindName}"; known kinds: ${known}`);
  const parsed = kind.schema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new CircaInputError(formatZodError(where, parsed.error));
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
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CircaInputError(`${path}: malformed JSON: ${(e as Error).message}`);
  }
}

export function loadLayerFile(path: string): LoadedLayer {
  return loadLayerSpec(readJsonFile(path), `${path}: `);
}
