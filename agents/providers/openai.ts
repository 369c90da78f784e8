import { ProviderError, type Provider } from '../types.js';
import { apiUrl, postJson } from './http.js';

/** Any OpenAI-compatible `/v1/chat/completions` server: OpenAI, Ollama, vLLM, llama.cpp server. */
export function openaiProvider(opts: { baseUrl?: string; model?: string; apiKey?: string }): Provider {
  const url = apiUrl(opts.baseUrl ?? 'https://api.openai.com', '/v1/chat/completions');
  return {
    name: 'openai',
    async complete(prompt, signal) {
      const reply = (await postJson(
        url,
        opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {},
        {
          model: opts.model ?? 'gpt-4o-mini',
          temperature: 0,
          messages: [
            { role: 'system', content: prompt.system },
            { role: 'user', content: prompt.user },
          ],
        },
        signal,
      )) as { choices?: Array<{ message?: { content?: unknown } }> };
      const content = reply?.choices?.[0]?.message?.content;
      if (typeof content !== 'string' || content.trim() === '') throw new ProviderError('malformed reply: no choices[0].message.content', false);
      return content;
    },
  };
}
