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
}

/** A chart that could not be drawn from the given inputs, and why (shown in the report). */
export interface ChartNote {
  id: string;
  title: string;
  reason: string;
}

export type ChartOutcome = Chart | ChartNote;

export function isChart(c: ChartOutcome): c is Chart {
  return 'svg' in c;
}
