import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/load.js';
import { checkTemplateEnv } from '../../core/config/step-templates.js';
import { parseDataRows } from '../../core/data-rows.js';
import { UserError } from '../../core/errors.js';
import { compileStepRequest } from '../../core/step-request.js';
import { normaliseUrlText, parseTemplate, renderTemplate, TemplateError } from '../../core/template.js';

const env = { TOKEN: 's3cret' };

describe('request templates', () => {
  it('reads {{column}} from the data row and ${NAME} from the environment', () => {
    expect(parseTemplate('/posts/{{ id }}?t=${TOKEN}')).toEqual([{ text: '/posts/' }, { field: 'id' }, { text: '?t=' }, { env: 'TOKEN' }]);
    expect(renderTemplate(parseTemplate('Bearer ${TOKEN}'), { env }, 'header')).toBe('Bearer s3cret');
  });

  it('URL-encodes values in paths and queries', () => {
    const r = compileStepRequest({ path: '/posts/{{id}}?q={{q}}', headers: {} }).render({ env, row: { id: '1/../admin', q: 'a b&c=d#e' } });
    expect(r.path).toBe('/posts/1%2F..%2Fadmin?q=a%20b%26c%3Dd%23e');
  });

  it('JSON-escapes values in JSON bodies and keeps the type of a value that is a whole string', () => {
    const r = compileStepRequest({ path: '/c', headers: {}, json: { postId: '{{id}}', body: 'say "{{text}}"' } }).render({ env, row: { id: 42, text: 'hi "there"\n' } });
    expect(JSON.parse(r.body!)).toEqual({ postId: 42, body: 'say "hi "there"\n"' });
    expect(r.headers['Content-Type']).toBe('application/json');
  });

  it('escapes a text body by its Content-Type', () => {
    const json = compileStepRequest({ path: '/', headers: { 'content-type': 'application/json' }, body: '{"q":"{{q}}"}' }).render({ env, row: { q: 'a"b\\' } });
    expect(JSON.parse(json.body!)).toEqual({ q: 'a"b\\' });
    const form = compileStepRequest({ path: '/', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'q={{q}}' }).render({ env, row: { q: 'a&b=c' } });
    expect(form.body).toBe('q=a%26b%3Dc');
  });

  it('refuses a line break in a header value and an unset environment variable', () => {
    const req = compileStepRequest({ path: '/', headers: { 'X-User': '{{u}}' } });
    expect(() => req.render({ env, row: { u: 'x\r\nX-Admin: 1' } })).toThrow(TemplateError);
    expect(() => renderTemplate(parseTemplate('${NOPE}'), { env }, 'raw')).toThrow(/NOPE is not set/);
  });

  it('sends a line break in a config path as %0A, never as raw request text', () => {
    expect(normaliseUrlText("/a\nthrow new Error('X') ")).toBe("/a%0Athrow%20new%20Error('X')%20");
    expect(normaliseUrlText('/a%20b/100%')).toBe('/a%20b/100%25');
  });

  it('marks requests without placeholders static', () => {
    expect(compileStepRequest({ path: '/a', headers: { A: 'b' } }).static).toBe(true);
    expect(compileStepRequest({ path: '/a/{{x}}', headers: {} }).static).toBe(false);
  });
});

describe('test data rows', () => {
  it('parse CSV with quoted commas, quotes and line breaks', () => {
    const r = parseDataRows('id,q\n1,"a, ""b""\nc"\n2,plain\n\n', 'csv');
    expect(r).toEqual({ ok: true, columns: ['id', 'q'], rows: [{ id: '1', q: 'a, "b"\nc' }, { id: '2', q: 'plain' }] });
  });

  it('parse a one-column CSV (nothing for delimiter detection to find)', () => {
    const r = parseDataRows('id\n17\n42\n', 'csv');
    expect(r).toEqual({ ok: true, columns: ['id'], rows: [{ id: '17' }, { id: '42' }] });
  });

  it('parse a JSON array of objects; columns are the keys every row has', () => {
    const r = parseDataRows('[{"id":1,"q":"a"},{"id":2}]', 'json');
    expect(r).toMatchObject({ ok: true, columns: ['id'] });
    expect(parseDataRows('{"id":1}', 'json').ok).toBe(false);
  });
});

describe('templates are checked when the config loads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perf-tpl-'));
  writeFileSync(join(dir, 'rows.csv'), 'id,q\n1,x\n');
  const source = join(dir, 'perf.config.yaml');
  const cfg = (path: string, data = 'data: { file: rows.csv }'): string =>
    `target: { baseUrl: "http://127.0.0.1:1" }\njourneys:\n  - name: get\n    ${data}\n    steps: [{ name: s, path: "${path}" }]\n`;
  const error = (text: string): UserError => {
    try {
      parseConfig(text, source);
    } catch (err) {
      if (err instanceof UserError) return err;
      throw err;
    }
    throw new Error('expected a config error');
  };

  it('accepts columns of the data file', () => {
    expect(parseConfig(cfg('/posts/{{id}}?q={{q}}'), source).journeys[0]!.steps[0]!.path).toBe('/posts/{{id}}?q={{q}}');
  });

  it('names the path of a {{field}} that is not a column', () => {
    const e = error(cfg('/posts/{{postId}}'));
    expect(e.exitCode).toBe(2);
    expect(e.where).toBe(`${source}: journeys[0].steps[0].path`);
    expect(e.message).toContain('columns: id, q');
  });

  it('says to write {{id}} where ${id} names a column', () => {
    expect(error(cfg('/posts/${id}')).fix).toContain('{{id}}');
  });

  it('refuses {{field}} in a journey without data, and a missing data file', () => {
    expect(error(cfg('/posts/{{id}}', '')).message).toContain('has no data file');
    expect(error(cfg('/posts/{{id}}', 'data: { file: nope.csv }')).message).toContain('does not exist');
  });

  it('finds an unset ${NAME} before any load runs', () => {
    const c = parseConfig(cfg('/posts/{{id}}?k=${PERF_TPL_UNSET}'), source);
    expect(() => checkTemplateEnv(c, {})).toThrow(/PERF_TPL_UNSET/);
    expect(() => checkTemplateEnv(c, { PERF_TPL_UNSET: '1' })).not.toThrow();
  });

  it('normalises the base URL: a line break in it is dropped by the URL parser', () => {
    const c = parseConfig("target: { baseUrl: \"http://127.0.0.1:1/\\nthrow new Error('INJECTED')\" }\njourneys: [{ name: a, steps: [{ path: / }] }]\n", source);
    expect(c.target.baseUrl).not.toContain('\n');
  });
});
