/**
 * The SLOs of the config as k6 metrics (see SloPlan): a bad-events Rate and an events Counter per
 * SLO, fed by every request in the SLO's scope, so the script's thresholds say what the SLO says.
 */
import { Counter, Rate } from 'k6/metrics';
import { isBadRequest } from '../../analyzers/slo/error-budget.js';
import type { SloPlan } from '../src/script-plan.js';

interface SloMeter {
  plan: SloPlan;
  bad: Rate;
  events: Counter;
}

export class SloMeters {
  private readonly meters: SloMeter[];

  constructor(slos: readonly SloPlan[]) {
    this.meters = slos.map((plan) => ({ plan, bad: new Rate(plan.badMetric), events: new Counter(plan.eventsMetric) }));
  }

  /** setup(): one zero sample per events Counter, so k6 evaluates its threshold even when nothing ran. */
  seed(): void {
    for (const m of this.meters) m.events.add(0);
  }

  /** One finished request of `journey`: `expected` is its status check, `durationMs` k6's http_req_duration. */
  record(journey: string, expected: boolean, durationMs: number): void {
    for (const m of this.meters) {
      if (m.plan.journey !== null && m.plan.journey !== journey) continue;
      m.bad.add(isBadRequest(m.plan.rule, { failed: !expected, durationMs }));
      m.events.add(1);
    }
  }
}
