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
  for (const [name, template] of Object.entries(templates)) {
    out[name] = parseTemplate(template)
      .map((p) => {
        if ('text' in p) return p.text;
        if ('field' in p) return `{{${p.field}}}`;
        const v = env[p.env];
        if (v === undefined) {
          throw new UserError(`header "${name}" references \${${p.env}}, which is not set`, {
            where: `${where}.${name}`,
            fix: `export ${p.env}=... before running perf`,
          });
        }
        return v;
      })
      .join('');
  }
  return out;
}
