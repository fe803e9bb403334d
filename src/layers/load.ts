/**
 * Reading a layer spec: JSON -> kind lookup -> schema (with defaults) -> plan.
 * Every failure is a CircaInputError that names the field and what is allowed.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { CircaInputError } from '../errors.ts';
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

export function formatZodError(where: string, err: z.ZodError): string {
  const lines = err.issues.map((i) => `${where}${fieldPath(i.path)}: ${i.message}`);
  return lines.join('\n');
}

/** Validate an already-parsed spec object; `where` prefixes messages (e.g. "spec.json: "). */
export function loadLayerSpec(raw: unknown, where = ''): LoadedLayer {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CircaInputError(`${where}(top level): expected a JSON object with a "kind" field`);
  }
  const kindName = (raw as { kind?: unknown }).kind;
  const known = Object.keys(LAYER_KINDS).join(', ');
  if (typeof kindName !== 'string') throw new CircaInputError(`${where}kind: required, one of ${known}`);
  const kind = LAYER_KINDS[kindName];
  if (!kind) throw new CircaInputError(`${where}kind: unknown layer kind "${kindName}"; known kinds: ${known}`);
  const parsed = kind.schema.safeParse(raw);
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
