// perf loadtest --k8s never writes a secret into a manifest: template variables come from a Secret,
// literal secrets are refused, and the collector's config carries the SLOs only.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/load.js';
import { isPerfError } from '../../core/errors.js';
import { checkNoInlineSecrets, collectorConfigText, runnerSecretEnv } from '../../k6-scripts/src/k8s/run-inputs.js';

const config = (headers: string, stepHeaders = '{}'): ReturnType<typeof parseConfig> =>
  parseConfig(
    `target: { baseUrl: "http://orders.svc:8080", headers: ${headers} }
journeys:
  - { name: browse, weight: 3, steps: [{ path: "/items?q=\${QUERY}", headers: ${stepHeaders} }] }
  - { name: buy, steps: [{ method: POST, path: /orders, body: "token=\${CSRF}" }] }
slos:
  - { name: availability, sli: availability, objective: 99.5, window: 7d }
`,
    'perf.config.yaml',
  );

const userError = (f: () => void): { message: string; exitCode: number } => {
  try {
    f();
  } catch (err) {
    if (isPerfError(err)) return { message: err.message, exitCode: err.exitCode };
    throw err;
  }
  throw new Error('no error');
};

describe('--k8s: secrets stay out of the manifests', () => {
  it('names every variable the script reads (headers, paths, bodies) as the Secret\'s keys', () => {
    expect(runnerSecretEnv(config('{ Authorization: "Bearer ${API_TOKEN}" }', '{ Cookie: "sid=${SESSION}" }'))).toEqual(['API_TOKEN', 'CSRF', 'QUERY', 'SESSION']);
  });

  it.each([
    ['{ Authorization: "Bearer abc123" }', '{}', 'target.headers.Authorization'],
    ['{}', '{ Cookie: "sid=abc" }', 'journeys[0].steps[0].headers.Cookie'],
    ['{ X-Api-Key: k-42 }', '{}', 'target.headers.X-Api-Key'],
  ])('refuses a literal secret header (%s %s) naming where it is (exit 2)', (headers, step, where) => {
    const e = userError(() => checkNoInlineSecrets(config(headers, step)));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`${where} holds a literal secret: --k8s would write it into the script's ConfigMap, readable by anyone who can read ConfigMaps`);
  });

  it('accepts secret headers written as ${NAME} and plain headers written literally', () => {
    expect(() => checkNoInlineSecrets(config('{ Authorization: "Bearer ${API_TOKEN}", Accept: application/json }'))).not.toThrow();
  });

  it('refuses credentials in the base URL', () => {
    const c = parseConfig('target: { baseUrl: "http://u:pw@orders.svc" }\njourneys: [{ name: a, steps: [{ path: / }] }]\n', 'perf.config.yaml');
    expect(userError(() => checkNoInlineSecrets(c)).message).toMatch(/^target.baseUrl holds credentials/);
  });

  it('gives the collector a valid config with the SLOs and the journeys by name, without headers or bodies', () => {
    const c = config('{ Authorization: "Bearer ${API_TOKEN}" }');
    const text = collectorConfigText(c, [{ name: 'availability', sli: 'availability', objective: 99.5, window: '7d' }]);
    expect(text).not.toMatch(/API_TOKEN|Authorization|CSRF|QUERY/);
    const back = parseConfig(text, 'collector/perf.config.yaml');
    expect(back.slos).toEqual(c.slos);
    expect(back.journeys.map((j) => [j.name, j.weight])).toEqual([['browse', 3], ['buy', 1]]);
  });
});
