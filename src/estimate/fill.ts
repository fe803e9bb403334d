/**
 * The lane filler (`circa estimate --fill <part>`): it proposes the parallelism of every layer that has some (the
 * kinds' `vary.lanes` face: a TVSCM's or dense layer's lanes; and the
 * butterfly units of folded FFT engines, the `butterflies` sweep shorthand)
 * that minimises the period within the part's DSP, EBR, SPRAM and logic
 * limits. It prices every choice with the fit check's resource model
 * (fit.ts: the board top included, as `circa build` checks) and accepts only
 * choices that fit with room: every row "ok", logic predicted at or under the
 * part's logic cells (the build's fit check would also let through a design
 * up to 20% over on logic; the filler does not propose one).
 *
 * The search:
 *   1. per layer, candidate settings: lanes 1..16 and the powers of two up to
 *      4096 (each kind caps them at what the layer allows, and equal settings
 *      merge), the spec's own value, input buffers 1 or 2 (the kinds'
 *      `vary.buffers`), elements per input beat 1, 2, 4, 8, 16 (`vary.beat`;
 *      the kind refuses a beat its lanes do not take, and a combination whose
 *      link cannot cut one layer's lanes into the next one's beats is not
 *      accepted), the SB_MAC16 mode (`dsp`), a dense layer's weight ROM whole
 *      or split by depth (`vary.splitMemory`: "ebr-split", on a part with
 *      EBR), and butterflies 1, 2, 4, 8 on folded engines. Each is priced in the design with every other layer at its
 *      fewest; those that do not fit then are dropped, and so is a setting
 *      that needs more lanes than another one for no shorter period or latency
 *      of the layer (a dense layer of 10 outputs: 6..9 lanes take as many
 *      groups as 5; a split ROM is compared only with split ones, as it
 *      trades EBR for logic, which this pruning does not weigh). The spec's own setting is always kept.
 *   2. every combination of the layers' candidates (exhaustive) when there
 *      are at most EXHAUSTIVE_LIMIT of them; otherwise greedy: from the
 *      fewest everywhere, move the one layer to whichever of its faster
 *      settings shortens the period most while fitting, until no move helps. DSP, EBR and SPRAM add
 *      up per layer, so a combination over those by the per-layer sums is not
 *      priced at all. A combination is priced under each schedule it is
 *      judged by (a pipelined network's links hold two vectors after a layer
 *      that overlaps them). The spec's own combination is always priced too, so the
 *      result is never worse than the spec as written (when that fits).
 * Cycles come from the cost faces (network: the composed timing of
 * src/network/cost.ts), under the spec's schedule and, for a network, under
 * the pipelined one (the best choice for each is reported).
 */
import { CircaError, CircaInputError } from '../errors.ts';
import { dspBound, formatSingleDual, type DspBound } from './bound.ts';
import { designFromPlan, type Design } from '../network/design.ts';
import { linksCut } from '../network/cost.ts';
import { planAny, type NetworkLayer, type NetworkPlan } from '../network/plan.ts';
import { loadLayerSpec } from '../layers/load.ts';
import type { Toolchain } from '../flow/index.ts';
import { predictInventory, type ResourceEstimate } from './resources.ts';
import { designInventory } from './inventory.ts';
import { applyVary } from './sweep.ts';
import { fitCheck, type FitRow } from './fit.ts';
import type { Schedule } from '../network/spec.ts';
import { DSP_MODES, type DspMode } from '../layers/formats.ts';
import { partOf, partTitle } from '../target/index.ts';

/* ------------------------------------------------------------------------ */
/* Knobs: the settings a layer's faces offer                                  */
/* ------------------------------------------------------------------------ */

/** Designs with more combinations than this are searched greedily. */
export const EXHAUSTIVE_LIMIT = 20_000;

const LANE_VALUES = [...Array.from({ length: 16 }, (_, i) => i + 1), 32, 64, 128, 256, 512, 1024, 2048, 4096];
const BUTTERFLY_VALUES = [1, 2, 4, 8];
const BUFFER_VALUES = [1, 2];
/** elements per input beat (the kinds' vary.beat; a kind refuses a beat its lanes do not take) */
const BEAT_VALUES = [1, 2, 4, 8, 16];

type Spec = Record<string, unknown>;

