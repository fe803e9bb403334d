/** Finding an executable on PATH (the native toolchain, the programmers). */
import { accessSync, constants as fsConstants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Full path of an executable on PATH, or undefined. */
export function findOnPath(exe: string): string | undefined {
  const names = process.platform === 'win32' ? [`${exe}.exe`, exe] : [exe];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const p = join(dir, name);
      try {
        accessSync(p, fsConstants.X_OK);
        return p;
      } catch {
        /* not here */
      }
    }
  }
  return undefined;
}
