/**
 * `circa fft-report <N>`: the fixed-point accuracy of the streaming FFT
 * (src/fft) against double precision, swept over data width, twiddle width
 * and rounding mode, from its bit-exact model (src/fft/report.ts). The
 * co-simulation tests hold that model equal to the RTL, so these are the
 * hardware's figures. src/cli/main.ts registers it with
 * registerFftCommand(program).
 *
 *   circa fft-report 64
 *   circa fft-report 256 --width 12,16 --twiddle-width 10,14,18 --rounding convergent --json
 *
 * Exit codes as for every command: 0 the report was printed, 2 bad input
 * (N not a power of two in 4..1024, a width or rounding outside its range,
 * a combination the FFT cannot build).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { CircaInputError } from '../errors.ts';
import { ROUNDINGS, type Rounding } from '../fixed/index.ts';
import {
  DEFAULT_REPORT_WIDTHS, FFT_MAX_INTERNAL_WIDTH, FFT_MAX_N, FFT_MAX_TWIDDLE_WIDTH, FFT_MIN_DATA_WIDTH, FFT_MIN_N,
  FFT_MIN_TWIDDLE_WIDTH, fftReport, formatFftReport, isPowerOfTwo,
} from '../fft/index.ts';
import { progress } from './progress.ts';

export interface FftReportCommandOptions {
  width: number[];
  twiddleWidth: number[];
  rounding: Rounding[];
  vectors: number;
  seed: number;
  inverse?: boolean;
  multipliers: 3 | 4;
  json?: boolean;
  quiet?: boolean;
}

/** A comma-separated list of integers, each in min..max. */
function intList(name: string, min: number, max: number) {
  return (value: string): number[] => {
    const parts = value.split(',').map((s) => s.trim()).filter((s) => s.length);
    if (!parts.length) throw new InvalidArgumentError(`${name} needs at least one value (comma-separated integers in ${min}..${max})`);
    return parts.map((s) => {
      const n = Number(s);
      if (!/^\d+$/.test(s) || n < min || n > max) throw new InvalidArgumentError(`${name} values must be integers in ${min}..${max}, got "${s}"`);
      return n;
    });
  };
}

function roundingList(value: string): Rounding[] {
  const parts = value.split(',').map((s) => s.trim()).filter((s) => s.length);
  if (!parts.length) throw new InvalidArgumentError(`--rounding needs at least one of ${ROUNDINGS.join(', ')}`);
  for (const p of parts) {
    if (!(ROUNDINGS as readonly string[]).includes(p)) throw new InvalidArgumentError(`--rounding values must be ${ROUNDINGS.join(', ')}, got "${p}"`);
  }
  return parts as Rounding[];
}

function intOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max}`);
    return n;
  };
}

/** The command's work, separate from commander so tests can call it. Returns the exit code. */
export function fftReportCommand(nText: string, o: FftReportCommandOptions): number {
  const n = Number(nText);
  if (!/^\d+$/.test(nText.trim()) || !isPowerOfTwo(n) || n < FFT_MIN_N || n > FFT_MAX_N) {
    throw new CircaInputError(`<N>: must be a power of two in ${FFT_MIN_N}..${FFT_MAX_N}, got ${nText}`);
  }
  const p = progress(!o.quiet && !o.json);
  p.step(`FFT N = ${n}: ${o.width.length * o.twiddleWidth.length * o.rounding.length} configuration(s), ${o.vectors} vectors each`);
  const rows = fftReport(n, {
    dataWidths: o.width,
    twiddleWidths: o.twiddleWidth,
    roundings: o.rounding,
    vectors: o.vectors,
    seed: o.seed,
    inverse: !!o.inverse,
    multipliers: o.multipliers,
  });
  process.stdout.write(o.json ? `${JSON.stringify({ n, inverse: !!o.inverse, rows }, null, 2)}\n` : formatFftReport(rows));
  return 0;
}

/** Add `circa fft-report` to the program. Its action stores the exit code as the program's `exit` option value, like the others. */
export function registerFftCommand(program: Command): Command {
  const cmd = program.command('fft-report')
    .description('SQNR of the fixed-point FFT (bit-exact model of the RTL) against double precision, over data width, twiddle width and rounding')
    .argument('<N>', `transform length, a power of two in ${FFT_MIN_N}..${FFT_MAX_N}`)
    .option('--width <list>', `data widths (comma-separated, ${FFT_MIN_DATA_WIDTH}..${FFT_MAX_INTERNAL_WIDTH})`,
      intList('--width', FFT_MIN_DATA_WIDTH, FFT_MAX_INTERNAL_WIDTH), [...DEFAULT_REPORT_WIDTHS])
    .option('--twiddle-width <list>', `twiddle widths (comma-separated, ${FFT_MIN_TWIDDLE_WIDTH}..${FFT_MAX_TWIDDLE_WIDTH})`,
      intList('--twiddle-width', FFT_MIN_TWIDDLE_WIDTH, FFT_MAX_TWIDDLE_WIDTH), [...DEFAULT_REPORT_WIDTHS])
    .option('--rounding <list>', `rounding modes (comma-separated: ${ROUNDINGS.join(', ')})`, roundingList, [...ROUNDINGS])
    .option('--vectors <n>', 'uniform random vectors per configuration', intOption('--vectors', 1, 100_000), 16)
    .option('--seed <s>', 'seed of the random vectors', intOption('--seed', 0, 2 ** 31 - 1), 1)
    .option('--inverse', 'report the inverse transform instead of the forward one')
    .option('--multipliers <m>', 'real multipliers per twiddle product: 3 or 4', (v: string): 3 | 4 => {
      if (v !== '3' && v !== '4') throw new InvalidArgumentError(`--multipliers must be 3 or 4, got "${v}"`);
      return Number(v) as 3 | 4;
    }, 4 as 3 | 4)
    .addOption(new Option('--json', 'print a machine-readable JSON result on stdout'))
    .addOption(new Option('-q, --quiet', 'no progress messages on stderr'))
    .action(async (n: string, o: FftReportCommandOptions) => {
      program.setOptionValue('exit', fftReportCommand(n, o));
    });
  cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
  return cmd;
}