interface Knob {
  /** 'lanes' or 'butterflies' */
  name: string;
  /** the spec field it sets (found by applying it), e.g. "lanes", "fft.butterflies" */
  field: string;
  /** the spec's own value (the plan's when the spec leaves the field out) */
  own: number | undefined;
  values: number[];
  apply(spec: Spec, v: number): Spec;
  /** how a value reads in the spec (the dsp knob: 0 "single", 1 "dual8"); default the number */
  show?(v: number): number | string;
  /**
   * settings that differ in this knob are not compared by the dominance of
   * step 1: it trades logic, which the dominance does not weigh, for a
   * resource it does (the split weight ROM saves EBR for LUTs)
   */
  apart?: boolean;
}

function getPath(o: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Spec)[k] : undefined), o);
}

/** The dotted paths (two levels deep) where a and b differ. */
function changed(a: Spec, b: Spec): string[] {
  const same = (x: unknown, y: unknown) => x === y || JSON.stringify(x) === JSON.stringify(y);
  const out: string[] = [];
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[k];
    const y = b[k];
    if (same(x, y)) continue;
    if (x && y && typeof x === 'object' && typeof y === 'object' && !Array.isArray(x)) {
      for (const k2 of new Set([...Object.keys(x), ...Object.keys(y as Spec)])) if (!same((x as Spec)[k2], (y as Spec)[k2])) out.push(`${k}.${k2}`);
    } else out.push(k);
  }
  return out;
}

/** The one field a setter writes (probed with two values), or undefined when it writes none or several. */
function probeField(spec: Spec, set: (s: Spec, v: number) => Spec, a: number, b: number): string | undefined {
  const diff = changed(set(spec, a), set(spec, b));
  return diff.length === 1 ? diff[0] : undefined;
}

/** A shallow copy with its `fft` object copied too (the setters write into it). */
const copy = (s: Spec): Spec => ({ ...s, ...(s.fft && typeof s.fft === 'object' ? { fft: { ...(s.fft as Spec) } } : {}) });

function knobsOf(layer: NetworkLayer, dspPart: boolean, lim: { ebr: number }): Knob[] {
  // a layer fused from several specs (a kind's fuse face: two diag-circulant
  // layers on one engine) is planned from all of them; it is kept as it is
  if (layer.fusedFrom) return [];
  const spec = layer.spec as Spec;
  const knobs: Knob[] = [];
  // the kind's own knobs: its parallelism, and its input buffers (two let the
  // next vector load while this one computes, which a pipelined network uses)
  const own = layer.kind.vary;
  for (const [name, edit, values] of [['lanes', own?.lanes, LANE_VALUES], ['buffers', own?.buffers, BUFFER_VALUES], ['beat', own?.beat, BEAT_VALUES]] as const) {
    if (!edit) continue;
    const set = (s: Spec, v: number) => {
      const c = copy(s);
      edit(c, v);
      return c;
    };
    const field = probeField(spec, set, 1, 2);
    if (field) {
      // the spec's value, or when it leaves the field out the plan's (a conv layer's beat defaults to all its channels)
      const v = getPath(spec, field);
      const planned = (layer.plan as Record<string, unknown>)[field];
      const own = typeof v === 'number' ? v : typeof planned === 'number' ? planned : undefined;
      knobs.push({ name, field, own, values: [...values], apply: set });
    }
  }
  // the SB_MAC16 mode of a layer that has one ("dsp": "single" | "dual8"; on
  // a part with SB_MAC16): "dual8" is planned only when the operands fit 8 bits
  // (the kind refuses it otherwise), and needs half the DSPs for the same cycles
  const mode = (layer.plan as { dsp?: unknown }).dsp;
  if (dspPart && typeof mode === 'string') {
    const idx = DSP_MODES.indexOf(mode as DspMode);
    knobs.push({
      name: 'dsp', field: 'dsp', own: Math.max(0, idx), values: DSP_MODES.map((_, i) => i),
      apply: (s, v) => ({ ...copy(s), dsp: DSP_MODES[v] }),
      show: (v) => DSP_MODES[v],
    });
  }
  // the weight memory that saves EBR (a dense layer's "ebr-split"), beside
  // the spec's own (on a part with EBR): 0 the spec's memory ("auto" where
  // it says "ebr-split"), 1 the split; the plan refuses a split that saves nothing
  const split = layer.kind.vary?.splitMemory;
  if (split && lim.ebr > 0) {
    const mem = typeof spec.memory === 'string' ? spec.memory : undefined;
    const plain = mem === undefined || mem === 'ebr-split' ? 'auto' : mem;
    const apply = (s: Spec, v: number): Spec => {
      const c = copy(s);
      if (v) split(c);
      else c.memory = plain;
      return c;
    };
    // offered only where some lane count takes it (a 16 x 12 layer's ROM is never deep enough to split)
    const lanes = knobs.find((k) => k.name === 'lanes');
    const takes = (lanes?.values ?? [undefined]).some((v) => {
      try {
        loadLayerSpec(apply(v === undefined ? spec : lanes!.apply(spec, v), 1));
        return true;
      } catch (e) {
        if (e instanceof CircaError) return false;
        throw e;
      }
    });
    if (takes || mem === 'ebr-split') {
      knobs.push({ name: 'memory', field: 'memory', own: mem === 'ebr-split' ? 1 : 0, values: [0, 1], apply, show: (v) => (v ? 'ebr-split' : plain), apart: true });
    }
  }
  // folded FFT engines: the sweep shorthand (a layer without one makes applyVary throw)
  const bf = (s: Spec, v: number) => applyVary(s, 'butterflies', v) as Spec;
  let field: string | undefined;
  try {
    field = probeField(spec, bf, 1, 2);
  } catch (e) {
    if (!(e instanceof CircaInputError)) throw e;
  }
  if (field) {
    const own = getPath(spec, field);
    knobs.push({ name: 'butterflies', field, own: typeof own === 'number' ? own : undefined, values: BUTTERFLY_VALUES, apply: bf });
  }
  return knobs;
}

