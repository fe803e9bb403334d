/**
 * npm run bench: throughput of every example design beside its DSP bound
 * (src/estimate/bound.ts), from the cost models (no simulation): period,
 * latency, multiplies per vector, the bound on the UP5K (8 SB_MAC16) and for
 * the design's own multipliers, and the issue-15 targets with MET / NOT MET:
 *
 *   mnist-tvscm  a new image every <= 1,764 cycles on the UP5K (1.5 x 1,176)
 *   tvscm-784    period <= 1.25 x its DSP bound for the multipliers it uses
 *                (8 multipliers: 196 -> <= 245)
 *
 * For those two it also prints what `circa estimate --fill UP5K` finds (lane
 * counts alone, under the spec's schedule and the pipelined one), and the
 * pipelined schedule's period for every sequential network. A design that
 * does not fit the part (the fit check, as `circa build` runs it) can beat
 * the bound: it has more multipliers than the part has DSPs.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDesign, designFromPlan, type Design } from '../src/network/design.ts';
import { dspBound } from '../src/estimate/bound.ts';
import { fill } from '../src/estimate/fill.ts';
import { fitCheck } from '../src/estimate/fit.ts';
import { CircaError } from '../src/errors.ts';

const PART = 'UP5K' as const;
const n = (x: number) => x.toLocaleString('en-US');
const x2 = (r: number | null) => (r === null ? '-' : `${r.toFixed(2)}x`);
const dir = 'examples';
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

console.log(`\nthroughput vs the DSP bound on iCE40${PART} (8 SB_MAC16; bound = ceil(multiplies per vector / DSPs), 2 per DSP when every operand fits 8 bits), cost models`);
const head = ['design', 'schedule', 'period', 'latency', 'mult/vector', 'mults', 'DSP bound', 'ratio', 'own bound', 'ratio', 'pipelined', `fits ${PART}`];
const rows: string[][] = [];
const designs = new Map<string, Design>();
for (const f of files) {
  const d = loadDesign(join(dir, f));
  designs.set(f, d);
  const c = d.cost();
  const b = dspBound(d, PART);
  const piped = d.isNetwork && d.net.schedule === 'sequential' ? designFromPlan({ ...d.net, schedule: 'pipelined' }, true).cost().period : undefined;
  rows.push([
    f.replace(/\.json$/, ''), d.isNetwork ? d.net.schedule : 'layer', n(c.period), n(c.latency), n(b.multiplies), String(b.multipliers),
    b.bound === null ? '-' : n(b.bound), x2(b.ratio), b.ownBound === null ? '-' : n(b.ownBound), x2(b.ownRatio), piped === undefined ? '' : n(piped),
    fitCheck(d, PART, { advise: false }).fits ? 'yes' : 'no',
  ]);
}
const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
for (const r of [head, ...rows]) console.log(`  ${r.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  ')}`);

console.log('\nissue 15 targets (MET / NOT MET)');
const verdict = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
{
  const d = designs.get('mnist-tvscm.json')!;
  const b = dspBound(d, PART);
  const target = Math.floor(1.5 * b.bound!);
  console.log(`  mnist-tvscm on ${PART}: period ${n(b.period)} (${d.net.schedule}) vs target <= ${n(target)} (1.5 x DSP bound ${n(b.bound!)}): ${verdict(b.period <= target)}`);
  const piped = designFromPlan({ ...d.net, schedule: 'pipelined' }, true).cost().period;
  console.log(`    the same lanes, pipelined schedule: period ${n(piped)}: ${verdict(piped <= target)}`);
  try {
    const r = fill(d, PART);
    const lanes = (c: typeof r.best) => c.layers.map((l) => l.settings.map((s) => `${l.name} ${s.knob} ${s.chosen}`).join(', ')).join('; ');
    console.log(`    --fill ${PART} (${r.search}, ${r.seconds.toFixed(2)} s): ${r.best.schedule} period ${n(r.best.period)} (${x2(r.best.bound.ratio)} the bound) with ${lanes(r.best)}: ${verdict(r.best.period <= target)}`);
    if (r.pipelined) console.log(`    --fill ${PART}, pipelined: period ${n(r.pipelined.period)} (${x2(r.pipelined.bound.ratio)}) with ${lanes(r.pipelined)}: ${verdict(r.pipelined.period <= target)}`);
  } catch (e) {
    if (!(e instanceof CircaError)) throw e;
    console.log(`    --fill ${PART}: ${e.message}`);
  }
}
{
  // the trained network is the one sized for the target (pipelined, TVSCM 1 lane, fc10 5 lanes with two buffers)
  const d = loadDesign('examples/trained/mnist-tvscm.json');
  const b = dspBound(d, PART);
  const target = Math.floor(1.5 * b.bound!);
  console.log(`  trained mnist-tvscm on ${PART} (${d.net.schedule}): period ${n(b.period)} (${x2(b.ratio)} the bound) vs target <= ${n(target)}: ${verdict(b.period <= target)}; ` +
    `${fitCheck(d, PART, { advise: false }).fits ? 'fits' : 'does not fit'} by the model`);
}
{
  const d = designs.get('tvscm-784-wide.json')!;
  const b = dspBound(d, PART);
  const target = Math.floor(1.25 * b.ownBound!);
  console.log(`  tvscm-784-wide (4-element beats, ${b.multipliers} multipliers): period ${n(b.period)} vs target <= ${n(target)} (1.25 x its bound ${n(b.ownBound!)}): ${verdict(b.period <= target)}`);
}
{
  // wide beats inside a network: input port, link and output port all carry 2 elements per beat
  const d = designs.get('tvscm-chain-wide.json')!;
  const b = dspBound(d, PART);
  const target = Math.floor(1.25 * b.ownBound!);
  console.log(`  tvscm-chain-wide (network, 2-element beats, ${b.multipliers} multipliers): period ${n(b.period)} vs <= ${n(target)} (1.25 x its bound ${n(b.ownBound!)}): ${verdict(b.period <= target)}; ` +
    `${fitCheck(d, PART, { advise: false }).fits ? 'fits' : 'does not fit'} by the model`);
}
{
  const d = designs.get('tvscm-784.json')!;
  const b = dspBound(d, PART);
  const target = Math.floor(1.25 * b.ownBound!);
  console.log(`  tvscm-784 (${b.multipliers} multipliers): period ${n(b.period)} vs target <= ${n(target)} (1.25 x its bound ${n(b.ownBound!)}): ${verdict(b.period <= target)}`);
  const r = fill(d, PART);
  const rb = r.best;
  const own = rb.bound.ownBound!;
  console.log(`    --fill ${PART}: ${rb.layers.map((l) => l.settings.map((s) => `${s.knob} ${s.chosen}`).join(', ')).join('; ')}, period ${n(rb.period)}, ` +
    `bound for its ${rb.bound.multipliers} multipliers ${n(own)}: ${verdict(rb.period <= Math.floor(1.25 * own))}`);
}

// Issue 25: every trained network's period beside its DSP bound with one
// multiply per SB_MAC16 (single) and two for the multiplies whose operands fit
// 8 x 8 bits (dual 8x8, rtl-templates/dsp_dual8.v), the SB_MAC16 its layers
// use as written, and what `circa estimate --fill UP5K` finds with the dsp
// mode among its knobs; the target: trained mnist-tvscm period <= 882.
console.log(`\ntrained networks on ${PART}: period vs the DSP bound single and dual 8x8 (issue 25), cost and resource models`);
{
  const tdir = join(dir, 'trained');
  const head2 = ['network', 'schedule', 'period', 'bound single', 'bound dual', 'narrow', 'DSP', 'dsp modes', 'fill period', 'fill DSP', 'fill dsp modes'];
  const rows2: string[][] = [];
  const modes = (net: Design['net']) => [...new Set(net.layers.map((l) => (l.plan as { dsp?: string }).dsp).filter((m): m is string => !!m))].join('+') || '-';
  let tvscmFill: number | undefined;
  for (const f of readdirSync(tdir).filter((x) => x.endsWith('.json')).sort()) {
    const d = loadDesign(join(tdir, f));
    const b = dspBound(d, PART);
    const fit = fitCheck(d, PART, { advise: false });
    let fp = '-', fdsp = '-', fmodes = '-';
    try {
      const r = fill(d, PART);
      const best = r.pipelined ?? r.best;
      fp = n(best.period);
      fdsp = String(best.resources.dsp);
      fmodes = best.layers.flatMap((l) => l.settings.filter((s) => s.knob === 'dsp').map((s) => `${l.name} ${s.chosen}`)).join(', ') || '-';
      if (f === 'mnist-tvscm.json') tvscmFill = best.period;
    } catch (e) {
      if (!(e instanceof CircaError)) throw e;
      fp = 'no fit';
    }
    rows2.push([f.replace(/\.json$/, ''), d.net.schedule, n(b.period), b.single === null ? '-' : n(b.single), b.dual === null ? '-' : n(b.dual),
      `${Math.round(100 * b.narrowShare)}%`, String(fit.estimate.total.dsp), modes(d.net), fp, fdsp, fmodes]);
  }
  const w2 = head2.map((h, i) => Math.max(h.length, ...rows2.map((r) => r[i].length)));
  for (const r of [head2, ...rows2]) console.log(`  ${r.map((x, i) => (i === 0 || i === 7 || i === 10 ? x.padEnd(w2[i]) : x.padStart(w2[i]))).join('  ').trimEnd()}`);
  const d = loadDesign(join(tdir, 'mnist-tvscm.json'));
  console.log(`  trained mnist-tvscm: period ${n(d.cost().period)} as written, ${tvscmFill === undefined ? '-' : n(tvscmFill)} by --fill ${PART} ` +
    `vs target <= 882 (issue 25): ${verdict(d.cost().period <= 882 || (tvscmFill ?? Infinity) <= 882)}`);
}
