import type { RuleId } from '../bottlenecks/catalogue.js';
import type { Bottleneck } from '../bottlenecks/types.js';

/**
 * Guidance that names what cannot change ("we cannot change json-server", "the database is off
 * limits", "without touching lowdb"). A plan item whose work lies inside such a component is either
 * re-targeted to the levers outside it (less work sent to it, a cache in front, more instances) or,
 * when there is no such lever, removed — and the plan says which and why. Pure.
 */

/** A component the guidance says cannot change: an npm package / service name, or the database. */
export interface Constraint {
  name: string;
  /** The guidance words it came from. */
  text: string;
}

const VERBS = '(?:change|modify|touch|edit|alter|patch|fork|rewrite|replace)';
const NAME = '((?:@[\\w.-]+\\/)?[\\w][\\w.-]*)';
const PATTERNS: RegExp[] = [
  new RegExp(`\\b(?:cannot|can ?not|can't|cant|must not|mustn't|do not|don't|won't|will not|may not|not allowed to|unable to)\\s+(?:be\\s+)?${VERBS}(?:\\s+(?:the|our|any|its))?\\s+${NAME}`, 'gi'),
  new RegExp(`\\bwithout\\s+(?:changing|modifying|touching|editing|altering|patching)(?:\\s+(?:the|our|any))?\\s+${NAME}`, 'gi'),
  new RegExp(`\\bno\\s+changes?\\s+(?:to|in)(?:\\s+(?:the|our))?\\s+${NAME}`, 'gi'),
  new RegExp(`\\b${NAME}\\s+(?:cannot|can ?not|can't|must not|may not)\\s+be\\s+(?:changed|modified|touched|edited|altered)`, 'gi'),
  new RegExp(`\\b${NAME}\\s+is\\s+(?:off[- ]limits|frozen|read[- ]only|third[- ]party|not ours)`, 'gi'),
];
const NOT_A_NAME = new Set(['it', 'this', 'that', 'them', 'anything', 'code', 'the', 'our', 'we', 'you', 'api']);

export function guidanceConstraints(guidance: string): Constraint[] {
  const out: Constraint[] = [];
  for (const re of PATTERNS) {
    for (const m of guidance.matchAll(re)) {
      const name = (m[1] as string).replace(/[.,;:]+$/, '').toLowerCase();
      if (NOT_A_NAME.has(name) || out.some((c) => c.name === name)) continue;
      out.push({ name, text: m[0].trim() });
    }
  }
  return out;
}

const DATABASE = new Set(['database', 'db', 'schema', 'postgres', 'postgresql', 'mysql', 'sqlite', 'indexes', 'index']);

/** True when the finding's work lies inside the constrained component (its package, a caller package, a location, or the database). */
export function touches(b: Bottleneck, c: Constraint): boolean {
  if (DATABASE.has(c.name)) return b.rule.startsWith('db-');
  const n = c.name;
  if (b.owner.package?.toLowerCase() === n || b.owner.via.some((v) => v.toLowerCase() === n)) return true;
  // App-owned work is the user's own code, whatever package it calls.
  if (b.owner.kind === 'app') return false;
  return b.evidence.some((e) => e.location !== undefined && new RegExp(`[\\\\/]node_modules[\\\\/]${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\\\/]`, 'i').test(e.location));
}

/** The levers outside a component for each kind of work, or null when there is none worth planning. */
export const OUTSIDE_LEVERS: Record<RuleId, string[] | null> = {
  serialisation: [
    'Send it less to serialise: request pages and fewer fields (pagination/limit parameters) instead of whole collections',
    'Put a cache (reverse proxy or CDN, with explicit invalidation on writes) in front of it for repeated reads',
    'For writes that re-serialise a whole data file, shrink the data set it holds or batch the writes',
  ],
  'sync-cpu': [
    'Send it less work per request (smaller pages, narrower queries)',
    'Put a cache in front of it for repeated identical requests',
    'Run more instances behind a load balancer if the work is per request and the data allows it',
  ],
  'db-query': ['Add the missing index or a read replica on the database side, without changing the application code'],
  'db-missing-index': ['Add the missing index on the database side (a migration outside the application code)'],
  'db-n-plus-one': null,
  'payload-size': ['Compress and cache responses at the proxy/CDN in front of it', 'Request smaller pages'],
  'gc-pressure': ['Size the heap from outside (e.g. --max-semi-space-size / --max-old-space-size in the start command) and re-measure'],
  'memory-leak': ['Restart the service on a schedule or on a memory limit (the supervisor or orchestrator) until the bound is in place'],
  'blocking-io': null,
  'pool-saturation': ['Scale out or add back-pressure in front of it (proxy limits, queueing)'],
};
