/**
 * The library's arguments checked as the command checks its flags and the
 * spec loader its fields (issue 22): every convenience function of
 * src/index.ts reads its options and arguments through here, so a bad one is
 * a CircaInputError naming the function and the field, never a TypeError
 * from deep inside (`estimate(design, { part: 'bogus' })`, `estimate(null)`,
 * a getter that throws, a revoked Proxy, a BigInt, the string "12" for a
 * number).
 *
 * Options are first copied into a plain object, each field read once inside
 * a try (a getter that throws, or a revoked Proxy, is an input error naming
 * the field), then checked with zod schemas like the spec's (strict: an
 * unknown option is named, not ignored), with the spec's error format.
 */
import { z } from 'zod';
import { CircaInputError } from './errors.ts';
import { formatZodError, show } from './layers/load.ts';
import { isDesign, type Design } from './network/design.ts';
import { findPart, partNames } from './target/index.ts';
import { SIMULATORS } from './sim/simulator.ts';
import { MAX_LAYER_WEIGHTS } from './layers/formats.ts';
import { MAX_JSON_DEPTH } from './layers/load.ts';

/** Array.isArray, false for a revoked Proxy (which throws on it) */
const isArray = (v: unknown): boolean => {
  try {
    return Array.isArray(v);
  } catch {
    return false;
  }
};

const describe = (v: unknown): string =>
  v === null ? 'null' : isArray(v) ? 'an array' : typeof v === 'bigint' ? `the BigInt ${String(v).slice(0, 40)}n` : typeof v === 'string' ? `the string ${JSON.stringify(v.slice(0, 40))}` : typeof v;

/** Why reading a value threw, for a message (a revoked Proxy's TypeError, a getter's own error). */
const why = (e: unknown) => {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 100 ? `${m.slice(0, 100)}...` : m;
};

/** The own enumerable fields of an options object, each read once; undefined is {}. */
export function readOptions(fn: string, opts: unknown, arg = 'options'): Record<string, unknown> {
  if (opts === undefined) return {};
  if (typeof opts !== 'object' || opts === null || isArray(opts)) throw new CircaInputError(`${fn}: ${arg}: expected an object, got ${describe(opts)}`);
  let keys: string[];
  try {
    keys = Object.keys(opts);
  } catch (e) {
    throw new CircaInputError(`${fn}: ${arg}: cannot be read (${why(e)})`);
  }
  const out: Record<string, unknown> = Object.create(null);
  for (const k of keys) {
    try {
      out[k] = (opts as Record<string, unknown>)[k];
    } catch (e) {
      throw new CircaInputError(`${fn}: ${arg}.${k.slice(0, 60)}: reading it threw (${why(e)})`);
    }
  }
  return out;
}

/**
 * A spec object as plain JSON-like data: each field read once (a getter that
 * throws or a revoked Proxy is an input error naming the field), BigInts,
 * functions and symbols refused, arrays bounded by length before they are
 * walked, nesting bounded. The copy is what gets planned.
 */
export function plainSpec(fn: string, spec: unknown, arg = 'spec'): unknown {
  const keys: (string | number)[] = [];
  const at = () => `${fn}: ${arg}${keys.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k.slice(0, 60)}`)).join('')}`;
  const copy = (v: unknown, depth: number): unknown => {
    if (typeof v === 'bigint' || typeof v === 'function' || typeof v === 'symbol') throw new CircaInputError(`${at()}: ${describe(v)} is not JSON data (a number, string, boolean, null, array or object)`);
    if (typeof v !== 'object' || v === null) return v;
    if (depth >= MAX_JSON_DEPTH) throw new CircaInputError(`${at()}: nested more than ${MAX_JSON_DEPTH} levels deep; no spec field needs that`);
    let isArray: boolean;
    let names: string[] = [];
    let length = 0;
    try {
      isArray = Array.isArray(v);
      if (isArray) length = (v as unknown[]).length;
      else names = Object.keys(v);
    } catch (e) {
      throw new CircaInputError(`${at()}: cannot be read (${why(e)})`);
    }
    if (isArray) {
      if (length > MAX_LAYER_WEIGHTS) throw new CircaInputError(`${at()}: an array of ${length.toLocaleString('en-US')} entries; no spec field takes more than ${MAX_LAYER_WEIGHTS.toLocaleString('en-US')} (a layer's limit of weights)`);
      const out = new Array<unknown>(length);
      for (let i = 0; i < length; i++) {
        keys.push(i);
        out[i] = copy(read(v, i), depth + 1);
        keys.pop();
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const k of names) {
      keys.push(k);
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') throw new CircaInputError(`${at()}: unknown field ${JSON.stringify(k)}`);
      out[k] = copy(read(v, k), depth + 1);
      keys.pop();
    }
    return out;
  };
  const read = (o: object, k: string | number): unknown => {
    try {
      return (o as Record<string | number, unknown>)[k];
    } catch (e) {
      throw new CircaInputError(`${at()}: reading it threw (${why(e)})`);
    }
  };
  return copy(spec, 0);
}

