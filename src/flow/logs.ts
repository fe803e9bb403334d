/** A failed flow step as one error. */
import { CircaFlowError } from '../errors.ts';
import { errorLines, type ToolRun } from '../target/index.ts';

/**
 * The single error a failed step turns into (one CircaFlowError per failed
 * step, never a WebAssembly stack). A placer that fails under YoWASP
 * surfaces as a WebAssembly "unreachable" abort after the ERROR line was
 * printed (docs/references.md, Tools): the ERROR line from the log is what is
 * reported. `over`: the step's failure notes (resources over capacity).
 */
export function toolError(tool: string, run: ToolRun, logPath: string, why: string, over: readonly string[] = []): CircaFlowError {
  const errs = errorLines(run.log);
  const detail = errs.length
    ? errs
    : // No ERROR line: show the end of the log so the user sees something useful.
      run.log.split(/\r?\n/).filter((l) => l.trim()).slice(-8);
  const lines = [
    `${tool} failed (${why}):`,
    ...detail.map((l) => `  ${l}`),
    ...(over.length ? [`  over capacity: ${over.join(', ')}`] : []),
    `  log: ${logPath}`,
  ];
  return new CircaFlowError(lines.join('\n'), logPath);
}
