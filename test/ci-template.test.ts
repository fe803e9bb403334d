/**
 * docs/ci/circa-bitstreams.yml, the GitHub Actions template: it parses, it
 * has the jobs the README promises (build + co-simulate + upload, a sharded
 * sweep merged by `circa sweep merge`), and every circa command in it exists
 * with every flag it is given (checked against the command's own definition,
 * buildProgram(), so a renamed flag fails here).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Command } from 'commander';
import { buildProgram } from '../src/cli/main.ts';

interface Step { uses?: string; run?: string; with?: Record<string, unknown> }
interface Job { needs?: string | string[]; strategy?: { matrix?: Record<string, unknown[]> }; steps: Step[] }
const workflow = parse(readFileSync('docs/ci/circa-bitstreams.yml', 'utf8')) as { on: unknown; jobs: Record<string, Job> };

/** Split a shell command line into words: quotes group, `${{ ... }}` stays one word. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\$\{\{[^}]*\}\}\S*|\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** Every `npx circa ...` invocation in the workflow's run steps, as words after `circa`. */
function circaCommands(): { job: string; args: string[] }[] {
  const found: { job: string; args: string[] }[] = [];
  for (const [job, j] of Object.entries(workflow.jobs)) {
    for (const step of j.steps) {
      if (!step.run) continue;
      for (const line of step.run.replace(/\\\n/g, ' ').split('\n')) {
        const at = line.indexOf('npx circa ');
        if (at < 0) continue;
        const cmd = line.slice(at + 'npx circa '.length).split(/\s(?:&&|\|\||;|\||#)\s?/)[0];
        found.push({ job, args: words(cmd) });
      }
    }
  }
  return found;
}

/** The subcommand the words name (following nested ones, e.g. sweep merge), and the words after it. */
function resolveCommand(root: Command, args: string[]): { cmd: Command; path: string[]; rest: string[] } {
  let cmd = root;
  const path: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const sub = cmd.commands.find((c) => c.name() === args[i]);
    if (!sub) break;
    cmd = sub;
    path.push(args[i]);
  }
  return { cmd, path, rest: args.slice(i) };
}

describe('the CI template', () => {
  it('parses, runs on every push, and has the build, sweep and merge jobs', () => {
    expect(workflow.on).toHaveProperty('push');
    expect(Object.keys(workflow.jobs).sort()).toEqual(['build', 'sweep', 'sweep-merge']);
    const build = workflow.jobs.build.steps;
    const upload = build.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(String(upload?.with?.path)).toMatch(/\*\.bin/);
    expect(String(upload?.with?.path)).toMatch(/report\.json/);
    expect(workflow.jobs['sweep-merge'].needs).toBe('sweep');
  });

  it('every circa command in it exists with those flags, and literal choices are allowed ones', () => {
    const program = buildProgram();
    const commands = circaCommands();
    expect(commands.map((c) => resolveCommand(program, c.args).path.join(' '))).toEqual(['estimate', 'sim', 'build', 'sweep', 'sweep merge']);
    for (const { job, args } of commands) {
      const { cmd, path, rest } = resolveCommand(program, args);
      expect(path.length, `${job}: circa ${args.join(' ')}: no such subcommand`).toBeGreaterThan(0);
      for (let i = 0; i < rest.length; i++) {
        if (!rest[i].startsWith('-')) continue;
        const [flag, inline] = rest[i].split('=');
        const opt = cmd.options.find((o) => o.long === flag || o.short === flag);
        expect(opt, `${job}: circa ${path.join(' ')} has no option ${flag}`).toBeDefined();
        const value = inline ?? (opt!.required || opt!.optional ? rest[i + 1] : undefined);
        if (opt!.argChoices && value && !value.includes('$')) expect(opt!.argChoices, `${flag} ${value}`).toContain(value);
        if (inline === undefined && (opt!.required || opt!.optional)) i++;
      }
    }
  });

  it('the sweep shards cover the matrix: --shard i/N with N the matrix size, merged from every shard', () => {
    const shards = workflow.jobs.sweep.strategy?.matrix?.shard as number[];
    const sweep = circaCommands().find((c) => c.args[0] === 'sweep' && c.args[1] !== 'merge')!;
    const shard = sweep.args[sweep.args.indexOf('--shard') + 1];
    expect(shard).toBe(`\${{ matrix.shard }}/${shards.length}`);
    expect(shards).toEqual(Array.from({ length: shards.length }, (_, k) => k + 1));
    expect(sweep.args).toContain('--synth');
  });
});
