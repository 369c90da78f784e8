/**
 * `perf basline`: on a terminal, @oclif/plugin-not-found asks "Did you mean baseline?" and runs it;
 * without one (CI, pipes) nothing can answer, so the suggestion is printed and the exit is 2 (usage).
 */
import type { Hook } from '@oclif/core';
import { toConfiguredId } from '@oclif/core';
import notFound from '@oclif/plugin-not-found';
import { suggestCommand } from './suggest.js';
import { ExitCode } from '../../core/errors.js';

const hook: Hook<'command_not_found'> = async function (opts) {
  if (process.stdin.isTTY && process.stderr.isTTY) return notFound.call(this, opts);
  const ids = opts.config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases]);
  const typed = toConfiguredId(opts.id, opts.config);
  const near = suggestCommand(opts.id, ids);
  const suggestion = near === undefined ? undefined : toConfiguredId(near, opts.config);
  process.stderr.write(
    `error: "${typed}" is not a ${opts.config.bin} command${suggestion ? `; did you mean "${opts.config.bin} ${suggestion}"?` : ''}\n` +
      `  fix: run "${opts.config.bin} help" for the list of commands\n`,
  );
  this.exit(ExitCode.Usage);
};

export default hook;
