import { parseAllDocuments } from 'yaml';
import { tryParseDuration } from '../../core/duration.js';
import { UserError } from '../../core/errors.js';
import { dec } from './decimal.js';
import type { EvalSlo } from './model.js';

/**
 * OpenSLO v1 (https://github.com/OpenSLO/OpenSLO) → SLOs perf can evaluate. Supported subset:
 * `kind: SLO` with an inline `indicator` or an `indicatorRef` to a `kind: SLI` in the same file;
 * SLI `ratioMetric` (good/total → availability, bad/total → error-rate) and `thresholdMetric`
 * (latency, with `objectives[].op` lt/lte and `value` in ms); `timeWindow[0].duration`;
 * `budgetingMethod: Occurrences`; `objectives[].target` (0-1) or `targetPercent`.
 * `kind: Service` and `kind: DataSource` documents are accepted and ignored (they change no number).
 * Anything else is an error naming the construct.
 *
 * Journey filter: `metadata.labels.journey` of the SLO or the SLI, or `journey` in a metric source's
 * `spec` (e.g. `metricSource: {type: k6, spec: {journey: checkout}}`).
 */
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const SLO_SPEC_KEYS = new Set(['description', 'service', 'indicator', 'indicatorRef', 'timeWindow', 'budgetingMethod', 'objectives', 'alertPolicies']);
const SLI_SPEC_KEYS = new Set(['ratioMetric', 'thresholdMetric']);
const OBJECTIVE_KEYS = new Set(['displayName', 'target', 'targetPercent', 'op', 'value']);
const IGNORED_KINDS = new Set(['Service', 'DataSource']);