/* ------------------------------------------------------------------------ */
/* Search                                                                     */
/* ------------------------------------------------------------------------ */

/** One setting of one layer, planned. */
interface Candidate {
  /** knob values, in the layer's knob order */
  values: number[];
  layer: NetworkLayer;
  /** the layer's own cycles */
  period: number;
  latency: number;
  /** what the design needs beyond its fewest setting on this layer */
  delta: { dsp: number; ebr: number; spram: number };
  own: boolean;
}

export interface FillLayer {
  index: number;
  name: string;
  kind: string;
  /** per knob: its field (layers[k]. prefix in a network), the spec's value and the chosen one */
  settings: { knob: string; field: string; spec: number | string | undefined; chosen: number | string }[];
  multipliers: number;
  period: number;
  latency: number;
}

export interface FillChoice {
  schedule: Schedule;
  layers: FillLayer[];
  period: number;
  latency: number;
  bound: DspBound;
  resources: { lut: number; ff: number; dsp: number; ebr: number; spram: number };
  rows: FitRow[];
}

export interface FillResult {
  design: string;
  part: string;
  limits: { lut: number; dsp: number; ebr: number; spram: number };
  isNetwork: boolean;
  /** exhaustive over the per-layer candidates, or greedy (more than EXHAUSTIVE_LIMIT combinations) */
  search: 'exhaustive' | 'greedy';
  /** combinations priced with the resource model */
  priced: number;
  /** per layer with settings: how many candidates survived step 1 */
  candidates: { index: number; name: string; count: number }[];
  /** the spec as written, under its own schedule (fits: false when the fit check would refuse it or it fits only marginally) */
  spec: FillChoice & { fits: boolean };
  /** the best choice under the spec's schedule */
  best: FillChoice;
  /** a network: the best choice under the pipelined schedule (when the spec's is sequential) */
  pipelined?: FillChoice;
  /**
   * a sequential network none of whose settings fits pipelined: why (the
   * pipelined links hold two vectors after a layer that overlaps them, which
   * for feature maps can exceed the EBR)
   */
  noPipelined?: string;
  seconds: number;
}

export interface FillOptions {
  toolchain?: Toolchain;
  /** include the board top (default true, as `circa build` does) */
  board?: boolean;
  /** search greedily above this many combinations (default EXHAUSTIVE_LIMIT) */
  exhaustiveLimit?: number;
}

interface Priced {
  combo: number[];
  net: NetworkPlan;
  est: ResourceEstimate;
  rows: FitRow[];
  clean: boolean;
}

