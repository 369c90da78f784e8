/**
 * The flow's guidance from the seven strategic questions (--interactive or --answers): the questions
 * and how answers become structured guidance (depth, rigor, risk). Pure: cli/flow/questions.ts asks
 * them on a terminal or reads them from a file.
 */
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
