// The CI recipes as a pipeline runs them, in a temp service repo with perf's packed tarballs and no Go:
// action.yml's steps in order (env as GitHub sets it: GITHUB_ACTIONS, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
// RUNNER_TEMP; `${{ }}` expressions evaluated, `uses:` steps emulated), then the GitLab template's and
// the Jenkins snippet's shell. A latency SLO the service cannot meet makes the gate's failure visible.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderStarterConfig, STARTER_DEFAULTS } from '../../core/config/starter.js';
import { envWithoutGo, freshServiceRepo, packTarballs, ROOT, startService } from '../support/installed-package.js';

interface Step {
  id?: string;
  name: string;
  uses?: string;
  run?: string;
  if?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  'working-directory'?: string;
}
interface Action {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; steps: Step[] };
}

let tarballs: string[];
let service: ChildProcess | undefined;
let port: number;
const cleanup: string[] = [];

beforeAll(async () => {
  tarballs = packTarballs();
  const svc = freshServiceRepo('perf-ci-svc-');
  cleanup.push(svc);
  ({ port, child: service } = await startService(svc));
}, 900_000);
afterAll(() => {
  service?.kill('SIGTERM');
  cleanup.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** A service repo whose perf.config.yaml has a p95 target of 5 ms on a 25 ms endpoint: the SLO fails. */
function repoWithFailingSlo(): string {
  const repo = freshServiceRepo('perf-ci-repo-');
  cleanup.push(repo);
  writeFileSync(join(repo, 'perf.config.yaml'), renderStarterConfig({ ...STARTER_DEFAULTS, baseUrl: `http://127.0.0.1:${port}`, journeyName: 'slow', journeyPath: '/slow', p95Ms: 5 }));
  return repo;
}

/** `${{ inputs.x }}`, `${{ steps.id.outputs.k }}`, `${{ runner.* }}`, `hashFiles(...)`: what the action uses. */
function evaluate(text: string, ctx: { inputs: Record<string, string>; steps: Record<string, Record<string, string>>; runnerTemp: string }): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => {
    let m: RegExpExecArray | null;
    if ((m = /^inputs\.([\w-]+)$/.exec(expr))) return ctx.inputs[m[1]!] ?? '';
    if ((m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr))) return ctx.steps[m[1]!]?.[m[2]!] ?? '';
    if (expr === 'runner.temp') return ctx.runnerTemp;
    if (expr === 'runner.os') return 'Linux';
    if (expr === 'runner.arch') return 'X64';
    if (/^hashFiles\(/.test(expr)) return 'hash';
    throw new Error(`the test runner does not know the expression ${expr}`);
  });
}

function parseOutputs(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  return Object.fromEntries(readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

describe('action.yml (GitHub composite action)', () => {
  it('runs its steps in order: installs perf, runs the load test, checks SLOs, uploads .aiwg/ and fails the gate', () => {
    const repo = repoWithFailingSlo();
    const runnerTemp = mkdtempSync(join(tmpdir(), 'perf-runner-'));
    cleanup.push(runnerTemp);
    const summary = join(runnerTemp, 'step-summary.md');
    writeFileSync(summary, '');
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;
    expect(action.runs.using).toBe('composite');
    const inputs = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? '']));
    Object.assign(inputs, { 'perf-package': tarballs.join(' '), command: 'loadtest --scenario baseline --quick --rate 10' });
    const ctx = { inputs, steps: {} as Record<string, Record<string, string>>, runnerTemp };
    const base = envWithoutGo({ GITHUB_ACTIONS: 'true', CI: 'true', RUNNER_TEMP: runnerTemp, GITHUB_WORKSPACE: repo, GITHUB_STEP_SUMMARY: summary, PERF_QUICK_TOTAL: '8s' });

    const log: Array<{ name: string; ran: boolean; code: number; stdout: string }> = [];
    let failed = false;
    action.runs.steps.forEach((step, i) => {
      if (failed && step.if !== 'always()') {
        log.push({ name: step.name, ran: false, code: 0, stdout: '' });
        return;
      }
      const env: NodeJS.ProcessEnv = { ...base };
      for (const [k, v] of Object.entries(step.env ?? {})) env[k] = evaluate(String(v), ctx);
      const cwd = resolve(repo, evaluate(step['working-directory'] ?? '.', ctx));
      let code = 0;
      let stdout = '';
      if (step.uses) {
        const w = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, evaluate(String(v), ctx)]));
        if (step.uses.startsWith('actions/setup-node@')) expect(Number(w['node-version'])).toBeGreaterThanOrEqual(20);
        else if (step.uses.startsWith('actions/cache@')) expect(w.path).toBe('~/.npm');
        else if (step.uses.startsWith('actions/upload-artifact@')) cpSync(resolve(repo, w.path!), join(runnerTemp, 'artifacts', w.name!), { recursive: true });
        else throw new Error(`unexpected action ${step.uses}`);
      } else {
        expect(step.shell).toBe('bash');
        const output = join(runnerTemp, `output-${i}`);
        writeFileSync(output, '');
        const r = spawnSync('bash', ['-e', '-c', step.run!], { cwd, env: { ...env, GITHUB_OUTPUT: output }, encoding: 'utf8', timeout: 600_000 });
        code = r.status ?? 1;
        stdout = r.stdout + r.stderr;
        if (step.id) ctx.steps[step.id] = parseOutputs(output);
      }
      log.push({ name: step.name, ran: true, code, stdout });
      if (code !== 0) failed = true;
    });

    const byName = (n: string) => log.find((s) => s.name === n)!;
    expect(log.map((s) => [s.name, s.ran, s.code])).toEqual([
      ['Set up Node.js', true, 0],
      ['Cache npm packages (perf-toolkit and its k6 platform package)', true, 0],
      ['Install perf', true, 0],
      ['Run perf', true, 0],
      ['SLO check', true, 0],
      ['Upload perf results', true, 0],
      ['SLO gate', true, 1],
    ]);
    expect(byName('Install perf').stdout).toMatch(/k6 v2\.\d+\.\d+ with the perf extension/);
    expect(ctx.steps.run).toEqual({ 'exit-code': '0' });
    expect(ctx.steps.slo).toMatchObject({ status: 'FAIL', 'exit-code': '1', junit: join(repo, '.aiwg/reports/slo-junit.xml') });
    // Annotations without --annotations: GITHUB_ACTIONS=true turns them on.
    expect(byName('SLO check').stdout).toMatch(/^::error title=SLO slow-latency-p95 FAIL::/m);
    expect(byName('SLO gate').stdout).toContain('::error title=perf::SLO gate failed (status FAIL)');
    expect(readFileSync(summary, 'utf8')).toMatch(/### perf slo-check: .*FAIL/);
    const artifact = join(runnerTemp, 'artifacts', 'perf-results');
    for (const f of ['reports/slo-compliance.md', 'reports/slo-junit.xml', 'testing/load-test-results.md', 'working/performance/loadtest.json']) {
      expect(existsSync(join(artifact, f)), `artifact holds ${f}`).toBe(true);
    }
    expect(readFileSync(join(artifact, 'reports/slo-junit.xml'), 'utf8')).toContain('<failure');
    expect(JSON.parse(readFileSync(join(artifact, 'working/performance/loadtest.json'), 'utf8')).k6.extension).toBe(true);
  });
});