export function parseOpenSlo(text: string, file: string): EvalSlo[] {
  let docs: unknown[];
  try {
    const parsed = parseAllDocuments(text);
    const list = Array.isArray(parsed) ? parsed : [parsed];
    for (const d of list) {
      if (d.errors.length > 0) throw new UserError(`${file} is not valid YAML: ${d.errors[0]!.message.split('\n')[0]}`, { where: file, fix: 'fix the YAML syntax' });
    }
    docs = list.map((d) => d.toJS()).filter((d) => d !== null && d !== undefined);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`, { where: file, fix: 'fix the YAML syntax' });
  }
  // a single YAML document may hold a list of OpenSLO objects
  docs = docs.flatMap((d) => (Array.isArray(d) ? d : [d]));
  if (docs.length === 0) throw new UserError(`${file} holds no OpenSLO documents`, { where: file, fix: 'add a "kind: SLO" document' });

  const slis = new Map<string, Record<string, unknown>>();
  const slos: Array<{ doc: Record<string, unknown>; where: string }> = [];
  docs.forEach((d, i) => {
    const where = `${file} (document ${i + 1})`;
    if (!isObj(d)) throw new UserError('an OpenSLO document must be a mapping', { where, fix: 'see https://github.com/OpenSLO/OpenSLO#slo' });
    if (d.apiVersion !== 'openslo/v1') {
      throw new UserError(`unsupported apiVersion ${JSON.stringify(d.apiVersion ?? null)}: perf reads openslo/v1`, {
        where,
        fix: d.apiVersion === 'openslo/v1alpha' ? 'convert the file to openslo/v1 (oslo convert)' : 'set "apiVersion: openslo/v1"',
      });
    }
    const name = isObj(d.metadata) && typeof d.metadata.name === 'string' ? d.metadata.name : undefined;
    if (d.kind === 'SLI') {
      if (!name) throw new UserError('an SLI needs metadata.name', { where, fix: 'name it so an SLO can reference it with indicatorRef' });
      slis.set(name, d);
    } else if (d.kind === 'SLO') slos.push({ doc: d, where });
    else if (typeof d.kind === 'string' && IGNORED_KINDS.has(d.kind)) return;
    else {
      throw new UserError(`OpenSLO kind ${JSON.stringify(d.kind ?? null)} is not supported`, {
        where,
        fix: 'perf evaluates kind SLO (with SLI); remove AlertPolicy/AlertCondition/AlertNotificationTarget documents or keep them in another file',
      });
    }
  });
  if (slos.length === 0) throw new UserError(`${file} has no "kind: SLO" document`, { where: file, fix: 'add an SLO document' });
  return slos.flatMap(({ doc, where }) => sloFromDoc(doc, where, slis));
}

function unsupportedKeys(obj: Record<string, unknown>, allowed: Set<string>, path: string, where: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.has(k)) {
      throw new UserError(`OpenSLO ${path}.${k} is not supported`, { where, fix: `perf supports ${[...allowed].map((a) => `${path}.${a}`).join(', ')}` });
    }
  }
}

function labelJourney(meta: unknown): string | undefined {
  if (!isObj(meta) || !isObj(meta.labels)) return undefined;
  const j = meta.labels.journey;
  if (typeof j === 'string') return j;
  if (Array.isArray(j) && typeof j[0] === 'string') return j[0];
  return undefined;
}

function sourceJourney(metric: unknown): string | undefined {
  if (!isObj(metric) || !isObj(metric.metricSource) || !isObj(metric.metricSource.spec)) return undefined;
  const j = metric.metricSource.spec.journey;
  return typeof j === 'string' ? j : undefined;
}

function sloFromDoc(doc: Record<string, unknown>, where: string, slis: Map<string, Record<string, unknown>>): EvalSlo[] {
  const name = isObj(doc.metadata) && typeof doc.metadata.name === 'string' ? doc.metadata.name : null;
  if (!name) throw new UserError('an SLO needs metadata.name', { where, fix: 'add metadata.name' });
  const at = `${where}, SLO "${name}"`;
  if (!isObj(doc.spec)) throw new UserError('the SLO has no spec', { where: at, fix: 'add spec with indicator, timeWindow, budgetingMethod and objectives' });
  const spec = doc.spec;
  unsupportedKeys(spec, SLO_SPEC_KEYS, 'spec', at);
  if (spec.alertPolicies !== undefined && !(Array.isArray(spec.alertPolicies) && spec.alertPolicies.length === 0)) {
    throw new UserError('OpenSLO spec.alertPolicies is not supported (perf applies the SRE workbook burn-rate alerts itself)', { where: at, fix: 'remove spec.alertPolicies' });
  }
  if (spec.budgetingMethod !== 'Occurrences') {
    throw new UserError(`budgetingMethod ${JSON.stringify(spec.budgetingMethod ?? null)} is not supported`, {
      where: at,
      fix: 'perf counts events: use "budgetingMethod: Occurrences" (Timeslices and RatioTimeslices are not supported)',
    });
  }
  let sli: Record<string, unknown>;
  let sliMeta: unknown;
  if (spec.indicator !== undefined && spec.indicatorRef !== undefined) throw new UserError('the SLO has both indicator and indicatorRef', { where: at, fix: 'keep one' });
  if (isObj(spec.indicator)) {
    if (!isObj(spec.indicator.spec)) throw new UserError('spec.indicator has no spec', { where: at, fix: 'add indicator.spec.ratioMetric or thresholdMetric' });
    sli = spec.indicator.spec;
    sliMeta = spec.indicator.metadata;
  } else if (typeof spec.indicatorRef === 'string') {
    const ref = slis.get(spec.indicatorRef);
    if (!ref || !isObj(ref.spec)) {
      throw new UserError(`indicatorRef "${spec.indicatorRef}" names no SLI in this file`, { where: at, fix: `add a "kind: SLI" document named ${spec.indicatorRef}` });
    }
    sli = ref.spec;
    sliMeta = ref.metadata;
  } else throw new UserError('the SLO has neither indicator nor indicatorRef', { where: at, fix: 'add spec.indicator or spec.indicatorRef' });
  unsupportedKeys(sli, SLI_SPEC_KEYS, 'indicator.spec', at);

  if (!Array.isArray(spec.timeWindow) || spec.timeWindow.length !== 1 || !isObj(spec.timeWindow[0])) {
    throw new UserError('spec.timeWindow must list exactly one window', { where: at, fix: 'e.g. timeWindow: [{duration: 28d, isRolling: true}]' });
  }
  const tw = spec.timeWindow[0];
  const window = typeof tw.duration === 'string' ? tw.duration : '';
  const windowMs = tryParseDuration(window);
  if (!windowMs) throw new UserError(`timeWindow duration ${JSON.stringify(tw.duration ?? null)} is not a duration perf understands`, { where: at, fix: 'use e.g. 28d, 7d, 1h (months "M" and years "Y" are not supported)' });
  if (isObj(tw.calendar)) throw new UserError('calendar-aligned timeWindow is not supported', { where: at, fix: 'use a rolling window (isRolling: true)' });

  let sliKind: EvalSlo['sli'];
  const metricJourney = (m: unknown) => sourceJourney(m);
  let journey = labelJourney(doc.metadata) ?? labelJourney(sliMeta);
  if (sli.ratioMetric !== undefined) {
    if (sli.thresholdMetric !== undefined) throw new UserError('the SLI has both ratioMetric and thresholdMetric', { where: at, fix: 'keep one' });
    const r = sli.ratioMetric;
    if (!isObj(r)) throw new UserError('ratioMetric must be a mapping', { where: at });
    if (isObj(r.raw) || r.rawType !== undefined) throw new UserError('ratioMetric.raw is not supported', { where: at, fix: 'use good/total or bad/total' });
    if (!isObj(r.total)) throw new UserError('ratioMetric needs total', { where: at, fix: 'add ratioMetric.total' });
    if (isObj(r.good) === isObj(r.bad)) throw new UserError('ratioMetric needs exactly one of good and bad', { where: at, fix: 'good/total → availability, bad/total → error rate' });
    sliKind = isObj(r.good) ? 'availability' : 'error-rate';
    journey ??= metricJourney(r.good ?? r.bad) ?? metricJourney(r.total);
  } else if (sli.thresholdMetric !== undefined) {
    sliKind = 'latency';
    journey ??= metricJourney(sli.thresholdMetric);
  } else throw new UserError('the SLI has neither ratioMetric nor thresholdMetric', { where: at, fix: 'add one of them' });

  if (!Array.isArray(spec.objectives) || spec.objectives.length === 0) throw new UserError('spec.objectives is empty', { where: at, fix: 'add objectives: [{target: 0.99, ...}]' });
  const objectives: unknown[] = spec.objectives;
  return objectives.map((o, i): EvalSlo => {
    const oat = `${at}, objectives[${i}]`;
    if (!isObj(o)) throw new UserError('an objective must be a mapping', { where: oat });
    unsupportedKeys(o, OBJECTIVE_KEYS, `objectives[${i}]`, at);
    let target: number;
    if (typeof o.target === 'number') target = o.target;
    else if (typeof o.targetPercent === 'number') target = o.targetPercent / 100;
    else throw new UserError('the objective has no target', { where: oat, fix: 'add target: 0.99 (a fraction) or targetPercent: 99' });
    if (!(target > 0 && target <= 1)) throw new UserError(`target ${target} is outside (0, 1]`, { where: oat, fix: 'write a fraction such as 0.999' });
    const objective = dec(target * 100);
    const slo: EvalSlo = {
      name: objectives.length > 1 ? `${name}/${typeof o.displayName === 'string' ? o.displayName : i}` : name,
      sli: sliKind,
      objective,
      window,
      windowMs,
    };
    if (journey) slo.journey = journey;
    if (sliKind === 'latency') {
      if (o.op !== 'lte' && o.op !== 'lt') {
        throw new UserError(`objective op ${JSON.stringify(o.op ?? null)} is not supported for a latency threshold`, { where: oat, fix: 'use op: lte (or lt) with value in milliseconds' });
      }
      if (typeof o.value !== 'number' || !(o.value > 0)) throw new UserError('the objective value must be a positive number of milliseconds', { where: oat });
      slo.thresholdMs = o.value;
      // "99 % of requests within 300 ms" is "p99 <= 300 ms".
      slo.percentile = objective;
    } else if (o.op !== undefined || o.value !== undefined) {
      throw new UserError('objectives[].op/value only apply to a thresholdMetric SLI', { where: oat, fix: 'remove op and value from a ratioMetric objective' });
    }
    return slo;
  });
}
