/** Exit codes of the CLI contract (../shared/ARCHITECTURE.md). Named, never literal. */
export const ExitCode = {
  Ok: 0,
  /** An SLO was breached or a check failed. */
  CheckFailed: 1,
  /** Usage, config or input error: the user can fix it. */
  Usage: 2,
  /** Runtime failure: target unreachable, k6 crashed, a process died. */
  Runtime: 3,
  /** Interrupted by Ctrl-C; finished artifacts are kept. */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorDetails {
  /** Where the problem is: a file, a config path, a flag, a URL. */
  where?: string;
  /** How to fix it, in one short sentence. */
  fix?: string;
  /** Extra lines shown under the message (e.g. the tail of a process' stderr). */
  detail?: string;
}

/** Base of every error the CLI prints itself: one message, an exit code, never a stack trace. */
export class PerfError extends Error {
  readonly exitCode: ExitCode;
  readonly where: string | undefined;
  readonly fix: string | undefined;
  readonly detail: string | undefined;

  constructor(message: string, exitCode: ExitCode, details: ErrorDetails = {}) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.where = details.where;
    this.fix = details.fix;
    this.detail = details.detail;
  }
}

/** The user can fix it: bad config, flags, input files. Exit 2. */
export class UserError extends PerfError {
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, ExitCode.Usage, details);
  }
}

/** Something failed while running: unreachable target, crashed process. Exit 3. */
export class RuntimeFailure extends PerfError {
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, ExitCode.Runtime, details);
  }
}

/** The run was interrupted (SIGINT); partial artifacts were written. Exit 130. */
export class Interrupted extends PerfError {
  constructor(message = 'interrupted', details: ErrorDetails = {}) {
    super(message, ExitCode.Interrupted, details);
  }
}

/** A check (SLO, regression) failed: not an error of the tool, but exit 1 for CI. */
export class CheckFailed extends PerfError {
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, ExitCode.CheckFailed, details);
  }
}

/** One clear message: `what (where) — how to fix`, plus optional detail lines. */
export function formatError(err: PerfError): string {
  let line = err.where ? `${err.where}: ${err.message}` : err.message;
  if (err.fix) line += `\n  fix: ${err.fix}`;
  if (err.detail) line += `\n${err.detail.replace(/^/gm, '  | ')}`;
  return line;
}

export function isPerfError(err: unknown): err is PerfError {
  return err instanceof PerfError;
}
