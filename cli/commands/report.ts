import { Flags } from '@oclif/core';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { writeReportHtml } from '../../app/report.js';
import { BaseCommand } from '../base-command.js';

export default class Report extends BaseCommand<typeof Report> {
  static override description =
    'Write a standalone HTML report with charts (reports/index.html) from the JSON artifacts; works offline, no script';
  static override examples = [
    '<%= config.bin %> report',
    '<%= config.bin %> report --run 20261123-101500-ab12',
    '<%= config.bin %> report --from before/loadtest.json after/loadtest.json slo.json --open',
    '<%= config.bin %> report --from k6-results.json k6-summary.json   # k6 run --out json=k6-results.json --summary-export k6-summary.json',
  ];
  static override flags = {
    run: Flags.string({ description: 'report on one run: the JSON copies under <out-dir>/working/runs/<id>/', exclusive: ['from'] }),
    from: Flags.string({
      description: 'files to report on, any mix: perf JSON artifacts (baseline, profile, loadtest, slo, bottlenecks, plan, compare), a plain k6 --out json file, a k6 summary (SLOs from the config); later files of a kind are "after"',
      multiple: true,
      exclusive: ['run'],
    }),
    open: Flags.boolean({ description: 'open the report in the default browser', default: false }),
  };

  public async run(): Promise<void> {
    const config = this.optionalConfigQuiet();
    const store = this.store(this.flags['out-dir'] ? undefined : config);
    const { written, skipped } = await writeReportHtml({
      store,
      ...(config ? { config } : {}),
      ...(this.flags.from ? { from: this.flags.from } : {}),
      ...(this.flags.run ? { run: this.flags.run } : {}),
    });
    for (const s of skipped) this.say(`skipped ${s.file}: ${s.reason}`);
    this.say(`wrote ${store.display(written.htmlPath)} (${written.charts.length} chart${written.charts.length === 1 ? '' : 's'})`);
    for (const p of written.svgPaths) this.say(`  ${store.display(p)}`);
    for (const p of written.linkedMarkdown) this.say(`linked the charts from ${store.display(p)}`);
    for (const m of written.missing) this.say(`no chart "${m.title}": ${m.reason}`);
    if (this.flags.json) {
      this.emitJson({
        html: written.htmlPath,
        svg: written.svgPaths,
        linkedMarkdown: written.linkedMarkdown,
        charts: written.charts.map((c) => ({ id: c.id, title: c.title, summary: c.summary })),
        missing: written.missing,
        skipped,
      });
    }
    if (this.flags.open) this.openInBrowser(written.htmlPath);
  }

  /** The config only matters for its outDir; a broken or absent config must not block a report. */
  private optionalConfigQuiet(): ReturnType<BaseCommand<typeof Report>['optionalConfig']> {
    try {
      return this.optionalConfig();
    } catch (err) {
      if (this.flags.config) throw err;
      return undefined;
    }
  }

  private openInBrowser(file: string): void {
    const url = pathToFileURL(file).href;
    const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
    const child = spawn(cmd as string, args as string[], { detached: true, stdio: 'ignore' });
    child.on('error', () => this.say(`could not start ${cmd as string}; open ${url} yourself`));
    child.unref();
    if (!child.pid) return;
    this.say(`opening ${url}`);
  }
}
