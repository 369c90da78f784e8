/**
 * `perf loadtest --k8s DIR` as kubectl reads it: the real kubectl (`apply --dry-run=client`) parses
 * every manifest and maps each kind through API discovery. Without a cluster, discovery comes from a
 * loopback stub written here that serves the groups the manifests use (v1, batch/v1, k6.io/v1alpha1)
 * and answers 404 to every object, so kubectl plans a create of each; `--validate=false` because the
 * stub serves no OpenAPI schema (the strict decode of test/k8s checks the fields). Also: a secret the
 * config reads from the environment is in no file of DIR. Runs whenever kubectl is on PATH.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'cli/bin/run.js');
const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const SECRET = 's3cr3t-token-9f31';

type Resource = [name: string, kind: string];
const resourceList = (groupVersion: string, list: Resource[]): object => ({
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion,
  resources: list.map(([name, kind]) => ({ name, singularName: kind.toLowerCase(), namespaced: true, kind, verbs: ['create', 'get', 'list', 'patch', 'update', 'delete'] })),
});
const DISCOVERY: Record<string, object> = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] },
  '/apis': {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [['batch', 'v1'], ['k6.io', 'v1alpha1']].map(([name, v]) => ({ name, versions: [{ groupVersion: `${name}/${v}`, version: v }], preferredVersion: { groupVersion: `${name}/${v}`, version: v } })),
  },
  '/api/v1': resourceList('v1', [['configmaps', 'ConfigMap'], ['services', 'Service'], ['persistentvolumeclaims', 'PersistentVolumeClaim'], ['secrets', 'Secret']]),
  '/apis/batch/v1': resourceList('batch/v1', [['jobs', 'Job']]),
  '/apis/k6.io/v1alpha1': resourceList('k6.io/v1alpha1', [['testruns', 'TestRun']]),
  // What `kubectl cluster-info` lists (perf --apply's probe of a reachable cluster): no add-on services.
  '/api/v1/namespaces/kube-system/services': { kind: 'ServiceList', apiVersion: 'v1', metadata: {}, items: [] },
};

let dir = '';
let server: Server;
let apiUrl = '';
/** Objects kubectl looked up (every one must be answered "not found": nothing exists, nothing is sent). */
const lookedUp: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'perf-k8s-kubectl-'));
  server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    const body = DISCOVERY[path];
    if (body && req.method === 'GET') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path !== '/version') lookedUp.push(`${req.method} ${path}`);
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((done) => server.close(() => done()));
  rmSync(dir, { recursive: true, force: true });
});

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ status: number; out: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, timeout: 60_000, env: { ...process.env, CI: 'true', ...env } }, (err, stdout, stderr) => {
      done({ status: err ? Number((err as NodeJS.ErrnoException).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

describe.skipIf(!KUBECTL)('perf loadtest --k8s DIR, read by kubectl', () => {
  it('kubectl apply --dry-run=client takes every manifest; the Authorization secret is in no file, only its Secret key', async () => {
    const cwd = join(dir, 'project');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(
      join(cwd, 'perf.config.yaml'),
      `target: { baseUrl: "http://orders.shop.svc:8080", headers: { Authorization: "Bearer \${API_TOKEN}" } }
journeys:
  - { name: browse, steps: [{ path: /items }] }
slos:
  - { name: availability, sli: availability, objective: 99 }
`,
    );
    const gen = await run(process.execPath, [CLI, 'loadtest', '--scenario', 'baseline', '--rate', '20', '--k8s', 'k8s', '--parallel', '3'], cwd, { API_TOKEN: SECRET });
    expect(gen.status, gen.out).toBe(0);
    const out = join(cwd, 'k8s');
    const secretName = /the runners read API_TOKEN from the Secret (\S+); create it before applying: kubectl create secret generic \1 --from-literal=API_TOKEN="\$API_TOKEN"/.exec(gen.out)?.[1];
    expect(secretName, gen.out).toBeDefined();
    const texts = readdirSync(out).filter((f) => f !== 'k6').map((f) => [f, readFileSync(join(out, f), 'utf8')] as const);
    for (const [f, text] of texts) expect(text.includes(SECRET), f).toBe(false);
    const testrun = texts.find(([f]) => f === 'testrun.yaml')![1];
    const env = (parse(testrun) as { spec: { runner: { env: unknown[] } } }).spec.runner.env;
    expect(env).toContainEqual({ name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: secretName, key: 'API_TOKEN' } } });

    const apply = await run('kubectl', ['--server', apiUrl, 'apply', '--dry-run=client', '--validate=false', '-f', out], cwd, { KUBECONFIG: '/dev/null' });
    expect(apply.status, apply.out).toBe(0);
    const created = apply.out.split('\n').filter((l) => l.endsWith('created (dry run)')).map((l) => l.split('/')[0]).sort();
    expect(created, apply.out).toEqual(['configmap', 'configmap', 'job.batch', 'persistentvolumeclaim', 'service', 'testrun.k6.io'].sort());
    // A client dry run only looks objects up; it never creates or patches one.
    expect(lookedUp.length).toBe(created.length);
    expect(lookedUp.every((r) => r.startsWith('GET '))).toBe(true);
  }, 60_000);

  it('--apply refuses (exit 2) before applying anything when the runners\' Secret is not in the cluster, and names the command that creates it', async () => {
    const cwd = join(dir, 'project');
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters: [{ name: stub, cluster: { server: "${apiUrl}" } }]\ncontexts: [{ name: stub, context: { cluster: stub, user: u, namespace: default } }]\ncurrent-context: stub\nusers: [{ name: u, user: {} }]\n`,
    );
    const before = lookedUp.length;
    const r = await run(process.execPath, [CLI, 'loadtest', '--scenario', 'baseline', '--rate', '20', '--k8s', 'k8s-apply', '--apply'], cwd, { API_TOKEN: SECRET, KUBECONFIG: kubeconfig });
    expect(r.status, r.out).toBe(2);
    expect(r.out).toMatch(/cannot apply: the Secret (\S+) the runners read API_TOKEN from is not in the cluster .*; nothing was applied/);
    expect(r.out).toContain('kubectl create secret generic');
    expect(r.out).not.toContain(SECRET);
    // kubectl only looked the Secret up: no create, no patch reached the cluster.
    const calls = lookedUp.slice(before);
    expect(calls.some((c) => /^GET \/api\/v1\/namespaces\/default\/secrets\//.test(c)), calls.join('\n')).toBe(true);
    expect(calls.every((c) => c.startsWith('GET ')), calls.join('\n')).toBe(true);
  }, 60_000);
});
