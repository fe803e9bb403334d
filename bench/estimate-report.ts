/**
 * Predicted vs actual resources for the example designs: each is built for
 * real (yosys -> nextpnr-ice40 -> icepack) and set beside the resource
 * model's prediction, with errors in %.
 *
 *   npx tsx bench/estimate-report.ts [native|yowasp] [--md]
 *
 * A design the fit check refuses is not built (its refusal is printed); a
 * design that yosys maps but nextpnr cannot place is reported with yosys'
 * own counts (SB_LUT4, flip-flops, SB_MAC16, SB_RAM40_4K) and nextpnr's error.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadDesign } from '../src/network/design.ts';
import { loadBoard } from '../src/target/ice40/boards.ts';
import { netlistCellCounts, runFlow, type Toolchain } from '../src/flow/index.ts';
import { boardDesign } from '../src/network/board.ts';
import { compareResources, errorPct, predictResources } from '../src/estimate/resources.ts';
import { fitCheck } from '../src/estimate/fit.ts';
import { designOfSpec } from '../src/estimate/sweep.ts';

const args = process.argv.slice(2);
const toolchain = (args.find((a) => a === 'native' || a === 'yowasp') ?? 'native') as Toolchain;
const md = args.includes('--md');
const ROOT = resolve(import.meta.dirname, '..');
/** [example name or inline spec, board]; the inline ones are not in the calibration set (held out) */
const CASES: [string | { label: string; spec: unknown }, string][] = [
  ['tvscm-784', 'icebreaker'],
  ['mnist-tvscm', 'icebreaker'],
  ['mitbih-tvscm', 'icebreaker'],
  ['mitbih-dense', 'icebreaker'],
  ['mnist-dense', 'icebreaker'],
  ['mnist-tvscm', 'hx8k-breakout'],
  ['fft64', 'icebreaker'],
  ['blockcirc-784', 'icebreaker'],
  [{ label: 'held out: tvscm n96 P2', spec: { kind: 'tvscm', name: 'tv96', n: 96, lanes: 2, placement: { type: 'band', radius: 1 }, weights: { a: 0.5, b: -0.25 } } }, 'icebreaker'],
  [{ label: 'held out: dense 64x12 P3', spec: { kind: 'dense', name: 'fc', inputs: 64, outputs: 12, lanes: 3, weights: { init: 'random', seed: 7 }, activation: 'relu' } }, 'icebreaker'],
  [{
    label: 'held out: net tvscm48+dense48x4', spec: {
      network: 'small', layers: [
        { kind: 'tvscm', n: 48, lanes: 2, placement: { type: 'complement' }, weights: { a: 0.5, b: 0.0625 }, output: { relu: true } },
        { kind: 'dense', inputs: 48, outputs: 4, lanes: 2, weights: { init: 'random', seed: 3 } },
        { kind: 'argmax', n: 4 },
      ],
    },
  }, 'hx8k-breakout'],
];

const pct = (p: number, a: number) => {
  const e = errorPct(p, a);
  return e === null ? 'n/a' : `${e >= 0 ? '+' : ''}${e.toFixed(1)}%`;
};
const rows: string[][] = [];
for (const [which, boardName] of CASES) {
  const name = typeof which === 'string' ? which : which.label;
  const design = typeof which === 'string' ? loadDesign(join(ROOT, 'examples', `${which}.json`)) : designOfSpec(which.spec);
  const board = loadBoard(boardName);
  const pred = predictResources(design, { part: board.part, toolchain });
  const fit = fitCheck(design, board.part, { toolchain });
  const label = `${name} / ${boardName}`;
  if (!fit.fits) {
    console.error(`${label}: refused by the fit check:\n${fit.advice}\n`);
    // still synthesise it when yosys can hold it, to check the prediction at yosys level
    if (pred.total.ebr > 4 * fit.rows.find((r) => r.resource.startsWith('EBR'))!.have) {
      rows.push([label, `${pred.total.lut} / -`, '-', `${pred.total.ff} / -`, '-', `${pred.total.dsp} / -`, `${pred.total.ebr} / -`, 'refused by the fit check (too big to synthesise)']);
      continue;
    }
  }
  const bd = boardDesign(design.rtl(), board);
  const out = mkdtempSync(join(tmpdir(), 'circa-report-'));
  const t0 = Date.now();
  try {
    const rep = await runFlow({ sources: bd.sources, top: bd.top, board, pcf: bd.pcf, toolchain, outDir: out });
    const c = compareResources(pred, rep);
    const r = (k: string) => c.rows.find((x) => x.resource === k)!;
    rows.push([
      label,
      `${r('lut').predicted} / ${r('lut').actual}`, pct(r('lut').predicted, r('lut').actual),
      `${r('ff').predicted} / ${r('ff').actual}`, pct(r('ff').predicted, r('ff').actual),
      `${r('dsp').predicted} / ${r('dsp').actual}`, `${r('ebr').predicted} / ${r('ebr').actual}`,
      `built in ${((Date.now() - t0) / 1000).toFixed(0)} s, Fmax ${rep.fmaxMHz} MHz`,
    ]);
  } catch (e) {
    // yosys finished (its netlist is there) but nextpnr did not place it
    const netlist = join(out, 'netlist.json');
    if (!existsSync(netlist)) throw e;
    const cells = netlistCellCounts(readFileSync(netlist, 'utf8'), bd.top);
    let ff = 0;
    for (const [k, v] of cells) if (k.startsWith('SB_DFF')) ff += v;
    const dsp = cells.get('SB_MAC16') ?? 0;
    const ebr = cells.get('SB_RAM40_4K') ?? 0;
    const err = (e as Error).message.split('\n').find((l) => /ERROR/.test(l))?.trim() ?? String(e);
    rows.push([
      label, `${pred.total.lut4} / ${cells.get('SB_LUT4') ?? 0} (LUT4)`, pct(pred.total.lut4, cells.get('SB_LUT4') ?? 0),
      `${pred.total.ff} / ${ff}`, pct(pred.total.ff, ff), `${pred.total.dsp} / ${dsp}`, `${pred.total.ebr} / ${ebr}`,
      `${fit.fits ? '' : 'refused by the fit check; '}yosys only: nextpnr ${err}`,
    ]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const head = ['design / board', 'LUT pred / actual', 'err', 'FF pred / actual', 'err', 'DSP', 'EBR', 'note'];
console.log(`toolchain ${toolchain}; LUT = logic cells (ICESTORM_LC) unless marked LUT4; DSP and EBR predicted / actual\n`);
if (md) {
  console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
} else {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  console.log(head.map((h, i) => h.padEnd(w[i])).join('  '));
  for (const r of rows) console.log(r.map((x, i) => x.padEnd(w[i])).join('  '));
}
