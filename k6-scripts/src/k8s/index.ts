/**
 * `perf loadtest --k8s DIR [--parallel N] [--apply]`: generate the scenario's script for perf's k6,
 * write the k6-operator manifests (manifests.ts, pure) and the runner image recipe into DIR, and, with
 * --apply, apply them to the cluster kubectl points at and wait for the TestRun to finish.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { writeFileAtomic } from '../../../core/artifacts/atomic.js';
import type { ArtifactStore } from '../../../core/artifacts/store.js';
import type { PerfConfig, ScenarioName } from '../../../core/config/types.js';
import { RuntimeFailure, UserError } from '../../../core/errors.js';
import { TOOL_VERSION } from '../../../core/version.js';
import { generateScripts, type ShapeOverrides } from '../generate.js';
import { findK6 } from '../k6-binary.js';
import { windowMsFor } from '../loadtest.js';
import { k8sManifests, resourceName, secretName, type K8sRunPlan } from './manifests.js';
import { checkNoInlineSecrets, collectorConfigText, runnerSecretEnv } from './run-inputs.js';

export { k8sManifests, type K8sRunPlan } from './manifests.js';

export interface K8sOptions {
  /** --rate, --duration, --quick, …: the load shape, as for a local run. */
  shape: ShapeOverrides;
  config: PerfConfig;
  store: ArtifactStore;
  scenario: ScenarioName;
  dir: string;
  parallelism: number;
  apply: boolean;
  runnerImage?: string;
  collectorImage?: string;
  onNote?: (line: string) => void;
}

export interface K8sResult {
  dir: string;
  files: string[];
  testRun: string;
  applied: boolean;
}

/** Longest wait for the TestRun to reach stage `finished` after the load's own duration. */
const APPLY_GRACE_MS = 10 * 60_000;

export async function writeK8sRun(opts: K8sOptions): Promise<K8sResult> {
  const note = opts.onNote ?? (() => {});
  const dir = resolve(opts.dir);
  const { config, store, scenario } = opts;
  // The runners run perf's k6 (the image below), so the script may use k6/x/perf.
  const gen = await generateScripts({ config, store, scenarios: [scenario], ...opts.shape, extension: true, scriptsDir: join(store.runDir(), 'scripts'), writePlan: false });
  const script = gen.scripts[0]!;
  checkNoInlineSecrets(config);
  const secretEnv = runnerSecretEnv(config);
  const rawSlos = (parse(readFileSync(config.source, 'utf8')) as { slos?: unknown } | null)?.slos;
  const plan: K8sRunPlan = {
    runId: store.runId,
    scenario,
    parallelism: opts.parallelism,
    scriptFile: basename(script.jsPath),
    scriptSource: readFileSync(script.jsPath, 'utf8'),
    windowMs: windowMsFor(script.profile.totalMs),
    baseUrl: config.target.baseUrl,
    runnerImage: opts.runnerImage ?? `perf-k6:${TOOL_VERSION}`,
    collectorImage: opts.collectorImage ?? `perf-collector:${TOOL_VERSION}`,
    perfVersion: TOOL_VERSION,
    secretEnv,
    collectorConfig: collectorConfigText(config, rawSlos),
  };
  if (/^https?:\/\/(localhost|127\.|\[::1\])/i.test(plan.baseUrl)) {
    note(`target.baseUrl ${plan.baseUrl} is loopback: inside a runner pod that is the pod itself; set target.baseUrl to the URL pods reach the service at`);
  }
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const f of k8sManifests(plan)) {
    writeFileAtomic(join(dir, f.name), f.text);
    files.push(join(dir, f.name));
  }
  copyRunnerBinary(dir, note);
  if (secretEnv.length > 0) {
    note(`the runners read ${secretEnv.join(', ')} from the Secret ${secretName(plan)}; create it before applying: ${secretCommand(plan)}`);
  }
  const testRun = resourceName(plan);
  if (!opts.apply) return { dir, files, testRun, applied: false };
  const kubectl = kubectlReady(dir, plan.runnerImage);
  if (secretEnv.length > 0) requireSecret(kubectl, plan);

  run(kubectl, ['apply', '-f', dir], 'kubectl apply');
  note(`applied ${files.filter((f) => f.endsWith('.yaml')).length} manifests; waiting for TestRun ${testRun} to finish`);
  const timeoutS = Math.ceil((script.profile.totalMs + APPLY_GRACE_MS) / 1000);
  run(kubectl, ['wait', `testrun/${testRun}`, '--for=jsonpath={.status.stage}=finished', `--timeout=${timeoutS}s`], 'kubectl wait', (timeoutS + 30) * 1000);
  return { dir, files, testRun, applied: true };
}

