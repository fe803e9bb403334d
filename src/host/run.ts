/**
 * What `circa run` does, over any ByteTransport: bring the device's run-time
 * registers to the spec's state (every layer's setup writes, from its kind's
 * `registers` face: TVSCM's a and b and overflow clear, a block-circulant or
 * dense SPRAM layer's whole weight load), apply the user's register writes, send
 * each input vector with LOAD_INPUT, and check every answer against the
 * reference model with the same registers (src/host/model.ts); optionally
 * read the status and check its cycle counter against the cost model's
 * latency.
 *
 * A layer's setup writes go out as blocks: consecutive writes to the same
 * address (a block-circulant SPRAM load: the restart at register 0, then
 * every word at register 1) are WRITE_BLOCK frames of up to 16383 values, a
 * lone write is a WRITE_REG. examples/blockcirc-784.json's 21,610 writes are
 * 3 frames, 86,470 bytes with the answers: 7.5 s of line time at 115200 baud
 * and 3 round trips, instead of 21,610 WRITE_REGs (302,540 bytes, 26.3 s,
 * and as many USB-serial round trips). Progress goes to onProgress at most
 * once per progressMs (one chance per frame), and the report sums the setup
 * writes up per layer instead of listing them. The user's --write-reg writes
 * stay single WRITE_REG frames.
 */
import { CircaInputError } from '../errors.ts';
import type { Design } from '../network/design.ts';
import type { DeviceStatus } from '../network/protocol.ts';
import { ProtocolClient, type ClientOptions } from './client.ts';
import { DeviceModel, type RegisterEffect, type RegisterWrite } from './model.ts';
import type { ByteTransport } from '../sim/transport.ts';

export type { RegisterWrite };

export interface RunOptions extends ClientOptions {
  /** WRITE_REG frames to send before the vectors, in order */
  writeRegs?: readonly RegisterWrite[];
  /** read the status after the vectors */
  status?: boolean;
  /**
   * first send every layer's setup writes (TVSCM: the spec's a, b and an
   * overflow clear; block-circulant in SPRAM: the weight load), so the device
   * starts from the state the model assumes (default true)
   */
  syncRegisters?: boolean;
  onProgress?: (msg: string) => void;
  /** least time between two progress messages of one phase (default 1000 ms; the first and last always go) */
  progressMs?: number;
}

/** One layer's setup writes, summed up. */
export interface RunSync {
  layer: number;
  name: string;
  kind: string;
  /** register writes made (values written) */
  writes: number;
  /** frames they took: WRITE_BLOCK for runs of writes to one address, WRITE_REG for a lone write */
  frames: number;
  /** the first and last address written */
  addresses: [number, number];
  /** "set a and b to the spec's weights and cleared the overflow flag", "loaded the spectra into SPRAM (...)" */
  summary: string;
}

export interface RunVector {
  index: number;
  outputs: number[];
  expected: number[];
  match: boolean;
  /** the model says this vector overflows somewhere */
  overflow: boolean;
  /** argmax networks: the class index the device gave and the model's */
  class?: { got: number; expected: number };
}

export interface RunStatus {
  device: DeviceStatus;
  /** Design.cost().latency: what the cycle counter should read */
  predictedLatency: number;
  cyclesMatch: boolean;
  /** the model's sticky overflow flag over this run */
  ovfExpected: boolean;
  /** false only when the model overflowed and the device's sticky flag is clear */
  ovfConsistent: boolean;
}

export interface RunReport {
  design: string;
  transport: string;
  /** the setup writes sent first, per layer (empty with syncRegisters false) */
  sync: RunSync[];
  /** syncRegisters was false and the design has run-time registers: the model assumes the device holds the spec's state */
  syncSkipped: boolean;
  /** the user's register writes, after the setup writes */
  registers: RegisterEffect[];
  vectors: RunVector[];
  matched: number;
  status: RunStatus | null;
  pass: boolean;
}

const classLane = (design: Design): number => design.net.layers[design.net.layers.length - 1].kind.classIndex ?? 0;

/** The design ends in a layer whose output is a class index (argmax: LayerKind.classIndex). */
export const isArgmax = (design: Design): boolean => design.net.layers[design.net.layers.length - 1].kind.classIndex !== undefined;

