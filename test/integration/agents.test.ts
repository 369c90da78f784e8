import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { synthesise } from '../../agents/synthesise.js';
import { analyzeBottlenecks } from '../../analyzers/bottlenecks/detect.js';
import { runAnalyze } from '../../app/analyze.js';
import { runCompare } from '../../app/compare.js';
import { runPlan } from '../../app/plan.js';
import { ArtifactStore } from '../../core/artifacts/store.js';
import { loadConfig } from '../../core/config/load.js';
import type { AgentConfig } from '../../core/config/types.js';

type Handler = (body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) => void;

/** A loopback server speaking one provider protocol; records every request body. */
class ProtocolServer {
  server!: Server;
  bodies: Array<Record<string, unknown>> = [];
  headers: Array<IncomingMessage['headers']> = [];
  handler: Handler = () => undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as Record<string, unknown>;
        this.bodies.push(body);
        this.headers.push(req.headers);
        this.handler(body, req, res);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.bodies = [];
    this.headers = [];
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};
const openaiReply = (text: string) => ({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] });
const anthropicReply = (text: string) => ({ id: 'x', type: 'message', role: 'assistant', content: [{ type: 'text', text }], stop_reason: 'end_turn' });

const FIX = join(__dirname, '../fixtures/synthesis');
const analysis = analyzeBottlenecks({
  baseline: { file: 'b.json', payload: JSON.parse(readFileSync(join(FIX, 'shop-baseline-before.json'), 'utf8')) },
  profile: { file: 'p.json', payload: JSON.parse(readFileSync(join(FIX, 'shop-profile.json'), 'utf8')) },
});

const server = new ProtocolServer();
beforeAll(() => server.start());
afterAll(() => server.stop());
afterEach(() => server.reset());

const agent = (provider: AgentConfig['provider'], extra: Partial<AgentConfig> = {}): AgentConfig => ({ provider, baseUrl: server.url, model: 'test-model', timeoutMs: 2000, retries: 1, ...extra });

describe('openai provider (chat/completions protocol)', () => {
  it('uses the model text when the server answers', async () => {
    server.handler = (_b, _q, res) => json(res, 200, openaiReply('## Summary\nThe recommendations handler dominates.\n## Recommendations\n- fix B1'));
    const r = await synthesise('bottlenecks', analysis, 'latency', { agent: agent('openai'), env: { OPENAI_API_KEY: 'sk-test-123456' }, backoffMs: 10 });
    expect(r.provider).toBe('openai');
    expect(r.sections.map((s) => s.title)).toEqual(['Summary', 'Recommendations']);
    expect(server.bodies[0]).toMatchObject({ model: 'test-model', messages: [{ role: 'system' }, { role: 'user' }] });
    expect(server.headers[0]?.authorization).toBe('Bearer sk-test-123456');
    expect(JSON.stringify(server.bodies[0])).not.toContain('histogram');
  });

  it('retries a 503 with backoff and then succeeds', async () => {
    let n = 0;
    server.handler = (_b, _q, res) => (n++ === 0 ? json(res, 503, { error: 'busy' }) : json(res, 200, openaiReply('## Summary\nok')));
    const r = await synthesise('bottlenecks', analysis, '', { agent: agent('openai'), env: {}, backoffMs: 10 });
    expect(r.provider).toBe('openai');
    expect(server.bodies).toHaveLength(2);
  });

  it('falls back to the deterministic text after timeouts, and says so', async () => {
    server.handler = () => undefined; // never answers
    const r = await synthesise('bottlenecks', analysis, '', { agent: agent('openai', { timeoutMs: 200, retries: 1 }), env: {}, backoffMs: 10 });
    expect(r.provider).toBe('deterministic');
    expect(r.fallback).toEqual({ from: 'openai', reason: 'timed out', attempts: 2 });
    expect(r.sections[0]?.title).toBe('Summary');
  });

  it('falls back on a malformed reply without retrying', async () => {
    server.handler = (_b, _q, res) => json(res, 200, { choices: [] });
    const r = await synthesise('bottlenecks', analysis, '', { agent: agent('openai', { retries: 3 }), env: {}, backoffMs: 10 });
    expect(r.fallback?.reason).toMatch(/malformed reply/);
    expect(server.bodies).toHaveLength(1);
  });

  it('falls back when the reply is not JSON at all', async () => {
    server.handler = (_b, _q, res) => json(res, 200, '<html>gateway</html>');
    const r = await synthesise('bottlenecks', analysis, '', { agent: agent('openai'), env: {}, backoffMs: 10 });
    expect(r.fallback?.reason).toBe('malformed reply: not JSON');
  });
});

