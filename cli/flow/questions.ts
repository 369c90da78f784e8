import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../../core/errors.js';
import { QUESTIONS, type AnswerKey, type Answers } from '../../app/flow/guidance.js';

export { structureAnswers, type Answers, type StructuredGuidance } from '../../app/flow/guidance.js';

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