/** The one command that creates the runners' Secret from this shell's environment (the values never touch a file). */
export function secretCommand(plan: K8sRunPlan): string {
  return `kubectl create secret generic ${secretName(plan)} ${plan.secretEnv.map((n) => `--from-literal=${n}="$${n}"`).join(' ')}`;
}

/** kubectl on PATH with a reachable cluster, else exit 2 naming the two commands to run by hand (the files are written). */
function kubectlReady(dir: string, image: string): string {
  const probe = spawnSync('kubectl', ['cluster-info'], { encoding: 'utf8', timeout: 20_000 });
  if (probe.error || probe.status !== 0) {
    const why = probe.error ? 'kubectl is not on PATH' : 'kubectl cluster-info failed: no cluster reachable';
    throw new UserError(`cannot apply: ${why}; the manifests are written in ${dir}`, {
      where: '--apply',
      fix: `run the two commands where a cluster is reachable: docker build -t ${image} ${dir} (and push it where the cluster pulls from), then kubectl apply -f ${dir}`,
    });
  }
  return 'kubectl';
}

/**
 * The runners' Secret exists where the TestRun goes (kubectl's current namespace), else exit 2 before
 * anything is applied: without it the runner pods never start (CreateContainerConfigError).
 */
function requireSecret(kubectl: string, plan: K8sRunPlan): void {
  const name = secretName(plan);
  const r = spawnSync(kubectl, ['get', 'secret', name, '-o', 'name'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error || r.status !== 0) {
    const why = (r.stderr ?? '').trim().split('\n').at(-1) || r.error?.message || `exit ${r.status}`;
    throw new UserError(`cannot apply: the Secret ${name} the runners read ${plan.secretEnv.join(', ')} from is not in the cluster (${why}); nothing was applied`, {
      where: '--apply',
      fix: `create it in the namespace kubectl uses, then rerun: ${secretCommand(plan)}`,
    });
  }
}

function run(cmd: string, args: string[], what: string, timeout = 120_000): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'inherit', 'pipe'] });
  if (r.error || r.status !== 0) {
    throw new RuntimeFailure(`${what} failed: ${(r.stderr ?? '').trim().split('\n').at(-1) ?? r.error?.message ?? `exit ${r.status}`}`, {
      fix: `see ${cmd} ${args.join(' ')}`,
    });
  }
}

/** The Dockerfile copies `k6` from DIR: put this machine's perf k6 there when it is a linux build with our extension. */
function copyRunnerBinary(dir: string, note: (s: string) => void): void {
  let k6;
  try {
    k6 = findK6();
  } catch {
    k6 = undefined;
  }
  if (k6?.extension && process.platform === 'linux') {
    copyFileSync(k6.path, join(dir, 'k6'));
    note(`copied perf's k6 (linux/${process.arch}) to ${join(dir, 'k6')} for the runner image`);
  } else {
    note(`the runner image needs perf's k6 for linux beside the Dockerfile: bash xk6/build.sh --goos linux --goarch amd64 --output ${join(dir, 'k6')}`);
  }
}