describe('anthropic provider (Messages protocol)', () => {
  it('uses the text blocks of the message', async () => {
    server.handler = (_b, _q, res) => json(res, 200, anthropicReply('## Summary\nDatabase scans.'));
    const r = await synthesise('bottlenecks', analysis, '', { agent: agent('anthropic'), env: { ANTHROPIC_API_KEY: 'ak-test-abcdef' }, backoffMs: 10 });
    expect(r.provider).toBe('anthropic');
    expect(r.sections[0]?.markdown).toBe('Database scans.');
    expect(server.headers[0]?.['x-api-key']).toBe('ak-test-abcdef');
    expect(server.headers[0]?.['anthropic-version']).toBe('2023-06-01');
    expect(server.bodies[0]).toMatchObject({ model: 'test-model', max_tokens: 2048, messages: [{ role: 'user' }] });
    expect(typeof server.bodies[0]?.system).toBe('string');
  });

  it('falls back on a malformed message, on a 400, and after timeouts', async () => {
    server.handler = (_b, _q, res) => json(res, 200, { content: [{ type: 'tool_use', id: 'x' }] });
    expect((await synthesise('plan', { items: [], counts: { 'quick-win': 0, strategic: 0, 'major-refactor': 0 }, totalEffortDays: 0, constraints: [], excluded: [], guidance: { text: '', keywords: [] }, source: null }, '', { agent: agent('anthropic'), env: {}, backoffMs: 10 })).fallback?.reason).toMatch(/malformed/);
    server.handler = (_b, _q, res) => json(res, 400, { type: 'error' });
    expect((await synthesise('bottlenecks', analysis, '', { agent: agent('anthropic'), env: {}, backoffMs: 10 })).fallback?.reason).toBe('HTTP 400');
    server.handler = () => undefined;
    const t = await synthesise('bottlenecks', analysis, '', { agent: agent('anthropic', { timeoutMs: 150, retries: 0 }), env: {}, backoffMs: 10 });
    expect(t.fallback).toMatchObject({ from: 'anthropic', reason: 'timed out', attempts: 1 });
  });
});

describe('command provider (prompt on stdin, markdown on stdout)', () => {
  const script = (body: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-agent-cmd-'));
    const f = join(dir, 'agent.mjs');
    writeFileSync(f, body);
    return `"${process.execPath}" "${f}"`;
  };

  it('pipes the prompt in and reads the sections out', async () => {
    const cmd = script(`let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{process.stdout.write('## Summary\\nprompt had '+(s.includes('Data (computed by perf analyzers)')?'data':'nothing')+'\\n')})`);
    const r = await synthesise('bottlenecks', analysis, '', { agent: { provider: 'command', command: cmd, timeoutMs: 10_000, retries: 0 } });
    expect(r.provider).toBe('command');
    expect(r.sections[0]?.markdown).toBe('prompt had data');
  });

  it('falls back when the command fails, prints nothing, or hangs', async () => {
    const failing = await synthesise('bottlenecks', analysis, '', { agent: { provider: 'command', command: script('process.exit(4)'), timeoutMs: 10_000, retries: 0 } });
    expect(failing.fallback?.reason).toMatch(/exited with code 4/);
    const empty = await synthesise('bottlenecks', analysis, '', { agent: { provider: 'command', command: script('process.stdin.resume();process.stdin.on("end",()=>{})'), timeoutMs: 10_000, retries: 0 } });
    expect(empty.fallback?.reason).toMatch(/malformed reply: empty output/);
    const hang = await synthesise('bottlenecks', analysis, '', { agent: { provider: 'command', command: script('setInterval(()=>{},1000)'), timeoutMs: 500, retries: 0 } });
    expect(hang.fallback?.reason).toBe('timed out');
  });
});

describe('a canary secret in config headers', () => {
  it('appears in no artifact and in no prompt, even when the agent echoes it back', async () => {
    const CANARY = 'canary-5ecret-9b1d77';
    process.env.PERF_TEST_CANARY = CANARY;
    const dir = mkdtempSync(join(tmpdir(), 'perf-canary-'));
    const cfg = join(dir, 'perf.config.yaml');
    writeFileSync(
      cfg,
      [
        'target:',
        '  baseUrl: http://127.0.0.1:9',
        '  headers: { Authorization: "Bearer ${PERF_TEST_CANARY}" }',
        'journeys:',
        '  - name: product-detail',
        '    steps: [{ path: /products/7, headers: { X-Session: "${PERF_TEST_CANARY}" } }]',
        'slos:',
        '  - { name: p95, sli: latency, percentile: p95, thresholdMs: 100, objective: 99, window: 30d }',
        'agent:',
        `  provider: openai`,
        `  baseUrl: ${server.url}`,
        '  retries: 0',
        '',
      ].join('\n'),
    );
    const config = loadConfig(cfg);
    // The fake model leaks whatever secret it can: the canary itself.
    server.handler = (_b, _q, res) => json(res, 200, openaiReply(`## Summary\nI saw ${CANARY} in the data\n## Recommendations\n- rotate ${CANARY}`));
    const store = new ArtifactStore(join(dir, '.aiwg'));
    const guidance = `focus on latency (token ${CANARY})`;
    await runAnalyze(store, { config, guidance, baseline: join(FIX, 'shop-baseline-before.json'), profile: join(FIX, 'shop-profile.json') });
    await runPlan(store, { config, guidance });
    await runCompare(store, { config, guidance, before: join(FIX, 'shop-baseline-before.json'), after: join(FIX, 'shop-baseline-after.json') });

    expect(server.bodies.length).toBe(3);
    for (const b of server.bodies) expect(JSON.stringify(b)).not.toContain(CANARY);
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d)) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(join(dir, '.aiwg'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const f of files) expect(readFileSync(f, 'utf8'), f).not.toContain(CANARY);
    // the agent's reply is quoted, markdown-escaped text: "\[REDACTED\]" renders as [REDACTED]
    expect(readFileSync(join(dir, '.aiwg/reports/bottleneck-analysis.md'), 'utf8')).toContain('> I saw \\[REDACTED\\] in the data');
    delete process.env.PERF_TEST_CANARY;
  });
});
