/**
 * Reads an `EXPLAIN (FORMAT JSON)` plan: finds the sequential scans with a filter, names the
 * filtered columns an index would serve (equality first, then ranges, then the sort keys above the
 * scan) and proposes the index. LIKE/regex filters are not proposed (a b-tree does not serve them).
 */
import type { PlanExcerpt } from './types.js';

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Schema?: string;
  Alias?: string;
  Filter?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Sort Key'?: string[];
  'Plan Rows'?: number;
  Plans?: PlanNode[];
}

const EQ = /(?:^|[\s(])\(?([a-z_][a-z0-9_]*)\)?(?:::[a-z ]+)?\s*(=|= ANY)\s/gi;
const RANGE = /(?:^|[\s(])\(?([a-z_][a-z0-9_]*)\)?(?:::[a-z ]+)?\s*(<=|>=|<|>)\s/gi;

function columnsOf(filter: string, re: RegExp, known?: Set<string>): string[] {
  const out: string[] = [];
  for (const m of filter.matchAll(re)) {
    const c = (m[1] as string).toLowerCase();
    if (known && !known.has(c)) continue;
    if (!out.includes(c)) out.push(c);
  }
  return out;
}

/** Sort keys of a Sort node directly above the scan, as `column [DESC]`, when they name plain columns. */
function plainSortKeys(keys: string[] | undefined, known?: Set<string>): string[] {
  const out: string[] = [];
  for (const k of keys ?? []) {
    const m = /^(?:[a-z_][a-z0-9_]*\.)?([a-z_][a-z0-9_]*)( DESC)?$/i.exec(k.trim());
    if (!m || (known && !known.has((m[1] as string).toLowerCase()))) return out; // stop at the first expression
    out.push(`${(m[1] as string).toLowerCase()}${m[2] ? ' DESC' : ''}`);
  }
  return out;
}

const ident = (s: string): string => (/^[a-z_][a-z0-9_]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`);

export function proposeIndex(schema: string | null, table: string, columns: string[]): string {
  const name = `idx_${table}_${columns.map((c) => c.replace(/ DESC$/, '')).join('_')}`.slice(0, 63);
  const cols = columns.map((c) => (c.endsWith(' DESC') ? `${ident(c.slice(0, -5))} DESC` : ident(c))).join(', ');
  return `CREATE INDEX CONCURRENTLY ${ident(name)} ON ${schema && schema !== 'public' ? `${ident(schema)}.` : ''}${ident(table)} (${cols});`;
}

/**
 * The excerpt and proposals of one statement's plan. `columnsOfTable` gives each table's column
 * names (so a function name or a literal is never taken for a column); `schemaOf` the table's schema.
 */
export function readPlan(
  queryid: string,
  text: string,
  root: PlanNode,
  columnsOfTable: (table: string) => Set<string> | undefined = () => undefined,
  schemaOf: (table: string) => string | null = () => null,
): PlanExcerpt {
  const excerpt: string[] = [];
  const seqScans: PlanExcerpt['seqScans'] = [];
  const walk = (node: PlanNode, depth: number, sortAbove: string[] | undefined): void => {
    const rel = node['Relation Name'];
    const head = `${'  '.repeat(depth)}${depth > 0 ? '-> ' : ''}${node['Node Type']}${rel ? ` on ${rel}` : ''}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}${node['Plan Rows'] !== undefined ? ` (est. rows ${node['Plan Rows']})` : ''}`;
    if (excerpt.length < 12) excerpt.push(head);
    const pad = `${'  '.repeat(depth)}${depth > 0 ? '   ' : ''}  `;
    if (node.Filter && excerpt.length < 12) excerpt.push(`${pad}Filter: ${node.Filter}`);
    if (node['Index Cond'] && excerpt.length < 12) excerpt.push(`${pad}Index Cond: ${node['Index Cond']}`);
    if (node['Sort Key'] && excerpt.length < 12) excerpt.push(`${pad}Sort Key: ${node['Sort Key'].join(', ')}`);
    if (rel && /Seq Scan/.test(node['Node Type'])) {
      const known = columnsOfTable(rel);
      const filter = node.Filter ?? null;
      const eq = filter ? columnsOf(filter, EQ, known) : [];
      const range = filter ? columnsOf(filter, RANGE, known).filter((c) => !eq.includes(c)) : [];
      const sortKeys = plainSortKeys(sortAbove, known).filter((k) => !eq.includes(k.replace(/ DESC$/, '')));
      // Sort keys only help after equality columns (or alone); a range column ends the usable prefix.
      const columns = range.length ? [...eq, range[0] as string] : [...eq, ...(eq.length ? sortKeys : [])];
      seqScans.push({ schema: node.Schema ?? schemaOf(rel), table: rel, filter, columns, sortKeys });
    }
    // A Sort's keys apply to the scan below it (through Gather / parallel wrappers).
    const nextSort = node['Node Type'] === 'Sort' || node['Node Type'] === 'Incremental Sort' ? node['Sort Key'] : /Gather|Limit/.test(node['Node Type']) ? sortAbove : undefined;
    for (const child of node.Plans ?? []) walk(child, depth + 1, nextSort);
  };
  walk(root, 0, undefined);
  const proposedIndexes = seqScans.filter((s) => s.columns.length > 0).map((s) => proposeIndex(s.schema, s.table, s.columns));
  return { queryid, text, excerpt, seqScans, proposedIndexes: [...new Set(proposedIndexes)] };
}
