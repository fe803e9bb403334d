/**
 * Progress on stderr for steps that take over a second: each step prints
 * when it starts with the time elapsed so far. Long loops inside the library
 * (src/work.ts: a large layer's weights, its ROM text) report how far they
 * are; once such a loop has run for a second its share done is printed, at
 * most once a second.
 */
import { setWorkSink } from '../work.ts';

export interface Progress {
  step(msg: string): void;
  done(msg: string): void;
}

export function progress(enabled: boolean): Progress {
  const t0 = Date.now();
  const stamp = () => `[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s]`;
  if (enabled) {
    let current = '';
    let started = 0;
    let shown = 0;
    setWorkSink((what, done, total) => {
      const now = Date.now();
      if (what !== current) {
        current = what;
        started = now;
        shown = now;
        return;
      }
      if (now - started < 1000 || now - shown < 1000) return;
      shown = now;
      process.stderr.write(`${stamp()} ${what}: ${Math.floor((100 * done) / Math.max(1, total))}%\n`);
    });
  }
  return {
    step: (msg) => {
      if (enabled) process.stderr.write(`${stamp()} ${msg}...\n`);
    },
    done: (msg) => {
      if (enabled) process.stderr.write(`${stamp()} ${msg}\n`);
    },
  };
}
