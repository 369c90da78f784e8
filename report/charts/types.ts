import type { ResourceLimits } from '../../core/contract/config.js';
import type { ReportKind } from '../inputs.js';

/** One rendered chart: the SVG and its text alternative, which the HTML shows as a caption. */
export interface Chart {
  /** Stable id: the SVG file name and the HTML anchor (`latency-over-time`). */
  id: string;
  title: string;
  svg: string;
  /** Key figures in plain sentences, for screen readers, `lynx` and the markdown. */
  summary: string;
  /** The artifact kind whose markdown report links the chart's .svg file. */
  kind: ReportKind;
  /** Run id of the artifact the chart was drawn from. */
  runId: string;
  /** The load-test scenario whose section the chart belongs in (none: the report-wide charts). */
  scenario?: string;
}

/** A chart that could not be drawn from the given inputs, and why (shown in the report). */
export interface ChartNote {
  id: string;
  title: string;
  reason: string;
  scenario?: string;
}

/** Where a load test's charts go: the scenario's section, with an id suffix when several scenarios share the page. */
export interface ChartPlacement {
  scenario?: string;
  idSuffix?: string;
  /** Resource limits to draw as lines (from the config, or the SLO check's record of them). */
  limits?: ResourceLimits | undefined;
}

export type ChartOutcome = Chart | ChartNote;

export function isChart(c: ChartOutcome): c is Chart {
  return 'svg' in c;
}

/** A chart's id (with the placement's suffix) and scenario. */
export function placed(id: string, place: ChartPlacement): { id: string; scenario?: string } {
  return { id: `${id}${place.idSuffix ?? ''}`, ...(place.scenario ? { scenario: place.scenario } : {}) };
}
