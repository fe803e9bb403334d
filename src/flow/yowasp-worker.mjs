// One YoWASP tool run (yosys, nextpnr-ice40, icepack or clang) in a worker
// thread, started by runYowaspTool in src/flow/yowasp.ts. The WebAssembly blocks the
// thread it runs on for the whole run; here that is not the main thread, so
// the command still takes Ctrl-C at once (src/cleanup.ts).
//
// workerData: { tool, args, files }; answers one message
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
  // RuntimeError "unreachable": the tool aborted (nextpnr does this after log_error).
  if (e instanceof WebAssembly.RuntimeError || (e instanceof Error && e.name === 'RuntimeError')) return 'the tool aborted';
  return `the tool could not run: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
}

let command;
if (tool === 'yosys') command = (await import('@yowasp/yosys')).runYosys;
else if (tool === 'clang') command = (await import('@yowasp/clang')).runClang;
else {
  const m = await import('@yowasp/nextpnr-ice40');
  command = tool === 'nextpnr-ice40' ? m.runNextpnrIce40 : m.runIcepack;
}
let tree;
let failure;
try {
  // fetchProgress: quiet (clang's first run loads 105 MB of resources; the caller's progress line says what runs).
  // clang's driver first runs itself with -### without passing the option on, so the resources are
  // fetched here, quietly, before it (otherwise "clang: fetched N%" lines land on our stdout).
  if (tool === 'clang') await command(null, {}, { fetchProgress: () => {} });
  tree = (await command(args, files, { stdout: sink('out'), stderr: sink('err'), fetchProgress: () => {} })) ?? undefined;
} catch (e) {
  failure = describeThrow(e);
}
parentPort.postMessage({ tree, log, failure });
