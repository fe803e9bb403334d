/**
 * The JSON Schemas in schemas/ (generated from the zod schemas by `npm run
 * schemas`): current, named by every example and board file, and accepting
 * exactly what the loaders accept on the files we ship (checked with ajv).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { jsonSchemas, schemaFileText } from '../src/schemas.ts';
import { schemaRefFor, specFiles, withSchemaRef } from '../scripts/schema-refs.ts';
import { LAYER_KINDS } from '../src/layers/index.ts';
import { BUILTIN_TABLES, parseEnergyTable } from '../src/estimate/tables.ts';
import { parseBoard } from '../src/target/ice40/boards.ts';
import { designFromSpec } from '../src/index.ts';

const SPEC_FILES = specFiles();

const ajv = new Ajv2020({ allErrors: true, strict: true });
for (const name of readdirSync('schemas')) ajv.addSchema(JSON.parse(readFileSync(join('schemas', name), 'utf8')), name);
const validate = (schema: string, data: unknown) => {
  const v = ajv.getSchema(schema)!;
  return v(data) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

describe('schemas/ is current', () => {
  it('each file equals what src/schemas.ts generates today, and nothing else is there (run npm run schemas)', () => {
    const want = jsonSchemas();
    expect(readdirSync('schemas').sort()).toEqual([...want.keys()].sort());
    for (const [name, schema] of want) {
      expect(readFileSync(join('schemas', name), 'utf8'), `schemas/${name} is stale: run npm run schemas`).toBe(schemaFileText(schema));
    }
  });

  it('every layer kind has its schema in layer.schema.json and network.schema.json', () => {
    const layer = JSON.parse(readFileSync('schemas/layer.schema.json', 'utf8')) as { $defs: Record<string, unknown> };
    const network = JSON.parse(readFileSync('schemas/network.schema.json', 'utf8')) as { $defs: Record<string, unknown> };
    expect(Object.keys(layer.$defs).sort()).toEqual(Object.keys(LAYER_KINDS).sort());
    expect(Object.keys(network.$defs).sort()).toEqual(Object.keys(LAYER_KINDS).sort());
  });
});

describe('every example and board names its schema and validates against it', () => {
  for (const path of SPEC_FILES) {
    it(path, () => {
      const text = readFileSync(path, 'utf8');
      const data = JSON.parse(text) as { $schema?: string };
      const ref = schemaRefFor(path, data);
      expect(data.$schema).toBe(ref);
      expect(withSchemaRef(text, ref)).toBe(text);
      expect(validate(ref.replace(/^(\.\.\/)+schemas\//, ''), data)).toEqual([]);
    });
  }

  it('the built-in energy tables validate against energy-table.schema.json', () => {
    for (const t of Object.values(BUILTIN_TABLES)) expect(validate('energy-table.schema.json', t), t.name).toEqual([]);
  });
});

describe('the schemas check what the loaders check', () => {
  const tvscm = JSON.parse(readFileSync('examples/tvscm-784.json', 'utf8')) as Record<string, unknown>;
  const net = JSON.parse(readFileSync('examples/mnist-tvscm.json', 'utf8')) as { layers: Record<string, unknown>[] };
  const board = JSON.parse(readFileSync('boards/icebreaker.json', 'utf8')) as Record<string, unknown>;
  const cases: [string, string, unknown, RegExp][] = [
    ['an unknown field', 'layer.schema.json', { ...tvscm, lane: 4 }, /lane/],
    ['a value out of range', 'layer.schema.json', { ...tvscm, n: 2 }, /n/],
    ['an unknown kind', 'layer.schema.json', { ...tvscm, kind: 'conv' }, /kind/],
    ['a bad enum in a network layer', 'network.schema.json', { ...net, layers: [{ ...net.layers[0], placement: { type: 'diagonal' } }, ...net.layers.slice(1)] }, /placement/],
    ['a bad schedule', 'network.schema.json', { ...net, schedule: 'parallel' }, /schedule/],
    ['a board with an unknown part', 'board.schema.json', { ...board, part: 'ECP5' }, /part/],
  ];
  for (const [label, schema, data, field] of cases) {
    it(`${label}: the schema refuses it, and so does the loader`, () => {
      const errors = validate(schema, data);
      expect(errors.length).toBeGreaterThan(0);
      expect(() => (schema === 'board.schema.json' ? parseBoard(data, 'x') : designFromSpec(data))).toThrow(field);
    });
  }

  it('the loaders accept and ignore "$schema" (and a file without it loads the same)', () => {
    const { $schema: _s, ...plain } = tvscm;
    expect(designFromSpec(tvscm).cost()).toEqual(designFromSpec(plain).cost());
    const { $schema: _b, ...plainBoard } = board;
    expect(parseBoard(board, 'x')).toEqual(parseBoard(plainBoard, 'x'));
    const table = { $schema: '../schemas/energy-table.schema.json', ...BUILTIN_TABLES['ice40-up5k'] };
    expect(parseEnergyTable(table, 'x')).toEqual(parseEnergyTable(BUILTIN_TABLES['ice40-up5k'], 'x'));
  });
});
