/**
 * One journey step as k6 runs it: the request rendered from its templates (core/template.ts) and the
 * iteration's data row, sent with `journey`/`name` tags and the expected statuses, then checked and
 * counted for the SLOs. Templates are parsed once, in the init context.
 */
import { check, sleep } from 'k6';
import http from 'k6/http';
import type { RefinedResponse, ResponseType } from 'k6/http';
import type { DataRow } from '../../core/data-rows.js';
import { bodyContext, parseTemplate, renderJson, renderTemplate, type Template, type TemplateValues } from '../../core/template.js';
import type { StepPlan } from '../src/script-plan.js';

export type Response = RefinedResponse<ResponseType | undefined>;

export interface CompiledStep {
  plan: StepPlan;
  path: Template;
  headers: Array<[string, Template]>;
  body: { kind: 'none' } | { kind: 'text'; template: Template; context: ReturnType<typeof bodyContext> } | { kind: 'json'; value: unknown };
  checkName: string;
  expected: ReturnType<typeof http.expectedStatuses>;
}

export function compileStep(journey: string, step: StepPlan): CompiledStep {
  const headers = { ...step.headers };
  if (step.body.kind === 'json' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  const body: CompiledStep['body'] =
    step.body.kind === 'text' ? { kind: 'text', template: parseTemplate(step.body.template), context: bodyContext(headers) } : step.body.kind === 'json' ? { kind: 'json', value: step.body.value } : { kind: 'none' };
  return {
    plan: step,
    path: parseTemplate(step.path),
    headers: Object.entries(headers).map(([k, v]) => [k, parseTemplate(v)]),
    body,
    checkName: `${journey} ${step.name}: status ${step.expectStatus.join('|')}`,
    expected: http.expectedStatuses(...step.expectStatus),
  };
}

export interface StepRequest {
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

export function renderStep(step: CompiledStep, baseUrl: string, values: TemplateValues): StepRequest {
  const headers: Record<string, string> = {};
  for (const [name, t] of step.headers) headers[name] = renderTemplate(t, values, 'header');
  let body: string | null = null;
  if (step.body.kind === 'text') body = renderTemplate(step.body.template, values, step.body.context);
  else if (step.body.kind === 'json') body = JSON.stringify(renderJson(step.body.value, values));
  return { url: baseUrl + renderTemplate(step.path, values, 'url'), headers, body };
}

/** Sends one step; returns the response and whether its status was one the step expects. */
export function runStep(journey: string, step: CompiledStep, baseUrl: string, values: TemplateValues): { res: Response; expected: boolean } {
  const req = renderStep(step, baseUrl, values);
  const res = http.request(step.plan.method, req.url, req.body, {
    headers: req.headers,
    tags: { journey, name: step.plan.name },
    responseCallback: step.expected,
  });
  const expected = step.plan.expectStatus.includes(res.status);
  check(res, { [step.checkName]: () => expected });
  return { res, expected };
}

export function thinkTime(step: CompiledStep): void {
  if (step.plan.thinkTimeMs > 0) sleep(step.plan.thinkTimeMs / 1000);
}

export type { DataRow };
