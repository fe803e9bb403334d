/**
 * `circa program <bitstream> --board B`: write a bitstream to a board with
 * openFPGALoader or iceprog (src/target/ice40/program.ts). `circa build --program`
 * uses the same steps after a build.
 */
import { Option, type Command } from 'commander';
import { type Board, checkBitstream, loadBoard, type Programmer, PROGRAMMERS, programPlan, runProgrammer } from '../target/index.ts';
import { progress } from './progress.ts';

export interface ProgramOpts { board: string; tool: Programmer | 'auto'; dryRun?: boolean; json?: boolean; quiet?: boolean }

export interface ProgramResult { bitstream: string; board: string; tool: Programmer; exe: string; args: string[]; programmed: boolean }

/** Program `bitstream` onto `board` (or only plan it, with dryRun). */
export async function programBoard(bitstream: string, board: Board, o: Omit<ProgramOpts, 'board' | 'json'>): Promise<ProgramResult> {
  const file = checkBitstream(bitstream);
  const plan = programPlan(board, file, o.tool);
  if (!o.dryRun) {
    const p = progress(!o.quiet);
    p.step(`${plan.tool}: writing ${bitstream} to the ${board.name}`);
    // with -q the programmer's output is dropped; a failure still quotes its last lines
    await runProgrammer(plan, o.quiet ? () => undefined : undefined);
    p.done('done');
  }
  return { bitstream: file, board: board.name, tool: plan.tool, exe: plan.exe, args: plan.args, programmed: !o.dryRun };
}

export const describeProgramming = (r: ProgramResult): string => `${r.programmed ? 'programmed with' : 'would run'}: ${[r.tool, ...r.args].join(' ')}`;

export function toolOption(): Option {
  return new Option('--tool <programmer>', 'the programmer: the first of openFPGALoader, iceprog on PATH that reaches the board, or the one named')
    .choices(['auto', ...PROGRAMMERS]).default('auto');
}

export function registerProgramCommand(program: Command): void {
  program.command('program')
    .description('write a bitstream to a board\'s flash with openFPGALoader or iceprog (whichever is on PATH)')
    .argument('<bitstream>', 'the .bin file (from circa build)')
    .option('--board <name|path>', 'board: a built-in name or a board JSON file', 'icebreaker')
    .addOption(toolOption())
    .option('--dry-run', 'print the programmer command and run nothing')
    .option('--json', 'print a machine-readable JSON result on stdout')
    .option('-q, --quiet', 'no progress messages or programmer output on stderr')
    .action(async (bitstream: string, o: ProgramOpts) => {
      const r = await programBoard(bitstream, loadBoard(o.board), o);
      process.stdout.write(o.json ? `${JSON.stringify(r, null, 2)}\n` : `${describeProgramming(r)}\n`);
      program.setOptionValue('exit', 0);
    });
}
