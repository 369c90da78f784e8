import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { COLLECTOR_PORT, k8sManifests, resourceName, type K8sRunPlan } from '../../k6-scripts/src/k8s/manifests.js';
import { parseParallel } from '../../k6-scripts/src/parallel/segments.js';

const plan: K8sRunPlan = {
  runId: '20261207T011430Z-573f',
  scenario: 'soak',
  parallelism: 4,
  scriptFile: 'soak.js',
  scriptSource: 'import http from "k6/http";\nexport default function () { http.get(__ENV.PERF_BASE_URL); }\n',
  windowMs: 10_000,
  baseUrl: 'http://orders.shop.svc:8080',
  runnerImage: 'registry.example/perf-k6:0.1.0',
  collectorImage: 'registry.example/perf-collector:0.1.0',
  perfVersion: '0.1.0',
  secretEnv: ['API_TOKEN', 'SESSION_COOKIE'],
  collectorConfig: 'target: { baseUrl: "http://orders.shop.svc:8080" }\nslos: []\n',
};

type Doc = { kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: unknown; data?: Record<string, string> };
/** The value at a dotted path (`spec.script.configMap`) of a parsed manifest. */
function at(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), doc);
}
function docs(): Doc[] {
  return k8sManifests(plan)
    .filter((f) => f.name.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(f.text).map((d) => d.toJS() as Doc));
}
const byKind = (kind: string): Doc => docs().find((d) => d.kind === kind) as Doc;

describe('k6-operator manifests (perf loadtest --k8s)', () => {
  it('runs the bundled script from the ConfigMap on N runners', () => {
    const tr = byKind('TestRun');
    const cm = docs().find((d) => d.kind === 'ConfigMap' && d.metadata.name.endsWith('-script'))!;
    expect(at(tr, 'spec.parallelism')).toBe(4);
    expect(at(tr, 'spec.script.configMap')).toEqual({ name: cm.metadata.name, file: 'soak.js' });
    expect(cm.data?.['soak.js']).toBe(plan.scriptSource);
    expect(at(tr, 'spec.runner.image')).toBe(plan.runnerImage);
    expect(at(tr, 'spec.runner.env')).toContainEqual({ name: 'PERF_BASE_URL', value: plan.baseUrl });
  });

  it('makes every runner push to the collector Service under the run id, with k6 thresholds off', () => {
    const tr = byKind('TestRun');
    const svc = byKind('Service');
    const args = String(at(tr, 'spec.arguments'));
    expect(args).toContain(`push=http://${at(svc, 'metadata.name')}:${COLLECTOR_PORT}/push`);
    expect(args).toContain(`run=${plan.runId}`);
    expect(args).toContain('window=10000ms');
    expect(args.split(' ')).toContain('--no-thresholds');
    expect(at(svc, 'spec.ports.0.port')).toBe(COLLECTOR_PORT);
  });

  it('runs perf collect in a Job the Service selects', () => {
    const job = byKind('Job');
    const svc = byKind('Service');
    const pod = at(job, 'spec.template');
    for (const [k, v] of Object.entries(at(svc, 'spec.selector') as Record<string, string>)) expect((at(pod, 'metadata.labels') as Record<string, string>)[k]).toBe(v);
    expect(at(pod, 'spec.containers.0.args')).toEqual([
      'collect', '--listen', `0.0.0.0:${COLLECTOR_PORT}`, '--run', plan.runId, '--runners', '4', '--timeout', '10m', '--config', '/etc/perf/perf.config.yaml', '--scenario', 'soak',
    ]);
    expect(at(pod, 'spec.restartPolicy')).toBe('Never');
  });

  it('gives the collector its SLOs and writes its merged results onto a volume that outlives the pod', () => {
    const all = docs();
    const pod = at(byKind('Job'), 'spec.template.spec');
    const config = all.find((d) => d.kind === 'ConfigMap' && d.metadata.name.endsWith('-collector-config'))!;
    expect(config.data?.['perf.config.yaml']).toBe(plan.collectorConfig);
    const pvc = byKind('PersistentVolumeClaim');
    expect(at(pod, 'volumes')).toEqual([
      { name: 'config', configMap: { name: config.metadata.name } },
      { name: 'results', persistentVolumeClaim: { claimName: pvc.metadata.name } },
    ]);
    // perf collect writes .aiwg/ under its working directory, /home/node (the image's WORKDIR).
    expect(at(pod, 'containers.0.volumeMounts')).toContainEqual({ name: 'results', mountPath: '/home/node/.aiwg' });
    expect(k8sManifests(plan).find((f) => f.name === 'collector.Dockerfile')?.text).toContain('WORKDIR /home/node');
  });

  it('takes every variable the script reads from the Secret the user creates, never a value', () => {
    const env = at(byKind('TestRun'), 'spec.runner.env') as unknown[];
    for (const name of plan.secretEnv) {
      expect(env).toContainEqual({ name, valueFrom: { secretKeyRef: { name: 'perf-soak-20261207t011430z-573f-secrets', key: name } } });
    }
    expect(docs().some((d) => d.kind === 'Secret')).toBe(false);
  });

  it('names every resource as a DNS-1123 label', () => {
    for (const d of docs()) expect(d.metadata.name).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
    const long = resourceName({ scenario: 'breakpoint', runId: 'X'.repeat(80) }, 'collector');
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long.endsWith('-collector')).toBe(true);
  });

  it('ships a runner Dockerfile with k6 as the entrypoint', () => {
    const df = k8sManifests(plan).find((f) => f.name === 'Dockerfile')?.text ?? '';
    expect(df).toMatch(/^FROM alpine:/m);
    expect(df).toContain('COPY --chmod=0755 k6 /usr/bin/k6');
    expect(df).toContain('ENTRYPOINT ["k6"]');
  });

  it('--parallel with --k8s is the TestRun parallelism: 1 is allowed, this machine\'s CPUs do not bound it', () => {
    expect(parseParallel('1', 2, 'k8s')).toBe(1);
    expect(parseParallel('64', 2, 'k8s')).toBe(64);
    expect(() => parseParallel('0', 2, 'k8s')).toThrow(/\[1, 256\]/);
    expect(() => parseParallel('1', 2)).toThrow(/\[2, 8\]/);
  });
});
