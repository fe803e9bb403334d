/**
 * One synthesis worker of `circa sweep --synth` (started through
 * sweep-worker.mjs): it takes build jobs from the parent, runs the flow in a
 * scratch directory and answers with the FlowReport or the error.
 */
import { parentPort } from 'node:worker_threads';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFlow } from '../flow/index.ts';
import type { BuildJob, BuildAnswer } from './sweep-synth.ts';

if (!parentPort) throw new Error('sweep-worker.ts runs as a worker thread');
const port = parentPort;

port.on('message', async (job: BuildJob) => {
  const dir = mkdtempSync(join(tmpdir(), 'circa-sweep-'));
  let answer: BuildAnswer;
  try {
    const report = await runFlow({
      sources: job.sources, top: job.top, board: job.board, pcf: job.pcf, toolchain: job.toolchain, seed: job.seed, outDir: dir,
    });
    answer = { id: job.id, report: { ...report, bitstream: '', logs: { yosys: '', nextpnr: '' } } };
  } catch (e) {
    answer = { id: job.id, error: e instanceof Error ? e.message : String(e) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  port.postMessage(answer);
});
