import { Flags } from '@oclif/core';
import { confirm, input } from '@inquirer/prompts';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BaseCommand } from '../base-command.js';
import { numberFlag } from '../flags.js';
import { writeFileAtomic } from '../../core/artifacts/atomic.js';
import { DEFAULT_CONFIG_FILE, parseConfig } from '../../core/config/load.js';
import { renderStarterConfig, STARTER_DEFAULTS, type StarterAnswers } from '../../core/config/starter.js';
import { Interrupted, UserError } from '../../core/errors.js';

export default class Init extends BaseCommand<typeof Init> {
  static override description = 'Write a commented starter perf.config.yaml (prompts on a TTY, flags otherwise)';
  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --yes --target http://127.0.0.1:8080',
    '<%= config.bin %> init --yes --target http://127.0.0.1:3000 --path /api/health --p95 200 --objective 99.5 --force',
    '<%= config.bin %> init --yes --target http://127.0.0.1:3000 --start "npm start"   # perf starts and stops the service',
  ];
  /** --config names the file to write, so it is not loaded first. */
  static override validatesConfigFirst = false;
  static override flags = {
    yes: Flags.boolean({ char: 'y', description: 'do not prompt; use flags and defaults', default: false }),
    target: Flags.string({ description: 'base URL of the service under test' }),
    journey: Flags.string({ description: `name of the first journey [default: ${STARTER_DEFAULTS.journeyName}]` }),
    path: Flags.string({ description: `path of the first journey's request [default: ${STARTER_DEFAULTS.journeyPath}]` }),
    p95: Flags.integer({ description: `p95 latency target in ms [default: ${STARTER_DEFAULTS.p95Ms}]`, min: 1 }),
    objective: numberFlag({ description: `SLO objective in percent [default: ${STARTER_DEFAULTS.objective}]`, what: 'a percent between 0 and 100 (exclusive)', example: '99.9', above: 0, below: 100 }),
    start: Flags.string({ description: 'target.start command: perf starts the service for each run (on a terminal, offered from package.json "start")' }),
    force: Flags.boolean({ description: 'overwrite an existing config file', default: false }),
  };

  public async run(): Promise<void> {
    const file = resolve(this.flags.config ?? DEFAULT_CONFIG_FILE);
    if (existsSync(file) && !this.flags.force) {
      throw new UserError('config file already exists', { where: file, fix: 'pass --force to overwrite it' });
    }
    const interactive = !this.flags.yes && process.stdin.isTTY === true && process.stdout.isTTY === true;
    const answers = interactive ? await this.ask(file) : this.fromFlags();
    const text = renderStarterConfig(answers);
    parseConfig(text, file); // the starter must load: fail here rather than write a broken file
    writeFileAtomic(file, text);
    if (this.flags.json) this.emitJson({ written: file, ...answers });
    this.say(`wrote ${file}`);
    this.say('next: perf baseline   (measure the service as it is)');
  }

  private fromFlags(): StarterAnswers {
    if (!this.flags.target) {
      throw new UserError('no target URL given', { where: '--target', fix: 'pass --target http://host:port (or run perf init on a terminal to be asked)' });
    }
    return {
      baseUrl: checkUrl(this.flags.target, '--target'),
      journeyName: checkName(this.flags.journey ?? STARTER_DEFAULTS.journeyName, '--journey'),
      journeyPath: checkPath(this.flags.path ?? STARTER_DEFAULTS.journeyPath, '--path'),
      p95Ms: this.flags.p95 ?? STARTER_DEFAULTS.p95Ms,
      objective: this.flags.objective ?? STARTER_DEFAULTS.objective,
      ...(this.flags.start ? { start: { command: checkCommand(this.flags.start, '--start'), readyPath: checkPath(this.flags.path ?? STARTER_DEFAULTS.journeyPath, '--path') } } : {}),
    };
  }

  /** Prompts through @inquirer/prompts; Ctrl-C → exit 130 with nothing written. */
  private async ask(configFile: string): Promise<StarterAnswers> {
    const ask = async <V>(message: string, dflt: string, parse: (s: string, where: string) => V): Promise<V> =>
      parse(
        await input({
          message,
          default: dflt,
          validate: (raw) => {
            try {
              parse(raw.trim(), message);
              return true;
            } catch (err) {
              return (err as Error).message;
            }
          },
        }),
        message,
      );
    try {
      const baseUrl = await ask('Target base URL', this.flags.target ?? 'http://127.0.0.1:8080', checkUrl);
      const journeyName = await ask('Name of a first critical journey', this.flags.journey ?? STARTER_DEFAULTS.journeyName, checkName);
      const journeyPath = await ask('Path it requests', this.flags.path ?? STARTER_DEFAULTS.journeyPath, checkPath);
      const p95Ms = await ask('p95 latency target (ms)', String(this.flags.p95 ?? STARTER_DEFAULTS.p95Ms), checkWholeMs);
      const objective = await ask('SLO objective (% good events)', String(this.flags.objective ?? STARTER_DEFAULTS.objective), checkObjective);
      const npmStart = startScript(dirname(configFile));
      let start: StarterAnswers['start'];
      if (this.flags.start) start = { command: checkCommand(this.flags.start, '--start'), readyPath: journeyPath };
      else if (npmStart && (await confirm({ message: `Let perf start the service with "npm start" (package.json: ${npmStart})?`, default: true }))) {
        start = { command: 'npm start', readyPath: journeyPath };
      }
      return { baseUrl, journeyName, journeyPath, p95Ms, objective, ...(start ? { start } : {}) };
    } catch (err) {
      if ((err as Error).name === 'ExitPromptError') throw new Interrupted('perf init cancelled: nothing written');
      throw err;
    }
  }
}

/** The `start` script of the package.json next to the config, if any. */
function startScript(dir: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, unknown> };
    const start = pkg.scripts?.start;
    return typeof start === 'string' && start.trim() !== '' ? start : undefined;
  } catch {
    return undefined;
  }
}

function checkWholeMs(s: string, where: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) throw new UserError(`expected a whole number of ms > 0, found "${s}"`, { where });
  return n;
}

function checkCommand(s: string, where: string): string {
  if (s.trim() !== '' && !/[\r\n]/.test(s)) return s.trim();
  throw new UserError('expected a one-line shell command, e.g. "npm start"', { where });
}

function checkUrl(s: string, where: string): string {
  try {
    const u = new URL(s);
    if (u.protocol === 'http:' || u.protocol === 'https:') return s.replace(/\/+$/, '');
  } catch {
    // fall through to the error below
  }
  throw new UserError(`expected an http(s) URL like http://127.0.0.1:8080, found "${s}"`, { where });
}

function checkName(s: string, where: string): string {
  if (/^[A-Za-z0-9_.-]+$/.test(s)) return s;
  throw new UserError(`expected a journey name of letters, digits, "_", "." or "-", found "${s}"`, { where });
}

function checkPath(s: string, where: string): string {
  if (s.startsWith('/')) return s;
  throw new UserError(`expected a path starting with "/", found "${s}"`, { where });
}

function checkObjective(s: string, where: string): number {
  const n = Number(s);
  if (Number.isFinite(n) && n > 0 && n < 100) return n;
  throw new UserError(`expected a percent between 0 and 100 (exclusive), e.g. 99.9, found "${s}"`, { where });
}
