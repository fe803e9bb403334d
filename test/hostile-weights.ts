/**
 * Hostile weight files for the tests of issue 22: a .npy writer that takes any
 * header text, a zip writer that can lie (sizes, CRC, names, methods), and the
 * list of hostile cases the fuzz suite's weights arm feeds to `circa import`
 * in a child process, with the time and peak memory of each measured
 * (test/fuzz-weights.test.ts, test/hostile-weights-child.ts).
 */
import * as zlib from 'node:zlib';
import { deflateRawSync } from 'node:zlib';

const enc = new TextEncoder();

/** A .npy: magic, version, the header dict as given (padded as numpy pads it), the data bytes. */
export function npy(header: string, data: Uint8Array, opts: { major?: number; magic?: string; headerLength?: number } = {}): Uint8Array {
  const magic = opts.magic ?? '\x93NUMPY';
  const major = opts.major ?? 1;
  const lenBytes = major === 1 ? 2 : 4;
  let h = header;
  while ((magic.length + 2 + lenBytes + h.length + 1) % 64 !== 0) h += ' ';
  h += '\n';
  const out = new Uint8Array(magic.length + 2 + lenBytes + h.length + data.length);
  for (let i = 0; i < magic.length; i++) out[i] = magic.charCodeAt(i);
  out[magic.length] = major;
  const v = new DataView(out.buffer);
  const hl = opts.headerLength ?? h.length;
  if (lenBytes === 2) v.setUint16(magic.length + 2, hl, true);
  else v.setUint32(magic.length + 2, hl, true);
  out.set(enc.encode(h), magic.length + 2 + lenBytes);
  out.set(data, magic.length + 2 + lenBytes + h.length);
  return out;
}

