/**
 * Payload shapes of the JSON artifacts, shared by the writers and every reader. Declared once, with
 * their runtime checks, in core/contract/artifacts.ts; this module keeps the names others import.
 */
export type {
  BaselineModel,
  BaselinePayload,
  Capacity,
  CapacityStep,
  GeneratorLoad,
  HeapSite,
  HotFunction,
  LoadFigures,
  LoadStage,
  LoadTestPayload,
  LoadWindow,
  ProfilePayload,
  SloAlert,
  SloPayload,
  SloResult,
  SloStatus,
} from '../contract/artifacts.js';
