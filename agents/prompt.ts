import type { SecretSet } from '../core/redact.js';
import { promptData } from './aggregates.js';
import type { SynthesisKind } from './types.js';

const TASK: Record<SynthesisKind, string> = {
  bottlenecks:
    'Write the narrative of a bottleneck analysis: a "## Summary" of the main root causes in plain language, and a "## Recommendations" section saying where to start and why, referring to bottleneck ids (B1, B2…).',
  plan: 'Write the narrative of an optimisation plan: a "## Approach" section explaining the order of the items (P1, P2…) given the guidance, and a "## Risks" section.',
  summary:
    'Write the narrative of a before/after optimisation summary: an "## Outcome" section and a "## Next steps" section. Say plainly when nothing improved or something regressed; recommend rollback only for a regression (no change may mean nothing was changed), and never claim a change whose verdict is "unconfirmed".',
};

/**
 * The prompt of a synthesis: instructions plus the aggregates as JSON. Aggregates only (no raw
 * samples), every known secret redacted. The model must not invent numbers.
 */
export function buildPrompt(kind: SynthesisKind, aggregates: unknown, guidance: string, secrets: SecretSet): { system: string; user: string } {
  const system =
    'You are a performance engineer writing part of a report. Every number you mention must appear in the JSON data you are given; never invent figures. Reply with markdown only, using level-2 headings ("## ") for sections, no preamble.';
  const user = [
    TASK[kind],
    guidance ? `User guidance: ${secrets.redact(guidance)}` : 'User guidance: none',
    'Data (computed by perf analyzers):',
    '```json',
    promptData(aggregates, secrets),
    '```',
  ].join('\n');
  return { system, user };
}

/** Splits a markdown reply into `## ` sections; text before the first heading becomes "Narrative". */
export function parseSections(markdown: string): Array<{ title: string; markdown: string }> {
  const out: Array<{ title: string; markdown: string }> = [];
  let title = 'Narrative';
  let buf: string[] = [];
  const flush = (): void => {
    const text = buf.join('\n').trim();
    if (text) out.push({ title, markdown: text });
  };
  for (const line of markdown.replace(/\r\n/g, '\n').split('\n')) {
    const m = /^#{1,2}\s+(.+?)\s*#*$/.exec(line);
    if (m) {
      flush();
      title = m[1] as string;
      buf = [];
    } else buf.push(line);
  }
  flush();
  return out;
}
