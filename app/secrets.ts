import { resolveDatabaseUrl, resolveHeaders } from '../core/config/headers.js';
import type { PerfConfig } from '../core/config/types.js';
import { SecretSet } from '../core/redact.js';

/** Every resolved secret of a config (target and journey step headers, agent key, database URL), for redaction. */
export function configSecrets(config: PerfConfig | undefined, env: NodeJS.ProcessEnv = process.env): SecretSet {
  const secrets = new SecretSet();
  if (!config) return secrets;
  const add = (templates: Record<string, string>, where: string): void => {
    try {
      secrets.addHeaders(resolveHeaders(templates, where, env), templates);
    } catch {
      // An unset ${VAR} has no value to leak.
    }
  };
  add(config.target.headers, 'target.headers');
  config.journeys.forEach((j, i) => j.steps.forEach((s, k) => add(s.headers, `journeys[${i}].steps[${k}].headers`)));
  if (config.agent.apiKeyEnv) secrets.add(env[config.agent.apiKeyEnv]);
  if (config.target.database) {
    try {
      secrets.addDatabaseUrl(resolveDatabaseUrl(config.target.database.postgres, env));
    } catch {
      // Unset ${VAR}: nothing to leak.
    }
  }
  return secrets;
}
