/**
 * Weight files: named tensors read from NumPy .npy/.npz (read here: the zip's
 * central directory, each member's CRC-32, the .npy header, each checked and
 * bounded before anything is inflated or converted; npyjs writes the .npy
 * format and fflate the .npz zip), ONNX models (initializers by name, decoded
 * with onnx-proto's protobuf definitions) and JSON. circa's own weight files are .npz with one tensor per learnable
 * tensor, named `<layer>.<tensor>` (the names the kinds' train faces give:
 * `fc10.weight`, `fc10.bias`, `tvscm784.a`, `circ784.r`, ...). Integer
 * dtypes hold raw fixed-point values, float dtypes reals.
 */
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { dump, type DType } from 'npyjs';
import { constants, inflateRawSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { createRequire } from 'node:module';
import type onnxProto from 'onnx-proto';
import { CircaInputError } from '../errors.ts';
import { graphOf, orientations, OrientationError, transpose2, type OnnxGraph } from './onnx-graph.ts';

export interface Tensor {
  shape: number[];
  data: Float64Array;
  /** integer dtype in the file: raw fixed-point values */
  integer: boolean;
  /** the file's dtype, for messages */
  dtype: string;
  /** what was done to it on reading (an ONNX weight transposed: the node that consumes it), for messages */
  note?: string;
}

export type TensorMap = Map<string, Tensor>;

/** A path as messages show it: a long one cut in the middle. */
const shownPath = (file: string) => (file.length > 200 ? `${file.slice(0, 120)}...${file.slice(-60)}` : file);

/** A tensor name from a file as messages show it (cut, so a huge name is not echoed whole). */
const cut = (name: string) => (name.length > 60 ? `${name.slice(0, 60)}...` : name);

const bad = (file: string, msg: string): never => {
  throw new CircaInputError(`${shownPath(file)}: ${msg}`);
};

/**
 * Bounds of a weight file, checked from the headers before anything is
 * inflated or converted: a small hostile file (a zip bomb, a header that lies
 * about its size or shape) is refused in milliseconds, in a few MB of memory.
 */
/** Largest weight file read, and the most that all of an .npz's members together may inflate to (64 MiB). */
export const MAX_WEIGHT_FILE_BYTES = 64 * 2 ** 20;
/** Largest JSON weight file (16 MiB: a JSON number costs far more memory parsed than as text). */
export const MAX_JSON_WEIGHT_BYTES = 16 * 2 ** 20;
/** Most values in all of a file's tensors together (2^24 = 16,777,216, 128 MiB as float64; a layer holds at most 2^22 weights). */
export const MAX_WEIGHT_VALUES = 2 ** 24;
/** Most members of an .npz. */
export const MAX_NPZ_MEMBERS = 4096;
/** Longest .npy header (numpy's own default max_header_size). */
export const MAX_NPY_HEADER_BYTES = 10_000;

const mib = (n: number) => `${(n / 2 ** 20).toLocaleString('en-US')} MiB`;
const bytes = (n: number) => `${n.toLocaleString('en-US')} bytes`;

const DTYPES: Record<string, { bytes: number; integer: boolean }> = {
  i1: { bytes: 1, integer: true }, i2: { bytes: 2, integer: true }, i4: { bytes: 4, integer: true }, i8: { bytes: 8, integer: true },
  u1: { bytes: 1, integer: true }, u2: { bytes: 2, integer: true }, u4: { bytes: 4, integer: true }, u8: { bytes: 8, integer: true },
  f2: { bytes: 2, integer: false }, f4: { bytes: 4, integer: false }, f8: { bytes: 8, integer: false },
};

interface NpyHeader {
  dtype: string;
  little: boolean;
  shape: number[];
  count: number;
  /** where the data starts, from the start of the .npy */
  dataOffset: number;
}

/**
 * The dict of a .npy header, `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`,
 * read as exactly that: three keys, each once, a string, a boolean and a tuple of integers.
 */
function parseNpyDict(text: string, where: (m: string) => never): { descr: string; fortran: boolean; shape: number[] } {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const expectChar = (c: string) => {
    ws();
    if (text[i] !== c) where(`bad header: expected "${c}" at character ${i}`);
    i++;
  };
  const str = (): string => {
    ws();
    const q = text[i];
    if (q !== "'" && q !== '"') return where(`bad header: expected a quoted string at character ${i}`);
    const end = text.indexOf(q, i + 1);
    if (end < 0 || end - i > 64) return where('bad header: an unterminated or over-long string');
    const s = text.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  const out: { descr?: string; fortran?: boolean; shape?: number[] } = {};
  expectChar('{');
  for (;;) {
    ws();
    if (text[i] === '}') {
      i++;
      break;
    }
    const key = str();
    expectChar(':');
    ws();
    if (key === 'descr' && out.descr === undefined) out.descr = str();
    else if (key === 'fortran_order' && out.fortran === undefined) {
      const m = /^(True|False)/.exec(text.slice(i, i + 5));
      if (!m) where('bad header: fortran_order is not True or False');
      out.fortran = m![1] === 'True';
      i += m![1].length;
    } else if (key === 'shape' && out.shape === undefined) {
      expectChar('(');
      const shape: number[] = [];
      for (;;) {
        ws();
        if (text[i] === ')') {
          i++;
          break;
        }
        const m = /^\d{1,16}/.exec(text.slice(i, i + 17));
        if (!m) where(`bad header: a shape entry is not a non-negative integer (character ${i})`);
        shape.push(Number(m![0]));
        i += m![0].length;
        if (shape.length > MAX_TENSOR_RANK) where(`bad header: shape of rank over ${MAX_TENSOR_RANK}; no layer's tensor has that rank`);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== ')') where(`bad header: expected "," or ")" in the shape at character ${i}`);
      }
      out.shape = shape;
    } else {
      where(`bad header: key ${JSON.stringify(cut(key))} is ${['descr', 'fortran_order', 'shape'].includes(key) ? 'given twice' : 'not one of descr, fortran_order, shape'}`);
    }
    ws();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') where(`bad header: expected "," or "}" at character ${i}`);
  }
  ws();
  if (i !== text.length) where('bad header: text after the dict');
  if (out.descr === undefined || out.fortran === undefined || out.shape === undefined) where('bad header: it needs descr, fortran_order and shape');
  return { descr: out.descr!, fortran: out.fortran!, shape: out.shape! };
}

/** The header of a .npy (magic, version, dict), checked; nothing is converted yet. */
function npyHeader(buf: Uint8Array, file: string, name: string): NpyHeader {
  const where = (m: string): never => bad(file, `${cut(name)}: ${m}`);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (buf.length < 10 || magic.some((b, k) => buf[k] !== b)) where('not a .npy array (no \\x93NUMPY magic)');
  const major = buf[6];
  if (major < 1 || major > 3) where(`.npy format version ${major}.${buf[7]} is not one circa reads (1, 2 or 3)`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const lenAt = major === 1 ? 10 : 12; // where the dict starts, after its length (2 bytes in version 1, 4 after)
  if (buf.length < lenAt) where('truncated header');
  const hlen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (hlen > MAX_NPY_HEADER_BYTES) where(`header of ${bytes(hlen)} is over circa's limit of ${bytes(MAX_NPY_HEADER_BYTES)}`);
  if (lenAt + hlen > buf.length) where(`truncated header (${bytes(hlen)} announced, ${bytes(buf.length - lenAt)} in the file)`);
  const raw = buf.subarray(lenAt, lenAt + hlen);
  const text = major === 3 ? new TextDecoder('utf-8', { fatal: false }).decode(raw) : String.fromCharCode(...raw);
  const dict = parseNpyDict(text.replace(/\s+$/, ''), where);
  const m = /^([<>|=])([fiu])([1248])$/.exec(dict.descr);
  const dtype = m ? `${m[2]}${m[3]}` : '';
  if (!m || !DTYPES[dtype]) where(`dtype ${JSON.stringify(cut(dict.descr))} is not supported; use a float (f2, f4, f8) or integer (i1..i8, u1..u8) dtype`);
  if (dict.fortran) where('Fortran-ordered array; save it with numpy.ascontiguousarray');
  let count = 1;
  for (const d of dict.shape) {
    count *= d;
    if (count > MAX_WEIGHT_VALUES) where(`shape [${dict.shape.join(', ')}] holds more than circa's limit of ${MAX_WEIGHT_VALUES.toLocaleString('en-US')} values`);
  }
  return { dtype, little: m![1] !== '>', shape: dict.shape, count, dataOffset: lenAt + hlen };
}

/** A .npy array: its header checked, its data exactly as long as the header says, converted. */
function fromNpy(buf: Uint8Array, file: string, name: string, h = npyHeader(buf, file, name)): Tensor {
  const { bytes: size, integer } = DTYPES[h.dtype];
  const want = h.count * size;
  const have = buf.length - h.dataOffset;
  if (have < want) bad(file, `${cut(name)}: truncated: the header's shape [${h.shape.join(', ')}] of ${h.dtype} needs ${bytes(want)} of data, the file holds ${bytes(have)}`);
  if (have > want) bad(file, `${cut(name)}: ${bytes(have - want)} of trailing data after the array (shape [${h.shape.join(', ')}] of ${h.dtype} is ${bytes(want)})`);
  const v = new DataView(buf.buffer, buf.byteOffset + h.dataOffset, want);
  const le = h.little;
  const data = new Float64Array(h.count);
  const read: (o: number) => number = {
    i1: (o: number) => v.getInt8(o), u1: (o: number) => v.getUint8(o),
    i2: (o: number) => v.getInt16(o, le), u2: (o: number) => v.getUint16(o, le),
    i4: (o: number) => v.getInt32(o, le), u4: (o: number) => v.getUint32(o, le),
    i8: (o: number) => Number(v.getBigInt64(o, le)), u8: (o: number) => Number(v.getBigUint64(o, le)),
    f2: (o: number) => half(v.getUint16(o, le)), f4: (o: number) => v.getFloat32(o, le), f8: (o: number) => v.getFloat64(o, le),
  }[h.dtype]!;
  for (let i = 0; i < h.count; i++) data[i] = read(i * size);
  if (h.dtype === 'i8' || h.dtype === 'u8') {
    const i = data.findIndex((x) => !Number.isSafeInteger(x));
    if (i >= 0) bad(file, `${cut(name)}: value ${i} (${data[i]}) of this ${h.dtype} array is beyond 2^53, not exactly representable`);
  }
  return { shape: h.shape, data, integer, dtype: h.dtype };
}

/** An IEEE half (float16) from its bits. */
function half(b: number): number {
  const s = b & 0x8000 ? -1 : 1;
  const e = (b >> 10) & 0x1f;
  const f = b & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** CRC-32 (the zip's, polynomial 0xEDB88320). */
const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();
function crc32(b: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

interface ZipMember { name: string; method: number; flags: number; crc: number; csize: number; usize: number; local: number }

/** The central directory of a zip: every member's name, method, sizes and CRC, checked against the file before anything is inflated. */
function zipDirectory(buf: Uint8Array, file: string): ZipMember[] {
  const no = (m: string): never => bad(file, `not a valid .npz (zip) file: ${m}`);
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  // the end-of-central-directory record: in the last 22 + 65535 bytes
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (v.getUint32(i, true) === 0x06054b50 && i + 22 + v.getUint16(i + 20, true) === buf.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) no(buf.length < 22 ? 'too short' : 'no end-of-central-directory record (truncated, or trailing data)');
  const entries = v.getUint16(eocd + 10, true);
  const cdSize = v.getUint32(eocd + 12, true);
  const cdOffset = v.getUint32(eocd + 16, true);
  if (v.getUint16(eocd + 4, true) !== 0 || v.getUint16(eocd + 6, true) !== 0 || v.getUint16(eocd + 8, true) !== entries) no('a multi-disk archive');
  if (entries === 0xffff || cdOffset === 0xffffffff) no('a ZIP64 archive (over 65,535 members or 4 GiB)');
  if (entries > MAX_NPZ_MEMBERS) no(`${entries.toLocaleString('en-US')} members, over circa's limit of ${MAX_NPZ_MEMBERS.toLocaleString('en-US')}`);
  if (cdOffset + cdSize > eocd) no('the central directory runs past its end record');
  const out: ZipMember[] = [];
  const seen = new Set<string>();
  let total = 0;
  let p = cdOffset;
  for (let k = 0; k < entries; k++) {
    if (p + 46 > cdOffset + cdSize || v.getUint32(p, true) !== 0x02014b50) no(`central directory entry ${k} is damaged`);
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    let csize = v.getUint32(p + 20, true);
    let usize = v.getUint32(p + 24, true);
    const nlen = v.getUint16(p + 28, true);
    const xlen = v.getUint16(p + 30, true);
    const clen = v.getUint16(p + 32, true);
    let local = v.getUint32(p + 42, true);
    if (p + 46 + nlen + xlen + clen > cdOffset + cdSize) no(`central directory entry ${k} is damaged`);
    const nameBytes = buf.subarray(p + 46, p + 46 + nlen);
    const name = new TextDecoder('utf-8', { fatal: false }).decode(nameBytes);
    // ZIP64 sizes (numpy writes them only past 4 GiB): from the extra field
    if (usize === 0xffffffff || csize === 0xffffffff || local === 0xffffffff) {
      let x = p + 46 + nlen;
      const xend = x + xlen;
      let found = false;
      while (x + 4 <= xend) {
        const id = v.getUint16(x, true);
        const size = v.getUint16(x + 2, true);
        if (id === 0x0001) {
          let q = x + 4;
          const next = () => {
            if (q + 8 > x + 4 + size) no(`member ${JSON.stringify(cut(name))}: damaged ZIP64 sizes`);
            const n = Number(v.getBigUint64(q, true));
            q += 8;
            return n;
          };
          if (usize === 0xffffffff) usize = next();
          if (csize === 0xffffffff) csize = next();
          if (local === 0xffffffff) local = next();
          found = true;
        }
        x += 4 + size;
      }
      if (!found) no(`member ${JSON.stringify(cut(name))}: sizes of 0xFFFFFFFF without ZIP64 fields`);
    }
    p += 46 + nlen + xlen + clen;
    if (name.endsWith('/') && usize === 0) continue; // a folder entry
    checkMemberName(name, file);
    if (seen.has(name)) bad(file, `the .npz holds member ${JSON.stringify(cut(name))} twice`);
    seen.add(name);
    if (flags & 1) bad(file, `member ${JSON.stringify(cut(name))} is encrypted`);
    if (method !== 0 && method !== 8) bad(file, `member ${JSON.stringify(cut(name))}: compression method ${method} is not stored (0) or deflate (8)`);
    if (method === 0 && csize !== usize) bad(file, `member ${JSON.stringify(cut(name))}: stored, but its sizes differ (${bytes(csize)} vs ${bytes(usize)})`);
    total += usize;
    if (total > MAX_WEIGHT_FILE_BYTES) {
      bad(file, `the .npz's members inflate to more than ${bytes(MAX_WEIGHT_FILE_BYTES)} (${mib(MAX_WEIGHT_FILE_BYTES)}, circa's limit for all members together; member ${JSON.stringify(cut(name))} claims ${bytes(usize)})`);
    }
    if (local + 30 > cdOffset || v.getUint32(local, true) !== 0x04034b50) no(`member ${JSON.stringify(cut(name))}: no local header where the directory says`);
    const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    if (start + csize > cdOffset) no(`member ${JSON.stringify(cut(name))}: its data runs past the central directory (truncated)`);
    out.push({ name, method, flags, crc, csize, usize, local: start });
  }
  return out;
}

/** Member names are tensor names: no absolute path, no "..", no backslash, no control character. */
function checkMemberName(name: string, file: string): void {
  const shown = JSON.stringify(cut(name));
  if (name.length === 0) bad(file, 'a member with an empty name');
  if (/[\u0000-\u001f\u007f\\]/.test(name)) bad(file, `member name ${shown} holds a control character or a backslash`);
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.split('/').some((s) => s === '..' || s === '.' || s === '')) {
    bad(file, `member name ${shown} is a path (absolute, or with "." or ".." parts); members are named after tensors`);
  }
}

/** The bytes of one member: inflated to no more than its declared size, and its CRC checked. */
function memberBytes(buf: Uint8Array, m: ZipMember, file: string): Uint8Array {
  const data = buf.subarray(m.local, m.local + m.csize);
  let out: Uint8Array;
  if (m.method === 0) out = data;
  else {
    try {
      out = inflateRawSync(data, { maxOutputLength: Math.max(1, m.usize) });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return bad(file, `member ${JSON.stringify(cut(m.name))}: ${code === 'ERR_BUFFER_TOO_LARGE' ? `inflates past its declared ${bytes(m.usize)}` : `damaged deflate data (${(e as Error).message})`}`);
    }
  }
  if (out.length !== m.usize) bad(file, `member ${JSON.stringify(cut(m.name))}: inflates to ${bytes(out.length)}, its header says ${bytes(m.usize)}`);
  const crc = crc32(out);
  if (crc !== m.crc) bad(file, `member ${JSON.stringify(cut(m.name))}: CRC-32 ${crc.toString(16).padStart(8, '0')} does not match the archive's ${m.crc.toString(16).padStart(8, '0')} (a damaged file)`);
  return out;
}

/**
 * An .npz: the directory read and bounded first (names, sizes), then each
 * .npy member's header (its first bytes inflated alone) for the shape and
 * dtype, bounded in total, and only then the members inflated and converted.
 */
function readNpz(buf: Uint8Array, file: string): TensorMap {
  const members = zipDirectory(buf, file).filter((m) => m.name.endsWith('.npy'));
  if (members.length === 0) bad(file, 'the .npz holds no .npy arrays');
  // every shape before any data: the values of all tensors together are bounded
  let values = 0;
  for (const m of members) {
    const h = npyHeader(headOf(buf, m, file), file, m.name.slice(0, -4));
    const want = h.dataOffset + h.count * DTYPES[h.dtype].bytes;
    if (want !== m.usize) {
      bad(file, `${cut(m.name.slice(0, -4))}: the member is ${bytes(m.usize)}, its header's shape [${h.shape.join(', ')}] of ${h.dtype} needs ${bytes(want)} (${want > m.usize ? 'truncated' : 'trailing data'})`);
    }
    values += h.count;
    if (values > MAX_WEIGHT_VALUES) bad(file, `the .npz's tensors hold more than circa's limit of ${MAX_WEIGHT_VALUES.toLocaleString('en-US')} values`);
  }
  const out: TensorMap = new Map();
  for (const m of members) out.set(m.name.slice(0, -4), fromNpy(memberBytes(buf, m, file), file, m.name.slice(0, -4)));
  return out;
}

/** The first bytes of a member (enough for its .npy header), inflating no more of it than that takes. */
function headOf(buf: Uint8Array, m: ZipMember, file: string): Uint8Array {
  const n = Math.min(m.usize, 12 + MAX_NPY_HEADER_BYTES);
  const data = buf.subarray(m.local, m.local + m.csize);
  if (m.method === 0) return data.subarray(0, n);
  // a growing prefix of the compressed data, flushed as far as it goes (deflate gives at most ~1,032 bytes per byte in)
  for (let k = 4096; ; k *= 4) {
    let out: Uint8Array;
    try {
      out = inflateRawSync(data.subarray(0, k), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: Math.max(1, Math.min(m.usize, 1100 * k)) });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return bad(file, `member ${JSON.stringify(cut(m.name))}: ${code === 'ERR_BUFFER_TOO_LARGE' ? `inflates past its declared ${bytes(m.usize)}` : `damaged deflate data (${(e as Error).message})`}`);
    }
    if (out.length >= n || k >= data.length) return out.subarray(0, n);
  }
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

/** An ONNX model's initializers and graph; each weight oriented by the node that consumes it (unless `orient` is false). */
function readOnnx(buf: Uint8Array, file: string, orient = true): { tensors: TensorMap; graph: OnnxGraph } {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = loadOnnxProto().onnx.ModelProto.decode(buf);
  } catch (e) {
    return bad(file, `not a valid ONNX model (${(e as Error).message})`);
  }
  const out: TensorMap = new Map();
  let values = 0;
  for (const t of model.graph?.initializer ?? []) {
    const name = t.name ?? '';
    const type = ONNX_TYPES[t.dataType ?? 0];
    if (!type) bad(file, `initializer ${cut(name)}: ONNX data type ${t.dataType} is not supported (float, double or an integer type)`);
    const shape = (t.dims ?? []).map((d) => Number(d));
    if (shape.length > MAX_TENSOR_RANK) bad(file, `initializer ${cut(name)}: rank ${shape.length} is over ${MAX_TENSOR_RANK}; no layer's tensor has that rank`);
    if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) bad(file, `initializer ${cut(name)}: dims [${shape.join(', ')}] are not non-negative integers`);
    const count = shape.reduce((a, b) => a * b, 1);
    values += count;
    if (count > MAX_WEIGHT_VALUES || values > MAX_WEIGHT_VALUES) bad(file, `initializer ${cut(name)}: the initializers hold more than circa's limit of ${MAX_WEIGHT_VALUES.toLocaleString('en-US')} values`);
    if (out.has(name)) bad(file, `initializer ${JSON.stringify(cut(name))} is given twice`);
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
  const graph = graphOf(model);
  if (!orient) return { tensors: out, graph };
  let how: ReturnType<typeof orientations>;
  try {
    how = orientations(graph, (n) => out.has(n), (n) => out.get(n)?.shape.length ?? 0);
  } catch (e) {
    if (e instanceof OrientationError) return bad(file, e.message);
    throw e;
  }
  for (const [name, o] of how) {
    const t = out.get(name)!;
    if (!o.transpose) {
      t.note = `consumed by ${o.by}`;
      continue;
    }
    const [r, c] = t.shape;
    out.set(name, { ...t, shape: [c, r], data: transpose2(t.data, r, c), note: `transposed from [${r}, ${c}]: consumed by ${o.by}` });
  }
  return { tensors: out, graph };
}

/** An ONNX model's graph and its initializers, oriented as readTensors gives them. */
export function readOnnxModel(file: string): { tensors: TensorMap; graph: OnnxGraph } {
  return readOnnx(readWeightFile(file, '.onnx'), file);
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
  let values = 0;
  for (const [name, v] of Object.entries(obj as Record<string, unknown>)) {
    const shape = shapeOf(v, file, name);
    values += shape.reduce((a, b) => a * b, 1);
    if (values > MAX_WEIGHT_VALUES) bad(file, `${cut(name)}: the file's tensors hold more than circa's limit of ${MAX_WEIGHT_VALUES.toLocaleString('en-US')} values`);
    const flat = [v].flat(Infinity) as unknown[];
    if (flat.some((e) => typeof e !== 'number')) bad(file, `${cut(name)}: holds a value that is not a number`);
    out.set(name, { shape, data: Float64Array.from(flat as number[]), integer: false, dtype: 'json' });
  }
  return out;
}

/** A weight file's bytes, its type and size checked first. */
function readWeightFile(file: string, ext: string): Uint8Array {
  let buf: Uint8Array;
  try {
    const st = statSync(file);
    if (!st.isFile()) return bad(file, `not a regular file (${st.isDirectory() ? 'a directory' : 'a device, FIFO or socket'})`);
    const limit = ext === '.json' ? MAX_JSON_WEIGHT_BYTES : MAX_WEIGHT_FILE_BYTES;
    if (st.size > limit) return bad(file, `${bytes(st.size)} is over circa's limit of ${bytes(limit)} (${mib(limit)}) for a ${ext} weight file`);
    buf = readFileSync(file);
  } catch (e) {
    if (e instanceof CircaInputError) throw e;
    return bad(file, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return buf;
}

const PICKLES = ['.pt', '.pth', '.ckpt', '.bin', '.pkl'];

/**
 * Named tensors from a .npy (one tensor, named after the file), .npz, .onnx or .json file.
 * An ONNX model's weights come oriented by the nodes that consume them (a MatMul's [in][out]
 * weight transposed to [out][in], with a note); `orient: false` gives them as stored.
 */
export function readTensors(file: string, opts: { orient?: boolean } = {}): TensorMap {
  if (typeof file !== 'string' || file.length === 0) throw new CircaInputError(`readTensors: file: expected a path (a non-empty string), got ${file === null ? 'null' : typeof file}`);
  const ext = extname(file).toLowerCase();
  // the type, then what the path is, before reading: a device (/dev/zero) or a FIFO would never end
  if (PICKLES.includes(ext)) {
    return bad(file, `a ${ext} file is a Python pickle, which circa does not read (unpickling runs code); save the state dict with np.savez("w.npz", **{k: v.numpy() for k, v in model.state_dict().items()}) or export the model with torch.onnx.export`);
  }
  if (!['.npz', '.npy', '.onnx', '.json'].includes(ext)) return bad(file, `unknown weight file type "${ext.slice(0, 20)}"; expected .npz, .npy, .onnx or .json`);
  const buf = readWeightFile(file, ext);
  if (ext === '.npz') return readNpz(buf, file);
  if (ext === '.npy') {
    const name = file.replace(/^.*[\\/]/, '').slice(0, -4);
    return new Map([[name, fromNpy(buf, file, name)]]);
  }
  if (ext === '.onnx') return readOnnx(buf, file, opts.orient !== false).tensors;
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
