/**
 * The two ways a flow step's tool runs (src/flow/index.ts runs the steps; the
 * target says which tools there are, FlowTool in src/target/types.ts):
 *
 *   yowasp  the tool as WebAssembly, from the npm package and export its
 *           FlowTool names, over an in-memory file tree, in a worker thread
 *           (yowasp.ts); the outputs are then written to the run directory;
 *   native  the executable its FlowTool names, found on PATH and run in the
 *           run directory, where its inputs already are.
 *
 * Either way a run leaves its outputs in the run directory and hands them
 * back, so the flow does not care which ran. Neither knows any device.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CircaFlowError } from '../errors.ts';
import { runYowaspTool, type Tree } from './yowasp.ts';
import { findOnPath } from '../which.ts';
import type { FileContent, FlowTool, ToolRun } from '../target/index.ts';
import { trackChild } from '../cleanup.ts';

export { findOnPath, type FileContent, type FlowTool, type ToolRun };

export type Toolchain = 'yowasp' | 'native';

export interface Runner {
  toolchain: Toolchain;
  /** Fail early, before any work, when this runner cannot run the flow's tools. */
  ready(tools: readonly FlowTool[]): void;
  /**
   * Run `tool` with `args` in `dir`. `inputs` are the files it reads (already
   * written to `dir`); the `outputs` it wrote are left in `dir` and returned.
   */
  run(tool: FlowTool, args: string[], inputs: ReadonlyMap<string, FileContent>, outputs: readonly string[], dir: string): Promise<ToolRun>;
}

/* ------------------------------------------------------------------------ */
/* YoWASP                                                                    */
/* ------------------------------------------------------------------------ */

/** Build a nested Tree from `dir/file` names. */
function toTree(files: ReadonlyMap<string, FileContent>): Tree {
  const root: Tree = {};
  for (const [name, content] of files) {
    const parts = name.split('/');
    let node = root;
    for (const dir of parts.slice(0, -1)) {
      const next = node[dir];
      if (next === undefined || typeof next === 'string' || next instanceof Uint8Array) node[dir] = {};
      node = node[dir] as Tree;
    }
    node[parts[parts.length - 1]] = content;
  }
  return root;
}

/** Look a `dir/file` name up in a Tree. */
function fromTree(tree: Tree | undefined, name: string): FileContent | undefined {
  let node: Tree | FileContent | undefined = tree;
  for (const part of name.split('/')) {
    if (node === undefined || typeof node === 'string' || node instanceof Uint8Array) return undefined;
    node = node[part];
  }
  return typeof node === 'string' || node instanceof Uint8Array ? node : undefined;
}

export const yowaspRunner: Runner = {
  toolchain: 'yowasp',
  ready() {},
  async run(tool, args, inputs, outputNames, dir) {
    const t0 = performance.now();
    const r = await runYowaspTool(tool.yowasp, args, toTree(inputs));
    const seconds = (performance.now() - t0) / 1000;
    const outputs = new Map<string, FileContent>();
    for (const name of outputNames) {
      const v = fromTree(r.tree, name);
      if (v === undefined) continue;
      outputs.set(name, v);
      if (!r.failure) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), v);
      }
    }
    return { log: r.log, seconds, outputs, failure: r.failure };
  },
};

/* ------------------------------------------------------------------------ */
/* Native                                                                    */
/* ------------------------------------------------------------------------ */


export const nativeRunner: Runner = {
  toolchain: 'native',
  ready(tools) {
    const binaries = [...new Set(tools.map((t) => t.binary))];
    const missing = binaries.filter((b) => findOnPath(b) === undefined);
    if (missing.length) {
      const apt = [...new Set(tools.flatMap((t) => (t.apt ? [t.apt] : [])))];
      throw new CircaFlowError(
        `toolchain 'native' needs ${missing.join(', ')} on PATH, and ${missing.length === 1 ? 'it is' : 'they are'} not there. ` +
          `Install them${apt.length ? ` (Debian/Ubuntu: apt install ${apt.join(' ')})` : ''} or use the default toolchain 'yowasp'.`,
      );
    }
  },
  run(tool, args, _inputs, outputNames, cwd) {
    const exe = findOnPath(tool.binary);
    if (!exe) return Promise.reject(new CircaFlowError(`${tool.binary} is not on PATH`));
    const t0 = performance.now();
    return new Promise((resolvePromise) => {
      let log = '';
      // its own process group: an interrupt kills it and whatever it started (src/cleanup.ts)
      const child = spawn(exe, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      trackChild(child);
      child.stdout.setEncoding('utf8').on('data', (s: string) => (log += s));
      child.stderr.setEncoding('utf8').on('data', (s: string) => (log += s));
      const finish = (failure?: string) => {
        const outputs = new Map<string, FileContent>();
        if (!failure) {
          for (const name of outputNames) {
            try {
              outputs.set(name, new Uint8Array(readFileSync(join(cwd, name))));
            } catch {
              /* missing output: reported by the caller */
            }
          }
        }
        resolvePromise({ log, seconds: (performance.now() - t0) / 1000, outputs, failure });
      };
      child.on('error', (e) => finish(`could not start ${exe}: ${e.message}`));
      child.on('close', (code, signal) => {
        if (signal) finish(`killed by ${signal}`);
        else if (code !== 0) finish(`exit status ${code}`);
        else finish();
      });
    });
  },
};

export const RUNNERS: Record<Toolchain, Runner> = { yowasp: yowaspRunner, native: nativeRunner };
