/**
 * The `circa` command. Each subcommand is a thin shell over plain functions:
 * load the spec, then generate / co-simulate / build / estimate.
 *
 * Exit codes: 0 success, 1 a failed check or tool, 2 bad input (a spec
 * field, a flag, a board).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { basename, dirname, join, relative } from 'node:path';
import { CircaError, CircaInputError } from '../errors.ts';
import { onInterrupt } from '../cleanup.ts';
import { loadDesign, type Design } from '../network/design.ts';
import { checkModuleNames } from '../network/plan.ts';
import { LAYER_KINDS } from '../layers/index.ts';
import { cosim, formatMismatch, simTimeLines, type CosimReport, type SeriesStats } from '../sim/cosim.ts';
import { checkRtl } from '../sim/lint.ts';
import { synthesisedRtl } from '../sim/netlist.ts';
import { describeSimulator, SIMULATORS, type SimulatorChoice } from '../sim/simulator.ts';
import { CLOCK_AUTO, clockMissMessage, clockOption, type ClockTry, describeClock, describeTry, listBoards, loadBoard, nextAutoStep, PART_NAMES, type PartName, programPlan } from '../target/index.ts';
import { formatReport } from '../flow/index.ts';
import { boardDesign } from '../network/board.ts';
import { buildReport, dropScratch, generatedFiles, keepBuild, scratchBuild, type ScratchBuild } from '../network/build.ts';
import { packageVersion } from '../verilog/index.ts';
import { checkFile, fsCondition, shownPath, checkTarget, describeKept, writeFolder, writeSources } from '../output.ts';
import { progress } from './progress.ts';
import { registerRunCommand } from './run-command.ts';
import { registerProveCommand } from './prove-command.ts';
import { registerFftCommand } from './fft-command.ts';
import { registerEstimateCommands } from './estimate-commands.ts';
import { describeProgramming, programBoard, registerProgramCommand, toolOption, type ProgramResult } from './program-command.ts';
import { registerTrainCommands } from './train-commands.ts';
import { DatasetTally, datasetSource, formatDatasetAccuracy } from '../train/sim-dataset.ts';
import { fitCheck, formatFit } from '../estimate/fit.ts';
import { EXHAUSTIVE_LIMIT, fill, formatFill } from '../estimate/fill.ts';
import { checkDspPart, dspBound, formatDspBound, parsePart } from '../estimate/bound.ts';

function intOption(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max === Number.MAX_SAFE_INTEGER ? 'inf' : max}`);
    }
    return n;
  };
}

function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}


// ---------------------------------------------------------------------------
// generate
// ---------------------------------------------------------------------------
interface GenerateOpts { output: string; board?: string; force?: boolean; check?: boolean; json?: boolean; quiet?: boolean }

async function cmdGenerate(specPath: string, o: GenerateOpts): Promise<number> {
  const p = progress(!o.quiet);
  const design0 = loadDesign(specPath, { sizeLimit: true });
  const rtl = design0.rtl();
  const board = o.board ? loadBoard(o.board) : undefined;
  const g = generatedFiles(rtl, board); // the library's generate() writes the same (src/network/build.ts)
  const target = checkTarget(o.output, !!o.force);
  const files = g.board ? g.board.sources : rtl.sources;
  const top = g.top;
  let checks: Awaited<ReturnType<typeof checkRtl>> = [];
  if (o.check) {
    p.step('checking RTL with Verilator lint, Icarus and yosys');
    checks = await checkRtl(files, top, { missing: 'skip' });
    for (const c of checks) if (c.skipped) p.done(`${c.tool}: skipped (${c.skipped})`);
    const bad = checks.filter((c) => !c.ok);
    if (bad.length) {
      throw new CircaError(`generated RTL failed checks:\n${bad.map((c) => `${c.tool}:\n  ${c.messages.slice(0, 10).join('\n  ')}`).join('\n')}`);
    }
  }
  const written = g.files;
  const out = await writeFolder(o.output, (dir) => writeSources(dir, written), { force: !!o.force });
  const names = written.map((f) => f.name);
  print(!!o.json, { spec: specPath, top, output: target, files: names, kept: out.written.kept, checks, params: rtl.params }, [
    ...design0.describe(),
    `wrote ${names.length} files to ${relative(process.cwd(), target) || '.'} (top: ${top})`,
    ...names.map((n) => `  ${n}`),
    ...describeKept(out.written),
    ...(o.check ? checks.map((c) => (c.skipped ? `${c.tool}: skipped (${c.skipped}; install it to run this check)` : `${c.tool}: clean`)) : []),
  ].join('\n'));
  return 0;
}

// ---------------------------------------------------------------------------
// sim
// ---------------------------------------------------------------------------
interface SimOpts {
  dataset?: string; limit?: number;
  gateLevel?: boolean; layer?: number; vectors: number; seed: number; backpressure: boolean; validPct: number; readyPct: number; json?: boolean; quiet?: boolean;
  simulator: SimulatorChoice; vcd?: string; vector?: number; force?: boolean;
}

async function cmdSim(specPath: string, o: SimOpts): Promise<number> {
  const design = loadDesign(specPath, { upTo: o.layer, sizeLimit: true });
  // --dataset: the test images in the network's input format, instead of corner cases and random vectors
  // made image by image as the runs pack them (never held as vectors)
  const data = o.dataset ? datasetSource(design.net, o.dataset, o.limit) : undefined;
  const count = data ? data.source.count : o.vectors;
  if (o.vector !== undefined && !o.vcd) throw new CircaInputError('--vector: only with --vcd <file> (the vector whose waveform to write)');
  const vcdVector = o.vector ?? 0;
  if (o.vcd && vcdVector >= count) throw new CircaInputError(`--vector: ${vcdVector} is not below the ${count} ${data ? 'images' : 'vectors (--vectors)'}`);
  if (o.force && !o.vcd) throw new CircaInputError('--force: only with --vcd <file> (replace that file)');
  // refused now, not after the simulation: never the spec, a folder, a FIFO or a device, and an existing file only with --force
  const vcdPath = o.vcd ? checkFile(o.vcd, { force: !!o.force, option: '--vcd', inputs: [specPath], makeFolder: true }) : undefined;
  const p = progress(!o.quiet);
  const onProgress = (m: string) => p.step(m);
  const sim = await describeSimulator(o.simulator);
  p.step(sim.why);
  // a failing vector's VCD goes beside the asked-for VCD, or under build/sim-<design>/
  const vcdDir = o.vcd ? dirname(o.vcd) : join('build', `sim-${design.name}`);
  const mismatchVcd = (pass: string) => join(vcdDir, `${design.name}-${pass}-first-mismatch.vcd`);
  let dut = design.dut();
  let gateScript: string | undefined;
  if (o.gateLevel) {
    p.step('synthesising with YoWASP yosys (the synthesis script of circa build, src/target/ice40/script.ts) for gate-level simulation');
    const gl = await synthesisedRtl(dut.rtl);
    gateScript = gl.synthesisScript.split('\n').find((l) => l.startsWith('synth_ice40')) ?? '';
    dut = { ...dut, label: `${dut.label} (netlist)`, rtl: gl };
  }
  const what = data ? `${count} ${o.dataset} test images` : `${count} vectors`;
  p.step(`co-simulating ${what} at full rate`);
  // --json prints every vector's cycles; otherwise the runs keep running figures only
  const common = { vectors: o.vectors, seed: o.seed, onProgress, simulator: sim.name, source: data?.source, keepCycles: !!o.json };
  // a dataset run tallies the RTL's classes image by image as the full-rate run compares them
  const tally = data ? new DatasetTally(design.net, data.ds) : undefined;
  const full = await cosim(dut, {
    ...common, ...(vcdPath ? { vcd: { path: vcdPath, vector: vcdVector, replace: !!o.force } } : {}), mismatchVcd: mismatchVcd('full-rate'),
    ...(tally ? { onVector: (k: number, got: readonly number[], want: readonly number[]) => tally.add(k, got, want) } : {}),
  });
  let stalled: CosimReport | undefined;
  if (o.backpressure) {
    p.step(`co-simulating ${what} with random stalls (valid ${o.validPct}%, ready ${o.readyPct}%)`);
    stalled = await cosim(dut, { ...common, validPct: o.validPct, readyPct: o.readyPct, mismatchVcd: mismatchVcd('backpressure') });
  }
  const accuracy = tally?.result();
  const { latency, period } = full.cycles;
  const latOk = full.cycles.wrongLatencies === 0;
  const perOk = full.cycles.wrongPeriods === 0;
  const runs = [full, ...(stalled ? [stalled] : [])];
  const exactOk = runs.every((r) => r.exact === r.vectors);
  const ovfOk = runs.every((r) => r.overflowGot === r.overflowExpected);
  const pass = exactOk && ovfOk && latOk && perOk && (!accuracy || accuracy.disagreements === 0);
  const range = (s: SeriesStats) => (s.count ? (s.min === s.max ? `${s.min}` : `${s.min}..${s.max}`) : '-');
  const vcdLines = runs.flatMap((r) => (r.mismatchVcd
    ? [`  waveform of vector ${r.mismatchVcd.vector}: ${r.mismatchVcd.path} (first wrong output taken at cycle ${r.mismatchVcd.cycle}, VCD time ${r.mismatchVcd.cycle * 10 + 5})`]
    : []));
  const unit = data ? 'images' : 'vectors';
  const lines = [
    ...design.describe(),
    sim.why,
    ...(o.gateLevel && gateScript ? [`simulated: the synthesised netlist (${gateScript}, iCE40 cell models)`] : []),
    `full rate:     ${full.exact}/${full.vectors} ${unit} bit-exact`,
    ...(stalled ? [`backpressure:  ${stalled.exact}/${stalled.vectors} ${unit} bit-exact (valid ${o.validPct}%, ready ${o.readyPct}%)`] : []),
    ...runs.flatMap((r) => r.mismatches.slice(0, 5).map((m) => `  mismatch: ${formatMismatch(m)}`)),
    ...vcdLines,
    ...(o.vcd ? [`waveform of vector ${vcdVector} (full rate): ${o.vcd}`] : []),
    `overflow flag: model ${full.overflowExpected ? 'raised' : 'clear'}, RTL ${full.overflowGot ? 'raised' : 'clear'}${stalled && stalled.overflowGot !== stalled.overflowExpected ? ' (differs under backpressure!)' : ''}`,
    `cycles:        latency ${range(latency.measured)} measured, ${range(latency.predicted)} predicted (${full.cycles.formula})${latOk ? '' : '  MISMATCH'}`,
    `               period  ${range(period.measured)} measured, ${range(period.predicted)} predicted${perOk ? '' : '  MISMATCH'}`,
    ...simTimeLines(runs, full),
    ...(accuracy ? formatDatasetAccuracy(accuracy) : []),
    pass ? 'PASS' : 'FAIL',
  ];
  if (full.outputs) delete full.outputs;
  if (stalled?.outputs) delete stalled.outputs;
  delete full.expected;
  if (stalled) delete stalled.expected;
  print(!!o.json, { spec: specPath, pass, simulator: sim.name, full, backpressure: stalled ?? null, ...(accuracy ? { dataset: accuracy } : {}) }, lines.join('\n'));
  return pass ? 0 : 1;
}

// ---------------------------------------------------------------------------
// build
// ---------------------------------------------------------------------------
interface BuildOpts { program?: boolean; tool: 'auto' | 'openFPGALoader' | 'iceprog'; fitCheck: boolean; clock?: number | typeof CLOCK_AUTO; board: string; toolchain: 'yowasp' | 'native'; output?: string; seed: number; force?: boolean; json?: boolean; quiet?: boolean }

async function cmdBuild(specPath: string, o: BuildOpts): Promise<number> {
  const p = progress(!o.quiet);
  const spec = loadDesign(specPath, { sizeLimit: true });
  const board = loadBoard(o.board);
  checkDspPart(spec, board.part as PartName, `--board ${board.name}`);
  // Refuse before the tools run when the resource model says it cannot fit.
  if (o.fitCheck) {
    const fit = fitCheck(spec, board.part as PartName, { toolchain: o.toolchain });
    if (!fit.fits) {
      throw new CircaInputError(`${spec.name} does not fit the ${board.name} (iCE40${board.part}); not running the tools:\n${formatFit(fit)}\n(--no-fit-check runs them anyway)`);
    }
  }
  // --program: refuse now, not after the build, when no programmer reaches the board
  if (o.program) programPlan(board, 'circa_board_top.bin', o.tool);
  const auto = o.clock === CLOCK_AUTO;
  const fixedClock = o.clock === CLOCK_AUTO ? undefined : o.clock;
  const rtl = spec.rtl();
  // a clock the PLL cannot make is refused here, before any tool runs
  if (!auto) boardDesign(rtl, board, fixedClock);
  const outArg = o.output ?? join('build', `${spec.name}-${board.name}`);
  const target = checkTarget(outArg, !!o.force);
  // The tools work in a scratch directory; only a finished build is copied to
  // the output directory. A failed one keeps its logs there for reading.
  const buildAt = (clockMHz: number | undefined): Promise<ScratchBuild> => {
    // --clock auto: each progress line names the clock of its build
    const label = auto ? `[${Number(boardDesign(rtl, board, clockMHz).clock.mhz.toFixed(3))} MHz] ` : '';
    return scratchBuild(rtl, board, clockMHz, { toolchain: o.toolchain, seed: o.seed, dropOnFailure: true, onProgress: (m: string) => p.step(label + m) });
  };
  const tryOf = (b: ScratchBuild): ClockTry => ({ mhz: b.design.clock.mhz, fmaxMHz: b.report.fmaxMHz, timingMet: b.report.timingMet });
  const autoLines: string[] = [];
  let chosen: ScratchBuild;
  if (auto) {
    // --clock auto: build until nextAutoStep picks one; only the chosen build's files are kept
    const builds: ScratchBuild[] = [];
    try {
      for (;;) {
        const step = nextAutoStep(board.clock.mhz, builds.map(tryOf));
        if (step.kind === 'done') { chosen = builds[step.index]; break; }
        const b = await buildAt(step.pll.actualMHz);
        builds.push(b);
        autoLines.push(describeTry(tryOf(b), builds.length));
        p.step(autoLines[autoLines.length - 1]);
      }
    } finally {
      for (const b of builds) if (b !== chosen!) dropScratch(b);
    }
    autoLines.push(`clock auto: ${Number(chosen.design.clock.mhz.toFixed(3))} MHz, the fastest PLL clock that met timing (Fmax ${chosen.report.fmaxMHz?.toFixed(2)} MHz, seed ${chosen.report.seed})`);
  } else {
    chosen = await buildAt(fixedClock);
    if (fixedClock !== undefined && !chosen.report.timingMet) {
      // a --clock that timing does not meet: no bitstream, the logs are kept for reading
      const miss = chosen;
      // the flow's report (cells, Fmax) without a bitstream
      const { bitstream: _none, ...flow } = miss.report;
      await keepBuild(miss, outArg, { spec: specPath, design: spec.name, board: board.name, flow: { ...flow, bitstream: null } }, {
        force: !!o.force, filter: (src) => !/\.(bin|asc)$/.test(src),
      });
      // the log of the last step that has one: the place-and-route step's, which measured the timing
      const timingLog = basename(Object.values(miss.report.logs).at(-1) ?? '');
      throw new CircaInputError(`${clockMissMessage(board.clock.mhz, fixedClock, tryOf(miss), miss.report.seed)} (logs: ${join(relative(process.cwd(), target), timingLog)})`);
    }
  }
  const { design, report } = chosen;
  const cycles = spec.cost();
  const mhz = report.fmaxMHz ?? report.targetMHz;
  const summary = buildReport({ spec: specPath, design: spec, board, report, work: chosen.work, outDir: target, ...(auto ? { clockAuto: autoLines } : {}) });
  const kept = describeKept(await keepBuild(chosen, outArg, summary, { force: !!o.force }));
  p.done('done');
  // --program: only a build that met timing goes onto the board
  let programmed: ProgramResult | undefined;
  if (o.program && report.timingMet) programmed = await programBoard(summary.flow.bitstream, board, { tool: o.tool, quiet: o.quiet });
  print(!!o.json, programmed ? { ...summary, program: programmed } : summary, [
    ...spec.describe(),
    '',
    ...autoLines,
    describeClock(design.clock),
    formatReport({ ...report, bitstream: summary.flow.bitstream }),
    '',
    `cycles per inference: ${cycles.latency} (${cycles.formula}); ` +
      `${(cycles.latency / report.targetMHz).toFixed(1)} us at the ${report.targetMHz} MHz ${design.clock.pll ? 'PLL' : 'board'} clock` +
      (report.fmaxMHz ? `, ${(cycles.latency / mhz).toFixed(1)} us at Fmax` : ''),
    ...(cycles.period < cycles.latency ? [`a new input every ${cycles.period} cycles back to back (${(report.targetMHz * 1e6 / cycles.period).toFixed(0)} inferences/s at ${report.targetMHz} MHz)`] : []),
    `report: ${join(relative(process.cwd(), target), 'report.json')}`,
    ...kept,
    ...(programmed ? [describeProgramming(programmed)] : o.program ? ['not programmed: timing not met'] : []),
  ].join('\n'));
  return report.timingMet ? 0 : 1;
}

// ---------------------------------------------------------------------------
// estimate
// ---------------------------------------------------------------------------
interface EstimateOpts { json?: boolean; quiet?: boolean; part?: string; fill?: string }

async function cmdEstimate(specPath: string, o: EstimateOpts): Promise<number> {
  const p = progress(!o.quiet); // shows how far a long plan is (a large layer's weights)
  const fillPart = o.fill !== undefined ? parsePart(o.fill, '--fill') : undefined;
  const part = o.part !== undefined ? parsePart(o.part, '--part') : fillPart ?? 'UP5K';
  if (fillPart && part !== fillPart) throw new CircaInputError(`--part: ${part} differs from --fill ${fillPart}; give one part`);
  const design = loadDesign(specPath);
  checkModuleNames(design.net); // what generate and sim refuse, estimate refuses too
  checkDspPart(design, part, o.part !== undefined ? '--part' : '--fill');
  const cost = design.cost();
  const bound = dspBound(design, part);
  if (fillPart) p.step(`searching lane counts for ${design.name} on iCE40${fillPart} (resource model)`);
  const filled = fillPart ? fill(design, fillPart) : undefined;
  // the resource model (the fit check's: board top included, as `circa build` checks it)
  const fit = fitCheck(design, part, { advise: false });
  const t = fit.estimate.total;
  const resources = { part, logicCells: t.lut, lut4: t.lut4, ff: t.ff, dsp: t.dsp, ebr: t.ebr, spram: t.spram, fits: fit.fits, unmodelled: fit.estimate.unmodelled };
  print(!!o.json, { spec: specPath, design: design.name, network: design.isNetwork, ...cost, dspBound: bound, resources, ...(filled ? { fill: filled } : {}) }, [
    ...design.describe(),
    ...(design.isNetwork ? ['', 'layer                kind          latency  parameters  multipliers',
      ...cost.perLayer.map((l) => `${l.name.padEnd(20)} ${l.kind.padEnd(12)} ${String(l.latency).padStart(8)} ${l.parameters.toLocaleString('en-US').padStart(11)} ${String(l.multipliers).padStart(12)}`), ''] : []),
    `cycles:      latency ${cost.latency} (${cost.formula}), period ${cost.period} back to back`,
    `throughput:  ${formatDspBound(bound)}`,
    `per vector:  ${cost.ops.multiplies.toLocaleString('en-US')} multiplies, ${cost.ops.adds.toLocaleString('en-US')} adds, ` +
      `${cost.ops.weightReads.toLocaleString('en-US')} weight reads, ${cost.ops.bufferWrites.toLocaleString('en-US')} buffer writes, ${cost.ops.bufferReads.toLocaleString('en-US')} buffer reads`,
    `parameters:  ${cost.ops.parameters.toLocaleString('en-US')}`,
    `hardware:    ${cost.hardware.multipliers} multipliers, ${cost.hardware.bufferBits.toLocaleString('en-US')} buffer bits, ${cost.hardware.weightBits.toLocaleString('en-US')} weight bits` +
      (design.isNetwork ? `, ${cost.hardware.linkBits.toLocaleString('en-US')} link buffer bits` : ''),
    `resources:   predicted on iCE40${part} with the board top: ${t.lut.toLocaleString('en-US')} logic cells, ${t.ff.toLocaleString('en-US')} FF, ` +
      `${t.dsp} DSP, ${t.ebr} EBR, ${t.spram} SPRAM (${fit.fits ? 'fits' : 'does not fit'}${fit.estimate.unmodelled.length ? `; no resource face: ${fit.estimate.unmodelled.join(', ')}` : ''})`,
    ...(filled ? ['', formatFill(filled)] : []),
  ].join('\n'));
  return 0;
}

// ---------------------------------------------------------------------------
// boards
// ---------------------------------------------------------------------------
async function cmdBoards(o: { json?: boolean }): Promise<number> {
  const boards = listBoards().map((n) => loadBoard(n));
  print(!!o.json, boards, boards.map((b) =>
    `${b.name.padEnd(14)} ${b.title.padEnd(32)} iCE40${b.part} ${b.package}, ${b.clock.mhz} MHz, ${b.uart ? `UART rx ${b.uart.rx} tx ${b.uart.tx}` : 'no UART'}, ${b.leds.length} LED(s)`).join('\n'));
  return 0;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('circa')
    .description('Generate, co-simulate and build iCE40 hardware for structured-matrix neural-network layers.\n' +
      `Layer kinds: ${Object.keys(LAYER_KINDS).join(', ')}.`)
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  const json = new Option('--json', 'print a machine-readable JSON result on stdout');
  const quiet = new Option('-q, --quiet', 'no progress messages on stderr');

  program.command('generate')
    .description('write the RTL for a layer or network spec (templates + generated top) into a directory')
    .argument('<spec>', 'layer or network spec (JSON)')
    .requiredOption('-o, --output <dir>', 'output directory (created; must be empty unless --force)')
    .option('--board <name|path>', 'also write the board top (framed UART protocol, LEDs) and its PCF for this board')
    .option('--check', 'check the RTL with verilator --lint-only -Wall, iverilog -g2005 and yosys before writing')
    .option('--force', 'write into an output folder circa wrote before: replace the files its .circa-output manifest lists (unchanged ones only); other files stay')
    .addOption(json).addOption(quiet)
    .action(async (spec: string, o: GenerateOpts) => { program.setOptionValue('exit', await cmdGenerate(spec, o)); });

  program.command('sim')
    .description('co-simulate the RTL against the reference model (Verilator, or CXXRTL in WebAssembly): bit-exact outputs and cycles == prediction')
    .argument('<spec>', 'layer or network spec (JSON)')
    .option('--vectors <n>', 'number of input vectors (corner cases first, then seeded random)', intOption('--vectors', 1, 1_000_000), 1000)
    .option('--seed <s>', 'seed for the random vectors and the stall pattern', intOption('--seed', 0, 2 ** 31 - 1), 1)
    .option('--dataset <name>', 'simulate the test images of a dataset (mnist) instead of corner cases and random vectors; reports the RTL\'s accuracy')
    .option('--limit <n>', 'with --dataset: the first n test images (default all)', intOption('--limit', 1))
    .option('--layer <k>', 'network only: simulate layers 0..k and compare layer k\'s output', intOption('--layer', 0))
    .option('--gate-level', 'simulate the synthesised netlist (YoWASP yosys, the synthesis script of circa build, + its iCE40 cell models) instead of the RTL, on either simulator: slower to build, proves the mapping')
    .option('--no-backpressure', 'skip the second pass with random valid/ready stalls')
    .option('--valid-pct <p>', 'stall pass: percent of cycles the input offers data', intOption('--valid-pct', 1, 100), 70)
    .option('--ready-pct <p>', 'stall pass: percent of cycles the output is ready', intOption('--ready-pct', 1, 100), 60)
    .addOption(new Option('--simulator <s>', 'auto: verilator when on PATH, else cxxrtl (YoWASP yosys + clang to WebAssembly, nothing to install)')
      .choices(['auto', ...SIMULATORS]).default('auto'))
    .option('--vcd <file>', 'write a waveform (VCD) of one vector of the full-rate pass; a failing vector\'s VCD is written beside it (default build/sim-<name>/)')
    .option('--vector <k>', 'with --vcd: the vector to trace (default 0)', intOption('--vector', 0))
    .option('--force', 'with --vcd: replace an existing (regular) file')
    .addOption(json).addOption(quiet)
    .action(async (spec: string, o: SimOpts) => { program.setOptionValue('exit', await cmdSim(spec, o)); });

  program.command('build')
    .description('synthesise, place and route, and pack a bitstream for a board (yosys -> nextpnr-ice40 -> icepack)')
    .argument('<spec>', 'layer or network spec (JSON)')
    .option('--board <name|path>', `board: ${listBoards().join(', ')}, or a board JSON file`, 'icebreaker')
    .addOption(new Option('--toolchain <t>', 'YoWASP WebAssembly tools from npm, or native tools on PATH').choices(['yowasp', 'native']).default('yowasp'))
    .option('-o, --output <dir>', 'output directory (default build/<name>-<board>)')
    .addOption(clockOption({ auto: true }))
    .option('--no-fit-check', 'run the tools even when the resource model says the design does not fit')
    .option('--program', 'then write the bitstream to the board with openFPGALoader or iceprog (as circa program; only when timing is met)')
    .addOption(toolOption())
    .option('--seed <s>', 'nextpnr placement seed', intOption('--seed', 0, 2 ** 31 - 1), 1)
    .option('--force', 'write into an output folder circa wrote before: replace the files its .circa-output manifest lists (unchanged ones only); other files stay')
    .addOption(json).addOption(quiet)
    .action(async (spec: string, o: BuildOpts) => { program.setOptionValue('exit', await cmdBuild(spec, o)); });

  program.command('estimate')
    .description('cycles and operation counts from the cost model (no simulation, no synthesis), the period beside the DSP bound, ' +
      'the resources the resource model predicts on the part; --fill: the lane counts that minimise the period on a part')
    .argument('<spec>', 'layer or network spec (JSON)')
    .option('--part <part>', `part (or a board: its part) whose SB_MAC16 count gives the DSP bound (multiplies per vector / DSPs): ${PART_NAMES.join(', ')} (default UP5K, or the --fill part)`)
    .option('--fill <part>', 'a part or a board (icebreaker: UP5K): propose the lanes, input buffers and input beats of every layer that has them (and folded FFT butterfly units) that minimise the period within ' +
      `the part's DSP, EBR, SPRAM and logic limits (the fit check's resource model, board top included): ${PART_NAMES.join(', ')}`)
    .addOption(json).addOption(quiet)
    .addHelpText('after', `
The DSP bound is ceil(multiplies per vector / SB_MAC16 of the part): no schedule takes a vector more often.
--fill searches every combination of per-layer candidates (lanes 1..16 and powers of two, capped by each kind;
input buffers 1, 2; elements per input beat 1, 2, 4, 8, 16 of TVSCM, conv and pool layers; butterflies 1, 2, 4, 8) when there are
at most ${EXHAUSTIVE_LIMIT.toLocaleString('en-US')}, else greedily; it reports the best setting under the spec's schedule and, for a sequential
network, under the pipelined one.

Examples:
  circa estimate examples/mnist-tvscm.json --fill UP5K
  circa estimate examples/lenet-28.json --fill icebreaker`)
    .action(async (spec: string, o: EstimateOpts) => { program.setOptionValue('exit', await cmdEstimate(spec, o)); });

  program.command('boards')
    .description('list the built-in boards')
    .addOption(json).addOption(quiet)
    .action(async (o: { json?: boolean }) => { program.setOptionValue('exit', await cmdBoards(o)); });

  registerRunCommand(program);
  registerFftCommand(program);
  registerEstimateCommands(program);
  registerProgramCommand(program);
  registerTrainCommands(program);
  registerProveCommand(program);

  for (const c of program.commands) c.exitOverride().showHelpAfterError('(run with --help for usage)');
  argumentsBeforeOptions(program);
  return program;
}

/**
 * Commander checks required options before missing arguments, so `circa
 * generate` alone complained about -o before the spec. The required options
 * are checked here instead, in a preAction hook, which runs after the
 * arguments were checked: the message is commander's own.
 */
