/**
 * IDX files (the MNIST format, LeCun et al.): a 4-byte magic number
 * (0, 0, type code, number of dimensions), one big-endian uint32 per
 * dimension, then the data. Only unsigned bytes (type 0x08) are read: that
 * is what MNIST holds. Every check names the file and what was expected.
 */
import { readFileSync } from 'node:fs';
import { CircaInputError } from '../errors.ts';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export function parseIdx(buf: Uint8Array, file: string, expectDims?: number): IdxArray {
  const bad = (msg: string): never => {
    throw new CircaInputError(`${file}: not a valid IDX file: ${msg}`);
  };
  if (buf.length < 4) bad(`${buf.length} bytes, shorter than the 4-byte magic number`);
  if (buf[0] !== 0 || buf[1] !== 0) bad(`magic number starts ${buf[0]}, ${buf[1]}; expected 0, 0`);
  if (buf[2] !== 0x08) bad(`data type code 0x${buf[2].toString(16).padStart(2, '0')}; expected 0x08 (unsigned bytes)`);
  const nd = buf[3];
  if (nd < 1 || nd > 4) bad(`${nd} dimensions; expected 1..4`);
  if (expectDims !== undefined && nd !== expectDims) bad(`${nd} dimensions; expected ${expectDims}`);
  const header = 4 + 4 * nd;
  if (buf.length < header) bad(`${buf.length} bytes, shorter than its ${header}-byte header`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims = Array.from({ length: nd }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  if (buf.length !== header + count) {
    bad(`${buf.length} bytes; dimensions ${dims.join(' x ')} need ${header + count} (${buf.length < header + count ? 'truncated' : 'trailing bytes'})`);
  }
  return { dims, data: buf.subarray(header) };
}

export function readIdx(file: string, expectDims?: number): IdxArray {
  let buf: Uint8Array;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new CircaInputError(`${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseIdx(buf, file, expectDims);
}
