/**
 * Ctrl-C handling shared by long-running commands. The first SIGINT aborts the signal so the
 * command can stop its load, keep finished data and write a partial report; a second SIGINT
 * exits at once with 130. A closed output pipe (`perf loadtest … | head -2`, a killed reader) is
 * the same request to stop: EPIPE on stdout/stderr aborts the signal too, and later writes are dropped.
 */
let controller: AbortController | undefined;
let outputClosed: string | null = null;
let watching = false;

export function interruptSignal(): AbortSignal {
  if (!controller) {
    controller = new AbortController();
    const c = controller;
    const onSignal = (): void => {
      if (c.signal.aborted) {
        process.stderr.write('\ninterrupted again: exiting now\n');
        process.exit(130);
      }
      process.stderr.write('\ninterrupted: stopping and keeping finished results (Ctrl-C again to exit now)\n');
      c.abort(new Error('SIGINT'));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    if (outputClosed) c.abort(new Error(outputClosed));
  }
  return controller.signal;
}

/**
 * Installs the EPIPE handlers on stdout and stderr (once per process): the reader went away, so the
 * run stops as if interrupted — partial report written, target stopped — instead of crashing on an
 * unhandled 'error' event with the target still listening.
 */
export function watchOutputPipes(): void {
  if (watching) return;
  watching = true;
  for (const [name, stream] of [
    ['stdout', process.stdout],
    ['stderr', process.stderr],
  ] as const) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') return;
      if (outputClosed) return;
      outputClosed = `${name} closed (EPIPE)`;
      if (name === 'stdout') process.stderr.write(`\n${name} was closed by its reader: stopping and keeping finished results\n`);
      controller?.abort(new Error(outputClosed));
    });
  }
}

/** Why the output is gone (e.g. "stdout closed (EPIPE)"), or null while it is open. */
export function outputClosedReason(): string | null {
  return outputClosed;
}

/** For tests: forget the installed controller. */
export function resetInterruptForTests(): void {
  controller = undefined;
  outputClosed = null;
}
