/**
 * Weight files: named tensors read from NumPy .npy/.npz (npyjs parses and
 * writes the .npy format; fflate reads and writes the .npz zip), ONNX models
 * (initializers by name, decoded with onnx-proto's protobuf definitions) and
 * JSON. circa's own weight files are .npz with one tensor per learnable
 * tensor, named `<layer>.<tensor>` (the names the kinds' train faces give:
 * `fc10.weight`, `fc10.bias`, `tvscm784.a`, `circ784.r`, ...). Integer
 * dtypes hold raw fixed-point values, float dtypes reals.
 */
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { dump, parse, type DType } from 'npyjs';
import { unzipSync, zipSync } from 'fflate';
import { createRequire } from 'node:module';
import type onnxProto from 'onnx-proto';
import { CircaInputError } from '../errors.ts';

export interface Tensor {
  shape: number[];
  data: Float64Array;
  /** integer dtype in the file: raw fixed-point values */
  integer: boolean;
  /** the file's dtype, for messages */
  dtype: string;
}

export type TensorMap = Map<string, Tensor>;

/** A path as messages show it: a long one cut in the middle. */
const shownPath = (file: string) => (file.length > 200 ? `${file.slice(0, 120)}...${file.slice(-60)}` : file);

/** A tensor name from a file as messages show it (cut, so a huge name is not echoed whole). */
const cut = (name: string) => (name.length > 60 ? `${name.slice(0, 60)}...` : name);

const bad = (file: string, msg: string): never => {
  throw new CircaInputError(`${shownPath(file)}: ${msg}`);
};

const INT_DTYPES = new Set(['i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8']);
const FLOAT_DTYPES = new Set(['f2', 'f4', 'f8']);

function fromNpy(buf: Uint8Array, file: string, name: string): Tensor {
  let arr: ReturnType<typeof parse>;
  try {
    const copy = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    arr = parse(copy);
  } catch (e) {
    return bad(file, `${cut(name)}: not a valid .npy array (${(e as Error).message})`);
  }
  if (!INT_DTYPES.has(arr.dtype) && !FLOAT_DTYPES.has(arr.dtype)) {
    bad(file, `${cut(name)}: dtype ${arr.dtype} is not supported; use a float (f2, f4, f8) or integer (i1..i8, u1..u8) dtype`);
  }
  if (arr.fortranOrder) bad(file, `${cut(name)}: Fortran-ordered array; save it with numpy.ascontiguousarray`);
  const src = arr.data as unknown as ArrayLike<number | bigint>;
  const data = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) data[i] = Number(src[i]);
  return { shape: arr.shape, data, integer: INT_DTYPES.has(arr.dtype), dtype: arr.dtype };
}

function readNpz(buf: Uint8Array, file: string): TensorMap {
  let entries: Record<string, Uint8Array>;
  let big: { name: string; size: number } | undefined;
  try {
    // an entry that would inflate past the limit (a zip bomb, or a lying header) is not inflated
    entries = unzipSync(buf, {
      filter: (f) => {
        if (f.originalSize > MAX_WEIGHT_FILE_BYTES) big ??= { name: f.name, size: f.originalSize };
        return !big;
      },
    });
  } catch (e) {
    return bad(file, `not a valid .npz (zip) file (${(e as Error).message})`);
  }
  if (big) return bad(file, `entry ${JSON.stringify(big.name.slice(0, 60))} inflates to ${big.size.toLocaleString('en-US')} bytes, over circa's limit of ${MAX_WEIGHT_FILE_BYTES.toLocaleString('en-US')}`);
  const out: TensorMap = new Map();
  for (const [entry, bytes] of Object.entries(entries)) {
    if (!entry.endsWith('.npy')) continue;
    const name = entry.slice(0, -4);
    out.set(name, fromNpy(bytes, file, name));
  }
  if (out.size === 0) bad(file, 'the .npz holds no .npy arrays');
  return out;
}

