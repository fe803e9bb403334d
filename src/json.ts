/**
 * A spec, board or energy-table file may name its JSON Schema (schemas/) with a
 * top-level "$schema" key, for editors. The loaders drop it before validating.
 */
export function withoutSchemaKey(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !('$schema' in raw)) return raw;
  const { $schema: _ignored, ...rest } = raw as Record<string, unknown>;
  return rest;
}

/** JSON text without a leading byte-order mark (some Windows editors write one; JSON.parse refuses it). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
