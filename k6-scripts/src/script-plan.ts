/**
 * The data a generated k6 script runs: the journeys of the config (templates as written, parsed by
 * core/template.ts at k6's init), the SLO metrics, the base URL. The generator writes it as one JSON
 * literal; the runtime (k6-scripts/runtime/) executes it. Config text reaches k6 only inside this
 * data, never as code. Types only: both the Node generator and the k6 runtime import it.
 */

export type PlanMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export interface StepPlan {
  name: string;
  method: PlanMethod;
  /** Path (and query) template relative to the base URL. */
  path: string;
  /** Header templates: the target's headers, then the step's (the step wins). */
  headers: Record<string, string>;
  /** Body: none, a text template, or a JSON value whose strings are templates. */
  body: { kind: 'none' } | { kind: 'text'; template: string } | { kind: 'json'; value: unknown };
  expectStatus: number[];
  thinkTimeMs: number;
}

export interface JourneyPlan {
  name: string;
  weight: number;
  steps: StepPlan[];
  /** The journey's data file as k6 `open()`s it (relative to the bundled script). */
  data: { file: string; format: 'csv' | 'json' } | null;
}

/**
 * One SLO as the script measures it: every request in its scope (its journey, or all) adds one
 * sample to `badMetric` (a Rate: true for a bad event of `rule` — a status the step does not expect
 * or, for a latency SLI, a request slower than `thresholdMs`), and `eventsMetric` (a Counter seeded
 * with 0 in setup) counts them, so a run without requests fails its threshold instead of passing an
 * empty one.
 */
export interface SloPlan {
  name: string;
  journey: string | null;
  badMetric: string;
  eventsMetric: string;
  /** What the error budget's bad-event rule needs (analyzers/slo/error-budget.ts `BudgetSlo`). */
  rule: { sli: 'latency' | 'availability' | 'error-rate'; objective: number; thresholdMs?: number };
}

export interface ScriptPlan {
  /** Normalised base URL; `PERF_BASE_URL` in k6's environment replaces it. */
  baseUrl: string;
  journeys: JourneyPlan[];
  slos: SloPlan[];
  /** Environment variables the templates read: checked at k6's init so a missing one fails at once. */
  env: string[];
  /**
   * The leading warm-up of the script's own scenario: its requests carry the tag `phase: warmup`
   * (all others `phase: measured`), feed no SLO metric, and the thresholds and perf's readers skip
   * them. Under `k6 run --vus N --duration D` (k6's "default" scenario) nothing is warm-up.
   */
  warmup: { scenario: string; ms: number } | null;
}
