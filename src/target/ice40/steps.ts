/**
 * The iCE40 flow as data: yosys (synth_ice40, src/target/ice40/script.ts) ->
 * nextpnr-ice40 -> icepack. Each step is a tool with its arguments, the
 * files it reads and the files it must write; src/flow/ runs them.
 */
import type { FlowFiles, FlowStep, StepOptions } from '../types.ts';
import { PARTS, type PartName } from './parts.ts';

/** The files of a run, by role (names inside outDir). */
export function flowFiles(top: string): FlowFiles {
  return {
    script: 'synth.ys',
    pcf: `${top}.pcf`,
    netlist: 'netlist.json',
    nextpnrReport: 'nextpnr-report.json',
    asc: `${top}.asc`,
    bin: `${top}.bin`,
    yosysLog: 'yosys.log',
    nextpnrLog: 'nextpnr.log',
    report: 'report.json',
  };
}

/** The flow for `o`, as data: yosys -> nextpnr-ice40 -> icepack. */
export function flowSteps(o: StepOptions, f: FlowFiles = flowFiles(o.top)): FlowStep[] {
  const part = PARTS[o.part as PartName];
  return [
    {
      tool: 'yosys',
      does: `synthesising ${o.top} for iCE40${part.name}`,
      args: ['-s', f.script],
      inputs: [...o.sources.map((s) => s.name), f.script],
      outputs: [f.netlist],
      log: f.yosysLog,
    },
    {
      tool: 'nextpnr-ice40',
      does: `placing and routing on ${part.nextpnrDevice} ${o.package} at ${o.clockMHz} MHz, seed ${o.seed}`,
      args: [
        `--${part.nextpnrDevice}`,
        '--package', o.package,
        '--json', f.netlist,
        '--pcf', f.pcf,
        '--freq', String(o.clockMHz),
        '--seed', String(o.seed),
        // Missing the target is reported as FAIL in the FlowReport, not thrown.
        '--timing-allow-fail',
        '--report', f.nextpnrReport,
        '--asc', f.asc,
      ],
      inputs: [f.netlist, f.pcf],
      outputs: [f.nextpnrReport, f.asc],
      log: f.nextpnrLog,
    },
    {
      tool: 'icepack',
      does: `packing ${f.bin}`,
      args: [f.asc, f.bin],
      inputs: [f.asc],
      outputs: [f.bin],
      // icepack says little; whatever it says goes at the end of the nextpnr log
      log: f.nextpnrLog,
      appendLog: true,
    },
  ];
}

/** nextpnr-ice40 on a bare design: no PCF (the pins left free), a report, no bitstream. */
export function placeUnpinned(o: Omit<StepOptions, 'sources' | 'top'>, f: { netlist: string; report: string }): FlowStep {
  const part = PARTS[o.part as PartName];
  return {
    tool: 'nextpnr-ice40',
    does: `placing and routing on ${part.nextpnrDevice} ${o.package} at ${o.clockMHz} MHz, seed ${o.seed}, pins left free`,
    args: [
      `--${part.nextpnrDevice}`, '--package', o.package, '--json', f.netlist, '--report', f.report, '--freq', String(o.clockMHz),
      '--pcf-allow-unconstrained', '--timing-allow-fail', '--seed', String(o.seed),
    ],
    inputs: [f.netlist],
    outputs: [f.report],
    log: 'nextpnr.log',
  };
}
