/**
 * Acceptance checks for generated RTL: Verilator lint with every warning on,
 * Icarus Verilog compilation (Verilog-2005), and yosys elaboration.
 *
 * Verilator and Icarus are system tools; yosys runs from npm (YoWASP), so it
 * is always there. A system tool that is not on PATH is not a failed check:
 * with `missing: 'skip'` (what `circa generate --check` asks for) the check
 * comes back ok with `skipped` saying why; by default (the tests, which must
 * run every tool) it fails, naming the missing tool.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { track } from '../cleanup.ts';
import type { SourceFile } from '../verilog/index.ts';
import { readCommands } from '../target/index.ts';

const run = promisify(execFile);

export interface CheckResult {
  tool: string;
  ok: boolean;
  /** warnings and errors the tool printed */
  messages: string[];
  /** set when the check did not run: why (the tool is not on PATH) */
  skipped?: string;
}

export interface CheckOptions {
  /** a system tool not on PATH: 'fail' the check (the default) or 'skip' it, saying so */
  missing?: 'fail' | 'skip';
}

/** The program a spawn error says was not found, or null. */
function notFound(e: unknown): string | null {
  const err = e as { code?: unknown; path?: unknown };
  return err.code === 'ENOENT' ? String(err.path ?? 'the tool') : null;
}

async function inTemp<T>(sources: readonly SourceFile[], f: (dir: string, files: string[]) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'circa-lint-'));
  const untrack = track(dir);
  try {
    const files = sources.filter((s) => s.name.endsWith('.v')).map((s) => {
      writeFileSync(join(dir, s.name), s.text);
      return join(dir, s.name);
    });
    return await f(dir, files);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    untrack();
  }
}

function failure(tool: string, e: unknown, opts: CheckOptions): CheckResult {
  const missing = notFound(e);
  if (missing) {
    const why = `${missing} is not on PATH`;
    return opts.missing === 'skip' ? { tool, ok: true, messages: [], skipped: why } : { tool, ok: false, messages: [why] };
  }
  const err = e as { stderr?: string; stdout?: string; message?: string };
  const text = `${err.stderr ?? ''}\n${err.stdout ?? ''}`.trim() || String(err.message ?? e);
  return { tool, ok: false, messages: text.split('\n').filter((l) => l.trim()) };
}

export async function verilatorLint(sources: readonly SourceFile[], top: string, opts: CheckOptions = {}): Promise<CheckResult> {
  return inTemp(sources, async (_dir, files) => {
    try {
      const { stderr } = await run('verilator', ['--lint-only', '-Wall', '--top-module', top, ...files]);
      const messages = stderr.split('\n').filter((l) => l.startsWith('%'));
      return { tool: 'verilator --lint-only -Wall', ok: messages.length === 0, messages };
    } catch (e) {
      return failure('verilator --lint-only -Wall', e, opts);
    }
  });
}

export async function icarusCompile(sources: readonly SourceFile[], top: string, opts: CheckOptions = {}): Promise<CheckResult> {
  return inTemp(sources, async (dir, files) => {
    try {
      const { stderr } = await run('iverilog', ['-g2005', '-Wall', '-s', top, '-o', join(dir, 'a.vvp'), ...files]);
      const messages = stderr.split('\n').filter((l) => l.trim() && !/timescale/.test(l));
      return { tool: 'iverilog -g2005', ok: messages.length === 0, messages };
    } catch (e) {
      return failure('iverilog -g2005', e, opts);
    }
  });
}

export async function yosysRead(sources: readonly SourceFile[], top: string): Promise<CheckResult> {
  const tree: Record<string, string> = {};
  for (const s of sources) if (/\.s?v$/.test(s.name)) tree[s.name] = s.text;
  let log = '';
  const sink = (bytes: Uint8Array | null) => {
    if (bytes) log += new TextDecoder().decode(bytes);
  };
  try {
    // loaded here, not at start-up: the command's other paths never need YoWASP
    const { runYosys } = await import('@yowasp/yosys');
    // the reads of the synthesis script (src/target/ice40/script.ts), then elaboration checks
    await runYosys(['-q', '-p', [...readCommands(sources), `hierarchy -check -top ${top}`, 'proc', 'check -assert'].join('; ')], tree, {
      stdout: sink,
      stderr: sink,
    });
    const messages = log.split('\n').filter((l) => /warning|error/i.test(l));
    return { tool: 'yosys read_verilog', ok: messages.length === 0, messages };
  } catch (e) {
    return { tool: 'yosys read_verilog', ok: false, messages: [...log.split('\n').filter((l) => /ERROR|rror/.test(l)), String(e)] };
  }
}

export async function checkRtl(sources: readonly SourceFile[], top: string, opts: CheckOptions = {}): Promise<CheckResult[]> {
  return [await verilatorLint(sources, top, opts), await icarusCompile(sources, top, opts), await yosysRead(sources, top)];
}
