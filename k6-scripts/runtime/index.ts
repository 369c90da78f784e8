/**
 * The runtime of generated k6 scripts: `createScript(plan)` (in the init context) loads the test
 * data, parses the templates and returns the functions the script exports: `journeyMix` (the
 * scenario's exec, also the default export, so `k6 run --vus 2 --duration 10s script.js` works) and
 * `setup` (checks the environment variables the templates read, seeds the SLO event counters). Bundled with esbuild into each script (k6-scripts/src/bundle.ts); k6 modules stay external.
 */
import exec from 'k6/execution';
import type { JourneyPlan, ScriptPlan } from '../src/script-plan.js';
import { loadRows } from './data.js';
import { pickByWeight } from './mix.js';
import { SloMeters } from './slo-metrics.js';
import { compileStep, runStep, thinkTime, type CompiledStep, type DataRow, type Response } from './steps.js';

/** perf's k6 extension (k6/x/perf), when the script was generated for bin/k6. */
export interface PerfExtension {
  journey<T>(name: string, fn: () => T): T;
  serverTiming(res: Response): unknown;
}

interface CompiledJourney {
  name: string;
  weight: number;
  steps: CompiledStep[];
  rows: DataRow[] | null;
}

export interface Script {
  journeyMix(): void;
  setup(): void;
}

export function createScript(plan: ScriptPlan, ext?: PerfExtension): Script {
  const baseUrl = (__ENV.PERF_BASE_URL || plan.baseUrl).replace(/\/+$/, '');
  const journeys: CompiledJourney[] = plan.journeys.map((j: JourneyPlan) => ({
    name: j.name,
    weight: j.weight,
    steps: j.steps.map((s) => compileStep(j.name, s)),
    rows: loadRows(j),
  }));
  const slos = new SloMeters(plan.slos);
  const warmup = plan.warmup;
  /** In the leading warm-up of the script's own scenario (see ScriptPlan.warmup). */
  const inWarmup = (): boolean => warmup !== null && exec.scenario.name === warmup.scenario && Date.now() - exec.scenario.startTime < warmup.ms;

  const runJourney = (j: CompiledJourney, iteration: number): void => {
    const row = j.rows ? j.rows[iteration % j.rows.length] : undefined;
    const values = { env: __ENV, ...(row ? { row } : {}) };
    for (const step of j.steps) {
      const phase = inWarmup() ? 'warmup' : 'measured';
      const { res, expected } = runStep(j.name, step, baseUrl, values, phase);
      if (phase === 'measured') slos.record(j.name, expected, res.timings.duration);
      ext?.serverTiming(res);
      thinkTime(step);
    }
  };

  return {
    journeyMix(): void {
      const iteration = exec.scenario.iterationInTest;
      const j = pickByWeight(journeys, iteration);
      // journey() tags everything inside (checks, Server-Timing trends) with journey=<name>.
      if (ext) ext.journey(j.name, () => runJourney(j, iteration));
      else runJourney(j, iteration);
    },
    setup(): void {
      // Here rather than at init, so `k6 inspect` and `k6 archive` work without the secrets.
      const missing = plan.env.filter((name) => __ENV[name] === undefined);
      if (missing.length > 0) throw new Error(`environment variable(s) ${missing.join(', ')} not set: the journeys' templates read them (export them, or pass k6 run -e NAME=value)`);
      slos.seed();
    },
  };
}
