import { UserError } from '../../core/errors.js';

/** The UserError `fn` throws; any other outcome fails the test. */
export function catchUserError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}
