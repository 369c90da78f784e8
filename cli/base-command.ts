import { Command, Flags, type Interfaces } from '@oclif/core';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArtifactStore } from '../core/artifacts/store.js';
import { DEFAULT_CONFIG_FILE, DEFAULT_OUT_DIR, loadConfig } from '../core/config/load.js';
import type { PerfConfig } from '../core/config/types.js';
import { ExitCode, formatError, isPerfError, UserError } from '../core/errors.js';
import { secretsOfEnv } from '../core/redact.js';
import { interruptSignal, outputClosedReason, watchOutputPipes } from '../core/interrupt.js';
import type { ErrorDocument } from '../core/contract/error-document.js';

const KIND_OF_EXIT: Record<ExitCode, ErrorDocument['error']['kind']> = {
  [ExitCode.Ok]: 'unexpected',
  [ExitCode.CheckFailed]: 'check',
  [ExitCode.Usage]: 'usage',
  [ExitCode.Runtime]: 'runtime',
  [ExitCode.Interrupted]: 'interrupted',
};

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;

/**
 * Every perf command extends this: global flags of the contract, config and artifact store access,
 * human output to stdout (stderr under --json) and the error → exit code mapping.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    config: Flags.string({
      description: `config file (YAML or JSON) [default: ${DEFAULT_CONFIG_FILE}]`,
      helpGroup: 'GLOBAL',
    }),
    'out-dir': Flags.string({
      description: `output directory for reports and artifacts [default: config outDir or ${DEFAULT_OUT_DIR}]`,
      helpGroup: 'GLOBAL',
    }),
    json: Flags.boolean({
      description: 'print one JSON document on stdout; human text goes to stderr',
      helpGroup: 'GLOBAL',
      default: false,
    }),
  };

  /**
   * Whether an explicit `--config <file>` is loaded and validated before `run()`, so a bad config
   * is reported first (exit 2, naming the path) by every command. `perf init` writes that file instead.
   */
  static validatesConfigFirst = true;

  /** oclif's JSON mode: `jsonEnabled()` also works before parsing, so a parse error gets a JSON document too. */
  static override enableJsonFlag = true;

  protected flags!: BaseFlags<T>;
  private cachedConfig: PerfConfig | undefined;
  private cachedStore: ArtifactStore | undefined;
  private jsonEmitted = false;

  public override async init(): Promise<void> {
    await super.init();
    watchOutputPipes();
    const { flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof BaseCommand).baseFlags,
      args: this.ctor.args,
      strict: this.ctor.strict,
      enableJsonFlag: this.ctor.enableJsonFlag,
    });
    this.flags = flags as BaseFlags<T>;
    if (this.flags.config && (this.ctor as typeof BaseCommand).validatesConfigFirst) this.perfConfig();
  }

  /** Human-readable output: stdout normally, stderr under --json so stdout stays one JSON document. */
  protected say(message = ''): void {
    if (this.flags?.json) process.stderr.write(`${message}\n`);
    else if (!outputClosedReason()) process.stdout.write(`${message}\n`);
  }

  /** The one JSON document of --json mode. */
  protected emitJson(value: unknown): void {
    this.jsonEmitted = true;
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Under --json, a failure that came before the result document still leaves one document on stdout. */
  private emitErrorDocument(kind: ErrorDocument['error']['kind'], message: string, exitCode: number, details: { where?: string | undefined; fix?: string | undefined } = {}): void {
    if (!this.jsonEnabled() || this.jsonEmitted || outputClosedReason()) return;
    const redact = (s: string): string => secretsOfEnv(process.env).redact(s);
    const error: ErrorDocument['error'] = { kind, message: redact(message), exitCode };
    if (details.where) error.where = redact(details.where);
    if (details.fix) error.fix = redact(details.fix);
    this.emitJson({ schema: 'perf.error/v1', error } satisfies ErrorDocument);
  }

  /** The validated config from --config (default perf.config.yaml). */
  protected perfConfig(): PerfConfig {
    if (!this.cachedConfig) {
      const file = this.flags.config ?? DEFAULT_CONFIG_FILE;
      if (!this.flags.config && !existsSync(resolve(file))) {
        throw new UserError(`no ${DEFAULT_CONFIG_FILE} in ${process.cwd()}`, {
          fix: 'run "perf init" to create one, or pass --config <file>',
        });
      }
      this.cachedConfig = loadConfig(file);
    }
    return this.cachedConfig;
  }

  /** Config if one exists (explicit --config must exist), else undefined. */
  protected optionalConfig(): PerfConfig | undefined {
    if (this.flags.config || existsSync(resolve(DEFAULT_CONFIG_FILE))) return this.perfConfig();
    return undefined;
  }

  /**
   * The artifact store under --out-dir, else the config's outDir, else .aiwg — checked writable (with
   * room for a probe file) on first use, so an unusable out-dir is exit 2 before any load runs.
   */
  protected store(config?: PerfConfig): ArtifactStore {
    if (!this.cachedStore) {
      const outDir = this.flags['out-dir'] ?? config?.outDir ?? DEFAULT_OUT_DIR;
      const store = new ArtifactStore(outDir);
      store.assertWritable();
      this.cachedStore = store;
    }
    return this.cachedStore;
  }

  /** Aborted on the first Ctrl-C; long operations stop and keep what they finished. */
  protected interruptSignal(): AbortSignal {
    return interruptSignal();
  }

  /** Maps our errors to one clear message and the contract's exit code; never a stack trace. */
  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (isPerfError(err)) {
      // A typed flag (cli/flags.ts) that rejected its value: oclif wraps our message in its own
      // "Parsing --x … See more help with --help"; the message already names the flag and the fix.
      const wrapped = /^Parsing --[\w-]+ \n\t([\s\S]*)\nSee more help with --help$/.exec(err.message);
      if (wrapped) err.message = wrapped[1] as string;
      process.stderr.write(`${err.exitCode === ExitCode.CheckFailed ? '' : 'error: '}${secretsOfEnv(process.env).redact(formatError(err))}\n`);
      process.exitCode = err.exitCode;
      this.emitErrorDocument(KIND_OF_EXIT[err.exitCode], err.message, err.exitCode, { where: err.where, fix: err.fix });
      return undefined;
    }
    // oclif's own parse errors (unknown flag, missing arg) are usage errors.
    const oclifExit = (err as { oclif?: { exit?: number } }).oclif?.exit;
    if (oclifExit !== undefined && oclifExit !== 0 && err.name !== 'ExitError') {
      // oclif wraps flag errors in "The following error occurred:" / "See more help with --help".
      const what = err.message
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !/^The following errors? occurred:?$/i.test(l) && !/^See more help with/i.test(l));
      process.stderr.write(`error: ${what.join('; ') || err.message}\n  fix: see "perf ${this.id ?? ''} --help"\n`);
      process.exitCode = ExitCode.Usage;
      this.emitErrorDocument('usage', what.join('; ') || err.message, ExitCode.Usage, { fix: `see "perf ${this.id ?? ''} --help"` });
      this.parsed = true; // parsing ran and rejected the input: no "did not parse" warning
      return undefined;
    }
    if (err.name === 'ExitError') throw err;
    if (process.env.PERF_DEBUG) process.stderr.write(`${err.stack ?? String(err)}\n`);
    process.stderr.write(`error: unexpected failure: ${secretsOfEnv(process.env).redact(err.message)}\n  fix: re-run with PERF_DEBUG=1 for details and report it\n`);
    process.exitCode = ExitCode.Runtime;
    this.emitErrorDocument('unexpected', `unexpected failure: ${err.message}`, ExitCode.Runtime, { fix: 're-run with PERF_DEBUG=1 for details and report it' });
    return undefined;
  }
}
