/**
 * The estimate subcommands of `circa`: `compare` (two designs side by side,
 * each ratio next to the TVSCM paper's) and `sweep` (a design space through
 * the models, optionally built for real) with `sweep merge`.
 * src/cli/main.ts calls registerEstimateCommands(program) once.
 *
 * Conventions as in main.ts: bad input is a CircaInputError naming the flag
 * (exit 2), --json prints a machine-readable result on stdout, progress goes
 * to stderr (-q silences it), files are written only where asked and staged
 * so that a failure leaves nothing half-written.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { CircaInputError } from '../errors.ts';
import { loadDesign, type Design } from '../network/design.ts';
import { loadDataset } from '../train/mnist.ts';
import { evaluateFixed } from '../train/evaluate.ts';
import { readJsonFile } from '../layers/load.ts';
import { listBoards, loadBoard } from '../target/index.ts';
import type { Toolchain } from '../flow/index.ts';
import { checkTarget, describeKept, writeFile, writeFolder } from '../output.ts';
import { progress } from './progress.ts';
import { loadEnergyTable } from '../estimate/tables.ts';
import { formatEnergy } from '../estimate/energy.ts';
import {
  addAccuracy, checkPaperFlag, compareDesigns, comparisonCharts, comparisonJson, formatComparison, markdownComparison,
} from '../estimate/compare.ts';
import {
  shorthands, accuracySvg, evaluatePoint, expandPoints, inShard, mergeCsv, parseShard, parseVary, sweepSvg, toCsv, withSynth,
  type PointResult, type Vary,
} from '../estimate/sweep.ts';
import { progressBar, synthPoints } from '../estimate/sweep-synth.ts';

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

function positiveNumber(name: string) {
  return (value: string): number => {
    const x = Number(value);
    if (!/^\s*\d+(\.\d+)?\s*$/.test(value) || !(x > 0)) throw new InvalidArgumentError(`${name} must be a positive number`);
    return x;
  };
}

function intOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const x = Number(value);
    if (!/^\d+$/.test(value.trim()) || x < min || x > max) throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max}`);
    return x;
  };
}

function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

/** A spec whose "weights" path (or --weights) is absolute, so planning a modified copy finds the file. */
function withAbsoluteWeights(spec: unknown, specPath: string, weights?: string): unknown {
  if (typeof spec !== 'object' || spec === null || !('layers' in spec)) {
    if (weights) throw new CircaInputError('--weights: only a network spec takes a weight file');
    return spec;
  }
  const w = weights ? resolve(weights) : (spec as { weights?: unknown }).weights;
  if (typeof w !== 'string') return spec;
  return { ...spec, weights: isAbsolute(w) ? w : resolve(dirname(specPath), w) };
}

// ---------------------------------------------------------------------------
// compare
// ---------------------------------------------------------------------------
interface CompareOpts { dataset?: string; limit: number; clock?: number; table?: string; paper?: string; board: string; json?: boolean; md?: boolean; svg?: string; force?: boolean; quiet?: boolean }

async function cmdCompare(pathA: string, pathB: string, o: CompareOpts): Promise<number> {
  if (o.json && o.md) throw new CircaInputError('--json and --md: choose one output format');
  const paper = checkPaperFlag(o.paper);
  const board = loadBoard(o.board);
  const table = o.table ? loadEnergyTable(o.table) : undefined;
  const a = loadDesign(pathA);
  const b = loadDesign(pathB);
  const svgTarget = o.svg ? checkTarget(o.svg, !!o.force, '--svg') : undefined;
  const p = progress(!o.quiet);
  p.step(`comparing ${a.name} and ${b.name} (models only)`);
  const c = compareDesigns(a, b, { clockMHz: o.clock ?? board.clock.mhz, part: board.part, table, paper });
  if (o.dataset) {
    const testSet = loadDataset(o.dataset, 'test');
    for (const d of [a, b]) {
      if (d.net.inputs !== testSet.size) throw new CircaInputError(`--dataset: ${d.name} takes ${d.net.inputs} inputs; ${o.dataset} images have ${testSet.size} pixels`);
    }
    p.step(`evaluating both fixed-point models on ${Math.min(o.limit, testSet.count)} ${o.dataset} test images`);
    const ra = evaluateFixed(a.net, testSet, o.limit);
    const rb = evaluateFixed(b.net, testSet, o.limit);
    addAccuracy(c, ra.accuracy, rb.accuracy, `accuracy (${ra.images} ${o.dataset} test images)`);
  }
  let written: string[] = [];
  let kept: string[] = [];
  if (svgTarget) {
    const charts = comparisonCharts(c);
    kept = describeKept((await writeFolder(o.svg!, (dir) => {
      for (const ch of charts) writeFileSync(join(dir, ch.name), ch.svg);
    }, { force: !!o.force, option: '--svg' })).written);
    written = charts.map((ch) => join(relative(process.cwd(), svgTarget) || '.', ch.name));
  }
  if (o.json) print(true, { ...(comparisonJson(c) as object), svg: written }, '');
  else if (o.md) print(false, null, markdownComparison(c).trimEnd());
  else print(false, null, [formatComparison(c), ...(written.length ? ['', `wrote ${written.join(', ')}`, ...kept] : [])].join('\n'));
  return 0;
}

