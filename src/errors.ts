/**
 * Error classes shared by every part of circa.
 *
 * The CLI prints `err.message` (never a stack) for a CircaError and exits with
 * `err.exitCode`; anything else is a bug and gets a stack trace.
 *
 *   CircaInputError  exit 2  the user's input is wrong (spec, board file, option)
 *   CircaFlowError   exit 1  an external tool (yosys, nextpnr, icepack, a
 *                            simulator) failed; the message holds the tool's
 *                            ERROR line(s) and where its log was written
 */

export class CircaError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 1, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad user input: a spec, board file or option that cannot be used as given. */
export class CircaInputError extends CircaError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 2, options);
  }
}

/** An external tool failed or its result cannot be used (design too big, syntax error, abort). */
export class CircaFlowError extends CircaError {
  /** Path of the tool log that holds the full story, when one was written. */
  readonly logPath?: string;

  constructor(message: string, logPath?: string, options?: ErrorOptions) {
    super(message, 1, options);
    this.logPath = logPath;
  }
}