export async function runOnDevice(design: Design, transport: ByteTransport, inputs: readonly (readonly number[])[], opts: RunOptions = {}): Promise<RunReport> {
  const net = design.net;
  const client = new ProtocolClient(transport, { inputs: net.inputs, inWidth: net.inWidth, outputs: net.outputs, outWidth: net.outWidth }, opts);
  const model = new DeviceModel(design);
  const registers: RegisterEffect[] = [];
  const progress = throttle(opts.onProgress, opts.progressMs ?? 1000);

  // The model starts from the spec's state; so does the device, after these writes.
  const doSync = opts.syncRegisters ?? true;
  const syncs = model.syncWrites();
  for (const w of opts.writeRegs ?? []) model.checkAddress(w.address);
  const sync: RunSync[] = [];
  for (const s of doSync ? syncs : []) {
    const n = s.writes.length;
    if (n === 0) continue;
    const say = (done: number) => progress(done === 0, `${s.task} of layer ${s.layer} (${s.name}): ${done}/${n} writes`);
    let done = 0;
    let frames = 0;
    for (const run of addressRuns(s.writes)) {
      if (run.values.length === 1) {
        say(done);
        await client.writeReg(run.address, run.values[0]);
        frames++;
      } else {
        frames += await client.writeBlock(run.address, run.values, (k) => say(done + k));
      }
      for (const v of run.values) model.writeReg(run.address, v);
      done += run.values.length;
    }
    progress(true, `${s.task} of layer ${s.layer} (${s.name}): ${n}/${n} writes`);
    sync.push({
      layer: s.layer, name: s.name, kind: s.kind, writes: n, frames, addresses: [s.writes[0].address, s.writes[n - 1].address], summary: s.summary,
    });
  }
  for (const w of opts.writeRegs ?? []) {
    progress(true, `WRITE_REG ${w.address} = ${w.value}`);
    await client.writeReg(w.address, w.value);
    registers.push(model.writeReg(w.address, w.value));
  }

  const vectors: RunVector[] = [];
  for (const [index, x] of inputs.entries()) {
    progress(index === 0 || index === inputs.length - 1, `LOAD_INPUT vector ${index + 1}/${inputs.length}`);
    const outputs = await client.loadInput(x);
    const want = model.infer(x);
    const match = outputs.length === want.y.length && outputs.every((v, i) => v === want.y[i]);
    vectors.push({
      index, outputs, expected: want.y, match, overflow: want.overflow,
      ...(isArgmax(design) ? { class: { got: outputs[classLane(design)], expected: want.y[classLane(design)] } } : {}),
    });
  }

  let status: RunStatus | null = null;
  if (opts.status) {
    progress(true, 'READ_STATUS');
    const device = await client.readStatus();
    const predictedLatency = design.cost().latency;
    status = {
      device,
      predictedLatency,
      cyclesMatch: inputs.length === 0 || device.lastCycles === predictedLatency,
      ovfExpected: model.ovf,
      ovfConsistent: !model.ovf || device.ovf,
    };
  }
  const matched = vectors.filter((v) => v.match).length;
  const pass = matched === vectors.length && (!status || (status.cyclesMatch && status.ovfConsistent));
  return { design: design.name, transport: transport.label, sync, syncSkipped: !doSync && syncs.length > 0, registers, vectors, matched, status, pass };
}

/** Consecutive writes to one address, grouped: each group goes out as WRITE_BLOCK frames (a WRITE_REG when it is one write). */
export function addressRuns(writes: readonly RegisterWrite[]): { address: number; values: number[] }[] {
  const runs: { address: number; values: number[] }[] = [];
  for (const w of writes) {
    const last = runs[runs.length - 1];
    if (last && last.address === w.address) last.values.push(w.value);
    else runs.push({ address: w.address, values: [w.value] });
  }
  return runs;
}

/** A progress sink that passes a message when told to, or when `ms` have passed since the last one. */
function throttle(sink: ((msg: string) => void) | undefined, ms: number): (force: boolean, msg: string) => void {
  let last = -Infinity;
  return (force, msg) => {
    if (!sink) return;
    const now = Date.now();
    if (!force && now - last < ms) return;
    last = now;
    sink(msg);
  };
}

const show = (xs: readonly number[], max = 12) => (xs.length <= max ? `[${xs.join(', ')}]` : `[${xs.slice(0, max).join(', ')}, ...] (${xs.length} values)`);

/** The human-readable report of a run. */
export function formatRunReport(r: RunReport): string[] {
  const lines: string[] = [`device: ${r.transport}`];
  for (const s of r.sync) {
    lines.push(`sync: layer ${s.layer} ${s.name}: ${s.writes.toLocaleString('en-US')} write(s) in ${s.frames.toLocaleString('en-US')} frame(s) ${s.summary}`);
  }
  if (r.syncSkipped) lines.push('sync: skipped (--no-sync): the model assumes the device already holds the spec\'s weights');
  for (const w of r.registers) lines.push(`write-reg ${w.address} = ${w.value}: ${w.effect}`);
  for (const v of r.vectors) {
    const verdict = v.match ? 'match' : `MISMATCH (expected ${show(v.expected)})`;
    if (v.class) {
      lines.push(`vector ${v.index}: class ${v.class.got} (score ${v.outputs[1]}), reference class ${v.class.expected}: ${verdict}`);
    } else {
      lines.push(`vector ${v.index}: ${show(v.outputs)}: ${verdict}`);
    }
  }
  lines.push(`${r.matched}/${r.vectors.length} vectors match the reference model`);
  if (r.status) {
    const s = r.status;
    const d = s.device;
    lines.push(
      `status: ${d.inferences} inference(s) since reset, last one ${d.lastCycles} cycles ` +
        `(predicted ${s.predictedLatency}${s.cyclesMatch ? '' : ', MISMATCH'})`,
      `        overflow ${d.ovf ? 'set' : 'clear'} (model: ${s.ovfExpected ? 'set' : 'clear'} this run${s.ovfConsistent ? '' : ', MISMATCH'}), ` +
        `${d.checksumErrors} checksum error(s), ${d.frameErrors} frame error(s)${d.lineError ? ', UART receiver lost a byte' : ''}`,
    );
  }
  lines.push(r.pass ? 'PASS' : 'FAIL');
  return lines;
}

/** Parse `addr=value` (decimal or 0x hex, value may be negative) as given to --write-reg. */
export function parseRegisterWrite(text: string): RegisterWrite {
  const m = /^\s*(0x[0-9a-f]+|\d+)\s*=\s*(-?(?:0x[0-9a-f]+|\d+))\s*$/i.exec(text);
  if (!m) throw new CircaInputError(`--write-reg: expected addr=value (integers, e.g. 0=32 or 1=-20 or 0x1=0xec), got "${text}"`);
  const num = (s: string) => (s.startsWith('-') ? -Number(s.slice(1)) : Number(s));
  return { address: num(m[1]), value: num(m[2]) };
}
