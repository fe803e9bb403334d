/**
 * `circa fft-report`: SQNR of the fixed-point FFT against double precision,
 * swept over data width, twiddle width and rounding mode for one N, on
 * uniform random input. Every figure comes from the bit-exact model
 * (reference.ts), which the co-simulation tests hold equal to the RTL.
 *
 * Input: real and imaginary parts uniform in [-a, a) of full scale
 * (default a = 0.7, so that the complex magnitude stays below full scale and
 * the scaled pipeline does not saturate), quantised to the data width with
 * round-to-nearest. Two SQNRs per row:
 *  - sqnrDb: the pipeline's own noise (rounding, twiddle quantisation),
 *    against the exact transform of the quantised input;
 *  - endToEndDb: including the input quantisation, against the exact
 *    transform of the real-valued input.
 */
import { quantize, q, ROUNDINGS, type Rounding } from '../fixed/index.ts';
import { mulberry32 } from './cosim.ts';
import { planFft } from './plan.ts';
import { errorBound, errorStats, fftFixed, fftIdeal, type Cplx } from './reference.ts';
import { log2Exact, type FftScaling } from './spec.ts';

export interface FftReportOptions {
  dataWidths?: number[];
  twiddleWidths?: number[];
  roundings?: Rounding[];
  /** random vectors per row */
  vectors?: number;
  seed?: number;
  inverse?: boolean;
  scaling?: FftScaling;
  multipliers?: 3 | 4;
  /** peak of each part as a fraction of full scale, in (0, 1] */
  amplitude?: number;
}

export interface FftReportRow {
  n: number;
  inverse: boolean;
  dataWidth: number;
  twiddleWidth: number;
  rounding: Rounding;
  /** SQNR of the pipeline alone (dB) */
  sqnrDb: number;
  /** SQNR including the input quantisation (dB) */
  endToEndDb: number;
  /** largest error of one output part against the exact transform of the quantised input, in output LSBs */
  maxErrorLsb: number;
  /** the worst-case bound of errorBound() for this configuration, in output LSBs */
  boundLsb: number;
  /** vectors on which some butterfly or multiplier saturated */
  overflowVectors: number;
  vectors: number;
}

export const DEFAULT_REPORT_WIDTHS = [8, 12, 16, 20];

export function fftReport(n: number, options: FftReportOptions = {}): FftReportRow[] {
  const dataWidths = options.dataWidths ?? DEFAULT_REPORT_WIDTHS;
  const twiddleWidths = options.twiddleWidths ?? DEFAULT_REPORT_WIDTHS;
  const roundings = options.roundings ?? [...ROUNDINGS];
  const count = options.vectors ?? 16;
  const amplitude = options.amplitude ?? 0.7;
  const inverse = options.inverse ?? false;
  if (!(amplitude > 0 && amplitude <= 1)) throw new RangeError(`amplitude must be in (0, 1], got ${amplitude}`);
  // validate n once (throws CircaInputError with the allowed range)
  planFft({ n, inverse });
  const rnd = mulberry32(options.seed ?? 1);
  const real: Cplx[][] = Array.from({ length: count }, () =>
    Array.from({ length: n }, () => [(rnd() * 2 - 1) * amplitude, (rnd() * 2 - 1) * amplitude] as Cplx),
  );
  const rows: FftReportRow[] = [];
  for (const w of dataWidths) {
    const fmt = q(0, w - 1);
    const fs = 2 ** (w - 1);
    const xq: Cplx[][] = real.map((v) => v.map(([re, im]) => [
      quantize(re, fmt, 'convergent', 'saturate').value,
      quantize(im, fmt, 'convergent', 'saturate').value,
    ] as Cplx));
    const xs: Cplx[][] = real.map((v) => v.map(([re, im]) => [re * fs, im * fs] as Cplx));
    // The exact transforms depend only on the data width (and n, direction, scaling,
    // order), so they are computed once per width, with the first plan.
    const base = { n, inverse, dataWidth: w, scaling: options.scaling ?? 'unit', multipliers: options.multipliers ?? 4 };
    let idealQ: Cplx[][] | undefined;
    let idealR: Cplx[][] | undefined;
    for (const tw of twiddleWidths) {
      for (const rounding of roundings) {
        const plan = planFft({ ...base, twiddleWidth: tw, rounding });
        idealQ ??= xq.map((x) => fftIdeal(plan, x));
        idealR ??= xs.map((x) => fftIdeal(plan, x));
        const runs = xq.map((x) => fftFixed(plan, x));
        const got = runs.map((r) => r.y);
        const pipe = errorStats(idealQ, got);
        const e2e = errorStats(idealR, got);
        rows.push({
          n,
          inverse,
          dataWidth: w,
          twiddleWidth: tw,
          rounding,
          sqnrDb: pipe.sqnrDb,
          endToEndDb: e2e.sqnrDb,
          maxErrorLsb: pipe.maxAbsError,
          boundLsb: errorBound(plan),
          overflowVectors: runs.filter((r) => r.overflow).length,
          vectors: count,
        });
      }
    }
  }
  return rows;
}

/** A plain-text table of report rows. */
export function formatFftReport(rows: readonly FftReportRow[]): string {
  if (!rows.length) return '(no rows)\n';
  const r0 = rows[0];
  const lines = [
    `${r0.inverse ? 'IFFT' : 'FFT'} N = ${r0.n} (log2 N = ${log2Exact(r0.n)}), ${r0.vectors} uniform random vectors per row.`,
    'SQNR = 10 log10(sum |exact|^2 / sum |fixed - exact|^2). "pipeline": against the exact transform of the',
    'quantised input; "end-to-end": against the exact transform of the real input. Errors in output LSBs;',
    'bound = worst-case error bound (reference.ts errorBound).',
    '',
  ];
  const head = ['data', 'twiddle', 'rounding', 'pipeline dB', 'end-to-end dB', 'max err', 'bound', 'saturated'];
  const body = rows.map((r) => [
    String(r.dataWidth),
    String(r.twiddleWidth),
    r.rounding,
    r.sqnrDb.toFixed(1),
    r.endToEndDb.toFixed(1),
    r.maxErrorLsb.toFixed(2),
    r.boundLsb.toFixed(1),
    `${r.overflowVectors}/${r.vectors}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  lines.push(fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt));
  return lines.join('\n') + '\n';
}
