/**
 * Input vectors for `circa run`: a JSON array of vectors, each an array of
 * the design's input count of numbers. Raw integers in the input format by
 * default; with `real`, real values quantised to the input format (convergent
 * rounding, saturation) through src/fixed, as the training side does.
 */
import { parseJsonText, stripBom } from '../json.ts';
import { readFileSync } from 'node:fs';
import { CircaInputError } from '../errors.ts';
import { isRaw, quantize, rawDescription, type QFormat } from '../fixed/index.ts';

export interface InputShape {
  inputs: number;
  inFormat: QFormat;
  inWidth: number;
}

export interface ParsedInputs {
  /** raw vectors */
  vectors: number[][];
  /** real inputs that did not fit the format and were saturated */
  saturated: number;
}

/** Validate parsed JSON as input vectors. `label` names the file in errors. */
export function parseInputVectors(data: unknown, shape: InputShape, opts: { real?: boolean; label?: string } = {}): ParsedInputs {
  const label = opts.label ?? 'inputs';
  // a single vector is accepted as well as an array of them
  const list = Array.isArray(data) && data.length > 0 && data.every((e) => typeof e === 'number') ? [data] : data;
  if (!Array.isArray(list) || list.length === 0) {
    throw new CircaInputError(`${label}: expected a non-empty JSON array of input vectors (arrays of ${shape.inputs} numbers)`);
  }
  let saturated = 0;
  const vectors = list.map((v, k) => {
    if (!Array.isArray(v)) throw new CircaInputError(`${label}: [${k}]: expected an array of ${shape.inputs} numbers, got ${typeof v}`);
    if (v.length !== shape.inputs) throw new CircaInputError(`${label}: [${k}]: has ${v.length} elements, the design takes ${shape.inputs}`);
    return v.map((e, i) => {
      if (typeof e !== 'number' || !Number.isFinite(e)) throw new CircaInputError(`${label}: [${k}][${i}]: expected a number, got ${JSON.stringify(e)}`);
      if (opts.real) {
        const q = quantize(e, shape.inFormat, 'convergent', 'saturate');
        if (q.overflow) saturated++;
        return q.value;
      }
      if (!isRaw(e, shape.inFormat)) {
        throw new CircaInputError(`${label}: [${k}][${i}]: ${e} is not a ${rawDescription(shape.inFormat)}; pass --real to quantise real values`);
      }
      return e;
    });
  });
  return { vectors, saturated };
}

export function loadInputVectors(path: string, shape: InputShape, opts: { real?: boolean } = {}): ParsedInputs {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CircaInputError(`${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const parsed = parseJsonText(stripBom(text));
  if (!parsed.ok) throw new CircaInputError(`${path}: not valid JSON at ${parsed.error}`);
  const data = parsed.value;
  return parseInputVectors(data, shape, { ...opts, label: path });
}
