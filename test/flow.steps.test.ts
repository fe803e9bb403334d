/**
 * The flow as data (src/flow/index.ts): the steps' files chain from the
 * flow's inputs to the bitstream, and runFlow runs whatever the steps say
 * through a runner. Here the runner is a fake one written below (no tool
 * runs), so these tests take milliseconds; test/flow.test.ts builds real
 * bitstreams with both real runners.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CircaFlowError } from '../src/errors.ts';
import {
  flowFiles, flowSteps, formatReport, runFlow, runStep, RUNNERS,
  type FlowOptions, type FlowStep, type FlowTool, type Runner,
} from '../src/flow/index.ts';
import { loadBoard, pcfFor } from '../src/target/ice40/boards.ts';
import type { FileContent } from '../src/flow/runners.ts';

const work = mkdtempSync(join(tmpdir(), 'circa-flow-steps-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const board = loadBoard('icebreaker');
const opts = (outDir: string, extra: Partial<FlowOptions> = {}): FlowOptions => ({
  sources: [{ name: 'top.v', text: 'module top(input clk, output led); assign led = clk; endmodule\n' }, { name: 'rom/w.hex', text: '00\n' }],
  top: 'top',
  board,
  pcf: pcfFor(board, { clk: 'clk', leds: ['led'] }),
  toolchain: 'yowasp',
  outDir,
  ...extra,
});

/** A yosys netlist and a nextpnr report with the given cell counts, as the tools write them. */
const NETLIST = JSON.stringify({ modules: { top: { attributes: { top: '00000000000000000000000000000001' }, cells: {
  a: { type: 'SB_LUT4' }, b: { type: 'SB_LUT4' }, c: { type: 'SB_DFF' }, d: { type: 'SB_DFFE' }, e: { type: 'SB_CARRY' },
} } } });
const report = (dsp: number) => JSON.stringify({
  utilization: { ICESTORM_LC: { used: 3, available: 5280 }, ICESTORM_DSP: { used: dsp, available: 8 }, SB_IO: { used: 2, available: 96 } },
  fmax: { clk: { achieved: 99.5, constraint: 12 } },
});

/**
 * A runner that runs nothing: it records each call, checks the inputs are on
 * disk as the native tools would need them, and writes canned outputs.
 */
function fakeRunner(over: { dsp?: number; log?: Record<string, string>; skip?: string[]; delayMs?: number } = {}) {
  const calls: { tool: string; args: string[]; inputs: string[] }[] = [];
  const runner: Runner = {
    toolchain: 'yowasp',
    ready() {},
    async run({ name: tool }, args, inputs, outputs, dir) {
      calls.push({ tool, args, inputs: [...inputs.keys()] });
      if (over.delayMs) await new Promise((r) => setTimeout(r, over.delayMs));
      for (const name of inputs.keys()) expect(existsSync(join(dir, name)), `${tool} input ${name} on disk`).toBe(true);
      const made = new Map<string, FileContent>();
      for (const name of outputs) {
        if (over.skip?.includes(name)) continue;
        const content = name === 'netlist.json' ? NETLIST : name === 'nextpnr-report.json' ? report(over.dsp ?? 0) : `${tool} made ${name}`;
        writeFileSync(join(dir, name), content);
        made.set(name, content);
      }
      return { log: over.log?.[tool] ?? `${tool} ran\n`, seconds: 0.25, outputs: made };
    },
  };
  return { runner, calls };
}