/**
 * A layer's candidates without those dominated by one with fewer resources
 * (DSP, EBR, SPRAM) for no shorter period or latency, the spec's own kept,
 * shortest period first. Settings that differ in an `apart` knob are not
 * compared: a split weight ROM does not drop the unsplit one (it saves EBR
 * for logic, which binds elsewhere).
 */
function undominated(all: Candidate[], ks: Knob[]): Candidate[] {
  const comparable = (c: Candidate, d: Candidate) => ks.every((kn, i) => !kn.apart || c.values[i] === d.values[i]);
  return all.filter((c) => c.own || !all.some((d) => d !== c && comparable(c, d) &&
    d.period <= c.period && d.latency <= c.latency && d.delta.dsp <= c.delta.dsp && d.delta.ebr <= c.delta.ebr && d.delta.spram <= c.delta.spram &&
    (d.period < c.period || d.latency < c.latency || d.delta.dsp < c.delta.dsp || d.delta.ebr < c.delta.ebr || d.delta.spram < c.delta.spram)))
    .sort((a, b) => a.period - b.period || a.latency - b.latency);
}

/** Find lane counts (and folded FFT units) that minimise the period on `part`. */
export function fill(design: Design, part: string, opts: FillOptions = {}): FillResult {
  const t0 = performance.now();
  const lim = partOf(part).part.limits;
  const net0 = design.net;
  const rOpts = { part, toolchain: opts.toolchain, board: opts.board };
  const at = (k: number) => (design.isNetwork ? `layers[${k}].` : '');
  const designOf = (net: NetworkPlan) => designFromPlan(net, design.isNetwork);
  const price = (net: NetworkPlan): { est: ResourceEstimate; rows: FitRow[]; clean: boolean; cut: boolean } => {
    // a layer's lanes must stay a multiple of the next layer's input beat (its
    // link cuts them); a plan whose links do not cut has no timeline, so it is
    // priced by its inventory alone (resources do not depend on the cycles) and never accepted
    if (!linksCut(net)) {
      const est = predictInventory(designInventory(net, design.isNetwork, 0, opts.board ?? true), rOpts);
      return { est, rows: [], clean: false, cut: false };
    }
    const f = fitCheck(designOf(net), part, { ...rOpts, advise: false });
    return { est: f.estimate, rows: f.rows, clean: f.rows.every((r) => r.status === 'ok'), cut: true };
  };
  /** within the part's limits on every resource (for a setting judged before its neighbours can take it) */
  const within = (e: ResourceEstimate) => e.total.dsp <= lim.dsp && e.total.ebr <= lim.ebr && e.total.spram <= lim.spram && e.total.lut <= lim.lut;
  let priced = 0;

  // ---- step 1: per-layer candidates ----
  const knobs = net0.layers.map((l) => knobsOf(l, lim.dsp > 0, lim));
  const planLayer = (l: NetworkLayer, ks: Knob[], values: number[]): NetworkLayer => {
    const spec = ks.reduce((s, k, i) => k.apply(s, values[i]), l.spec as Spec);
    const loaded = loadLayerSpec(spec, `${at(l.index)}`);
    return { ...loaded, index: l.index, shape: loaded.kind.shape(loaded.plan), io: loaded.kind.io(loaded.plan) };
  };
  const tryPlan = (l: NetworkLayer, ks: Knob[], values: number[]): NetworkLayer | undefined => {
    try {
      return planLayer(l, ks, values);
    } catch (e) {
      if (e instanceof CircaError) return undefined; // a setting the layer refuses (e.g. a lane count its kind does not take)
      throw e;
    }
  };
  const fewest: NetworkLayer[] = net0.layers.map((l, k) => (knobs[k].length ? tryPlan(l, knobs[k], knobs[k].map((kn) => kn.values[0])) ?? l : l));
  const withLayer = (k: number, layer: NetworkLayer, base: NetworkLayer[]): NetworkPlan => ({ ...net0, layers: base.map((l, i) => (i === k ? layer : l)) });
  const base = price({ ...net0, layers: fewest });
  priced++;
  const cands: Candidate[][] = net0.layers.map((l, k) => {
    const ks = knobs[k];
    if (!ks.length) return [];
    const ownValues = ks.map((kn) => kn.own ?? kn.values[0]);
    let combos: number[][] = [[]];
    for (const kn of ks) combos = combos.flatMap((c) => [...new Set([...kn.values, ...(kn.own !== undefined ? [kn.own] : [])])].sort((a, b) => a - b).map((v) => [...c, v]));
    const seen = new Map<string, Candidate>();
    for (const values of combos) {
      const isOwn = values.every((v, i) => v === ownValues[i]);
      // settings that write the same spec (capped by the kind) are one candidate: keep the smallest values, or the spec's own
      const key = JSON.stringify(ks.map((kn, i) => getPath(kn.apply(l.spec as Spec, values[i]), kn.field)));
      const prev = seen.get(key);
      if (prev && !isOwn) continue;
      const layer = tryPlan(l, ks, values);
      if (!layer) continue;
      const p = price(withLayer(k, layer, fewest));
      priced++;
      // a beat the other layers' fewest lanes cannot feed (a pool's 2 channels
      // a beat after 1 conv lane) is kept when it is within the limits: the
      // combinations decide whether some neighbour's setting feeds it
      if (!p.clean && !isOwn && (p.cut || !within(p.est))) continue;
      const c = layer.kind.cost(layer.plan);
      seen.set(key, {
        values, layer, period: c.cycles.period, latency: c.cycles.latency, own: isOwn || !!prev?.own,
        delta: { dsp: p.est.total.dsp - base.est.total.dsp, ebr: p.est.total.ebr - base.est.total.ebr, spram: p.est.total.spram - base.est.total.spram },
      });
    }
    return undominated([...seen.values()], ks);
  });
  const laned = cands.map((c, k) => (c.length ? k : -1)).filter((k) => k >= 0);
  const layersFor = (combo: number[]) => net0.layers.map((l, k) => (cands[k].length ? cands[k][combo[k]].layer : l));

  // ---- step 2: combinations ----
  const schedules: Schedule[] = design.isNetwork && net0.schedule === 'sequential' ? ['sequential', 'pipelined'] : [net0.schedule];
  const periodOf = (net: NetworkPlan, s: Schedule) => designOf({ ...net, schedule: s }).cost();
  const results: Priced[] = [];
  // priced under the schedule it is judged by: a pipelined network's links
  // hold two vectors after a layer that overlaps them (more EBR)
  const priceCombo = (combo: number[], schedule: Schedule = net0.schedule): Priced => {
    const net = { ...net0, schedule, layers: layersFor(combo) };
    const p = price(net);
    priced++;
    const r = { combo, net, ...p };
    results.push(r);
    return r;
  };
  const ownCombo = net0.layers.map((_, k) => Math.max(0, cands[k].findIndex((c) => c.own)));
  const total = laned.reduce((s, k) => s * cands[k].length, 1);
  let search: FillResult['search'] = 'exhaustive';
  const overBySums = (combo: number[]) => {
    const sum = (r: 'dsp' | 'ebr' | 'spram') => base.est.total[r] + laned.reduce((s, k) => s + cands[k][combo[k]].delta[r], 0);
    return sum('dsp') > lim.dsp || sum('ebr') > lim.ebr || sum('spram') > lim.spram;
  };
  if (total <= (opts.exhaustiveLimit ?? EXHAUSTIVE_LIMIT)) {
    let combos: number[][] = [net0.layers.map(() => 0)];
    for (const k of laned) combos = combos.flatMap((c) => cands[k].map((_, i) => c.map((x, j) => (j === k ? i : x))));
    for (const combo of combos) if (!overBySums(combo)) for (const s of schedules) priceCombo(combo, s);
  } else {
    search = 'greedy';
    for (const s of schedules) {
      // from the fewest (each layer's last candidate: the longest period), move the layer whose move shortens the period most
      let cur = net0.layers.map((_, k) => Math.max(0, cands[k].length - 1));
      let curCost = periodOf(priceCombo(cur, s).net, s);
      for (;;) {
        let step: { combo: number[]; cost: ReturnType<typeof periodOf> } | undefined;
        // any faster candidate of one layer (not only the next one: a knob
        // that does not shorten this schedule's period must not end the search)
        for (const k of laned) {
          for (let i = cur[k] - 1; i >= 0; i--) {
            const next = cur.map((x, j) => (j === k ? i : x));
            if (overBySums(next)) continue;
            const r = priceCombo(next, s);
            if (!r.clean) continue;
            const c = periodOf(r.net, s);
            if (!step || c.period < step.cost.period || (c.period === step.cost.period && c.latency < step.cost.latency)) step = { combo: next, cost: c };
          }
        }
        if (!step || step.cost.period > curCost.period || (step.cost.period === curCost.period && step.cost.latency >= curCost.latency)) break;
        cur = step.combo;
        curCost = step.cost;
      }
    }
  }
  const own = results.find((r) => r.net.schedule === net0.schedule && r.combo.every((x, k) => x === ownCombo[k])) ?? priceCombo(ownCombo);

  const choice = (r: Priced, s: Schedule): FillChoice => {
    const d = designOf({ ...r.net, schedule: s });
    const c = d.cost();
    return {
      schedule: s,
      layers: laned.map((k) => {
        const cand = cands[k][r.combo[k]];
        const lc = cand.layer.kind.cost(cand.layer.plan);
        return {
          index: k,
          name: (cand.layer.plan as { name: string }).name,
          kind: cand.layer.kind.kind,
          settings: knobs[k].map((kn, i) => ({
            knob: kn.name, field: `${at(net0.layers[k].index)}${kn.field}`,
            spec: kn.own !== undefined && kn.show ? kn.show(kn.own) : kn.own,
            chosen: getPath(kn.apply(net0.layers[k].spec as Spec, cand.values[i]), kn.field) as number | string,
          })),
          multipliers: lc.hardware.multipliers,
          period: lc.cycles.period,
          latency: lc.cycles.latency,
        };
      }),
      period: c.period,
      latency: c.latency,
      bound: dspBound(d, part),
      resources: { lut: r.est.total.lut, ff: r.est.total.ff, dsp: r.est.total.dsp, ebr: r.est.total.ebr, spram: r.est.total.spram },
      rows: r.rows,
    };
  };
  const clean = results.filter((r) => r.clean);
  if (!clean.some((r) => r.net.schedule === net0.schedule)) {
    const over = base.rows.filter((r) => r.status !== 'ok');
    throw new CircaError(`${design.name}: no lane setting fits ${partTitle(part)} with room; with the fewest lanes everywhere it needs ` +
      `${over.map((r) => `${r.resource} ${n(r.need)} (has ${n(r.have)})`).join(', ') || 'more than the part has'}`);
  }
  /** the fastest setting that fits under schedule s, or undefined when none does */
  const bestFor = (s: Schedule): FillChoice | undefined => {
    let best: { r: Priced; c: ReturnType<Design['cost']> } | undefined;
    for (const r of clean) {
      if (r.net.schedule !== s) continue;
      const c = periodOf(r.net, s);
      const better = !best || c.period < best.c.period || (c.period === best.c.period && (c.latency < best.c.latency ||
        (c.latency === best.c.latency && (r.est.total.dsp < best.r.est.total.dsp || (r.est.total.dsp === best.r.est.total.dsp && r.est.total.lut < best.r.est.total.lut)))));
      if (better) best = { r, c };
    }
    return best && choice(best.r, s);
  };
  const pipelined = schedules.length > 1 ? bestFor('pipelined') : undefined;
  // the spec as written is checked by the plain fit check (the same rows): an unmodelled kind or logic within the error is "marginal"
  const specFit = fitCheck(design, part, { ...rOpts, advise: false });
  const result: FillResult = {
    design: design.name,
    part,
    limits: { lut: lim.lut, dsp: lim.dsp, ebr: lim.ebr, spram: lim.spram },
    isNetwork: design.isNetwork,
    search,
    priced,
    candidates: laned.map((k) => ({ index: k, name: (net0.layers[k].plan as { name: string }).name, count: cands[k].length })),
    spec: { ...choice(own, net0.schedule), fits: specFit.rows.every((r) => r.status === 'ok') },
    best: bestFor(net0.schedule)!,
    ...(pipelined ? { pipelined } : {}),
    ...(schedules.length > 1 && !pipelined ? { noPipelined: pipelinedRefusal(results, part) } : {}),
    seconds: 0,
  };
  result.seconds = (performance.now() - t0) / 1000;
  return result;
}

