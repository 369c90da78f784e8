import { UserError } from '../errors.js';
import { parseTemplate } from '../template.js';

/**
 * Resolves `${ENV_VAR}` references in header templates at run time (syntax: core/template.ts);
 * `{{column}}` placeholders stay as written for the request builder to fill from the data row. The
 * result holds secrets: pass it to the load generator only, never to an artifact, a log line or an
 * agent prompt.
 */
export function resolveHeaders(
  templates: Record<string, string>,
  where: string,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, template] of Object.entries(templates)) out[name] = resolveEnvRefs(template, `header "${name}"`, `${where}.${name}`, env);
  return out;
}

/** One template with its `${ENV}` parts resolved and `{{column}}` kept; an unset variable is a UserError naming it. */
function resolveEnvRefs(template: string, what: string, where: string, env: NodeJS.ProcessEnv): string {
  return parseTemplate(template)
    .map((p) => {
      if ('text' in p) return p.text;
      if ('field' in p) return `{{${p.field}}}`;
      const v = env[p.env];
      if (v === undefined) throw new UserError(`${what} references \${${p.env}}, which is not set`, { where, fix: `export ${p.env}=... before running perf` });
      return v;
    })
    .join('');
}

/**
 * The target database URL with `${ENV_VAR}`s resolved (the one template parser): a secret, it usually
 * holds a password. Pass it to the driver only; add it to a SecretSet before anything is printed.
 */
export function resolveDatabaseUrl(template: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolveEnvRefs(template, 'target.database.postgres', 'target.database.postgres', env);
}