describe('the flow as data', () => {
  const o = opts(join(work, 'steps'));
  const f = flowFiles(o.top, o.board.part);
  const steps = flowSteps(o);

  it('is yosys -> nextpnr-ice40 -> icepack, the steps named yosys, nextpnr and icepack (the report\'s keys)', () => {
    expect(steps.map((s) => s.tool.name)).toEqual(['yosys', 'nextpnr-ice40', 'icepack']);
    expect(steps.map((s) => s.name)).toEqual(['yosys', 'nextpnr', 'icepack']);
    // where each runner finds each tool is the target's data: natively on PATH, or the YoWASP package's export
    expect(steps.map((s) => s.tool.binary)).toEqual(['yosys', 'nextpnr-ice40', 'icepack']);
    expect(steps.map((s) => `${s.tool.yowasp.module}#${s.tool.yowasp.command}`))
      .toEqual(['@yowasp/yosys#runYosys', '@yowasp/nextpnr-ice40#runNextpnrIce40', '@yowasp/nextpnr-ice40#runIcepack']);
    // nextpnr's step reads the placed design's figures and names what is over capacity; the others do not
    expect(steps.map((s) => Boolean(s.figures))).toEqual([false, true, false]);
    expect(steps[1].failureNotes?.('Info:      ICESTORM_LC:  1401/ 1280   109%\n')).toEqual(['ICESTORM_LC 1401/1280 (109%)']);
  });

  it('reads only the flow inputs or what an earlier step wrote, and ends in the bitstream', () => {
    const made = new Set([...o.sources.map((s) => s.name), f.script, f.pins]);
    for (const s of steps) {
      for (const i of s.inputs) expect(made.has(i), `${s.tool.name} reads ${i}`).toBe(true);
      for (const out of s.outputs) made.add(out);
    }
    expect(steps[steps.length - 1].outputs).toEqual([f.bitstream]);
    // every step's output is read by a later step, or is a result the report points at
    const read = new Set(steps.flatMap((s) => s.inputs));
    for (const s of steps) for (const out of s.outputs) expect(read.has(out) || [f.bitstream, f.nextpnrReport].includes(out), out).toBe(true);
    // the script is the synthesis step's own file, written by the flow before any step runs
    expect(Object.keys(steps[0].writes ?? {})).toEqual([f.script]);
    expect(steps[0].writes?.[f.script]).toMatch(/^synth_ice40 -top top -device u -dsp\nwrite_json netlist\.json\n$/m);
  });

  it('names in each step\'s arguments exactly the files it reads and writes', () => {
    const fileArgs = (s: FlowStep) => s.args.filter((a) => /\.(ys|json|pcf|asc|bin)$/.test(a)).sort();
    // yosys: the script is its argument, and the script names the netlist it writes (checked below, in synth.ys)
    expect(fileArgs(steps[0])).toEqual([f.script]);
    for (const s of steps.slice(1)) expect(fileArgs(s), s.tool.name).toEqual([...s.inputs, ...s.outputs].sort());
    expect(steps[1].args).toEqual(expect.arrayContaining(['--up5k', '--package', 'sg48', '--freq', '12', '--seed', '1']));
    expect(flowSteps({ ...o, seed: 7 })[1].args.join(' ')).toContain('--seed 7');
  });

  it('gives yosys every source (data files too) and the script', () => {
    expect(steps[0].inputs).toEqual(['top.v', 'rom/w.hex', f.script]);
  });

  it('has a runner for each toolchain', () => {
    expect(RUNNERS.yowasp.toolchain).toBe('yowasp');
    expect(RUNNERS.native.toolchain).toBe('native');
  });

  it('the native runner looks on PATH for the executables the steps name, and says how to install them', () => {
    const tool = (binary: string, apt?: string): FlowTool => ({ name: binary, binary, yowasp: { module: '@x/y', command: 'run' }, ...(apt ? { apt } : {}) });
    expect(() => RUNNERS.native.ready([tool('circa-no-such-placer', 'circa-placer-pkg'), tool('circa-no-such-packer')]))
      .toThrow(/^toolchain 'native' needs circa-no-such-placer, circa-no-such-packer on PATH, and they are not there\. Install them \(Debian\/Ubuntu: apt install circa-placer-pkg\) or use the default toolchain 'yowasp'\.$/);
    // the same runner, the iCE40's tools: the names and packages come from its steps
    const missing = () => RUNNERS.native.ready(steps.map((s) => ({ ...s.tool, binary: `circa-missing-${s.tool.binary}` })));
    expect(missing).toThrow(/needs circa-missing-yosys, circa-missing-nextpnr-ice40, circa-missing-icepack on PATH.*apt install yosys nextpnr-ice40 fpga-icestorm\)/);
  });
});

