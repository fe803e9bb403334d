/**
 * The reference model of a whole device: the design's bit-exact model plus
 * what the protocol can change at run time. Each layer kind owns its run-time
 * registers (the optional `registers` face of src/layers/types.ts: TVSCM's a,
 * b and overflow clear; a block-circulant layer's SPRAM weight load); this
 * model routes WRITE_REG to them, keeps every layer's sticky overflow flag,
 * and computes with what the registers hold, so every answer can be checked.
 *
 * Config addresses (src/network/rtl.ts): in a network, layer k's register r
 * sits at 4k + r and only layers with a config port listen; a single layer's
 * own top has a 2-bit address, so 0..3 are its registers. The value reaches a
 * layer as the low bits of cfg_data (the design's port, then the layer's), so
 * a layer's model gets the WRITE_REG value's low bits of the layer's cfg_data
 * width, unsigned.
 */
import { CircaError, CircaInputError } from '../errors.ts';
import type { LayerRegisters } from '../layers/types.ts';
import type { Design } from '../network/design.ts';
import { layerRtl } from '../network/plan.ts';
import { CFG_STRIDE } from '../network/rtl.ts';
import { protoShape } from '../network/protocol.ts';

export interface ModelResult {
  y: number[];
  /** this vector overflowed somewhere */
  overflow: boolean;
}

export interface RegisterWrite {
  address: number;
  value: number;
}

export interface RegisterEffect {
  address: number;
  value: number;
  /** what the write does, for reports ("layer 0 tvscm187: a = 32 (0.25 in Q0.7 (8 bits))") */
  effect: string;
  /** false when no register listens at this address (the device accepts the write and nothing changes) */
  applied: boolean;
}

/** One layer's setup writes, at the design's addresses. */
export interface LayerSync {
  layer: number;
  name: string;
  kind: string;
  writes: RegisterWrite[];
  /** what they do, for reports and progress (LayerRegisterSetup) */
  summary: string;
  task: string;
}

interface LayerState {
  name: string;
  kind: string;
  regs: LayerRegisters | null;
  /** the layer's cfg_data width */
  width: number;
}

export class DeviceModel {
  private readonly layers: LayerState[];
  /** per layer: its sticky overflow flag */
  private readonly layerOvf: boolean[];
  private readonly addrWidth: number | null;

  constructor(readonly design: Design) {
    const cfg = protoShape(design.rtl()).cfg;
    this.addrWidth = cfg?.addrWidth ?? null;
    this.layers = design.net.layers.map((l) => {
      const name = (l.plan as { name: string }).name;
      const regs = l.kind.registers?.(l.plan) ?? null;
      const port = layerRtl(l).extraPorts.find((p) => p.name === 'cfg_data' && p.dir === 'input');
      if (regs && (!port || !cfg)) throw new CircaError(`${name}: the ${l.kind.kind} layer has run-time registers but the design has no config port for them`);
      return { name, kind: l.kind.kind, regs, width: Math.min(port?.width ?? 0, cfg?.dataWidth ?? 0) };
    });
    this.layerOvf = this.layers.map(() => false);
  }

  /** the design's sticky overflow flag (the OR of its layers') */
  get ovf(): boolean {
    return this.layerOvf.some((f) => f);
  }

  /** the design's address of layer k's register r */
  address(layer: number, reg: number): number {
    return this.design.isNetwork ? layer * CFG_STRIDE + reg : reg;
  }

  /** The writes that bring a freshly reset device to the spec's state, layer by layer (only layers with registers). */
  syncWrites(): LayerSync[] {
    return this.layers.flatMap((s, k) => {
      if (!s.regs) return [];
      const setup = s.regs.setup();
      return [{
        layer: k, name: s.name, kind: s.kind, summary: setup.summary, task: setup.task,
        writes: setup.writes.map((w) => ({ address: this.address(k, w.reg), value: w.value })),
      }];
    });
  }

  /**
   * Check a WRITE_REG the host is about to send. Throws CircaInputError when
   * the device would reject it (an address outside the config port, or a
   * design without one), naming the valid range.
   */
  checkAddress(address: number): void {
    if (this.addrWidth === null) {
      throw new CircaInputError(`--write-reg: design ${this.design.name} has no run-time registers (no config port)`);
    }
    const max = 2 ** this.addrWidth - 1;
    if (!Number.isInteger(address) || address < 0 || address > max) {
      throw new CircaInputError(`--write-reg: address ${address} is outside the config port of ${this.design.name} (0..${max})`);
    }
  }

  /** Apply a WRITE_REG the device accepted. */
  writeReg(address: number, value: number): RegisterEffect {
    this.checkAddress(address);
    const layer = this.design.isNetwork ? Math.floor(address / CFG_STRIDE) : 0;
    const reg = address % CFG_STRIDE;
    const none = (why: string): RegisterEffect => ({ address, value, effect: `no register: ${why}`, applied: false });
    if (layer >= this.layers.length) return none(`the design has ${this.layers.length} layer(s)`);
    const s = this.layers[layer];
    if (!s.regs) return none(`layer ${layer} (${s.kind}) has no run-time registers`);
    // the value as the config port carries it, then as the layer takes it
    const u = Number(BigInt.asUintN(s.width, BigInt.asUintN(32, BigInt(value))));
    const e = s.regs.write(reg, u);
    if (e.clearsOverflow) this.layerOvf[layer] = false;
    return { address, value, effect: `layer ${layer} ${s.name}: ${e.effect}`, applied: e.applied };
  }

  /** One inference with what the registers hold; updates the sticky overflow flags. */
  infer(x: readonly number[]): ModelResult {
    let v: readonly number[] = x;
    let overflow = false;
    this.design.net.layers.forEach((l, k) => {
      const regs = this.layers[k].regs;
      const r = regs ? regs.reference(v) : l.kind.reference(l.plan, v);
      if (r.overflow) this.layerOvf[k] = true;
      overflow ||= r.overflow;
      v = r.y;
    });
    return { y: [...v], overflow };
  }
}
