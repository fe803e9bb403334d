/**
 * The reference model of a whole device: the design's bit-exact model plus
 * what the protocol can change at run time. WRITE_REG changes a TVSCM
 * layer's weights a and b or clears its overflow flag; the model follows the
 * same writes, so every answer can be checked against it.
 *
 * Config addresses (src/network/rtl.ts): in a network, layer k's register r
 * sits at 4k + r and only layers with a config port (TVSCM) listen; a single
 * layer's own top has a 2-bit address, so 0..3 are its registers. The value
 * reaches a layer as the low bits of cfg_data, i.e. a TVSCM weight is the
 * value modulo 2^W read as a signed W-bit number (W = the weight width).
 */
import { CircaInputError } from '../errors.ts';
import { formatName, fromUnsigned, toReal } from '../fixed/index.ts';
import { tvscmReference } from '../layers/tvscm/reference.ts';
import type { TvscmPlan } from '../layers/tvscm/plan.ts';
import type { Design } from '../network/design.ts';
import { CFG_STRIDE } from '../network/rtl.ts';
import { protoShape } from '../network/protocol.ts';

export interface ModelResult {
  y: number[];
  /** this vector overflowed somewhere */
  overflow: boolean;
}

export interface RegisterEffect {
  address: number;
  value: number;
  /** what the write does, for reports ("layer 0 tvscm187: a = 32 (0.25)") */
  effect: string;
  /** false when no register listens at this address (the device accepts the write and nothing changes) */
  applied: boolean;
}

interface TvscmState {
  plan: TvscmPlan;
  a: number;
  b: number;
}

export class DeviceModel {
  /** per layer: its run-time weights, when it is a TVSCM layer */
  private readonly tvscm: (TvscmState | null)[];
  /** per layer: its sticky overflow flag */
  private readonly layerOvf: boolean[];
  private readonly addrWidth: number | null;
  private readonly dataWidth: number;

  constructor(readonly design: Design) {
    const layers = design.net.layers;
    this.tvscm = layers.map((l) => {
      if (l.kind.kind !== 'tvscm') return null;
      const plan = l.plan as TvscmPlan;
      return { plan, a: plan.a, b: plan.b };
    });
    this.layerOvf = layers.map(() => false);
    const cfg = protoShape(design.rtl()).cfg;
    this.addrWidth = cfg?.addrWidth ?? null;
    this.dataWidth = cfg?.dataWidth ?? 0;
  }

  /** the design's sticky overflow flag (the OR of its layers') */
  get ovf(): boolean {
    return this.layerOvf.some((f) => f);
  }

  /** the current weights of each TVSCM layer, raw */
  weights(): { layer: number; name: string; a: number; b: number }[] {
    return this.tvscm.flatMap((t, k) => (t ? [{ layer: k, name: t.plan.name, a: t.a, b: t.b }] : []));
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
    const t = this.tvscm[layer];
    const none = (why: string): RegisterEffect => ({ address, value, effect: `no register: ${why}`, applied: false });
    if (layer >= this.tvscm.length) return none(`the design has ${this.tvscm.length} layer(s)`);
    if (!t) return none(`layer ${layer} (${this.design.net.layers[layer].kind.kind}) has no run-time registers`);
    // the value as the config port carries it, then as the layer takes it
    const u = BigInt.asUintN(32, BigInt(value)) & ((1n << BigInt(this.dataWidth)) - 1n);
    const w = t.plan.wWidth;
    const raw = fromUnsigned(u & ((1n << BigInt(w)) - 1n), w);
    const where = `layer ${layer} ${t.plan.name}`;
    if (reg === 0 || reg === 1) {
      const name = reg === 0 ? 'a' : 'b';
      if (reg === 0) t.a = raw;
      else t.b = raw;
      return { address, value, effect: `${where}: ${name} = ${raw} (${toReal(raw, t.plan.wFormat)} in ${formatName(t.plan.wFormat)})`, applied: true };
    }
    if (reg === 2) {
      this.layerOvf[layer] = false;
      return { address, value, effect: `${where}: overflow flag cleared`, applied: true };
    }
    return none(`${where} has registers 0..2 (a, b, clear overflow)`);
  }

  /** One inference with the current weights; updates the sticky overflow flags. */
  infer(x: readonly number[]): ModelResult {
    let v: readonly number[] = x;
    let overflow = false;
    this.design.net.layers.forEach((l, k) => {
      const t = this.tvscm[k];
      const r = t ? tvscmReference(t.plan, v, t.a, t.b) : l.kind.reference(l.plan, v);
      if (r.overflow) this.layerOvf[k] = true;
      overflow ||= r.overflow;
      v = r.y;
    });
    return { y: [...v], overflow };
  }
}