describe('runFlow runs the steps through a runner', () => {
  it('is not silent while a step runs: onProgress hears every progressEveryMs (issue 28)', async () => {
    const { runner } = fakeRunner({ delayMs: 500 });
    const progress: string[] = [];
    await runFlow(opts(join(work, 'beat'), { runner, onProgress: (s) => progress.push(s), progressEveryMs: 50 }));
    for (const tool of ['yosys', 'nextpnr-ice40', 'icepack']) {
      const at = progress.findIndex((s) => s.startsWith(`${tool}: `));
      const beats = progress.slice(at + 1).filter((s) => s.startsWith(`${tool}: still running, `));
      expect(beats.length, tool).toBeGreaterThanOrEqual(2);
    }
    expect(progress.filter((s) => !/still running/.test(s))).toHaveLength(3);
  });
  it('in order, each with its inputs, and reports what they made', async () => {
    const outDir = join(work, 'ok');
    const { runner, calls } = fakeRunner({ log: { icepack: '' } });
    const progress: string[] = [];
    const r = await runFlow(opts(outDir, { runner, onProgress: (s) => progress.push(s) }));
    const steps = flowSteps(opts(outDir));
    expect(calls.map((c) => c.tool)).toEqual(steps.map((s) => s.tool.name));
    calls.forEach((c, k) => {
      expect(c.args).toEqual(steps[k].args);
      expect(c.inputs).toEqual(steps[k].inputs);
    });
    expect(progress).toEqual([
      'yosys: synthesising top for iCE40UP5K',
      'nextpnr-ice40: placing and routing on up5k sg48 at 12 MHz, seed 1',
      'icepack: packing top.bin',
    ]);
    expect(r.cells).toEqual({ logicCells: 3, lut: 3, lut4: 2, ff: 2, carry: 1, dsp: 0, ebr: 0, spram: 0, io: 2, pll: 0 });
    expect(r.fmaxMHz).toBe(99.5);
    expect(r.timingMet).toBe(true);
    expect(r.seconds).toEqual({ yosys: 0.25, nextpnr: 0.25, icepack: 0.25 });
    expect(Object.keys(r.seconds)).toEqual(['yosys', 'nextpnr', 'icepack']);
    expect(r.logs).toEqual({ yosys: join(outDir, 'yosys.log'), nextpnr: join(outDir, 'nextpnr.log') });
    // the table for people names each step's time by its tool, the resources in the iCE40's words
    const table = formatReport(r);
    expect(table).toMatch(/\ntime: yosys 0\.\d s, nextpnr-ice40 0\.\d s, icepack 0\.\d s\n/);
    expect(table).toMatch(/\nDSP \(SB_MAC16\) +0 +8 +0\.0%\nI\/O/);
    expect(table).not.toMatch(/note: nextpnr does not model/);
    expect(r.bitstream).toBe(join(outDir, 'top.bin'));
    expect(JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8'))).toEqual(r);
    expect(readFileSync(join(outDir, 'yosys.log'), 'utf8')).toBe('yosys ran\n');
    // icepack said nothing: the nextpnr log is nextpnr's alone
    expect(readFileSync(join(outDir, 'nextpnr.log'), 'utf8')).toBe('nextpnr-ice40 ran\n');
    const script = readFileSync(join(outDir, 'synth.ys'), 'utf8');
    expect(script).toContain('synth_ice40 -top top -device u -dsp');
    expect(script).toContain('write_json netlist.json');
  });

  it('appends what icepack says to the nextpnr log', async () => {
    const outDir = join(work, 'log');
    await runFlow(opts(outDir, { runner: fakeRunner({ log: { icepack: 'packed\n' } }).runner }));
    expect(readFileSync(join(outDir, 'nextpnr.log'), 'utf8')).toBe('nextpnr-ice40 ran\n\n--- icepack ---\npacked\n');
  });

  it('stops at the step whose output is missing, with its ERROR line and log', async () => {
    const outDir = join(work, 'missing');
    const { runner, calls } = fakeRunner({ skip: ['top.asc'], log: { 'nextpnr-ice40': 'Info: placing\nERROR: Unable to place cell x\n' } });
    const err = await runFlow(opts(outDir, { runner })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CircaFlowError);
    expect((err as Error).message).toBe(`nextpnr-ice40 failed (no top.asc written):\n  ERROR: Unable to place cell x\n  log: ${join(outDir, 'nextpnr.log')}`);
    expect(calls.map((c) => c.tool)).toEqual(['yosys', 'nextpnr-ice40']);
    expect(existsSync(join(outDir, 'report.json'))).toBe(false);
  });

  it('stops before icepack when the part cannot hold what nextpnr placed (UP3K: 4 DSP)', async () => {
    const outDir = join(work, 'up3k');
    const up3k = { ...board, part: 'UP3K' as const };
    const { runner, calls } = fakeRunner({ dsp: 5 });
    const err = await runFlow(opts(outDir, { runner, board: up3k })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CircaFlowError);
    expect((err as Error).message).toMatch(/^design does not fit iCE40UP3K:\n  ERROR: dsp 5 used, 4 available/);
    expect(calls.map((c) => c.tool)).toEqual(['yosys', 'nextpnr-ice40']);
  });

  it('refuses a step whose input no earlier step made', async () => {
    const dir = join(work, 'orphan');
    const icepack: FlowTool = { name: 'icepack', binary: 'icepack', yowasp: { module: '@yowasp/nextpnr-ice40', command: 'runIcepack' } };
    const step: FlowStep = { name: 'pack', tool: icepack, does: 'packing', args: ['x.asc', 'x.bin'], inputs: ['x.asc'], outputs: ['x.bin'], log: 'p.log' };
    await expect(runStep(fakeRunner().runner, step, new Map(), dir)).rejects.toThrow(/icepack: its input x\.asc was not made by an earlier step/);
  });
});
