/**
 * `npm run schemas`: write the JSON Schemas of the spec files (src/schemas.ts)
 * to schemas/, and point every example and board file at its schema with a
 * top-level "$schema" key. test/schemas.test.ts fails when either is stale.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemas, schemaFileText } from '../src/schemas.ts';
import { schemaRefFor, specFiles, withSchemaRef } from './schema-refs.ts';

const root = join(import.meta.dirname, '..');
const dir = join(root, 'schemas');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir);
for (const [name, schema] of jsonSchemas()) writeFileSync(join(dir, name), schemaFileText(schema));
console.log(`wrote ${readdirSync(dir).length} schemas to schemas/`);

let changed = 0;
for (const file of specFiles(root)) {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  const next = withSchemaRef(text, schemaRefFor(file, JSON.parse(text)));
  if (next !== text) {
    writeFileSync(path, next);
    changed++;
  }
}
console.log(`"$schema" set in ${changed} example/board file(s)`);
