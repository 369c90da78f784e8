/**
 * What every step of `perf flow` shares: the options, the store, the output line, the step record
 * and the pending list (FlowContext), and what the steps found for the later ones (FlowFindings).
 */
import type { BottlenecksPayload } from '../../analyzers/bottlenecks/types.js';
import type { PlanPayload } from '../../analyzers/plan/plan.js';
import type { BeforeTarget } from '../../capture/baseline/confirm.js';
import type { RunBaselineOptions } from '../../capture/baseline/run-baseline.js';
import type { ArtifactStore } from '../../core/artifacts/store.js';
import type { PerfConfig, ScenarioName } from '../../core/config/types.js';
import type { FlowState } from './archive.js';
import type { StructuredGuidance } from './guidance.js';
import type { Trigger } from './triggers.js';

export interface FlowOptions {
  config: PerfConfig;
  store: ArtifactStore;
  trigger: Trigger;
  component?: string;
  guidance?: string;
  structured?: StructuredGuidance;
  /** Take the after-run now and compare it with the last archived before-run (steps 1–3 are not repeated). */
  after: boolean;
  quick: boolean;
  /** --quick: the budget of all load tests together (PERF_QUICK_TOTAL; default FLOW_QUICK_TOTAL_MS), split by test. */
  quickTotalMs?: number;
  /** Step 5's load tests in order (default: the trigger's, app/flow/triggers.ts). */
  scenarios?: ScenarioName[];
  /** Baseline/profile load: closed model with this many connections (default: perf baseline's choice). */
  connections?: number;
  /** Baseline measured duration. */
  durationMs?: number;
  /** Run the capacity search in the baseline (default true). */
  capacity?: boolean;
  /** --capacity: requests/s to use as the capacity instead of measuring it (baseline and load tests). */
  capacityRps?: number;
  skipLoadtest?: boolean;
  /** The command that takes this run's after-run (shown in a pending summary); default "perf flow --after". */
  afterCommand?: string;
  /** How to run the before version now, so claimed changes are re-measured on both sides (A B A B). */
  beforeTarget?: BeforeTarget;
  /** On a TTY: pause for the user to implement; resolve true to take the after-run now. Absent = never wait. */
  waitForImplementation?: () => Promise<boolean>;
  signal?: AbortSignal;
  say: (line: string) => void;
}

export type StepStatus = FlowState['steps'][number]['status'];

export interface FlowContext {
  o: FlowOptions;
  config: PerfConfig;
  store: ArtifactStore;
  say: (line: string) => void;
  /** A path as the user sees it (relative to the working directory). */
  show: (path: string) => string;
  /** Records a step's outcome in the flow state. */
  step: (n: number, name: string, status: StepStatus, note?: string) => void;
  steps: FlowState['steps'];
  /** What the user still has to do (the completion summary lists it; the flow status is PENDING). */
  pending: string[];
  guidance: string;
  /** --component when it names a journey: the baseline and profile load only it. */
  journeyFilter: string | undefined;
  scenarios: ScenarioName[];
  /** The baseline's options; an after-run repeats the before-run's load in them. */
  baselineOpts: RunBaselineOptions;
}

/** What earlier steps found, for the later ones. */
export interface FlowFindings {
  beforeBaseline: string | null;
  afterBaseline: string | null;
  plan?: PlanPayload;
  /** The before-run's archived plan (an after-run compares against it). */
  beforePlanFile?: string;
  analysis?: BottlenecksPayload;
}
