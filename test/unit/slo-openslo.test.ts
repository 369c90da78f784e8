import { describe, expect, it } from 'vitest';
import { parseOpenSlo } from '../../analyzers/slo/openslo.js';
import { UserError } from '../../core/errors.js';

const DAY = 86_400_000;

const ratio = `
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
  labels: { journey: checkout }
spec:
  service: shop
  indicator:
    metadata: { name: checkout-good }
    spec:
      ratioMetric:
        counter: true
        good: { metricSource: { type: k6, spec: { query: "http_req_failed == 0" } } }
        total: { metricSource: { type: k6, spec: { query: "http_reqs" } } }
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: good
      target: 0.999
`;

const threshold = `
apiVersion: openslo/v1
kind: SLI
metadata: { name: latency-sli }
spec:
  thresholdMetric:
    metricSource: { type: k6, spec: { metric: http_req_duration, journey: browse } }
---
apiVersion: openslo/v1
kind: Service
metadata: { name: shop }
spec: {}
---
apiVersion: openslo/v1
kind: SLO
metadata: { name: browse-latency }
spec:
  service: shop
  indicatorRef: latency-sli
  timeWindow: [{ duration: 7d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives:
    - { displayName: fast, op: lte, value: 300, target: 0.95 }
    - { displayName: tail, op: lt, value: 1000, targetPercent: 99.9 }
`;

describe('OpenSLO v1', () => {
  it('ratioMetric good/total is an availability SLO with the label journey', () => {
    expect(parseOpenSlo(ratio, 'slo.yaml')).toEqual([
      { name: 'checkout-availability', sli: 'availability', objective: 99.9, window: '28d', windowMs: 28 * DAY, journey: 'checkout' },
    ]);
  });

  it('ratioMetric bad/total is an error-rate SLO', () => {
    const [s] = parseOpenSlo(ratio.replace('good: {', 'bad: {'), 'slo.yaml');
    expect(s!.sli).toBe('error-rate');
  });

  it('thresholdMetric via indicatorRef: latency SLOs, one per objective, percentile = target', () => {
    expect(parseOpenSlo(threshold, 'slo.yaml')).toEqual([
      { name: 'browse-latency/fast', sli: 'latency', objective: 95, window: '7d', windowMs: 7 * DAY, journey: 'browse', thresholdMs: 300, percentile: 95 },
      { name: 'browse-latency/tail', sli: 'latency', objective: 99.9, window: '7d', windowMs: 7 * DAY, journey: 'browse', thresholdMs: 1000, percentile: 99.9 },
    ]);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['Timeslices', ratio.replace('Occurrences', 'Timeslices'), /budgetingMethod "Timeslices" is not supported/],
    ['AlertPolicy kind', `${ratio}\n---\napiVersion: openslo/v1\nkind: AlertPolicy\nmetadata: {name: a}\nspec: {}\n`, /kind "AlertPolicy" is not supported/],
    ['alertPolicies', ratio.replace('  budgetingMethod', '  alertPolicies: [x]\n  budgetingMethod'), /spec.alertPolicies is not supported/],
    ['timeSliceTarget', ratio.replace('target: 0.999', 'target: 0.999\n      timeSliceTarget: 0.9'), /objectives\[0\].timeSliceTarget is not supported/],
    ['raw ratio', ratio.replace('counter: true', 'counter: true\n        raw: { metricSource: {} }'), /ratioMetric.raw is not supported/],
    ['v1alpha', ratio.replace('openslo/v1', 'openslo/v1alpha'), /unsupported apiVersion "openslo\/v1alpha"/],
    ['dangling ref', threshold.replace('indicatorRef: latency-sli', 'indicatorRef: nope'), /indicatorRef "nope" names no SLI/],
    ['gte op', threshold.replace('op: lte', 'op: gte'), /op "gte" is not supported/],
    ['months', ratio.replace('28d', '1M'), /timeWindow duration "1M" is not a duration/],
    ['target > 1', ratio.replace('0.999', '99.9'), /target 99.9 is outside \(0, 1\]/],
    ['unknown spec key', ratio.replace('  service: shop', '  service: shop\n  foo: 1'), /spec.foo is not supported/],
    ['bad yaml', 'kind: [', /not valid YAML/],
    ['no SLO', 'apiVersion: openslo/v1\nkind: Service\nmetadata: {name: s}\n', /has no "kind: SLO" document/],
  ];
  for (const [name, text, re] of bad) {
    it(`rejects ${name} with a message naming it`, () => {
      let err: unknown;
      try {
        parseOpenSlo(text, 'slo.yaml');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(re);
    });
  }
});
