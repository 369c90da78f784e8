/**
 * What `perf loadtest --k8s` takes from the config besides the script, so that no secret is ever
 * written into a manifest: the environment variables the script's `${NAME}` templates read (headers,
 * paths, bodies) reach the runner pods from a Kubernetes Secret the user creates (secretKeyRef), a
 * secret header written literally in the config is refused (exit 2), and the collector gets a config
 * with the SLOs and the journeys' names only. PURE.
 */
import { stringify } from 'yaml';
import type { PerfConfig } from '../../../core/config/types.js';
import { UserError } from '../../../core/errors.js';
import { isSecretHeader } from '../../../core/redact.js';
import { parseTemplate, templateEnv } from '../../../core/template.js';
import { scriptPlan } from '../script-source.js';

/** The environment variables the script reads (its `${NAME}` templates), sorted: the Secret's keys. */
export function runnerSecretEnv(config: PerfConfig): string[] {
  return scriptPlan(config, {}).env;
}

/** Refuses a secret header (Authorization, Cookie, API key) or URL credentials written literally: they would land in the ConfigMap. */
export function checkNoInlineSecrets(config: PerfConfig): void {
  const headers = [
    ...Object.entries(config.target.headers).map(([name, value]) => ({ where: `target.headers.${name}`, name, value })),
    ...config.journeys.flatMap((j, ji) => j.steps.flatMap((s, si) => Object.entries(s.headers).map(([name, value]) => ({ where: `journeys[${ji}].steps[${si}].headers.${name}`, name, value })))),
  ];
  for (const h of headers) {
    if (isSecretHeader(h.name) && templateEnv(parseTemplate(h.value)).length === 0) {
      const env = h.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
      throw new UserError(`${h.where} holds a literal secret: --k8s would write it into the script's ConfigMap, readable by anyone who can read ConfigMaps`, {
        where: h.where,
        fix: `write it as "\${${env}}" (e.g. "Bearer \${${env}}"): the runners then read ${env} from the Kubernetes Secret the README's "More than one machine" section creates`,
      });
    }
  }
  const url = new URL(config.target.baseUrl);
  if (url.username || url.password) {
    throw new UserError('target.baseUrl holds credentials (user:password@): --k8s would write them into the TestRun', {
      where: 'target.baseUrl',
      fix: 'drop them from the URL and send them in a header written as "${NAME}" (e.g. Authorization: "Basic ${BASIC_AUTH}")',
    });
  }
}

/**
 * The collector's perf.config.yaml: the SLOs it judges and the journeys' names and weights (the
 * artifact's per-journey rows). The collector sends no request: no headers, bodies, data files.
 */
export function collectorConfigText(config: PerfConfig, rawSlos: unknown): string {
  const doc = {
    target: { baseUrl: config.target.baseUrl },
    journeys: config.journeys.map((j) => ({ name: j.name, weight: j.weight, steps: [{ path: '/' }] })),
    ...(rawSlos !== undefined ? { slos: rawSlos } : {}),
  };
  return `# perf collect's config, written by perf loadtest --k8s: the SLOs of the run; journeys by name only.\n${stringify(doc, { lineWidth: 0 })}`;
}
