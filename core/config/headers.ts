import { UserError } from '../errors.js';

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Resolves `${ENV_VAR}` references in header templates at run time. The result holds secrets:
 * pass it to the load generator only, never to an artifact, a log line or an agent prompt.
 */
export function resolveHeaders(
  templates: Record<string, string>,
  where: string,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, template] of Object.entries(templates)) {
    out[name] = template.replace(ENV_REF, (_m, varName: string) => {
      const v = env[varName];
      if (v === undefined) {
        throw new UserError(`header "${name}" references \${${varName}}, which is not set`, {
          where: `${where}.${name}`,
          fix: `export ${varName}=... before running perf`,
        });
      }
      return v;
    });
  }
  return out;
}

/** Names of the env vars a set of header templates reads (for k6 scripts: read from __ENV). */
export function headerEnvRefs(templates: Record<string, string>): string[] {
  const names = new Set<string>();
  for (const t of Object.values(templates)) for (const m of t.matchAll(ENV_REF)) names.add(m[1] as string);
  return [...names];
}
