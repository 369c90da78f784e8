import type { AgentConfig } from '../core/config/types.js';
import { SecretSet } from '../core/redact.js';
import { deterministicSections, type SynthesisInputs } from './deterministic.js';
import { buildPrompt, parseSections } from './prompt.js';
import { anthropicProvider } from './providers/anthropic.js';
import { commandProvider } from './providers/command.js';
import { openaiProvider } from './providers/openai.js';
import { ProviderError, type Provider, type SynthesisResult } from './types.js';

export interface SynthesiseOptions {
  agent: AgentConfig;
  /** Values that must never reach a prompt (resolved config headers, API keys). */
  secrets?: SecretSet;
  env?: NodeJS.ProcessEnv;
  /** First retry delay; doubles per attempt (default 500 ms). */
  backoffMs?: number;
  /** Sees each prompt as sent (tests, --debug). */
  onPrompt?: (prompt: { system: string; user: string }) => void;
}

function providerFor(agent: AgentConfig, env: NodeJS.ProcessEnv, secrets: SecretSet): Provider | null {
  const key = (name: string): string | undefined => {
    const v = env[agent.apiKeyEnv ?? name];
    secrets.add(v);
    return v;
  };
  switch (agent.provider) {
    case 'openai':
      return openaiProvider({ baseUrl: agent.baseUrl, model: agent.model, apiKey: key('OPENAI_API_KEY') });
    case 'anthropic':
      return anthropicProvider({ baseUrl: agent.baseUrl, model: agent.model, apiKey: key('ANTHROPIC_API_KEY') });
    case 'command':
      if (!agent.command) throw new ProviderError('agent.command is not set', false);
      return commandProvider({ command: agent.command });
    default:
      return null;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * synthesise(kind, aggregates, guidance) → markdown sections. The configured provider writes them
 * from a redacted, aggregates-only prompt, with a timeout per attempt and retries with exponential
 * backoff; on any failure the deterministic text is used and the result says so.
 */
export async function synthesise<K extends keyof SynthesisInputs>(
  kind: K,
  aggregates: SynthesisInputs[K],
  guidance: string,
  opts: SynthesiseOptions,
): Promise<SynthesisResult> {
  const deterministic = (): SynthesisResult => ({ provider: 'deterministic', sections: deterministicSections(kind, aggregates) });
  if (opts.agent.provider === 'deterministic') return deterministic();
  const secrets = opts.secrets ?? new SecretSet();
  let provider: Provider | null;
  try {
    provider = providerFor(opts.agent, opts.env ?? process.env, secrets);
  } catch (err) {
    return { ...deterministic(), fallback: { from: opts.agent.provider, reason: (err as Error).message, attempts: 0 } };
  }
  if (!provider) return deterministic();
  const prompt = buildPrompt(kind, aggregates, guidance, secrets);
  const backoff = opts.backoffMs ?? 500;
  let attempts = 0;
  let reason = 'no attempt made';
  for (let i = 0; i <= opts.agent.retries; i++) {
    if (i > 0) await sleep(backoff * 2 ** (i - 1));
    attempts++;
    opts.onPrompt?.(prompt);
    try {
      const text = await provider.complete(prompt, AbortSignal.timeout(opts.agent.timeoutMs));
      const sections = parseSections(secrets.redact(text));
      if (sections.length === 0) throw new ProviderError('malformed reply: no markdown text', false);
      return { provider: provider.name, ...(opts.agent.model ? { model: opts.agent.model } : {}), sections };
    } catch (err) {
      reason = err instanceof ProviderError ? err.message : `unexpected error: ${(err as Error).message}`;
      if (!(err instanceof ProviderError) || !err.retryable) break;
    }
  }
  return { ...deterministic(), fallback: { from: provider.name, reason: secrets.redact(reason), attempts } };
}
