// perf init on a real terminal (a pseudo-terminal from util-linux `script`): the @inquirer/prompts
// questions, the offer of target.start from package.json's "start" script, and Ctrl-C → exit 130.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/load.js';

const CLI = join(resolve(import.meta.dirname, '../..'), 'cli/bin/run.js');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs `perf init` on a pty; each [prompt text, keys] pair is answered once the prompt shows. */
function initOnTerminal(cwd: string, answers: Array<[RegExp, string]>): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn('script', ['-qefc', `${process.execPath} ${CLI} init`, '/dev/null'], { cwd, env: { ...process.env, TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let next = 0;
    const onData = (c: Buffer): void => {
      out += c.toString();
      // Strip ANSI so the prompt text can be matched.
      const plain = out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
      // A prompt counts once it shows up more often than answers already given to the same prompt text.
      while (next < answers.length && countMatches(plain, answers[next]![0]) > answeredSame(next)) {
        child.stdin.write(answers[next]![1]);
        next++;
      }
    };
    const answeredSame = (i: number): number => answers.slice(0, i).filter(([re]) => re.source === answers[i]![0].source).length;
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, out: out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '') });
    });
  });
}

function countMatches(text: string, re: RegExp): number {
  return text.split(re).length - 1;
}

function repo(): string {
  const d = mkdtempSync(join(tmpdir(), 'perf-init-tty-'));
  dirs.push(d);
  writeFileSync(join(d, 'package.json'), JSON.stringify({ name: 'svc', scripts: { start: 'node server.js' } }));
  return d;
}

describe('perf init on a terminal', () => {
  it('asks through prompts and offers target.start from the package.json start script', async () => {
    const dir = repo();
    const r = await initOnTerminal(dir, [
      [/Target base URL/, 'http://127.0.0.1:3999\r'],
      [/Name of a first critical journey/, 'health\r'],
      [/Path it requests/, '/health\r'],
      [/p95 latency target/, '\r'],
      [/SLO objective/, '\r'],
      [/start the service with "npm start" \(package\.json: node server\.js\)/, 'y\r'],
    ]);
    expect(r.code, r.out).toBe(0);
    const config = loadConfig(join(dir, 'perf.config.yaml'));
    expect(config.target.baseUrl).toBe('http://127.0.0.1:3999');
    expect(config.target.start).toMatchObject({ command: 'npm start', env: { PORT: '3999' }, readyPath: '/health' });
    expect(config.journeys[0]!.name).toBe('health');
  });

  it('Ctrl-C at a prompt exits 130 and writes nothing', async () => {
    const dir = repo();
    const r = await initOnTerminal(dir, [[/Target base URL/, '\x03']]);
    expect(r.code).toBe(130);
    expect(r.out).toContain('perf init cancelled: nothing written');
    expect(r.out).not.toMatch(/unexpected failure/);
    expect(existsSync(join(dir, 'perf.config.yaml'))).toBe(false);
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toContain('server.js');
  });
});