const ONNX_TYPES: Record<number, { name: string; bytes: number; integer: boolean; read: (v: DataView, o: number) => number }> = {
  1: { name: 'float32', bytes: 4, integer: false, read: (v, o) => v.getFloat32(o, true) },
  11: { name: 'float64', bytes: 8, integer: false, read: (v, o) => v.getFloat64(o, true) },
  2: { name: 'uint8', bytes: 1, integer: true, read: (v, o) => v.getUint8(o) },
  3: { name: 'int8', bytes: 1, integer: true, read: (v, o) => v.getInt8(o) },
  5: { name: 'int16', bytes: 2, integer: true, read: (v, o) => v.getInt16(o, true) },
  6: { name: 'int32', bytes: 4, integer: true, read: (v, o) => v.getInt32(o, true) },
  7: { name: 'int64', bytes: 8, integer: true, read: (v, o) => Number(v.getBigInt64(o, true)) },
};

/** onnx-proto (protobufjs) is loaded when an ONNX file is read, not at every start of the command (it costs ~60 ms). */
const loadOnnxProto = (): typeof onnxProto => createRequire(import.meta.url)('onnx-proto') as typeof onnxProto;

function readOnnx(buf: Uint8Array, file: string): TensorMap {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = loadOnnxProto().onnx.ModelProto.decode(buf);
  } catch (e) {
    return bad(file, `not a valid ONNX model (${(e as Error).message})`);
  }
  const out: TensorMap = new Map();
  for (const t of model.graph?.initializer ?? []) {
    const name = t.name ?? '';
    const type = ONNX_TYPES[t.dataType ?? 0];
    if (!type) bad(file, `initializer ${cut(name)}: ONNX data type ${t.dataType} is not supported (float, double or an integer type)`);
    const shape = (t.dims ?? []).map((d) => Number(d));
    const count = shape.reduce((a, b) => a * b, 1);
    let data: Float64Array;
    if (t.rawData && t.rawData.length > 0) {
      const raw = t.rawData;
      if (raw.length !== count * type.bytes) bad(file, `initializer ${cut(name)}: ${raw.length} bytes of raw data for shape [${shape.join(', ')}] of ${type.name}`);
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      data = Float64Array.from({ length: count }, (_, i) => type.read(view, i * type.bytes));
    } else {
      const list: ArrayLike<number | { toNumber(): number }> =
        type.name === 'float32' ? t.floatData ?? [] : type.name === 'float64' ? t.doubleData ?? [] : type.name === 'int64' ? t.int64Data ?? [] : t.int32Data ?? [];
      if (list.length !== count) bad(file, `initializer ${cut(name)}: ${list.length} values for shape [${shape.join(', ')}]`);
      data = Float64Array.from({ length: count }, (_, i) => {
        const v = list[i];
        return typeof v === 'number' ? v : v.toNumber();
      });
    }
    out.set(name, { shape, data, integer: type.integer, dtype: type.name });
  }
  if (out.size === 0) bad(file, 'the ONNX model has no initializers (weights)');
  return out;
}

/** Deepest nesting of a JSON tensor (a tensor of rank 8 is more than any layer has). */
const MAX_TENSOR_RANK = 8;

function shapeOf(v: unknown, file: string, name: string, depth = 0): number[] {
  if (typeof v === 'number') return [];
  if (!Array.isArray(v) || v.length === 0) return bad(file, `${cut(name)}: expected a number or a non-empty (nested) array of numbers`);
  if (depth >= MAX_TENSOR_RANK) return bad(file, `${cut(name)}: nested more than ${MAX_TENSOR_RANK} levels deep; no layer's tensor has that rank`);
  const inner = shapeOf(v[0], file, name, depth + 1);
  for (const e of v) {
    if (JSON.stringify(shapeOf(e, file, name, depth + 1)) !== JSON.stringify(inner)) bad(file, `${cut(name)}: ragged nested array`);
  }
  return [v.length, ...inner];
}

