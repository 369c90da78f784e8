/**
 * `perf loadtest --k8s DIR`: the files that run one perf load test on k6-operator. PURE: data in,
 * file names and texts out.
 *   - `testrun.yaml`: the k6-operator `TestRun` (k6.io/v1alpha1): `parallelism` runners (k6-operator
 *     gives each its own `--execution-segment` of one sequence), the script from the ConfigMap, and
 *     arguments that make every runner push its windows to the collector (`--out perf=…,push=…,run=…`)
 *     with k6's per-runner thresholds off (they cannot judge the whole test; the collector does);
 *     and the environment the script's `${NAME}` templates read from the Secret `perf-…-secrets`, which
 *     the user creates (`kubectl create secret generic …`): no secret value is ever written here;
 *   - `configmap.yaml`: the bundled k6 script;
 *   - `collector.yaml`: a Service, the collector's config (SLOs) as a ConfigMap, a PersistentVolumeClaim
 *     for its results, and a Job running `perf collect --listen 0.0.0.0:PORT --run ID` that writes the
 *     merged artifacts (.aiwg/) onto that volume, where they outlive the Job's pod;
 *   - `Dockerfile`: the runner image, perf's k6 (k6 + the perf extensions) on a small base;
 *   - `collector.Dockerfile`: the collector image, the perf CLI.
 */
import { stringify } from 'yaml';

/** The port `perf collect` listens on in the cluster (the Service's too). */
export const COLLECTOR_PORT = 8686;
/** Where the collector's config is mounted, and where it writes its results (.aiwg/ on the results volume). */
export const COLLECTOR_CONFIG_DIR = '/etc/perf';
/** The collector's --timeout: runner pods may take minutes to be scheduled and pull their image. */
export const COLLECTOR_SILENCE = '10m';
export const COLLECTOR_RESULTS_DIR = '/home/node/.aiwg';
/** Where each runner writes its own perf.k6-windows/v1 file (the source of truth if the network fails). */
export const RUNNER_ARTIFACT = '/home/k6/perf.k6-windows.ndjson';

export interface K8sRunPlan {
  /** The run id every runner and the collector share (perf's run id). */
  runId: string;
  scenario: string;
  /** TestRun `parallelism`: the number of k6 runner pods. */
  parallelism: number;
  /** The ConfigMap key and file name of the bundled script, e.g. `baseline.js`. */
  scriptFile: string;
  /** The bundled k6 script. */
  scriptSource: string;
  /** Window size of the perf output. */
  windowMs: number;
  /** The target's base URL as the runner pods reach it. */
  baseUrl: string;
  /** Runner image carrying perf's k6 (built from the Dockerfile). */
  runnerImage: string;
  /** Image with the perf CLI, for the collector. */
  collectorImage: string;
  /** perf's version, for labels. */
  perfVersion: string;
  /** The environment variables the script's `${NAME}` templates read: keys of the user's Secret (secretName). */
  secretEnv: readonly string[];
  /** perf.config.yaml of the collector (the SLOs it judges; k8s/run-inputs.ts). */
  collectorConfig: string;
}

export interface ManifestFile {
  name: string;
  text: string;
}

/** A DNS-1123 label from the run: `perf-<scenario>-<run id>`, lowercase, at most 63 characters. */
export function resourceName(plan: Pick<K8sRunPlan, 'scenario' | 'runId'>, suffix = ''): string {
  const base = `perf-${plan.scenario}-${plan.runId}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  const tail = suffix ? `-${suffix}` : '';
  return `${base.slice(0, 63 - tail.length).replace(/-+$/, '')}${tail}`;
}

function labels(plan: K8sRunPlan, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'perf',
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/version': plan.perfVersion,
    'perf-toolkit/run': plan.runId.toLowerCase(),
  };
}

/** The collector's in-cluster push URL. */
export function pushUrl(plan: K8sRunPlan): string {
  return `http://${resourceName(plan, 'collector')}:${COLLECTOR_PORT}/push`;
}

/** The k6 arguments of every runner (k6-operator adds the script, segments, `--paused` and `--address`). */
export function runnerArguments(plan: K8sRunPlan): string {
  const out = [`file=${RUNNER_ARTIFACT}`, `window=${plan.windowMs}ms`, `push=${pushUrl(plan)}`, `run=${plan.runId}`].join(',');
  return `--out perf=${out} --no-thresholds`;
}

/** The Secret the user creates with the values of `secretEnv` (never written by perf). */
export const secretName = (plan: K8sRunPlan): string => resourceName(plan, 'secrets');

