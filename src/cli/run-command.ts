/**
 * `circa run`: send input vectors to a board programmed with a circa
 * bitstream, over its UART with the framed protocol (src/network/protocol.ts),
 * print the outputs (and the class for argmax networks), and check each one
 * against the reference model. First it brings the device's run-time
 * registers to the spec's state (src/host/run.ts: TVSCM weights, a
 * block-circulant or dense SPRAM layer's weight load, with progress on stderr);
 * --no-sync skips that. src/cli/main.ts registers it with
 * registerRunCommand(program).
 *
 * Exit codes as for every command: 0 all vectors matched (and, with
 * --status, the cycle counter equals the predicted latency), 1 a mismatch or
 * a device that does not answer, 2 bad input (spec, inputs file, flag, a port
 * that does not exist, a board without a UART).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { CircaInputError } from '../errors.ts';
import { loadBoard, uartBoards } from '../target/index.ts';
import { loadDesign } from '../network/design.ts';
import { loadInputVectors } from '../host/inputs.ts';
import { formatRunReport, parseRegisterWrite, runOnDevice, type RegisterWrite } from '../host/run.ts';
import { openSerialPort } from '../host/serial.ts';
import type { ByteTransport } from '../sim/transport.ts';
import { BAUD } from '../network/board.ts';
import { progress } from './progress.ts';
import { datasetAccuracy, datasetInputs, formatDatasetAccuracy } from '../train/sim-dataset.ts';

export interface RunCommandOptions {
  port: string;
  baud: number;
  writeReg: RegisterWrite[];
  status?: boolean;
  real?: boolean;
  board?: string;
  sync: boolean;
  slack: number;
  /** send this dataset's test images instead of an inputs file */
  dataset?: string;
  limit?: number;
  json?: boolean;
  quiet?: boolean;
}

/** How the command reaches the device; tests pass a simulated one. */
export type OpenTransport = (port: string, baud: number) => Promise<ByteTransport>;

/** The command's work, separate from commander so tests can call it with a simulated device. Returns the exit code. */
export async function runCommand(specPath: string, inputsPath: string | undefined, o: RunCommandOptions, open: OpenTransport = openSerialPort): Promise<number> {
  if (!inputsPath && !o.dataset) throw new CircaInputError('run: give an inputs file or --dataset <name>');
  if (inputsPath && o.dataset) throw new CircaInputError('run: give an inputs file or --dataset, not both');
  const design = loadDesign(specPath);
  if (o.board) {
    const board = loadBoard(o.board);
    if (!board.uart) {
      throw new CircaInputError(
        `board ${board.name} has no UART (${board.notes ?? 'no serial pins'}), so circa run cannot reach a design on it; ` +
          `circa's board top talks to the host over a UART. Use a board with one (${uartBoards().join(', ')}).`,
      );
    }
  }
  const net = design.net;
  const data = o.dataset ? datasetInputs(net, o.dataset, o.limit ?? 10) : undefined;
  const inputs = data
    ? { vectors: data.inputs.map((v) => v.x), saturated: 0 }
    : loadInputVectors(inputsPath!, { inputs: net.inputs, inFormat: net.inFormat, inWidth: net.inWidth }, { real: o.real });
  const p = progress(!o.quiet && !o.json);
  p.step(`opening ${o.port} at ${o.baud} baud`);
  const transport = await open(o.port, o.baud);
  let report;
  try {
    p.step(`sending ${inputs.vectors.length} vector(s) to ${design.name}`);
    report = await runOnDevice(design, transport, inputs.vectors, {
      baud: o.baud, slackMs: o.slack, writeRegs: o.writeReg, status: o.status, syncRegisters: o.sync, onProgress: (m) => p.done(m),
    });
  } finally {
    await transport.close();
  }
  // the device's classes against the labels (argmax networks; otherwise the largest output)
  const accuracy = data ? datasetAccuracy(net, data, report.vectors.map((v) => v.outputs)) : undefined;
  const lines = [
    ...design.describe(),
    ...(inputs.saturated ? [`inputs: ${inputs.saturated} real value(s) did not fit the input format and were saturated`] : []),
    ...formatRunReport(report),
    ...(accuracy ? formatDatasetAccuracy(accuracy).map((l) => l.replace("the RTL's", "the device's")) : []),
  ];
  process.stdout.write(o.json ? `${JSON.stringify({ spec: specPath, inputs: inputsPath ?? `${o.dataset} test images`, saturated: inputs.saturated, ...report, ...(accuracy ? { dataset: accuracy } : {}) }, null, 2)}\n` : `${lines.join('\n')}\n`);
  return report.pass ? 0 : 1;
}

function intOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max}`);
    return n;
  };
}

function collectRegisterWrite(value: string, previous: RegisterWrite[]): RegisterWrite[] {
  try {
    return [...previous, parseRegisterWrite(value)];
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message.replace(/^--write-reg: /, ''));
  }
}

/** Add `circa run` to the program. Its action stores the exit code as the program's `exit` option value, like the others. */
export function registerRunCommand(program: Command): Command {
  const cmd = program.command('run')
    .description('run input vectors on a board programmed with a circa bitstream (framed UART protocol) and check each answer against the reference model')
    .argument('<spec>', 'the layer or network spec the bitstream was built from (JSON)')
    .argument('[inputs]', 'JSON array of input vectors: raw integers in the input format (or reals with --real); or use --dataset')
    .option('--dataset <name>', 'send the test images of a dataset (mnist: pixel p as p/256 in the input format) and score the device\'s classes')
    .option('--limit <n>', 'with --dataset: the first n test images', intOption('--limit', 1, 10000), 10)
    .requiredOption('--port <dev>', 'serial port of the board: /dev/ttyUSB1 (Linux; the iCEBreaker\'s second FTDI channel), /dev/cu.usbserial-… (macOS) or COM3 (Windows)')
    .option('--baud <rate>', 'line rate; circa bitstreams use 115200', intOption('--baud', 1200, 4_000_000), BAUD)
    .option('--write-reg <addr=value>', 'write a run-time register before the vectors (repeatable); in a network layer k\'s register r is 4k + r, ' +
      'TVSCM registers: 0 = a, 1 = b (raw), 2 = clear overflow; block-circulant or dense in SPRAM: 0 = restart the weight load, 1 = next weight word',
      collectRegisterWrite, [] as RegisterWrite[])
    .option('--status', 'read the device status afterwards: counters, flags, and the cycle count of the last inference vs the predicted latency')
    .option('--real', 'the inputs are real values: quantise them to the design\'s input format (convergent rounding, saturation)')
    .option('--board <name|path>', 'the board the bitstream runs on (checked for a UART)')
    .option('--no-sync', 'do not first bring the run-time registers to the spec\'s state: skips writing the TVSCM weights and clearing their ' +
      'overflow flags, and skips the weight load of block-circulant and dense SPRAM layers (the model then assumes the device holds the spec\'s weights anyway)')
    .option('--slack <ms>', 'time allowed per answer beyond its line time', intOption('--slack', 0, 600_000), 2000)
    .addOption(new Option('--json', 'print a machine-readable JSON result on stdout'))
    .addOption(new Option('-q, --quiet', 'no progress messages on stderr'))
    .action(async (spec: string, inputs: string | undefined, o: RunCommandOptions) => {
      program.setOptionValue('exit', await runCommand(spec, inputs, o));
    });
  cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
  return cmd;
}
