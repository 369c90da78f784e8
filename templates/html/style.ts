import { createHash } from 'node:crypto';

/** The report's only style sheet, inline; the CSP allows exactly this text by its hash. */
export const CSS = `
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; background: #f6f6f4; margin: 0; }
main { max-width: 960px; margin: 0 auto; padding: 24px 16px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 10px; border-bottom: 2px solid #ddd; padding-bottom: 4px; }
.meta { color: #555; margin: 0 0 16px; }
dl.run-header { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; margin: 8px 0 16px; font-size: 14px; }
dl.run-header dt { color: #555; }
dl.run-header dd { margin: 0; overflow-wrap: anywhere; }
figure { background: #fff; border: 1px solid #ddd; border-radius: 6px; margin: 16px 0; padding: 10px; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { margin-top: 6px; font-size: 14px; }
figcaption strong { display: block; font-size: 16px; }
.missing { background: #fff; border: 1px dashed #aaa; border-radius: 6px; padding: 10px 12px; color: #444; }
section.scenario { border-left: 4px solid #0072B2; padding-left: 12px; margin: 24px 0; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 14px; margin: 8px 0 16px; }
th, td { border: 1px solid #ddd; padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.na { color: #555; }
.status { display: inline-block; font-weight: 700; border: 2px solid; border-radius: 4px; padding: 0 6px; }
.status-PASS { background: #d8f1e8; color: #00513c; border-color: #009E73; }
.status-PARTIAL { background: #fcebc4; color: #5e4100; border-color: #E69F00; }
.status-FAIL { background: #f8d9c8; color: #842f00; border-color: #D55E00; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.card { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; min-width: 150px; }
.card b { display: block; font-size: 20px; }
ul.sources { font-size: 13px; color: #444; }
code { font-size: 13px; }
`;

/** The CSP allowing exactly our inline style sheet and nothing else (no script, no fetch). */
export function contentSecurityPolicy(css = CSS): string {
  const hash = createHash('sha256').update(css).digest('base64');
  return `default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'`;
}
