/**
 * Ctrl-C handling shared by long-running commands. The first SIGINT aborts the signal so the
 * command can stop its load, keep finished data and write a partial report; a second SIGINT
 * exits at once with 130.
 */
let controller: AbortController | undefined;

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
  }
  return controller.signal;
}

/** For tests: forget the installed controller. */
export function resetInterruptForTests(): void {
  controller = undefined;
}
