/** Which schema an example or board file names, and how the "$schema" line is put in (shared by scripts/schemas.ts and its test). */
import { readdirSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';

/** Every spec file: examples/**\/*.json and boards/*.json, as paths relative to the repository root. */
export function specFiles(root = '.'): string[] {
  const walk = (dir: string): string[] => readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(posix.join(dir, e.name)) : e.name.endsWith('.json') ? [posix.join(dir, e.name)] : []);
  return [...walk('examples'), ...walk('boards')];
}

/** The "$schema" value for a spec file (relative to the file, so editors find it in a clone and in the package). */
export function schemaRefFor(file: string, data: unknown): string {
  const isNetwork = typeof data === 'object' && data !== null && 'layers' in data;
  const schema = file.startsWith('boards/') ? 'board.schema.json' : isNetwork ? 'network.schema.json' : 'layer.schema.json';
  return relative(dirname(file), join('schemas', schema)).split('\\').join('/');
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