function argumentsBeforeOptions(cmd: Command): void {
  for (const c of cmd.commands) {
    const required = c.options.filter((opt) => opt.mandatory);
    for (const opt of required) opt.mandatory = false;
    if (required.length) {
      c.hook('preAction', (_self, action) => {
        const missing = required.find((opt) => action.getOptionValue(opt.attributeName()) === undefined);
        if (missing) action.error(`error: required option '${missing.flags}' not specified`, { code: 'commander.missingMandatoryOptionValue', exitCode: 2 });
      });
    }
    argumentsBeforeOptions(c);
  }
}

/**
 * With --json, a failure is a JSON object on stdout too, so a script reading
 * stdout gets { "error": { "message", "exitCode", "kind" } } rather than
 * nothing; the exit code and the line on stderr are the same as without it.
 */
function jsonError(argv: readonly string[], message: string, exitCode: number, kind: 'input' | 'usage' | 'failure' | 'internal'): void {
  const end = argv.indexOf('--');
  if (!(end < 0 ? argv : argv.slice(0, end)).includes('--json')) return;
  process.stdout.write(`${JSON.stringify({ error: { message, exitCode, kind } }, null, 2)}\n`);
}

export async function main(argv: string[]): Promise<number> {
  onInterrupt(); // Ctrl-C or SIGTERM: remove scratch directories, stop child processes, exit 130
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return (program.getOptionValue('exit') as number | undefined) ?? 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; usage errors (already printed by commander) exit 2
      if (e.exitCode === 0) return 0;
      jsonError(argv, e.message.replace(/^error: /, ''), 2, 'usage');
      return 2;
    }
    if (e instanceof CircaError) {
      process.stderr.write(`circa: ${e.message}\n`);
      jsonError(argv, e.message, e.exitCode, e.exitCode === 2 ? 'input' : 'failure');
      return e.exitCode;
    }
    const condition = fsCondition(e);
    if (condition) {
      // a file-system condition no writer named (the writers of src/output.ts name their option): still one line, exit 2
      const path = (e as NodeJS.ErrnoException).path;
      process.stderr.write(`circa: ${path ? `${shownPath(path)}: ` : ''}${condition}\n`);
      jsonError(argv, `${path ? `${shownPath(path)}: ` : ''}${condition}`, 2, 'input');
      return 2;
    }
    process.stderr.write(`circa: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    jsonError(argv, `internal error: ${e instanceof Error ? e.message : String(e)}`, 1, 'internal');
    return 1;
  }
}
