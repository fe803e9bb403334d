/**
 * What `circa run` does, over any ByteTransport: bring the device's run-time
 * registers to a known state, apply the user's register writes, send each
 * input vector with LOAD_INPUT, and check every answer against the reference
 * model with the same registers; optionally read the status and check its
 * cycle counter against the cost model's latency.
 */
import { CircaInputError } from '../errors.ts';
import type { Design } from '../network/design.ts';
import type { DeviceStatus } from '../network/protocol.ts';
import { CFG_STRIDE } from '../network/rtl.ts';
import { ProtocolClient, type ClientOptions } from './client.ts';
import { DeviceModel, type RegisterEffect } from './model.ts';
import type { ByteTransport } from './transport.ts';

export interface RegisterWrite {
  address: number;
  value: number;
}

export interface RunOptions extends ClientOptions {
  /** WRITE_REG frames to send before the vectors, in order */
  writeRegs?: readonly RegisterWrite[];
  /** read the status after the vectors */
  status?: boolean;
  /**
   * first write every TVSCM layer's spec weights and clear its overflow flag,
   * so the device starts from the state the model assumes (default true)
   */
  syncRegisters?: boolean;
  onProgress?: (msg: string) => void;
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
  /** register writes sent, the sync writes first */
  registers: (RegisterEffect & { sync: boolean })[];
  vectors: RunVector[];
  matched: number;
  status: RunStatus | null;
  pass: boolean;
}

export const isArgmax = (design: Design): boolean => design.net.layers[design.net.layers.length - 1].kind.kind === 'argmax';

export async function runOnDevice(design: Design, transport: ByteTransport, inputs: readonly (readonly number[])[], opts: RunOptions = {}): Promise<RunReport> {
  const net = design.net;
  const client = new ProtocolClient(transport, { inputs: net.inputs, inWidth: net.inWidth, outputs: net.outputs, outWidth: net.outWidth }, opts);
  const model = new DeviceModel(design);
  const registers: RunReport['registers'] = [];

  // The model starts from the spec's weights; so does the device, after these writes.
  const sync: RegisterWrite[] = [];
  if (opts.syncRegisters ?? true) {
    for (const w of model.weights()) {
      const base = design.isNetwork ? w.layer * CFG_STRIDE : 0;
      sync.push({ address: base, value: w.a }, { address: base + 1, value: w.b }, { address: base + 2, value: 0 });
    }
  }
  for (const w of opts.writeRegs ?? []) model.checkAddress(w.address);
  for (const [k, w] of [...sync, ...(opts.writeRegs ?? [])].entries()) {
    opts.onProgress?.(`WRITE_REG ${w.address} = ${w.value}`);
    await client.writeReg(w.address, w.value);
    registers.push({ ...model.writeReg(w.address, w.value), sync: k < sync.length });
  }

  const vectors: RunVector[] = [];
  for (const [index, x] of inputs.entries()) {
    opts.onProgress?.(`LOAD_INPUT vector ${index + 1}/${inputs.length}`);
    const outputs = await client.loadInput(x);
    const want = model.infer(x);
    const match = outputs.length === want.y.length && outputs.every((v, i) => v === want.y[i]);
    vectors.push({
      index, outputs, expected: want.y, match, overflow: want.overflow,
      ...(isArgmax(design) ? { class: { got: outputs[0], expected: want.y[0] } } : {}),
    });
  }

  let status: RunStatus | null = null;
  if (opts.status) {
    opts.onProgress?.('READ_STATUS');
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
  return { design: design.name, transport: transport.label, registers, vectors, matched, status, pass };
}

const show = (xs: readonly number[], max = 12) => (xs.length <= max ? `[${xs.join(', ')}]` : `[${xs.slice(0, max).join(', ')}, ...] (${xs.length} values)`);

/** The human-readable report of a run. */
export function formatRunReport(r: RunReport): string[] {
  const lines: string[] = [`device: ${r.transport}`];
  const syncs = r.registers.filter((w) => w.sync);
  if (syncs.length) lines.push(`registers: ${syncs.length} write(s) set the spec's TVSCM weights and cleared their overflow flags`);
  for (const w of r.registers.filter((x) => !x.sync)) lines.push(`write-reg ${w.address} = ${w.value}: ${w.effect}`);
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
