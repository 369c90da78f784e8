import { categorize, displayLocation, type CpuProfile } from '../analyzers/cpuprofile.js';

const WIDTH = 1200;
const ROW = 18;
const COLORS: Record<string, string> = {
  app: '#f28e2b',
  node_modules: '#4e79a7',
  'node-internal': '#bab0ac',
  native: '#59a14f',
  gc: '#e15759',
  program: '#d4d4d4',
  idle: '#eeeeee',
};

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A self-contained HTML icicle graph (root on top, width = total time) of a V8 `.cpuprofile`,
 * without idle time. No scripts: hover shows each frame's name, file:line and time.
 */
export function renderFlameGraphHtml(profile: CpuProfile, opts: { title: string; cwd?: string | undefined }): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const d = i + 1 < deltas.length ? (deltas[i + 1] as number) : 0;
    const id = samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, d));
  }
  const total = new Map<number, number>();
  const totalOf = (id: number): number => {
    const cached = total.get(id);
    if (cached !== undefined) return cached;
    const n = byId.get(id);
    let t = selfUs.get(id) ?? 0;
    // Iterative depth is bounded by the stack depth V8 recorded; recursion here is fine.
    for (const c of n?.children ?? []) t += totalOf(c);
    total.set(id, t);
    return t;
  };
  const root = profile.nodes.find((n) => n.callFrame.functionName === '(root)') ?? profile.nodes[0];
  if (!root) return '<!doctype html><title>empty profile</title><p>empty profile</p>';
  const busyChildren = (root.children ?? []).filter((c) => byId.get(c)?.callFrame.functionName !== '(idle)');
  const busy = busyChildren.reduce((a, c) => a + totalOf(c), 0);
  const rects: string[] = [];
  let maxDepth = 0;
  const place = (id: number, x: number, depth: number): void => {
    const n = byId.get(id);
    if (!n) return;
    const w = busy > 0 ? (totalOf(id) / busy) * WIDTH : 0;
    if (w < 0.5) return;
    maxDepth = Math.max(maxDepth, depth);
    const { functionName, url, lineNumber } = n.callFrame;
    const name = functionName || '(anonymous)';
    const cat = categorize(functionName, url);
    const ms = totalOf(id) / 1000;
    const tip = `${name} — ${displayLocation(url, lineNumber + 1, opts.cwd)} — ${ms.toFixed(1)} ms (${((totalOf(id) / busy) * 100).toFixed(1)}%)`;
    const y = depth * ROW;
    const label = w > 40 ? `<text x="${(x + 3).toFixed(1)}" y="${y + 13}">${esc(name.slice(0, Math.floor(w / 7)))}</text>` : '';
    rects.push(`<g><title>${esc(tip)}</title><rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${ROW - 1}" fill="${COLORS[cat] ?? '#ccc'}"/>${label}</g>`);
    let cx = x;
    for (const c of n.children ?? []) {
      place(c, cx, depth + 1);
      cx += busy > 0 ? (totalOf(c) / busy) * WIDTH : 0;
    }
  };
  let x = 0;
  for (const c of busyChildren) {
    place(c, x, 0);
    x += busy > 0 ? (totalOf(c) / busy) * WIDTH : 0;
  }
  const height = (maxDepth + 1) * ROW;
  const legend = Object.entries(COLORS)
    .filter(([k]) => k !== 'idle')
    .map(([k, c]) => `<span style="background:${c};padding:0 6px;margin-right:6px">${esc(k)}</span>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(opts.title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font:13px system-ui,sans-serif;margin:16px}svg text{font:11px monospace;pointer-events:none}rect:hover{stroke:#000}</style>
</head><body>
<h1>${esc(opts.title)}</h1>
<p>CPU time by call stack (root on top, width = total time, idle excluded; ${(busy / 1000).toFixed(0)} ms busy). Hover a frame for file:line. ${legend}</p>
<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">
${rects.join('\n')}
</svg>
</body></html>
`;
}