/** A Design made by loadDesign, designFromSpec or designFromPlan. */
export function checkDesign(fn: string, d: unknown, arg = 'design'): Design {
  if (!isDesign(d)) throw new CircaInputError(`${fn}: ${arg}: expected a Design made by loadDesign or designFromSpec, got ${describe(d)}`);
  return d;
}

/** One input vector of raw values, copied into a plain array (the reference faces check its length and values). */
export function inputVector(fn: string, x: unknown, arg = 'x'): number[] {
  let length: number;
  try {
    if (!Array.isArray(x) && !ArrayBuffer.isView(x)) throw new CircaInputError(`${fn}: ${arg}: expected an array of raw input values, got ${describe(x)}`);
    length = (x as ArrayLike<unknown>).length;
  } catch (e) {
    if (e instanceof CircaInputError) throw e;
    throw new CircaInputError(`${fn}: ${arg}: cannot be read (${why(e)})`);
  }
  if (length > MAX_LAYER_WEIGHTS) throw new CircaInputError(`${fn}: ${arg}: ${length.toLocaleString('en-US')} values; no design takes that many`);
  const out = new Array<number>(length);
  for (let i = 0; i < length; i++) {
    let v: unknown;
    try {
      v = (x as ArrayLike<unknown>)[i];
    } catch (e) {
      throw new CircaInputError(`${fn}: ${arg}[${i}]: reading it threw (${why(e)})`);
    }
    if (typeof v !== 'number') throw new CircaInputError(`${fn}: ${arg}[${i}]: expected a number (a raw integer of the input format), got ${describe(v)}`);
    out[i] = v;
  }
  return out;
}

/** Options through a zod schema, errors in the spec's format: `estimate: options.part: must be one of ...`. */
export function parseOptions<T>(fn: string, schema: z.ZodType<T>, opts: unknown, arg = 'options'): T {
  const plain = readOptions(fn, opts, arg);
  const r = schema.safeParse(plain, { reportInput: true });
  if (!r.success) throw new CircaInputError(formatZodError(`${fn}: ${arg}.`, r.error));
  return r.data;
}

// ---------------------------------------------------------------------------
// The options' schemas
// ---------------------------------------------------------------------------
/** A clock in MHz: a finite positive number (not a string); the PLL's own range is checked where it is planned. */
export const clockSchema = z.number().positive().finite().max(1000);
/** A part of a registered target (src/target/: the iCE40's, and any registerTarget() added). */
export const partSchema = z.custom<string>((v) => typeof v === 'string' && findPart(v) !== undefined, {
  error: (iss) => `must be one of ${partNames().map((p) => show(p)).join(', ')}, got ${show(iss.input)}`,
});
export const toolchainSchema = z.enum(['yowasp', 'native']);
/** An object passed through as it is (a class instance keeps its prototype, which a zod object would drop). */
const objectSchema = z.custom<object>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { message: 'expected an object' });
/** A board: its name or JSON path, or a parsed board object (checked by loadBoard/parseBoard where it is used). */
const boardSchema = z.union([z.string().min(1).max(4096), objectSchema]);
const fnSchema = z.custom<(...a: never[]) => unknown>((v) => typeof v === 'function', { message: 'expected a function' });
const count = (max = Number.MAX_SAFE_INTEGER) => z.number().int().min(0).max(max);

export const estimateOptionsSchema = z.strictObject({ part: partSchema.optional(), clockMHz: clockSchema.optional(), toolchain: toolchainSchema.optional() });
/** outDir is checked by the output module (src/cli/output.ts), not here. */
export const generateOptionsSchema = z.strictObject({ board: boardSchema.optional(), clockMHz: clockSchema.optional(), outDir: z.unknown().optional(), force: z.boolean().optional() });
export const buildOptionsSchema = z.strictObject({
  board: boardSchema.optional(), toolchain: toolchainSchema.optional(), outDir: z.unknown(), force: z.boolean().optional(), seed: count(2 ** 31 - 1).optional(), clockMHz: clockSchema.optional(), onProgress: fnSchema.optional(),
  progressEveryMs: z.number().int().min(100).max(3_600_000).optional(),
});
export const compareOptionsSchema = z.strictObject({
  clockMHz: clockSchema.optional(), part: partSchema.optional(), table: objectSchema.optional(), paper: z.enum(['mnist', 'mitbih']).optional(),
});
export const simulateOptionsSchema = z.strictObject({
  vectors: z.number().int().min(1).max(10_000_000).optional(),
  seed: count(2 ** 31 - 1).optional(),
  validPct: z.number().min(1).max(100).optional(),
  readyPct: z.number().min(1).max(100).optional(),
  inputs: z.array(z.unknown()).optional(),
  source: objectSchema.optional(),
  referenceCacheValues: count().optional(),
  keepCycles: z.boolean().optional(),
  onVector: fnSchema.optional(),
  set: objectSchema.optional(),
  keepOutputs: z.boolean().optional(),
  onProgress: fnSchema.optional(),
  simulator: z.enum(['auto', ...SIMULATORS]).optional(),
  // the VCD paths are checked by the output module, where they are written
  vcd: z.unknown().optional(),
  mismatchVcd: z.unknown().optional(),
  chunkBytes: z.number().int().min(1).max(2 ** 30).optional(),
  tamper: fnSchema.optional(),
});
