import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../../core/errors.js';

/** The flow's seven strategic questions (--interactive), keyed as in an --answers file. */
export const QUESTIONS = [
  { key: 'issue', text: 'Q1: What performance issue are you addressing?', hint: 'slow response times, high costs, capacity limits' },
  { key: 'baseline', text: "Q2: What's your current performance baseline?", hint: 'p95 latency, throughput, error rate' },
  { key: 'target', text: "Q3: What's your target performance improvement?", hint: 'reduce latency by 50%, double throughput' },
  { key: 'suspects', text: 'Q4: Where do you suspect bottlenecks?', hint: 'database, API calls, frontend, infrastructure' },
  { key: 'monitoring', text: "Q5: What's your monitoring maturity?", hint: 'APM tools, metrics collection, observability stack' },
  { key: 'investment', text: "Q6: What's your acceptable optimization investment?", hint: 'dev time budget, infrastructure cost changes' },
  { key: 'timeline', text: "Q7: What's your timeline pressure?", hint: 'emergency fix vs. proactive optimization' },
] as const;

export type AnswerKey = (typeof QUESTIONS)[number]['key'];
export type Answers = Partial<Record<AnswerKey, string>>;

/** Structured guidance synthesised from the answers: depth, rigor, risk tolerance. */
export interface StructuredGuidance {
  text: string;
  depth: 'quick-wins' | 'comprehensive';
  rigor: 'basic' | 'extensive';
  risk: 'safe' | 'aggressive';
  answers: Answers;
}

export function structureAnswers(a: Answers): StructuredGuidance {
  const timeline = (a.timeline ?? '').toLowerCase();
  const investment = (a.investment ?? '').toLowerCase();
  const monitoring = (a.monitoring ?? '').toLowerCase();
  const emergency = /emergenc|urgent|asap|now|today|critical/.test(timeline);
  const smallBudget = /\b(hour|hours|1 day|one day|small|minimal|low|none|no)\b/.test(investment);
  return {
    text: [a.issue, a.target, a.suspects && `suspected: ${a.suspects}`].filter(Boolean).join('; '),
    depth: emergency || smallBudget ? 'quick-wins' : 'comprehensive',
    rigor: emergency ? 'basic' : /apm|prometheus|grafana|datadog|tracing|observab/.test(monitoring) || /weeks?|month|proactive/.test(timeline) ? 'extensive' : 'basic',
    risk: emergency ? 'safe' : /aggressive|large|weeks?|month/.test(investment) ? 'aggressive' : 'safe',
    answers: a,
  };
}

/** Reads answers from a YAML file: keys issue, baseline, target, suspects, monitoring, investment, timeline (or q1..q7). */
export function readAnswersFile(file: string): Answers {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'answers file not found' : `answers file is not valid YAML: ${(err as Error).message.split('\n')[0]}`, {
      where: file,
      fix: 'write a YAML map with keys issue, baseline, target, suspects, monitoring, investment, timeline',
    });
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserError('answers file must be a YAML map', { where: file, fix: 'e.g. "issue: slow checkout" on its own line, one key per question' });
  }
  const out: Answers = {};
  const known = new Set<string>(QUESTIONS.map((q) => q.key));
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const key = /^q[1-7]$/i.test(k) ? QUESTIONS[Number(k.slice(1)) - 1]!.key : k;
    if (!known.has(key)) {
      throw new UserError(`unknown answer key "${k}"`, { where: file, fix: `use ${QUESTIONS.map((q) => q.key).join(', ')} (or q1..q7)` });
    }
    if (v !== null && v !== undefined) out[key as AnswerKey] = String(v);
  }
  return out;
}

/** Asks the seven questions on a terminal. */
export async function askQuestions(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<Answers> {
  const rl = createInterface({ input, output });
  const out: Answers = {};
  try {
    output.write("I'll ask 7 strategic questions to tailor the performance optimization to your needs:\n");
    for (const q of QUESTIONS) {
      const a = (await rl.question(`${q.text}\n(${q.hint})\n> `)).trim();
      if (a) out[q.key] = a;
    }
  } finally {
    rl.close();
  }
  return out;
}
