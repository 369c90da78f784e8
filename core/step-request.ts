/**
 * One journey step's HTTP request rendered from its templates (core/template.ts): the path (URL
 * escaping), headers (a JSON body adds Content-Type: application/json unless set), and the body (a
 * `json:` value rendered then JSON.stringify'd, or a `body:` text escaped for its Content-Type).
 * The same function builds the requests of `perf baseline` and of generated k6 scripts. Pure.
 */
import { bodyContext, parseTemplate, renderJson, renderTemplate, templateEnv, templateFields, type Template, type TemplateContext, type TemplateValues } from './template.js';

export interface StepRequestSpec {
  path: string;
  headers: Readonly<Record<string, string>>;
  body?: string | undefined;
  json?: unknown;
}

export interface RenderedRequest {
  /** Path and query, relative to the base URL. */
  path: string;
  headers: Record<string, string>;
  body: string | null;
}

export interface CompiledRequest {
  /** True when the request is the same every time (no placeholder anywhere). */
  static: boolean;
  render(values: TemplateValues): RenderedRequest;
}

export function compileStepRequest(spec: StepRequestSpec): CompiledRequest {
  const headers: Record<string, string> = { ...spec.headers };
  if (spec.json !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  const path = parseTemplate(spec.path);
  const headerTemplates: Array<[string, Template]> = Object.entries(headers).map(([k, v]) => [k, parseTemplate(v)]);
  const text: { template: Template; context: TemplateContext } | null = spec.body !== undefined && spec.json === undefined ? { template: parseTemplate(spec.body), context: bodyContext(headers) } : null;
  const hasPlaceholder = (t: Template): boolean => templateFields(t).length > 0 || templateEnv(t).length > 0;
  const isStatic =
    spec.json === undefined && [path, ...headerTemplates.map(([, t]) => t), ...(text ? [text.template] : [])].every((t) => !hasPlaceholder(t));
  return {
    static: isStatic,
    render(values) {
      const out: Record<string, string> = {};
      for (const [name, t] of headerTemplates) out[name] = renderTemplate(t, values, 'header');
      let body: string | null = null;
      if (spec.json !== undefined) body = JSON.stringify(renderJson(spec.json, values));
      else if (text) body = renderTemplate(text.template, values, text.context);
      return { path: renderTemplate(path, values, 'url'), headers: out, body };
    },
  };
}
