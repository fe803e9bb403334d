/**
 * `circa prove`: the formal checks of src/formal (yosys sat through YoWASP):
 * RTL blocks against reference expressions from the fixed-point model. See
 * the README section "Formal check". src/cli/main.ts registers it with
 * registerProveCommand(program).
 */
import { Command, Option } from 'commander';
import { prove, type ProofResult } from '../formal/index.ts';
import { proofSuite } from '../layers/proofs.ts';

async function cmdProve(o: { deep?: boolean; json?: boolean; quiet?: boolean }): Promise<number> {
  const jobs = proofSuite(!!o.deep);
  const results: ProofResult[] = [];
  for (const [i, job] of jobs.entries()) {
    if (!o.quiet) process.stderr.write(`circa prove: [${i + 1}/${jobs.length}] ${job.name} ...\n`);
    const r = await prove(job);
    results.push(r);
    if (!o.json) {
      process.stdout.write(`${r.proved ? 'PROVED' : 'COUNTEREXAMPLE'}  ${r.seconds.toFixed(1).padStart(6)} s  ${r.name}\n`);
      if (!r.proved) {
        r.counterexample.forEach((step, t) => process.stdout.write(`    step ${t + 1}: ${[...step].map(([k, v]) => `${k}=${v}`).join(' ')}\n`));
      }
    }
  }
  if (o.json) {
    const out = results.map((r) => ({
      name: r.name, proved: r.proved, seconds: r.seconds, variables: r.variables, clauses: r.clauses,
      counterexample: r.counterexample.map((s) => Object.fromEntries([...s].map(([k, v]) => [k, v.toString()]))),
    }));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  }
  return results.every((r) => r.proved) ? 0 : 1;
}

export function registerProveCommand(program: Command): Command {
  program.command('prove')
    .description('formal check (yosys sat, YoWASP): requant, the FFT rounding, a TVSCM layer and an FFT butterfly against reference expressions from the fixed-point model, for every input of small widths; the dual 8x8 multiplier (SB_MAC16 8x8 mode) against its behavioural model for every operand')
    .option('--deep', 'every rounding and overflow mode of the sequential checks, the complement TVSCM placement and a delay-2 butterfly (many minutes)')
    .addOption(new Option('--json', 'print a machine-readable JSON result on stdout'))
    .addOption(new Option('-q, --quiet', 'no progress messages on stderr'))
    .action(async (o: { deep?: boolean; json?: boolean; quiet?: boolean }) => { program.setOptionValue('exit', await cmdProve(o)); });
  return program;
}