/** Why no pipelined setting fits: the resources over the part in the pipelined setting that needs least of them. */
function pipelinedRefusal(results: Priced[], part: string): string {
  const piped = results.filter((r) => r.net.schedule === 'pipelined' && r.rows.length);
  const over = (r: Priced) => r.rows.filter((x) => x.status !== 'ok');
  const least = piped.sort((a, b) => over(a).reduce((s, x) => s + x.need / Math.max(1, x.have), 0) - over(b).reduce((s, x) => s + x.need / Math.max(1, x.have), 0))[0];
  const why = least ? over(least).map((x) => `${x.resource} ${n(x.need)} (has ${n(x.have)})`).join(', ') : '';
  return `no setting fits ${partTitle(part)} with room under the pipelined schedule${why ? `: at the least it needs ${why}` : ''}`;
}

/* ------------------------------------------------------------------------ */
/* Output                                                                     */
/* ------------------------------------------------------------------------ */

const n = (x: number) => x.toLocaleString('en-US');
const ratio = (b: DspBound) => (b.ratio === null ? '-' : `${b.ratio.toFixed(2)}x`);

/** The fill result as text: the lanes per layer, then period, bound and resources per choice. */
export function formatFill(f: FillResult): string {
  const choices: [string, FillChoice][] = [
    [`spec${f.isNetwork ? ` (${f.spec.schedule})` : ''}${f.spec.fits ? '' : ' *'}`, f.spec],
    [f.isNetwork ? `best ${f.best.schedule}` : 'best', f.best],
    ...(f.pipelined ? [['best pipelined', f.pipelined] as [string, FillChoice]] : []),
  ];
  const lines: string[] = [];
  const b = f.best.bound;
  lines.push(`fill ${f.design} on ${partTitle(f.part)}: ${f.limits.dsp} SB_MAC16, ${f.limits.ebr} EBR, ${f.limits.spram} SPRAM, ${n(f.limits.lut)} logic cells ` +
    '(resource model of the fit check, board top included; only settings that fit with room)');
  lines.push(b.bound === null
    ? `DSP bound: none (${b.dsp === 0 ? `${partTitle(f.part)} has no SB_MAC16; multipliers go to logic` : 'no multiplies'})`
    : `DSP bound: ${n(b.multiplies)} multiplies per vector / ${b.dsp} SB_MAC16${b.perDsp > 1 ? ` x ${b.perDsp} (operands of at most 8 bits)` : ''} = ${n(b.bound)} cycles per vector; ${formatSingleDual(b)}`);
  lines.push(`search: ${f.search}, ${n(f.priced)} setting(s) priced in ${f.seconds.toFixed(2)} s ` +
    `(candidates per layer: ${f.candidates.map((c) => `${c.name} ${c.count}`).join(', ') || 'no layer has lanes'})`);
  lines.push('');
  // settings table: one row per knob
  const head = ['layer', 'field', ...choices.map(([label]) => label.replace(/ \*$/, ''))];
  const rows = f.best.layers.flatMap((l, li) => l.settings.map((s, si) => [
    l.name, s.field, ...choices.map(([, c]) => String(c.layers[li].settings[si].chosen)),
  ]));
  const table = (h: string[], body: string[][]) => {
    const w = h.map((x, i) => Math.max(x.length, ...body.map((r) => r[i].length)));
    return [h, ...body].map((r) => r.map((x, i) => (i < 2 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  ').trimEnd());
  };
  if (rows.length) lines.push(...table(head, rows), '');
  const h2 = ['', 'period', 'latency', 'DSP bound', 'period/bound', 'logic cells', 'DSP', 'EBR', 'SPRAM'];
  const body = choices.map(([label, c]) => [
    label, n(c.period), n(c.latency), c.bound.bound === null ? '-' : n(c.bound.bound), ratio(c.bound),
    `${n(c.resources.lut)}/${n(f.limits.lut)}`, `${c.resources.dsp}/${f.limits.dsp}`, `${c.resources.ebr}/${f.limits.ebr}`, `${c.resources.spram}/${f.limits.spram}`,
  ]);
  const w = h2.map((x, i) => Math.max(x.length, ...body.map((r) => r[i].length)));
  lines.push(...[h2, ...body].map((r) => r.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  ')));
  if (f.noPipelined) lines.push('', `pipelined: ${f.noPipelined}`);
  if (!f.spec.fits) lines.push('', `* the spec as written does not fit ${partTitle(f.part)} with room: ${f.spec.rows.filter((r) => r.status !== 'ok').map((r) => `${r.resource} ${n(r.need)}/${n(r.have)} ${r.status}`).join(', ')}`);
  return lines.join('\n');
}
