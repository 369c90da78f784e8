/** What an agent is asked to write: narrative for one report, from aggregates only. */
export type SynthesisKind = 'bottlenecks' | 'plan' | 'summary';

export interface Section {
  title: string;
  markdown: string;
}

export interface SynthesisResult {
  /** The provider whose text is in `sections`. */
  provider: 'deterministic' | 'openai' | 'anthropic' | 'command';
  model?: string;
  sections: Section[];
  /** Set when the configured provider failed and the deterministic text was used instead. */
  fallback?: { from: string; reason: string; attempts: number };
}

/** A provider turns a prompt into markdown, or throws a ProviderError. */
export interface Provider {
  name: SynthesisResult['provider'];
  complete(prompt: { system: string; user: string }, signal: AbortSignal): Promise<string>;
}

/** Provider failure; `retryable` failures (network, timeout, 429, 5xx) are retried with backoff. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
