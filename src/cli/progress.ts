/**
 * Progress on stderr for steps that take over a second: each step prints
 * when it starts with the time elapsed so far. (The YoWASP tools block the
 * event loop while they run, so a ticking spinner could not update anyway.)
 */
export interface Progress {
  step(msg: string): void;
  done(msg: string): void;
}

export function progress(enabled: boolean): Progress {
  const t0 = Date.now();
  const stamp = () => `[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s]`;
  return {
    step: (msg) => {
      if (enabled) process.stderr.write(`${stamp()} ${msg}...\n`);
    },
    done: (msg) => {
      if (enabled) process.stderr.write(`${stamp()} ${msg}\n`);
    },
  };
}
