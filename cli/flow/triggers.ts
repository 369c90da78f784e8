import type { ScenarioName } from '../../core/config/types.js';

/** The seed's optimisation triggers: each sets the emphasis (guidance) and the default load-test scenarios. */
export const TRIGGERS = ['slo-breach', 'capacity-planning', 'cost-reduction', 'user-complaint', 'proactive', 'new-feature'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const TRIGGER_PROFILE: Record<Trigger, { emphasis: string; scenarios: ScenarioName[] }> = {
  'slo-breach': { emphasis: 'latency', scenarios: ['baseline'] },
  'capacity-planning': { emphasis: 'throughput capacity', scenarios: ['stress'] },
  'cost-reduction': { emphasis: 'cost throughput', scenarios: ['baseline'] },
  'user-complaint': { emphasis: 'latency api', scenarios: ['baseline', 'spike'] },
  proactive: { emphasis: '', scenarios: ['baseline'] },
  'new-feature': { emphasis: 'latency', scenarios: ['baseline', 'stress'] },
};
