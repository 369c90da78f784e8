/** `perf k6 build`: what the build script's exit tells the user, with the exit code perf ends with. */
import { describe, expect, it } from 'vitest';
import { k6BuildFailure } from '../../app/k6-build.js';
import { ExitCode, Interrupted, RuntimeFailure, UserError } from '../../core/errors.js';

describe('perf k6 build: the outcome of the build script', () => {
  it('built: no error', () => {
    expect(k6BuildFailure(0, false)).toBeNull();
  });

  it('an interrupt wins over the code the killed build left', () => {
    expect(k6BuildFailure(130, true)).toBeInstanceOf(Interrupted);
    expect(k6BuildFailure(0, true)).toBeInstanceOf(Interrupted);
  });

  it('exit 2 (the script refused to start) is bad input; any other failure is a runtime failure, exit 3', () => {
    expect(k6BuildFailure(2, false)).toBeInstanceOf(UserError);
    const e = k6BuildFailure(1, false);
    expect(e).toBeInstanceOf(RuntimeFailure);
    expect((e as RuntimeFailure).exitCode).toBe(ExitCode.Runtime);
    expect(k6BuildFailure(null, false)?.message).toBe('the k6 build failed (exit killed)');
  });
});
