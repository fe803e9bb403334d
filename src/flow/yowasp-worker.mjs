// One YoWASP tool run in a worker thread, started by runYowaspTool in
// src/flow/yowasp.ts: the tool is the export `command` of the npm package
// `module` (a target's FlowTool says which, src/target/types.ts). The WebAssembly blocks the
// thread it runs on for the whole run; here that is not the main thread, so
// the command still takes Ctrl-C at once (src/cleanup.ts).
//
// workerData: { tool: { module, command, preload }, args, files }; answers one message
// { tree, log, failure } where failure describes a throw without its stack.
import { parentPort, workerData } from 'node:worker_threads';

const { tool, args, files } = workerData;
let log = '';
const decoders = { out: new TextDecoder(), err: new TextDecoder() };
const sink = (which) => (bytes) => {
  log += bytes === null ? decoders[which].decode() : decoders[which].decode(bytes, { stream: true });
};

function describeThrow(e) {
  // Exit: the tool called exit() with a non-zero status.
  if (e instanceof Error && e.constructor.name === 'Exit' && typeof e.code === 'number') return `exit status ${e.code}`;
  // RuntimeError "unreachable": the tool aborted (a placer that fails does this after printing its ERROR line).
  if (e instanceof WebAssembly.RuntimeError || (e instanceof Error && e.name === 'RuntimeError')) return 'the tool aborted';
  return `the tool could not run: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
}

let tree;
let failure;
try {
  const command = (await import(tool.module))[tool.command];
  if (typeof command !== 'function') throw new Error(`${tool.module} has no export ${tool.command}`);
  // fetchProgress: quiet (clang's first run loads 105 MB of resources; the caller's progress line says what runs).
  // `preload`: clang's driver first runs itself with -### without passing the option on, so the resources are
  // fetched here, quietly, before it (otherwise "clang: fetched N%" lines land on our stdout).
  if (tool.preload) await command(null, {}, { fetchProgress: () => {} });
  tree = (await command(args, files, { stdout: sink('out'), stderr: sink('err'), fetchProgress: () => {} })) ?? undefined;
} catch (e) {
  failure = describeThrow(e);
}
parentPort.postMessage({ tree, log, failure });
