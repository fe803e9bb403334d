/**
 * Reference expressions for the formal checks: Verilog functions written out,
 * formula by formula, from the fixed-point model in src/fixed (shiftRound,
 * fit), not from the RTL templates.
 *
 * The templates round with bit slices (the top dropped bit is the half, an OR
 * of the bits below tells "above" from "exactly", the round-up bit added to
 * the kept bits), saturate by comparing the top bits with the sign, and wrap
 * by keeping the low bits. The functions here follow the TypeScript instead:
 * t = floor(x / 2^k) (an arithmetic shift, which is floor division for two's
 * complement), the remainder x - t*2^k compared with the half 2^(k-1) as
 * integers in three cases (above, below, exactly half), the tie decided by the
 * parity of t, saturation by comparing the value with minOf/maxOf, and wrapping
 * by subtracting the multiple of 2^w that brings x into minOf..maxOf (fit()'s
 * `%`-then-correct steps give the same residue). The bounds and the half are
 * computed here by the TypeScript helpers and written as literals.
 *
 * Division and `%` are avoided on purpose: yosys encodes them as full
 * dividers and the sequential proofs, which repeat the reference in every
 * clock step, became far slower with them.
 *
 * A check proves RTL == these functions for all inputs of a bounded width; a
 * second check (src/formal/checks.ts, `reference-vs-model`) proves these
 * functions equal a truth table filled by calling shiftRound and fit
 * themselves, so the chain reaches the model, not only a transcription of it.
 */
import { maxOf, minOf, pow2, type Overflow, type Rounding } from '../fixed/index.ts';

/**
 * A deliberate fault for showing that a check can fail: `tie-away-from-even`
 * sends convergent ties to the odd neighbour; `tie-down` sends half-up ties
 * toward minus infinity.
 */
export type ReferenceFault = 'none' | 'tie-away-from-even' | 'tie-down';

/** A signed Verilog literal of width w (the value must fit). */
export function lit(v: number, w: number): string {
  if (v < minOf(w) || v > maxOf(w)) throw new RangeError(`literal ${v} does not fit ${w} bits`);
  return v < 0 ? `(-${w}'sd${-v})` : `${w}'sd${v}`;
}

/** Width of the rounded value of a w-bit input shifted by k: it holds every rounded value. */
export function roundedWidth(inW: number, k: number): number {
  return inW + 2 - k; // inW + 1 - k holds every rounded value; one bit spare
}

/**
 * `function signed [R-1:0] name(input signed [inW-1:0] x)`: shiftRound(x, k, mode),
 * R = roundedWidth(inW, k). Internal arithmetic is inW + 2 bits wide.
 */
export function shiftRoundFunction(name: string, inW: number, k: number, mode: Rounding, fault: ReferenceFault = 'none'): string {
  const R = roundedWidth(inW, k);
  const IW = Math.max(inW + 2, R);
  const body: string[] = [];
  if (k === 0) {
    body.push(`        ${name} = xx;                        // k = 0: x + 0`);
  } else {
    const half = pow2(k - 1);
    body.push(
      `        t = xx >>> ${k};                     // Math.floor(x / 2^${k}): an arithmetic shift is floor division`,
    );
    if (mode === 'truncate') {
      body.push(`        ${name} = t;                         // truncate: floor`);
    } else {
      // the tie rule, as in shiftRound: half-up -> t + 1; convergent -> t % 2 === 0 ? t : t + 1
      let tie: string;
      const even = `t[0] == 1'b0`; // t % 2 === 0 for a two's complement t
      if (mode === 'half-up') tie = fault === 'tie-down' ? 't' : `t + ${lit(1, IW)}`;
      else tie = fault === 'tie-away-from-even' ? `(${even}) ? t + ${lit(1, IW)} : t` : `(${even}) ? t : t + ${lit(1, IW)}`;
      body.push(
        `        rem = xx - (t <<< ${k});                // x - t*2^${k}, 0 <= rem < 2^${k}`,
        `        if (rem > ${lit(half, IW)}) ${name} = t + ${lit(1, IW)};`,
        `        else if (rem < ${lit(half, IW)}) ${name} = t;`,
        `        else ${name} = ${tie};   // exactly half (${mode}${fault === 'none' ? '' : `, FAULT ${fault}`})`,
      );
    }
  }
  return `    // shiftRound(x, ${k}, '${mode}') of a ${inW}-bit x (src/fixed/index.ts)
    function signed [${R - 1}:0] ${name};
        input signed [${inW - 1}:0] x;
        reg signed [${IW - 1}:0] xx, t, rem;
        begin
        xx = x;
${body.join('\n')}
        end
    endfunction
`;
}

/**
 * Two functions for fit(x, w, mode) of an inW-bit x: `${name}_v` the value
 * (w bits) and `${name}_o` the overflow bit.
 */
export function fitFunctions(name: string, inW: number, w: number, mode: Overflow): string {
  const IW = Math.max(inW, w) + 2;
  const lo = lit(minOf(w), IW);
  const hi = lit(maxOf(w), IW);
  const out = mode === 'saturate'
    ? `        else v = (xx < ${lo}) ? ${lo} : ${hi};     // saturate`
    : `        else v = xx - (((xx - ${lo}) >>> ${w}) <<< ${w});  // wrap: x minus a multiple of 2^${w}, into lo..hi`;
  return `    // fit(x, ${w}, '${mode}') of a ${inW}-bit x (src/fixed/index.ts): value and overflow
    function signed [${w - 1}:0] ${name}_v;
        input signed [${inW - 1}:0] x;
        reg signed [${IW - 1}:0] xx, v;
        begin
        xx = x;
        if (xx >= ${lo} && xx <= ${hi}) v = xx;
${out}
        ${name}_v = v[${w - 1}:0];
        end
    endfunction
    function ${name}_o;
        input signed [${inW - 1}:0] x;
        reg signed [${IW - 1}:0] xx;
        begin
        xx = x;
        ${name}_o = !(xx >= ${lo} && xx <= ${hi});
        end
    endfunction
`;
}

/**
 * requantize(x, { shift, outWidth, rounding, overflow }) of an inW-bit x as
 * three functions: `${name}_r` (shiftRound), `${name}_v` and `${name}_o` (fit
 * of the rounded value). Use as `${name}_v(${name}_r(x))`.
 */
export function requantFunctions(name: string, inW: number, shift: number, outW: number, rounding: Rounding, overflow: Overflow, fault: ReferenceFault = 'none'): string {
  return shiftRoundFunction(`${name}_r`, inW, shift, rounding, fault) + fitFunctions(name, roundedWidth(inW, shift), outW, overflow);
}

/** Bits of a signed width that holds every value of magnitude up to `bound` (both signs). */
export function signedBitsFor(bound: number): number {
  let w = 1;
  while (maxOf(w) < bound) w++;
  return w;
}
