/**
 * The README's figures, rerun (issue 28, item 6): every figure comes from a
 * command printed beside it, and the cheap commands are rerun here.
 *
 * Two kinds of check:
 * - a transcript: a fenced block of the README that starts with
 *   `$ circa <args>` and shows the command's output. The command is rerun
 *   (`node bin/circa.mjs <args>`, from the repository) and every line of the
 *   block must be a line of its output, in order and consecutive; a line
 *   `...` in the block stands for any number of output lines. Only commands
 *   that run in a second or two without tools are rerun (CHEAP_COMMANDS);
 *   the others (sim, build, program) are listed as not rerun. Durations
 *   ("1.81 s") are blanked on both sides (timingFree): the README states the
 *   machine and load beside a timing, and it cannot be rerun to the digit.
 * - a figure quoted in prose: the README's sentence, the command printed
 *   beside it, and where that command's output holds the figure (FIGURES).
 *
 * `npm run readme:check` (scripts/readme-check.ts) runs both and exits 1 on
 * any drift; test/readme-figures.test.ts runs the same checks in the fast
 * tier.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
export const ROOT = join(import.meta.dirname, '..');

/** The `circa` subcommands whose README transcripts are rerun: models only, no tools, a second or two each. */
export const CHEAP_COMMANDS = ['estimate', 'compare', 'boards', 'fft-report', 'sweep'] as const;

export interface Transcript {
  /** 1-based line of the `$ circa` line in README.md */
  line: number;
  args: string[];
  expected: string[];
  cheap: boolean;
}

/** The README's `$ circa ...` transcripts. */
export function transcripts(readme: string): Transcript[] {
  const lines = readme.split('\n');
  const out: Transcript[] = [];
  for (let i = 0; i < lines.length; i++) {
    // a block may sit indented in a list item: its indent is taken off every line
    const indent = /^( *)```/.exec(lines[i])?.[1].length;
    if (indent === undefined || !lines[i + 1]?.startsWith(`${' '.repeat(indent)}$ circa `)) continue;
    const args = lines[i + 1].slice(indent + '$ circa '.length).trim().split(/\s+/);
    const expected: string[] = [];
    let j = i + 2;
    for (; j < lines.length && !lines[j].trimStart().startsWith('```'); j++) expected.push(lines[j].slice(indent));
    const cheap = (CHEAP_COMMANDS as readonly string[]).includes(args[0]) && !args.includes('--synth');
    out.push({ line: i + 2, args, expected, cheap });
    i = j;
  }
  return out;
}

/** Where the transcript and the output part: undefined when every line matches (with `...` as a gap). */
export function transcriptDrift(expected: readonly string[], output: string): string | undefined {
  const got = output.replace(/\s+$/, '').split('\n').map(timingFree);
  let at = 0;
  let gap = false;
  for (const raw of expected) {
    const want = timingFree(raw);
    if (want === '...') {
      gap = true;
      continue;
    }
    let k = at;
    if (gap) {
      while (k < got.length && got[k] !== want) k++;
    }
    if (k >= got.length || got[k] !== want) {
      return `README: ${JSON.stringify(want)}\n  output line ${at + 1}: ${JSON.stringify(got[at] ?? '(end of output)')}`;
    }
    at = k + 1;
    gap = false;
  }
  if (!gap && at < got.length) return `the output goes on after the README's last line: ${JSON.stringify(got[at])}`;
  return undefined;
}

/**
 * A line with its timings blanked ("priced in 1.81 s" -> "priced in # s"):
 * a duration depends on the machine and its load, which the README states
 * beside each timing; every other figure must match.
 */
export function timingFree(line: string): string {
  return line.replace(/\s+$/, '').replace(/\b\d+(\.\d+)? s\b/g, '# s');
}

export interface Figure {
  /** what the figure is */
  label: string;
  /** the README's text holding it: group 1 is the figure */
  readme: RegExp;
  /** the command printed beside it (circa's arguments) */
  args: string[];
  /** where the command's output holds it: group 1 */
  output: RegExp;
}

/** Figures quoted in prose, each with the command the README prints beside it. */
export const FIGURES: Figure[] = [
  {
    label: 'the intro\'s SQNR of the 64-point 16-bit FFT (end-to-end, `circa fft-report 64`)',
    readme: /with an SQNR of ([\d.]+) dB end to end against a float\s+FFT \(`npm run bench`, `circa fft-report 64`: 16-bit data and twiddles, convergent\)/,
    args: ['fft-report', '64'],
    output: /^16\s+16\s+convergent\s+[\d.]+\s+([\d.]+)\s/m,
  },
];

export async function runCirca(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('node', [join(ROOT, 'bin', 'circa.mjs'), ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

export interface CheckResult {
  what: string;
  /** undefined: matches */
  drift?: string;
  seconds: number;
}

export function readReadme(): string {
  return readFileSync(join(ROOT, 'README.md'), 'utf8');
}

/** Rerun one transcript. */
export async function checkTranscript(t: Transcript): Promise<CheckResult> {
  const t0 = performance.now();
  const r = await runCirca(t.args);
  const what = `README.md:${t.line} circa ${t.args.join(' ')}`;
  const seconds = (performance.now() - t0) / 1000;
  if (r.code !== 0) return { what, drift: `exit ${r.code}: ${r.stderr.trim().split('\n')[0]}`, seconds };
  return { what, drift: transcriptDrift(t.expected, r.stdout), seconds };
}

/** Rerun one quoted figure's command. */
export async function checkFigure(f: Figure, readme: string): Promise<CheckResult> {
  const t0 = performance.now();
  const what = `${f.label}: circa ${f.args.join(' ')}`;
  const inReadme = f.readme.exec(readme)?.[1];
  if (inReadme === undefined) return { what, drift: `the README no longer has the sentence ${f.readme}`, seconds: 0 };
  const r = await runCirca(f.args);
  const seconds = (performance.now() - t0) / 1000;
  if (r.code !== 0) return { what, drift: `exit ${r.code}: ${r.stderr.trim().split('\n')[0]}`, seconds };
  const got = f.output.exec(r.stdout)?.[1];
  if (got === undefined) return { what, drift: `the output no longer holds the figure (${f.output})`, seconds };
  return { what, drift: got === inReadme ? undefined : `README ${inReadme}, the command gives ${got}`, seconds };
}
