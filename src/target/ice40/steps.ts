/**
 * The iCE40 flow as data: yosys (synth_ice40, src/target/ice40/script.ts) ->
 * nextpnr-ice40 -> icepack. Each step is a name (its key in the report's
 * times and logs), the tool it runs (where the native and the YoWASP runner
 * find it) and its plan for a build: the arguments from the part, board and
 * options, the files it reads and must write, and how its outputs give the
 * figures. src/flow/ runs them and knows none of this.
 */
import type { FileContent, FlowFiles, FlowStep, FlowTool, StepOptions, StepPlan, TargetStep } from '../types.ts';
import { YOSYS } from '../yosys.ts';
import { flowCells, overCapacity } from './logs.ts';
import { PARTS, type PartName } from './parts.ts';
import { buildScript } from './script.ts';

/** nextpnr-ice40 and icepack: both ship in the @yowasp/nextpnr-ice40 package; natively, nextpnr-ice40 and fpga-icestorm. */
export const NEXTPNR_ICE40: FlowTool = {
  name: 'nextpnr-ice40',
  binary: 'nextpnr-ice40',
  yowasp: { module: '@yowasp/nextpnr-ice40', command: 'runNextpnrIce40' },
  apt: 'nextpnr-ice40',
};
export const ICEPACK: FlowTool = {
  name: 'icepack',
  binary: 'icepack',
  yowasp: { module: '@yowasp/nextpnr-ice40', command: 'runIcepack' },
  apt: 'fpga-icestorm',
};

/** The files of a run, by role (names inside outDir). */
export function flowFiles(top: string): FlowFiles {
  return {
    script: 'synth.ys',
    pins: `${top}.pcf`,
    netlist: 'netlist.json',
    nextpnrReport: 'nextpnr-report.json',
    asc: `${top}.asc`,
    bitstream: `${top}.bin`,
    yosysLog: 'yosys.log',
    nextpnrLog: 'nextpnr.log',
    report: 'report.json',
  };
}

const text = (c: FileContent | undefined): string => (c === undefined ? '' : typeof c === 'string' ? c : new TextDecoder().decode(c));
const device = (o: { part: string }) => PARTS[o.part as PartName].nextpnrDevice;

/** The cells and clocks of a placed design: the yosys netlist's SB_* cells and nextpnr's --report. */
const placedFigures = (netlist: string, report: string, top: string): StepPlan['figures'] =>
  (files) => flowCells(text(files.get(netlist)), text(files.get(report)), top);

/** The flow: yosys -> nextpnr-ice40 -> icepack. */
export const STEPS: readonly TargetStep[] = [
  {
    name: 'yosys',
    tool: YOSYS,
    plan: (o, f) => ({
      does: `synthesising ${o.top} for iCE40${PARTS[o.part as PartName].name}`,
      args: ['-s', f.script],
      inputs: [...o.sources.map((s) => s.name), f.script],
      outputs: [f.netlist],
      log: f.yosysLog,
      // the synthesis gate-level simulation runs too, then the JSON netlist nextpnr places
      writes: { [f.script]: buildScript({ sources: o.sources, top: o.top, part: o.part as PartName }, f.netlist) },
    }),
  },
  {
    name: 'nextpnr',
    tool: NEXTPNR_ICE40,
    plan: (o, f) => ({
      does: `placing and routing on ${device(o)} ${o.package} at ${o.clockMHz} MHz, seed ${o.seed}`,
      args: [
        `--${device(o)}`,
        '--package', o.package,
        '--json', f.netlist,
        '--pcf', f.pins,
        '--freq', String(o.clockMHz),
        '--seed', String(o.seed),
        // Missing the target is reported as FAIL in the FlowReport, not thrown.
        '--timing-allow-fail',
        '--report', f.nextpnrReport,
        '--asc', f.asc,
      ],
      inputs: [f.netlist, f.pins],
      outputs: [f.nextpnrReport, f.asc],
      log: f.nextpnrLog,
      figures: placedFigures(f.netlist, f.nextpnrReport, o.top),
      failureNotes: overCapacity,
    }),
  },
  {
    name: 'icepack',
    tool: ICEPACK,
    plan: (_o, f) => ({
      does: `packing ${f.bitstream}`,
      args: [f.asc, f.bitstream],
      inputs: [f.asc],
      outputs: [f.bitstream],
      // icepack says little; whatever it says goes at the end of the nextpnr log
      log: f.nextpnrLog,
      appendLog: true,
    }),
  },
];

/** nextpnr-ice40 on a bare design: no PCF (the pins left free), a report, no bitstream. */
export function placeUnpinned(o: Omit<StepOptions, 'sources'>, f: { netlist: string; report: string }): FlowStep {
  return {
    name: 'nextpnr',
    tool: NEXTPNR_ICE40,
    does: `placing and routing on ${device(o)} ${o.package} at ${o.clockMHz} MHz, seed ${o.seed}, pins left free`,
    args: [
      `--${device(o)}`, '--package', o.package, '--json', f.netlist, '--report', f.report, '--freq', String(o.clockMHz),
      '--pcf-allow-unconstrained', '--timing-allow-fail', '--seed', String(o.seed),
    ],
    inputs: [f.netlist],
    outputs: [f.report],
    log: 'nextpnr.log',
    figures: placedFigures(f.netlist, f.report, o.top),
    failureNotes: overCapacity,
  };
}
