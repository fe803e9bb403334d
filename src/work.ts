/**
 * Progress from inside long library loops (a large dense layer's weights,
 * its ROM text). The library calls `working()` every so often; the command
 * sets a sink that shows it on stderr once a step has run for a second
 * (src/cli/progress.ts). Without a sink it costs one call.
 */
export type WorkSink = (what: string, done: number, total: number) => void;

let sink: WorkSink | undefined;

export function setWorkSink(s: WorkSink | undefined): void {
  sink = s;
}

/** `done` of `total` units of `what` are finished. */
export function working(what: string, done: number, total: number): void {
  sink?.(what, done, total);
}
