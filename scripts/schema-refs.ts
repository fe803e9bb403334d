/** Which schema an example or board file names, and how the "$schema" line is put in (shared by scripts/schemas.ts and its test). */

/** The "$schema" value for a file in examples/ or boards/ (relative, so editors find it in a clone and in the package). */
export function schemaRefFor(folder: string, data: unknown): string {
  if (folder === 'boards') return '../schemas/board.schema.json';
  const isNetwork = typeof data === 'object' && data !== null && 'layers' in data;
  return isNetwork ? '../schemas/network.schema.json' : '../schemas/layer.schema.json';
}

/** The file's text with `"$schema": ref` as its first key, the rest of the text untouched. */
export function withSchemaRef(text: string, ref: string): string {
  const line = `"$schema": ${JSON.stringify(ref)}`;
  const existing = /^(\s*\{\s*)"\$schema"\s*:\s*"[^"]*"/;
  if (existing.test(text)) return text.replace(existing, `$1${line}`);
  const open = text.indexOf('{');
  if (open < 0) throw new Error('not a JSON object');
  const indent = /\{\n(\s+)"/.exec(text)?.[1] ?? '  ';
  return `${text.slice(0, open + 1)}\n${indent}${line},${text.slice(open + 1)}`;
}