// ---------------------------------------------------------------------------
// sweep
// ---------------------------------------------------------------------------
interface SweepOpts {
  vary: string[]; out?: string; synth?: boolean; jobs: number; shard?: string; board: string;
  toolchain: Toolchain; seed: number; force?: boolean; json?: boolean; quiet?: boolean;
  dataset?: string; limit: number; weights?: string;
}

function sweepTable(keys: string[], rows: PointResult[], synth: boolean): string {
  const acc = rows.some((r) => r.accuracy !== undefined);
  const head = ['#', ...keys, 'cycles', 'lat us', 'LC', 'FF', 'DSP', 'EBR', 'fits', 'E ice40', 'E asic', ...(acc ? ['accuracy'] : []), ...(synth ? ['built LC', 'FF', 'DSP', 'EBR'] : [])];
  const body = rows.map((r) => r.status !== 'ok'
    ? [String(r.index), ...r.values.map(String), `invalid: ${r.error}`]
    : [
        String(r.index), ...r.values.map(String), String(r.cycles), r.latencyUs!.toFixed(1), String(r.logicCells), String(r.ff), String(r.dsp), String(r.ebr),
        r.fits ? 'yes' : 'no', formatEnergy(r.energyIce40PJ!), formatEnergy(r.energyAsicPJ!), ...(acc ? [r.accuracy === undefined ? '' : `${(100 * r.accuracy).toFixed(2)}%`] : []),
        ...(synth ? (r.synth?.status === 'ok' ? [String(r.synth.logicCells), String(r.synth.ff), String(r.synth.dsp), String(r.synth.ebr)] : [`${r.synth?.status ?? 'not built'}`, '', '', '']) : []),
      ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.filter((r) => r.length === head.length).map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.length === head.length ? r.map((x, i) => x.padStart(widths[i])).join('  ') : `${r.slice(0, keys.length + 1).map((x, i) => x.padStart(widths[i])).join('  ')}  ${r[r.length - 1]}`;
  return [line(head), ...body.map(line)].join('\n');
}

async function cmdSweep(specPath: string, o: SweepOpts): Promise<number> {
  if (!o.vary.length) throw new CircaInputError('--vary: give at least one, e.g. --vary lanes=1,2,4,8');
  const varies: Vary[] = o.vary.map(parseVary);
  const shard = o.shard ? parseShard(o.shard) : undefined;
  const board = loadBoard(o.board);
  const spec = withAbsoluteWeights(readJsonFile(specPath), specPath, o.weights);
  const target = o.out ? checkTarget(o.out, !!o.force, '--out') : undefined;
  const testSet = o.dataset ? loadDataset(o.dataset, 'test') : undefined;
  const accuracyOf = testSet ? (d: Design) => evaluateFixed(d.net, testSet, o.limit).accuracy : undefined;
  const keys = varies.map((v) => v.key);
  const points = expandPoints(spec, varies).filter((pt) => inShard(pt.index, shard));
  const p = progress(!o.quiet);
  p.step(`evaluating ${points.length} point(s)${shard ? ` (shard ${shard.i}/${shard.n})` : ''} with the models on ${board.name}`);
  let rows = points.map((pt) => evaluatePoint(pt, board, o.toolchain, accuracyOf));
  if (rows.length && rows.every((r) => r.status !== 'ok')) {
    throw new CircaInputError(`--vary: none of the ${rows.length} point(s) is valid (point ${rows[0].index}: ${rows[0].error})`);
  }
  if (o.synth) {
    const valid = new Map(points.filter((_, i) => rows[i].status === 'ok' && !rows[i].noSynth).map((pt) => [pt.index, pt.spec]));
    p.step(`building ${valid.size} point(s) with ${o.toolchain} tools in ${Math.min(o.jobs, Math.max(1, valid.size))} worker thread(s)`);
    const built = await synthPoints(valid, { board, toolchain: o.toolchain, seed: o.seed, jobs: o.jobs, onProgress: progressBar(!o.quiet) });
    rows = rows.map((r) => (built.has(r.index) ? withSynth(r, built.get(r.index)!) : r.noSynth ? withSynth(r, { skipped: r.noSynth }) : r));
  }
  const csv = toCsv(keys, rows, !!o.synth);
  const title = `${basename(specPath)}: ${keys.join(' x ')} on ${board.name}`;
  let files: string[] = [];
  let kept: string[] = [];
  if (target) {
    const svg = sweepSvg(title, keys, rows);
    const accSvg = testSet ? accuracySvg(`${title}: ${o.dataset} accuracy (${Math.min(o.limit, testSet.count)} test images)`, keys, rows) : undefined;
    kept = describeKept((await writeFolder(o.out!, (dir) => {
      writeFileSync(join(dir, 'sweep.csv'), csv);
      writeFileSync(join(dir, 'pareto.svg'), svg);
      if (accSvg) writeFileSync(join(dir, 'accuracy.svg'), accSvg);
    }, { force: !!o.force, option: '--out' })).written);
    files = ['sweep.csv', 'pareto.svg', ...(accSvg ? ['accuracy.svg'] : [])].map((f) => join(relative(process.cwd(), target) || '.', f));
  }
  const invalid = rows.filter((r) => r.status !== 'ok').length;
  const noFit = rows.filter((r) => r.status === 'ok' && !r.fits).length;
  print(!!o.json, { spec: specPath, board: board.name, vary: varies, shard: shard ?? null, points: rows, files }, [
    sweepTable(keys, rows, !!o.synth),
    '',
    `${rows.length} point(s)${invalid ? `, ${invalid} invalid` : ''}${noFit ? `, ${noFit} do not fit iCE40${board.part}` : ''}`,
    'LC: logic cells (each a LUT4 with its flip-flop and carry; the part\'s logic limit counts these)',
    ...(files.length ? [`wrote ${files.join(', ')}`, ...kept] : []),
  ].join('\n'));
  return 0;
}

async function cmdMerge(csvs: string[], o: { output: string; force?: boolean; quiet?: boolean }): Promise<number> {
  const files = csvs.map((f) => {
    try {
      return { name: f, text: readFileSync(f, 'utf8') };
    } catch (e) {
      throw new CircaInputError(`${f}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  });
  const merged = mergeCsv(files);
  writeFile(o.output, merged, { force: !!o.force, option: '-o', inputs: csvs });
  if (!o.quiet) process.stdout.write(`merged ${files.length} file(s), ${merged.split('\n').length - 2} point(s) into ${o.output}\n`);
  return 0;
}

/** Add `compare` and `sweep` (with `sweep merge`) to the circa program. */
export function registerEstimateCommands(program: Command): void {
  const json = () => new Option('--json', 'print a machine-readable JSON result on stdout');
  const quiet = () => new Option('-q, --quiet', 'no progress messages on stderr');
  const setExit = (code: number): void => {
    program.setOptionValue('exit', code);
  };

  const compare = program.command('compare')
    .description('compare two designs (e.g. a dense baseline and its TVSCM network): parameters, memory, MACs, cycles, latency, ' +
      'energy under the ice40-up5k and asic-45nm tables, each ratio a/b next to the TVSCM paper\'s')
    .argument('<a>', 'first layer or network spec (JSON)')
    .argument('<b>', 'second layer or network spec (JSON)')
    .option('--clock <MHz>', 'clock for latency and static energy (default: the board clock, 12 MHz on every UART board)', positiveNumber('--clock'))
    .option('--table <name|path>', 'an extra energy table: ice40-up5k, asic-45nm or a JSON table file')
    .option('--paper <row>', 'the paper row to compare with: mnist or mitbih (default: picked by the parameter counts)')
    .option('--dataset <name>', 'add an accuracy row: each fixed-point model on this dataset\'s test images (mnist)')
    .option('--limit <n>', 'with --dataset: the first n test images', positiveInt('--limit'), 10000)
    .option('--board <name|path>', `board whose part prices the FPGA energy: ${listBoards().join(', ')}`, 'icebreaker')
    .option('--md', 'print a Markdown table instead of the terminal table')
    .option('--svg <dir>', 'write ratios.svg (ours vs paper) and energy-breakdown.svg into this directory')
    .option('--force', 'write into an --svg folder circa wrote before: replace the files its .circa-output manifest lists; other files stay')
    .addOption(json()).addOption(quiet())
    .addHelpText('after', `
Example:
  circa compare examples/mnist-dense.json examples/mnist-tvscm.json --md --svg build/compare`)
    .action(async (a: string, b: string, o: CompareOpts) => { setExit(await cmdCompare(a, b, o)); });

  const sweep = program.command('sweep')
    .description('evaluate a design space with the models (cycles, resources, fit, energy); --synth builds every point')
    .argument('<spec>', 'layer or network spec (JSON) to vary')
    .option('--vary <key=values>', 'a dotted path into the spec and its values, e.g. layers.0.lanes=1,2,4 (repeatable); ' +
      `shorthands: ${Object.entries(shorthands()).map(([k, v]) => `${k} (${v})`).join('; ')}`,
    (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--out <dir>', 'write sweep.csv and pareto.svg (energy vs latency, coloured by logic cells, points that do not fit crossed) here; with --dataset also accuracy.svg (test error vs logic cells)')
    .option('--dataset <name>', 'score every point\'s fixed-point model on this dataset\'s test images (mnist): an accuracy column and accuracy.svg')
    .option('--limit <n>', 'with --dataset: the first n test images', positiveInt('--limit'), 1000)
    .option('--weights <file>', 'weights for every point (e.g. the real weights from circa train, so that --vary bits=... requantises them)')
    .option('--synth', 'also build every point (yosys, nextpnr-ice40, icepack) in worker threads; builds are cached by content hash')
    .option('--jobs <n>', 'worker threads for --synth', intOption('--jobs', 1, 64), Math.max(1, Math.min(4, availableParallelism() - 1)))
    .option('--shard <i/N>', 'evaluate only the points whose index % N == i - 1 (merge the CSVs with `circa sweep merge`)')
    .option('--board <name|path>', `board: part for resources and fit, clock for latency: ${listBoards().join(', ')}`, 'icebreaker')
    .addOption(new Option('--toolchain <t>', 'tools for --synth, and the yosys version the LUT model assumes').choices(['yowasp', 'native']).default('yowasp'))
    .option('--seed <s>', 'nextpnr placement seed for --synth', intOption('--seed', 0, 2 ** 31 - 1), 1)
    .option('--force', 'write into an --out folder circa wrote before: replace the files its .circa-output manifest lists; other files stay')
    .addOption(json()).addOption(quiet())
    .addHelpText('after', `
--vary keys:
  lanes=1,2,4,8        shorthand: the lanes of every tvscm and dense layer (capped at the layer's maximum)
  width=8,12,16        shorthand: every input, weight and output format becomes Q0.(W-1) (frac = W - 1)
  butterflies=1,2,4    shorthand: the butterfly units of every folded FFT engine (circulant, diag-circulant, fft)
  architecture=streaming,folded  shorthand: every FFT section's architecture (folded with 1 unit unless butterflies varies too)
  fftWidth=12,16       shorthand: the data width of every FFT section
  layers.0.lanes=1,2   a dotted path into the spec (also layers[0].lanes); for a single layer: lanes=..., placement.radius=...
Points are every combination, the first --vary varying slowest, numbered from 0.

Examples:
  circa sweep examples/mnist-tvscm.json --vary lanes=1,2,4,8 --vary width=8,12,16 --out build/sweep
  circa sweep examples/circulant-256.json --vary architecture=streaming,folded --vary butterflies=1,2,4
  circa sweep examples/tvscm-784.json --vary lanes=1,2 --synth --jobs 2 --out build/sweep-synth
  circa sweep spec.json --vary lanes=1,2,4,8 --shard 1/2 --out s1    (and --shard 2/2 --out s2)
  circa sweep merge s1/sweep.csv s2/sweep.csv -o sweep.csv`)
    .action(async (spec: string, o: SweepOpts) => { setExit(await cmdSweep(spec, o)); });

  sweep.command('merge')
    .description('merge the CSVs of a sharded sweep into one, rows in point order (equal to the unsharded CSV)')
    .argument('<csv...>', 'shard CSV files')
    .requiredOption('-o, --output <file>', 'merged CSV file')
    .option('--force', 'replace an existing output file')
    .option('-q, --quiet', 'no summary line')
    .action(async (csvs: string[], o: { output: string; force?: boolean; quiet?: boolean }) => { setExit(await cmdMerge(csvs, o)); });

  for (const c of [compare, sweep, ...sweep.commands]) c.exitOverride().showHelpAfterError('(run with --help for usage)');
}