/** The header dict of an array. */
export const dict = (descr: string, shape: number[]) => `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;

export const f4 = (xs: number[]) => new Uint8Array(Float32Array.from(xs).buffer);
export const f8 = (xs: number[]) => new Uint8Array(Float64Array.from(xs).buffer);

/** CRC-32 as the zip has it (node's zlib.crc32 where there is one, else a table). */
const TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
export function crc32(b: Uint8Array): number {
  const native = (zlib as { crc32?: (b: Uint8Array) => number }).crc32;
  if (typeof native === 'function') return native(b);
  let c = 0xffffffff;
  for (const x of b) c = TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface Member {
  name: string;
  /** the member's bytes as stored in the archive (compressed when method is 8) */
  stored: Uint8Array;
  method?: 0 | 8 | number;
  /** what the directory says the member inflates to (default: the length of `plain`, or of `stored`) */
  usize?: number;
  /** what the directory says its CRC is (default: the true one of `plain`) */
  crc?: number;
  /** the uncompressed bytes, for the true size and CRC (default: `stored`) */
  plain?: Uint8Array;
}

/** A member deflated (or stored), with its true size and CRC. */
export function member(name: string, plain: Uint8Array, method: 0 | 8 = 8): Member {
  return { name, plain, method, stored: method === 8 ? deflateRawSync(plain) : plain };
}

/** A zip of the members, as numpy's savez writes one (local headers, central directory, end record), lying where asked. */
export function zip(members: Member[], opts: { comment?: Uint8Array } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const name = enc.encode(m.name);
    const plain = m.plain ?? m.stored;
    const usize = m.usize ?? plain.length;
    const crc = m.crc ?? crc32(plain);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, m.method ?? 8, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, m.stored.length, true);
    lv.setUint32(22, usize, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const cd = new Uint8Array(46 + name.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, m.method ?? 8, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, m.stored.length, true);
    cv.setUint32(24, usize, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    cd.set(name, 46);
    parts.push(local, m.stored);
    central.push(cd);
    offset += local.length + m.stored.length;
  }
  const cdSize = central.reduce((a, c) => a + c.length, 0);
  const comment = opts.comment ?? new Uint8Array(0);
  const end = new Uint8Array(22 + comment.length);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, members.length, true);
  ev.setUint16(10, members.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  ev.setUint16(20, comment.length, true);
  end.set(comment, 22);
  const all = [...parts, ...central, end];
  const out = new Uint8Array(all.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of all) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * `head` then `zeros` zero bytes, deflated: a bomb's body, made in
 * milliseconds. Raw deflate streams that end in a sync flush (not final)
 * can be joined, and one of 1 MiB of zeros is repeated; an empty final
 * block ends it.
 */
export function deflatedZeros(head: Uint8Array, zeros: number): Uint8Array {
  const sync = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const mib = deflateRawSync(Buffer.alloc(2 ** 20), sync);
  const parts: Uint8Array[] = [deflateRawSync(head, sync)];
  for (let i = 0; i < Math.floor(zeros / 2 ** 20); i++) parts.push(mib);
  if (zeros % 2 ** 20) parts.push(deflateRawSync(Buffer.alloc(zeros % 2 ** 20), sync));
  parts.push(new Uint8Array([3, 0]));
  return new Uint8Array(Buffer.concat(parts));
}

/** The spec every hostile weight file is imported for: fc.weight [2, 2] with format Q1.6, fc.bias [2]. */
export const SPEC = { network: 'n', layers: [{ kind: 'dense', name: 'fc', inputs: 2, outputs: 2, weights: { init: 'random', format: { int: 1, frac: 6 } } }] };

export interface HostileCase {
  label: string;
  file: string;
  data: Uint8Array | string;
  /** what the one-line message must say */
  says: RegExp;
  /** a valid file (the control): exit 0 */
  valid?: boolean;
}

const goodWeight = () => npy(dict('<f4', [2, 2]), f4([0.5, -0.25, 0.125, 1]));
const goodBias = () => npy(dict('<f4', [2]), f4([0, 0.5]));
const good = (method: 0 | 8 = 8) => [member('fc.weight.npy', goodWeight(), method), member('fc.bias.npy', goodBias(), method)];

/** Every kind of hostile weight file the issue names, each with what its message must say. */
export function hostileCases(): HostileCase[] {
  const MiB = 2 ** 20;
  const stored = zip(good(0));
  const flipped = stored.slice();
  flipped[stored.indexOf(0x3f, 30 + 'fc.weight.npy'.length + 128)] ^= 1; // a byte of the first value (0.5f = 00 00 00 3f)
  const deflated = zip(good(8));
  const cases: HostileCase[] = [
    { label: 'a valid .npz (control)', file: 'w.npz', data: deflated, says: /imported 2 tensors/, valid: true },
    { label: 'a valid stored .npz (control)', file: 'w.npz', data: stored, says: /imported 2 tensors/, valid: true },
    { label: '.npy with data shorter than its header says', file: 'fc.weight.npy', data: npy(dict('<f8', [2, 2]), f8([1, 2, 3])), says: /truncated: .*needs 32 bytes of data, the file holds 24/ },
    { label: '.npy with trailing data', file: 'fc.weight.npy', data: npy(dict('<f8', [2, 2]), f8([1, 2, 3, 4, 5])), says: /8 bytes of trailing data/ },
    { label: '.npz member shorter than its header says', file: 'w.npz', data: zip([member('fc.weight.npy', npy(dict('<f4', [2, 2]), f4([1, 2, 3]))), member('fc.bias.npy', goodBias())]), says: /fc\.weight: the member is .*truncated/ },
    { label: '.npz member with trailing data', file: 'w.npz', data: zip([member('fc.weight.npy', npy(dict('<f4', [2, 2]), f4([1, 2, 3, 4, 5]))), member('fc.bias.npy', goodBias())]), says: /fc\.weight: the member is .*trailing data/ },
    { label: 'a flipped byte in a stored member (bad CRC)', file: 'w.npz', data: flipped, says: /CRC-32 .* does not match/ },
    { label: 'a wrong CRC in the directory', file: 'w.npz', data: zip([{ ...member('fc.weight.npy', goodWeight()), crc: 0x12345678 }, member('fc.bias.npy', goodBias())]), says: /CRC-32 .* does not match the archive's 12345678/ },
    { label: 'a truncated .npz', file: 'w.npz', data: deflated.subarray(0, deflated.length - 40), says: /not a valid \.npz \(zip\) file/ },
    { label: 'trailing data after the .npz', file: 'w.npz', data: new Uint8Array([...deflated, 1, 2, 3, 4, 5, 6, 7, 8]), says: /not a valid \.npz \(zip\) file: no end-of-central-directory record/ },
    { label: 'damaged deflate data', file: 'w.npz', data: zip([{ ...member('fc.weight.npy', goodWeight()), stored: new Uint8Array(60).fill(0xff) }, member('fc.bias.npy', goodBias())]), says: /damaged deflate data|inflates/ },
    {
      label: 'a zip bomb: 250 MiB of zeros in a 255 KB .npz', file: 'w.npz',
      data: zip([{ name: 'fc.weight.npy', method: 8, stored: deflatedZeros(npy(dict('|u1', [250 * MiB]), new Uint8Array(0)), 250 * MiB), usize: 250 * MiB + 128, crc: 0 }]),
      says: /members inflate to more than 67,108,864 bytes \(64 MiB/,
    },
    {
      label: 'six 40 MiB bombs', file: 'w.npz',
      data: zip(Array.from({ length: 6 }, (_, k) => ({ name: `t${k}.npy`, method: 8, stored: deflatedZeros(npy(dict('<f8', [5 * MiB]), new Uint8Array(0)), 40 * MiB), usize: 40 * MiB + 128, crc: 0 }))),
      says: /members inflate to more than 67,108,864 bytes/,
    },
    {
      label: 'a bomb inside the byte limit: 60 M one-byte values', file: 'w.npz',
      data: zip([{ name: 'fc.weight.npy', method: 8, stored: deflatedZeros(npy(dict('|u1', [60 * MiB]), new Uint8Array(0)), 60 * MiB), usize: 60 * MiB + 128, crc: 0 }]),
      says: /holds more than circa's limit of 16,777,216 values/,
    },
    {
      label: 'a lying directory: 32 bytes declared, 200 MiB inside', file: 'w.npz',
      data: zip([{ name: 'fc.weight.npy', method: 8, stored: deflatedZeros(npy(dict('<f8', [2, 2]), new Uint8Array(0)), 200 * MiB), usize: 160, crc: 0 }]),
      says: /inflates past its declared 160 bytes/,
    },
    {
      label: '5,000 members', file: 'w.npz',
      data: zip(Array.from({ length: 5000 }, (_, k) => member(`t${k}.npy`, goodBias(), 0))),
      says: /5,000 members, over circa's limit of 4,096/,
    },
    { label: 'a 64 KiB .npy header', file: 'fc.weight.npy', data: npy(`{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), ${' '.repeat(65_000)}}`, f8([1, 2, 3, 4])), says: /header of 65,\d{3} bytes is over circa's limit of 10,000/ },
    { label: 'a header length of 4 GiB (version 2)', file: 'fc.weight.npy', data: npy(dict('<f8', [2, 2]), f8([1, 2, 3, 4]), { major: 2, headerLength: 0xffffffff }), says: /header of 4,294,967,295 bytes is over/ },
    { label: 'a header claiming 10^9 values', file: 'fc.weight.npy', data: npy(dict('<f8', [1_000_000_000]), f8([1, 2])), says: /holds more than circa's limit of 16,777,216 values/ },
    { label: 'a header claiming 2^62 values in an .npz', file: 'w.npz', data: zip([member('fc.weight.npy', npy(dict('<f8', [2 ** 31, 2 ** 31]), f8([1, 2])))]), says: /holds more than circa's limit/ },
    { label: 'NaN', file: 'w.npz', data: zip([member('fc.weight.npy', npy(dict('<f4', [2, 2]), f4([0.5, NaN, 0, 0]))), member('fc.bias.npy', goodBias())]), says: /layer fc, tensor weight: value 1 is NaN; weights must be finite/ },
    { label: 'Infinity', file: 'w.npz', data: zip([member('fc.weight.npy', npy(dict('<f8', [2, 2]), f8([0.5, 0, -Infinity, 0]))), member('fc.bias.npy', goodBias())]), says: /layer fc, tensor weight: value 2 is -Infinity/ },
    { label: 'a 1e30 weight', file: 'w.npz', data: zip([member('fc.weight.npy', npy(dict('<f8', [2, 2]), f8([0.5, 0, 0, 1e30]))), member('fc.bias.npy', goodBias())]), says: /layer fc, tensor weight \("fc\.weight"\): value 3 is 1e\+30, outside -128\.\.127/ },
    { label: 'an int64 beyond 2^53', file: 'w.npz', data: zip([member('fc.weight.npy', npy(dict('<i8', [1]), new Uint8Array([1, 0, 0, 0, 0, 0, 0x40, 0])))]), says: /beyond 2\^53/ },
    ...['<c16', '|b1', '<U4', '|O', '<f16', '>M8'].map((d) => ({ label: `dtype ${d}`, file: 'fc.weight.npy', data: npy(dict(d, [2, 2]), new Uint8Array(64)), says: /dtype ".*" is not supported/ })),
    { label: 'a Fortran-ordered array', file: 'fc.weight.npy', data: npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", f8([1, 2, 3, 4])), says: /Fortran-ordered/ },
    { label: 'a header with an extra key', file: 'fc.weight.npy', data: npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), '__proto__': 1}", f8([1, 2, 3, 4])), says: /key "__proto__" is not one of descr/ },
    ...['../../evil.npy', '/abs/fc.weight.npy', 'a\\b.npy', 'C:fc.weight.npy', 'fc.weight.npy\u0000', './fc.weight.npy', 'x//y.npy'].map((n) => ({
      label: `member name ${JSON.stringify(n)}`, file: 'w.npz', data: zip([member(n, goodWeight()), member('fc.bias.npy', goodBias())]), says: /member name .* (is a path|holds a control character or a backslash)/,
    })),
    { label: 'a member twice', file: 'w.npz', data: zip([...good(), member('fc.bias.npy', goodBias())]), says: /holds member "fc\.bias\.npy" twice/ },
    { label: 'an encrypted member', file: 'w.npz', data: (() => { const z = zip(good(0)); const v = new DataView(z.buffer); for (let i = 0; i + 4 <= z.length; i++) if (v.getUint32(i, true) === 0x02014b50) v.setUint16(i + 8, 1, true); return z; })(), says: /is encrypted/ },
    { label: 'compression method 12 (bzip2)', file: 'w.npz', data: zip([{ ...member('fc.weight.npy', goodWeight()), method: 12 }, member('fc.bias.npy', goodBias())]), says: /compression method 12/ },
    { label: 'ZIP64 sizes without their fields', file: 'w.npz', data: zip([{ ...member('fc.weight.npy', goodWeight()), usize: 0xffffffff }]), says: /sizes of 0xFFFFFFFF without ZIP64 fields/ },
    { label: 'a 17 MiB JSON weight file', file: 'w.json', data: `{"fc.weight": [${'0,'.repeat(8.5 * MiB)}0]}`, says: /over circa's limit of 16,777,216 bytes \(16 MiB\)/ },
  ];
  return cases;
}
