/**
 * JSON Schemas for the spec files, generated from the zod schemas the loaders
 * use (zod 4's z.toJSONSchema, input side: fields with defaults are optional),
 * so an editor completes and checks a spec as the loader will. `npm run
 * schemas` writes them to schemas/; a test fails when they are stale.
 *
 *   layer.schema.json         one layer of any kind ({"kind": ...}), each kind in $defs
 *   network.schema.json       a network ({"network", "layers": [...]}), its layers as above
 *   board.schema.json         a board definition (boards/*.json, or --board file.json)
 *   energy-table.schema.json  an energy table (--table file.json)
 *
 * A file names its schema with a top-level "$schema" key; every loader accepts
 * and ignores that key (withoutSchemaKey).
 */
import { z } from 'zod';
import { LAYER_KINDS } from './layers/index.ts';
import { networkSpecSchema } from './network/spec.ts';
import { BoardSchema, ice40 } from './target/index.ts';
import { energyTableSchema } from './estimate/tables.ts';

type JsonSchema = Record<string, unknown>;

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
/** The top-level "$schema" key a spec file may carry, for its editor. */
const SCHEMA_KEY: JsonSchema = { type: 'string', description: 'the JSON Schema of this file, for editors; ignored by circa' };

function fromZod(schema: z.ZodType): JsonSchema {
  const s = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete s.$schema;
  return s;
}

/** A document schema: the draft, a title, and "$schema" allowed among the top-level properties. */
function document(title: string, description: string, body: JsonSchema): JsonSchema {
  const properties = { $schema: SCHEMA_KEY, ...(body.properties as JsonSchema) };
  return { $schema: DRAFT, title, description, ...body, properties };
}

/** Each layer kind's schema, keyed by kind, with a title from the kind's summary. */
function layerDefs(): Record<string, JsonSchema> {
  return Object.fromEntries(Object.entries(LAYER_KINDS).map(([name, kind]) => [name, { title: `${name} layer`, description: kind.summary, ...fromZod(kind.schema as z.ZodType) }]));
}

const oneOfKinds = (defs: Record<string, JsonSchema>) => Object.keys(defs).map((k) => ({ $ref: `#/$defs/${k}` }));

/** Every schema file, by file name, in a stable order. */
export function jsonSchemas(): Map<string, JsonSchema> {
  const defs = layerDefs();
  // a layer file: one of the kinds; "$schema" is allowed on each kind's object at the top level
  const layerDefsWithKey = Object.fromEntries(Object.entries(defs).map(([k, d]) => [k, { ...d, properties: { $schema: SCHEMA_KEY, ...(d.properties as JsonSchema) } }]));
  const layer: JsonSchema = {
    $schema: DRAFT,
    title: 'circa layer spec',
    description: `One layer as a design of its own. "kind" picks the schema: ${Object.keys(defs).join(', ')}.`,
    oneOf: oneOfKinds(defs),
    $defs: layerDefsWithKey,
  };
  const net = fromZod(networkSpecSchema);
  const netProps = net.properties as JsonSchema;
  const network = document('circa network spec', 'Layers joined by streams: each layer\'s outputs feed the next layer (same count, same format). A layer\'s name defaults to <network>_l<index>.', {
    ...net,
    properties: { ...netProps, layers: { ...(netProps.layers as JsonSchema), items: { oneOf: oneOfKinds(defs) } } },
    $defs: defs,
  });
  return new Map<string, JsonSchema>([
    ['layer.schema.json', layer],
    ['network.schema.json', network],
    ['board.schema.json', document('circa board', 'An iCE40 board: part, package, clock, UART and LED pins (boards/*.json, or a file given to --board).', boardSchema())],
    ['energy-table.schema.json', document('circa energy table', 'Event prices for the energy model (a file given to --table).', fromZod(energyTableSchema))],
  ]);
}

/**
 * The board schema: BoardSchema checks a part against every registered
 * target at run time; the file lists the built-in target's parts, the boards
 * circa ships (a board of a target registered in code is checked by
 * BoardSchema alone).
 */
function boardSchema(): JsonSchema {
  const body = fromZod(BoardSchema);
  const props = body.properties as Record<string, JsonSchema>;
  return { ...body, properties: { ...props, part: { ...props.part, enum: Object.keys(ice40.parts) } } };
}

/** The text each schema file holds (what `npm run schemas` writes). */
export function schemaFileText(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
