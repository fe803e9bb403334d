/**
 * Run a node script (the circa command, or a test's own runner) the way a user
 * would, and keep its exit code and both streams, failing or not.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface Ran { code: number; stdout: string; stderr: string }

export async function runNode(script: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Ran> {
  try {
    const { stdout, stderr } = await exec('node', [script, ...args], { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