function readJsonTensors(buf: Uint8Array, file: string): TensorMap {
  let obj: unknown;
  try {
    obj = JSON.parse(new TextDecoder().decode(buf));
  } catch (e) {
    return bad(file, `malformed JSON (${(e as Error).message})`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) bad(file, 'expected an object of named tensors, e.g. {"fc10.weight": [[...]], "fc10.bias": [...]}');
  const out: TensorMap = new Map();
  for (const [name, v] of Object.entries(obj as Record<string, unknown>)) {
    const shape = shapeOf(v, file, name);
    const flat = [v].flat(Infinity) as unknown[];
    if (flat.some((e) => typeof e !== 'number')) bad(file, `${cut(name)}: holds a value that is not a number`);
    out.set(name, { shape, data: Float64Array.from(flat as number[]), integer: false, dtype: 'json' });
  }
  return out;
}

/** Largest weight file read (and largest .npz entry inflated): far above any iCE40's memory. */
export const MAX_WEIGHT_FILE_BYTES = 256 * 2 ** 20;

/** Named tensors from a .npy (one tensor, named after the file), .npz, .onnx or .json file. */
export function readTensors(file: string): TensorMap {
  const ext = extname(file).toLowerCase();
  // the type, then what the path is, before reading: a device (/dev/zero) or a FIFO would never end
  if (!['.npz', '.npy', '.onnx', '.json'].includes(ext)) return bad(file, `unknown weight file type "${ext.slice(0, 20)}"; expected .npz, .npy, .onnx or .json`);
  let buf: Uint8Array;
  try {
    const st = statSync(file);
    if (!st.isFile()) return bad(file, `not a regular file (${st.isDirectory() ? 'a directory' : 'a device, FIFO or socket'})`);
    if (st.size > MAX_WEIGHT_FILE_BYTES) return bad(file, `${st.size.toLocaleString('en-US')} bytes is over circa's limit of ${MAX_WEIGHT_FILE_BYTES.toLocaleString('en-US')} for a weight file`);
    buf = readFileSync(file);
  } catch (e) {
    if (e instanceof CircaInputError) throw e;
    return bad(file, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (ext === '.npz') return readNpz(buf, file);
  if (ext === '.npy') {
    const name = file.replace(/^.*[\\/]/, '').slice(0, -4);
    return new Map([[name, fromNpy(buf, file, name)]]);
  }
  if (ext === '.onnx') return readOnnx(buf, file);
  if (ext === '.json') return readJsonTensors(buf, file);
  return bad(file, `unknown weight file type "${ext.slice(0, 20)}"; expected .npz, .npy, .onnx or .json`);
}

/** The smallest signed integer dtype that holds every value. */
function intDtype(data: Float64Array): DType {
  let lo = 0;
  let hi = 0;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo >= -128 && hi <= 127) return 'i1';
  if (lo >= -32768 && hi <= 32767) return 'i2';
  return 'i4';
}

/**
 * An .npz of the tensors: integer tensors in the smallest signed dtype that
 * holds them, reals as float32 (`precision: 'f8'` keeps doubles).
 */
export function encodeNpz(tensors: TensorMap, precision: 'f4' | 'f8' = 'f4'): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [name, t] of tensors) {
    const dtype = t.integer ? intDtype(t.data) : precision;
    const typed = dtype === 'i1' ? Int8Array.from(t.data) : dtype === 'i2' ? Int16Array.from(t.data) : dtype === 'i4' ? Int32Array.from(t.data)
      : dtype === 'f4' ? Float32Array.from(t.data) : Float64Array.from(t.data);
    files[`${name}.npy`] = new Uint8Array(dump(typed, t.shape));
  }
  // fixed timestamps so that the same tensors give the same bytes
  return zipSync(files, { level: 6, mtime: new Date('2026-01-01T00:00:00Z') });
}
