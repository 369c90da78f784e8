/**
 * What every synthesising use case (analyze, plan, compare) shares: the agent that writes the
 * narrative, the free-text guidance and the secrets redacted from both before any provider sees them.
 */
import type { AgentConfig, PerfConfig } from '../core/config/types.js';
import type { SecretSet } from '../core/redact.js';
import { configSecrets } from './secrets.js';

const DEFAULT_AGENT: AgentConfig = { provider: 'deterministic', timeoutMs: 60_000, retries: 2 };

export interface SynthesisContext {
  config?: PerfConfig;
  guidance?: string;
  secrets?: SecretSet;
  /** Agent override (tests, --agent); else the config's agent; else deterministic. */
  agent?: AgentConfig;
}

export function agentOf(ctx: SynthesisContext): AgentConfig {
  return ctx.agent ?? ctx.config?.agent ?? DEFAULT_AGENT;
}

export function secretsOf(ctx: SynthesisContext): SecretSet {
  return ctx.secrets ?? configSecrets(ctx.config);
}