export function testRun(plan: K8sRunPlan): object {
  return {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name: resourceName(plan), labels: labels(plan, 'testrun') },
    spec: {
      parallelism: plan.parallelism,
      script: { configMap: { name: resourceName(plan, 'script'), file: plan.scriptFile } },
      arguments: runnerArguments(plan),
      runner: {
        image: plan.runnerImage,
        env: [
          { name: 'PERF_BASE_URL', value: plan.baseUrl },
          { name: 'K6_NO_USAGE_REPORT', value: 'true' },
          ...plan.secretEnv.map((name) => ({ name, valueFrom: { secretKeyRef: { name: secretName(plan), key: name } } })),
        ],
      },
    },
  };
}

export function scriptConfigMap(plan: K8sRunPlan): object {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: resourceName(plan, 'script'), labels: labels(plan, 'script') },
    data: { [plan.scriptFile]: plan.scriptSource },
  };
}

export function collector(plan: K8sRunPlan): object[] {
  const name = resourceName(plan, 'collector');
  const configName = resourceName(plan, 'collector-config');
  const resultsName = resourceName(plan, 'results');
  const selector = { 'app.kubernetes.io/component': 'collector', 'perf-toolkit/run': plan.runId.toLowerCase() };
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels: labels(plan, 'collector') },
      spec: { selector, ports: [{ name: 'push', port: COLLECTOR_PORT, targetPort: COLLECTOR_PORT, protocol: 'TCP' }] },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: configName, labels: labels(plan, 'collector') },
      data: { 'perf.config.yaml': plan.collectorConfig },
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: resultsName, labels: labels(plan, 'results') },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, labels: labels(plan, 'collector') },
      spec: {
        backoffLimit: 0,
        template: {
          metadata: { labels: { ...labels(plan, 'collector'), ...selector } },
          spec: {
            restartPolicy: 'Never',
            // The image's user "node" (uid/gid 1000) must be able to write onto the results volume.
            securityContext: { fsGroup: 1000 },
            containers: [
              {
                name: 'collector',
                image: plan.collectorImage,
                args: ['collect', '--listen', `0.0.0.0:${COLLECTOR_PORT}`, '--run', plan.runId, '--runners', String(plan.parallelism), '--timeout', COLLECTOR_SILENCE, '--config', `${COLLECTOR_CONFIG_DIR}/perf.config.yaml`, '--scenario', plan.scenario],
                ports: [{ name: 'push', containerPort: COLLECTOR_PORT, protocol: 'TCP' }],
                volumeMounts: [
                  { name: 'config', mountPath: COLLECTOR_CONFIG_DIR, readOnly: true },
                  { name: 'results', mountPath: COLLECTOR_RESULTS_DIR },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: configName } },
              { name: 'results', persistentVolumeClaim: { claimName: resultsName } },
            ],
          },
        },
      },
    },
  ];
}

/** The runner image: the linux build of perf's k6 (copied beside this file) on a small base, as k6's own image runs it. */
export function runnerDockerfile(plan: K8sRunPlan): string {
  return [
    `# Runner image for k6-operator: perf's k6 (k6 + the perf output extension), perf ${plan.perfVersion}.`,
    '# The k6 binary beside this file is the linux build of xk6/build.sh; for another CPU build it with',
    '#   bash xk6/build.sh --goos linux --goarch arm64 --output <this dir>/k6',
    `# then: docker build -t ${plan.runnerImage} <this dir> && docker push ${plan.runnerImage}`,
    'FROM alpine:3.20',
    'RUN adduser -D -u 12345 -g 12345 k6',
    'COPY --chmod=0755 k6 /usr/bin/k6',
    'USER 12345',
    'WORKDIR /home/k6',
    'ENTRYPOINT ["k6"]',
    '',
  ].join('\n');
}

/** The collector image: the perf CLI from npm, `perf collect` as its command. */
export function collectorDockerfile(plan: K8sRunPlan): string {
  return [
    `# Collector image: the perf CLI ${plan.perfVersion}; the Job in collector.yaml runs "perf collect".`,
    `# docker build -t ${plan.collectorImage} -f collector.Dockerfile <this dir> && docker push ${plan.collectorImage}`,
    'FROM node:20-slim',
    `RUN npm install -g perf-toolkit@${plan.perfVersion}`,
    'USER node',
    'WORKDIR /home/node',
    'ENTRYPOINT ["perf"]',
    '',
  ].join('\n');
}

function yamlDocs(docs: object[]): string {
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}

/** Every file of `--k8s DIR`, in the order kubectl should apply them. */
export function k8sManifests(plan: K8sRunPlan): ManifestFile[] {
  return [
    { name: 'configmap.yaml', text: yamlDocs([scriptConfigMap(plan)]) },
    { name: 'collector.yaml', text: yamlDocs(collector(plan)) },
    { name: 'testrun.yaml', text: yamlDocs([testRun(plan)]) },
    { name: 'Dockerfile', text: runnerDockerfile(plan) },
    { name: 'collector.Dockerfile', text: collectorDockerfile(plan) },
  ];
}
