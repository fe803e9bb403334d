/**
 * Running a YoWASP tool (a target's flow tools, yosys, clang) off the main
 * thread: the WebAssembly blocks the thread it runs on for the whole run, so
 * it runs in a worker (yowasp-worker.mjs) and the main thread stays free to
 * take Ctrl-C (src/cleanup.ts), which ends the worker with the process. The
 * worker also gives the tool a stack of its own (`stackSizeMb`): clang
 * compiling a CXXRTL design's one large eval() recurses deeply, and on the
 * main thread's ~1 MB V8 stack it overflowed (RangeError, or a crashed
 * process); and the tool's WebAssembly memory (clang: up to 4 GB) is freed
 * when the worker ends rather than held by the process.
 */
import { Worker } from 'node:worker_threads';
import { trackWorker } from '../cleanup.ts';
import { YOSYS, type YowaspCommand } from '../target/index.ts';

export type Tree = { [name: string]: Tree | string | Uint8Array };
export type { YowaspCommand };

/** The tools circa runs outside a target's flow: yosys (gate-level netlists, proofs, CXXRTL) and clang (CXXRTL). */
const NAMED: Readonly<Record<'yosys' | 'clang', YowaspCommand>> = {
  yosys: YOSYS.yowasp,
  clang: { module: '@yowasp/clang', command: 'runClang', preload: true },
};

export interface YowaspRun {
  /** the file tree the tool left (undefined when it failed before writing) */
  tree?: Tree;
  /** stdout and stderr together */
  log: string;
  /** what went wrong ("exit status 1", "the tool aborted"), without a stack; undefined on success */
  failure?: string;
}

/** The worker's stack: far beyond what any tool run here was seen to need (V8's default for a worker is 4 MB). */
export const YOWASP_STACK_MB = 256;

/** Run a tool (a YowaspCommand, or yosys or clang by name) in a worker thread on the file tree `files`. */
export function runYowaspTool(tool: YowaspCommand | keyof typeof NAMED, args: string[], files: Tree): Promise<YowaspRun> {
  const command = typeof tool === 'string' ? NAMED[tool] : tool;
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(new URL('./yowasp-worker.mjs', import.meta.url), {
      workerData: { tool: { module: command.module, command: command.command, preload: Boolean(command.preload) }, args, files },
      resourceLimits: { stackSizeMb: YOWASP_STACK_MB },
    });
    const untrack = trackWorker(worker);
    let answered = false;
    worker.once('message', (m: YowaspRun) => {
      answered = true;
      resolvePromise(m);
      void worker.terminate();
    });
    worker.once('error', (e) => {
      answered = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      untrack();
      if (!answered) resolvePromise({ log: '', failure: `the tool's worker thread stopped (exit ${code})` });
    });
  });
}