describe('docs/ci recipes', () => {
  // The recipes install PERF_PACKAGE (here: the packed tarballs) into a repo without perf-toolkit.
  // Their `npm ci` path needs the platform packages published (a lock lists all five), so it is not run here.
  it('the GitLab template\'s script gates on the SLO and leaves .aiwg/ and the JUnit report for its artifacts', () => {
    const job = (parse(readFileSync(join(ROOT, 'docs/ci/gitlab-ci.yml'), 'utf8')) as Record<string, { variables: Record<string, string>; before_script: string[]; script: string[]; artifacts: { paths: string[]; reports: { junit: string } } }>).perf!;
    const repo = repoWithFailingSlo();
    const vars = { ...job.variables, PERF_PACKAGE: tarballs.join(' '), PERF_COMMAND: 'loadtest --scenario baseline --quick --rate 10' };
    // GitLab runs the lines in one shell and stops at the first failing one.
    const script = [...job.before_script, ...job.script].map((l) => `${l}\n`).join('');
    const r = spawnSync('bash', ['-e', '-c', script], { cwd: repo, env: envWithoutGo({ ...vars, CI: 'true', PERF_QUICK_TOTAL: '8s' }), encoding: 'utf8', timeout: 600_000 });
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('SLO compliance: FAIL');
    for (const p of job.artifacts.paths) expect(existsSync(join(repo, p))).toBe(true);
    expect(readFileSync(join(repo, job.artifacts.reports.junit), 'utf8')).toContain('<failure');
  });

  it('the Jenkins snippet\'s sh step gates on the SLO and leaves what its post step archives', () => {
    const text = readFileSync(join(ROOT, 'docs/ci/Jenkinsfile'), 'utf8');
    const sh = /sh '''([\s\S]+?)'''/.exec(text)![1]!;
    const env = Object.fromEntries([...text.matchAll(/^\s+(PERF_[A-Z_]+) = '([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(Object.keys(env)).toEqual(['PERF_COMMAND', 'PERF_FAIL_ON', 'PERF_OUT_DIR', 'PERF_PACKAGE']);
    const repo = repoWithFailingSlo();
    const r = spawnSync('bash', ['-c', sh], { cwd: repo, env: envWithoutGo({ ...env, PERF_PACKAGE: tarballs.join(' '), PERF_COMMAND: 'loadtest --scenario baseline --quick --rate 10', CI: 'true', PERF_QUICK_TOTAL: '8s' }), encoding: 'utf8', timeout: 600_000 });
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(readFileSync(join(repo, '.aiwg/reports/slo-junit.xml'), 'utf8')).toContain('<failure');
    expect(existsSync(join(repo, '.aiwg/working/performance/loadtest.json'))).toBe(true);
  });
});
