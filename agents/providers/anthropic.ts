import { ProviderError, type Provider } from '../types.js';
import { apiUrl, postJson } from './http.js';

/** The Anthropic Messages API (`/v1/messages`). */
export function anthropicProvider(opts: { baseUrl?: string; model?: string; apiKey?: string }): Provider {
  const url = apiUrl(opts.baseUrl ?? 'https://api.anthropic.com', '/v1/messages');
  return {
    name: 'anthropic',
    async complete(prompt, signal) {
      const reply = (await postJson(
        url,
        { 'anthropic-version': '2023-06-01', ...(opts.apiKey ? { 'x-api-key': opts.apiKey } : {}) },
        {
          model: opts.model ?? 'claude-3-5-haiku-latest',
          max_tokens: 2048,
          system: prompt.system,
          messages: [{ role: 'user', content: prompt.user }],
        },
        signal,
      )) as { content?: Array<{ type?: string; text?: unknown }> };
      if (!Array.isArray(reply?.content)) throw new ProviderError('malformed reply: no content array', false);
      const text = reply.content
        .filter((c) => c.type === 'text' && typeof c.text === 'string')
        .map((c) => c.text as string)
        .join('\n');
      if (text.trim() === '') throw new ProviderError('malformed reply: no text content', false);
      return text;
    },
  };
}
