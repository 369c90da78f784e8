import { Flags } from '@oclif/core';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { BaseCommand } from '../base-command.js';
import { writeFileAtomic } from '../../core/artifacts/atomic.js';
import { DEFAULT_CONFIG_FILE, parseConfig } from '../../core/config/load.js';
import { renderStarterConfig, STARTER_DEFAULTS, type StarterAnswers } from '../../core/config/starter.js';
import { UserError } from '../../core/errors.js';

export default class Init extends BaseCommand<typeof Init> {
  static override description = 'Write a commented starter perf.config.yaml (prompts on a TTY, flags otherwise)';
  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --yes --target http://127.0.0.1:8080',
    '<%= config.bin %> init --yes --target http://127.0.0.1:3000 --path /api/health --p95 200 --objective 99.5 --force',
  ];
  /** --config names the file to write, so it is not loaded first. */
  static override validatesConfigFirst = false;
  static override flags = {
    yes: Flags.boolean({ char: 'y', description: 'do not prompt; use flags and defaults', default: false }),
    target: Flags.string({ description: 'base URL of the service under test' }),
    journey: Flags.string({ description: `name of the first journey [default: ${STARTER_DEFAULTS.journeyName}]` }),
    path: Flags.string({ description: `path of the first journey's request [default: ${STARTER_DEFAULTS.journeyPath}]` }),
    p95: Flags.integer({ description: `p95 latency target in ms [default: ${STARTER_DEFAULTS.p95Ms}]`, min: 1 }),
    objective: Flags.string({ description: `SLO objective in percent [default: ${STARTER_DEFAULTS.objective}]` }),
    force: Flags.boolean({ description: 'overwrite an existing config file', default: false }),
  };

  public async run(): Promise<void> {
    const file = resolve(this.flags.config ?? DEFAULT_CONFIG_FILE);
    if (existsSync(file) && !this.flags.force) {
      throw new UserError('config file already exists', { where: file, fix: 'pass --force to overwrite it' });
    }
    const interactive = !this.flags.yes && process.stdin.isTTY === true && process.stdout.isTTY === true;
    const answers = interactive ? await this.ask() : this.fromFlags();
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
      objective: checkObjective(this.flags.objective ?? String(STARTER_DEFAULTS.objective), '--objective'),
    };
  }

  private async ask(): Promise<StarterAnswers> {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const question = async <V>(q: string, dflt: string, parse: (s: string, where: string) => V): Promise<V> => {
      for (;;) {
        const raw = (await rl.question(`${q} [${dflt}]: `)).trim() || dflt;
        try {
          return parse(raw, q);
        } catch (err) {
          process.stdout.write(`  ${(err as Error).message}\n`);
        }
      }
    };
    try {
      return {
        baseUrl: await question('Target base URL', this.flags.target ?? 'http://127.0.0.1:8080', checkUrl),
        journeyName: await question('Name of a first critical journey', STARTER_DEFAULTS.journeyName, checkName),
        journeyPath: await question('Path it requests', STARTER_DEFAULTS.journeyPath, checkPath),
        p95Ms: await question('p95 latency target (ms)', String(STARTER_DEFAULTS.p95Ms), (s, w) => {
          const n = Number(s);
          if (!Number.isInteger(n) || n <= 0) throw new UserError(`expected a whole number of ms > 0, found "${s}"`, { where: w });
          return n;
        }),
        objective: await question('SLO objective (% good events)', String(STARTER_DEFAULTS.objective), checkObjective),
      };
    } finally {
      rl.close();
    }
  }
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
