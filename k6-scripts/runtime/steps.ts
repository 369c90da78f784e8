/**
 * One journey step as k6 runs it: the request rendered by core/step-request.ts (the same builder as
 * `perf baseline`) from the iteration's data row, sent with `journey`/`name` tags and the expected
 * statuses, then checked. Templates are parsed once, in the init context.
 */
import { check, sleep } from 'k6';
import http from 'k6/http';
import type { RefinedResponse, ResponseType } from 'k6/http';
import type { DataRow } from '../../core/data-rows.js';
import { compileStepRequest, type CompiledRequest } from '../../core/step-request.js';
import type { TemplateValues } from '../../core/template.js';
import type { StepPlan } from '../src/script-plan.js';

export type Response = RefinedResponse<ResponseType | undefined>;

export interface CompiledStep {
  plan: StepPlan;
  request: CompiledRequest;
  checkName: string;
  expected: ReturnType<typeof http.expectedStatuses>;
}

export function compileStep(journey: string, step: StepPlan): CompiledStep {
  return {
    plan: step,
    request: compileStepRequest({
      path: step.path,
      headers: step.headers,
      ...(step.body.kind === 'text' ? { body: step.body.template } : step.body.kind === 'json' ? { json: step.body.value } : {}),
    }),
    checkName: `${journey} ${step.name}: status ${step.expectStatus.join('|')}`,
    expected: http.expectedStatuses(...step.expectStatus),
  };
}

/** Sends one step; returns the response and whether its status was one the step expects. */
export function runStep(journey: string, step: CompiledStep, baseUrl: string, values: TemplateValues, phase: 'warmup' | 'measured'): { res: Response; expected: boolean } {
  const req = step.request.render(values);
  const res = http.request(step.plan.method, baseUrl + req.path, req.body, {
    headers: req.headers,
    tags: { journey, name: step.plan.name, phase },
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
