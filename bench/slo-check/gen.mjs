// Writes a realistic stock `k6 run --out json` NDJSON file of about `bytes` bytes: per request the 9
// http_req_* points k6 emits (with k6's full tag set), per iteration data_sent/data_received/
// iteration_duration/iterations/checks, and a vus gauge per second. Deterministic (seeded).
import { createWriteStream } from 'node:fs';
import { seededRandom as rng } from '../../dist/core/random.js';


const METRICS = [
  ['http_reqs', 'counter', 'default'],
  ['http_req_duration', 'trend', 'time'],
  ['http_req_blocked', 'trend', 'time'],
  ['http_req_connecting', 'trend', 'time'],
  ['http_req_tls_handshaking', 'trend', 'time'],
  ['http_req_sending', 'trend', 'time'],
  ['http_req_waiting', 'trend', 'time'],
  ['http_req_receiving', 'trend', 'time'],
  ['http_req_failed', 'rate', 'default'],
  ['data_sent', 'counter', 'data'],
  ['data_received', 'counter', 'data'],
  ['iteration_duration', 'trend', 'time'],
  ['iterations', 'counter', 'default'],
  ['checks', 'rate', 'default'],
  ['vus', 'gauge', 'default'],
];

const JOURNEYS = [
  { journey: 'browse', steps: [['home', '/'], ['search', '/search?q=shoes'], ['product', '/products/42']] },
  { journey: 'checkout', steps: [['cart', '/cart'], ['pay', '/checkout/pay']] },
  { journey: 'account', steps: [['login', '/login'], ['orders', '/account/orders']] },
];

/**
 * Generates the file; returns {bytes, requests, durations (Float64Array of http_req_duration values),
 * failed} so the caller can check results against the exact answer.
 */
export async function generateK6Json(file, bytes, { seed = 1, rps = 800, keepDurations = false } = {}) {
  const rand = rng(seed);
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  let written = 0;
  let buf = '';
  const flush = async () => {
    if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
    written += Buffer.byteLength(buf);
    buf = '';
  };
  for (const [name, type, contains] of METRICS) {
    buf += `{"type":"Metric","data":{"name":"${name}","type":"${type}","contains":"${contains}","thresholds":[],"submetrics":null},"metric":"${name}"}\n`;
  }
  const start = Date.UTC(2026, 10, 1, 9, 0, 0);
  let t = start * 1000; // µs
  let requests = 0;
  let failed = 0;
  const durations = keepDurations ? [] : null;
  let lastVuSecond = -1;
  const iso = (us) => {
    const ms = Math.floor(us / 1000);
    const d = new Date(ms).toISOString(); // ...sss Z
    return `${d.slice(0, 23)}${String(us % 1000).padStart(3, '0')}${String(Math.floor(rand() * 1000)).padStart(3, '0')}Z`;
  };
  while (written + buf.length < bytes) {
    const j = JOURNEYS[Math.floor(rand() * JOURNEYS.length)];
    const vu = 1 + Math.floor(rand() * 50);
    let iterMs = 0;
    for (const [name, path] of j.steps) {
      t += Math.round(1e6 / rps);
      const ts = iso(t);
      const fail = rand() < 0.004;
      const status = fail ? (rand() < 0.5 ? '503' : '0') : '200';
      const dur = Math.round((2 + Math.exp(rand() * 5) + (rand() > 0.98 ? 400 * rand() : 0)) * 1e6) / 1e6;
      iterMs += dur;
      requests++;
      if (fail) failed++;
      if (durations) durations.push(dur);
      const tags = `{"expected_response":"${fail ? 'false' : 'true'}","group":"::${j.journey}","journey":"${j.journey}","method":"${name === 'pay' || name === 'login' ? 'POST' : 'GET'}","name":"${name}","proto":"HTTP/1.1","scenario":"load","status":"${status}","tls_version":"tls1.3","url":"https://shop.example.test${path}"}`;
      const p = (m, v) => `{"metric":"${m}","type":"Point","data":{"time":"${ts}","value":${v},"tags":${tags}}}\n`;
      buf +=
        p('http_reqs', 1) +
        p('http_req_duration', dur) +
        p('http_req_blocked', Math.round(rand() * 5000) / 1e6) +
        p('http_req_connecting', 0) +
        p('http_req_tls_handshaking', 0) +
        p('http_req_sending', Math.round(rand() * 90000) / 1e6) +
        p('http_req_waiting', Math.round(dur * 0.93 * 1e6) / 1e6) +
        p('http_req_receiving', Math.round(rand() * 800000) / 1e6) +
        p('http_req_failed', fail ? 1 : 0);
      if (!fail) {
        buf += `{"metric":"checks","type":"Point","data":{"time":"${ts}","value":1,"tags":{"check":"status is 200","group":"::${j.journey}","journey":"${j.journey}","scenario":"load"}}}\n`;
      }
    }
    const ts = iso(t);
    const itags = `{"group":"","journey":"${j.journey}","scenario":"load","vu":"${vu}"}`;
    buf +=
      `{"metric":"data_sent","type":"Point","data":{"time":"${ts}","value":${600 + Math.floor(rand() * 400)},"tags":${itags}}}\n` +
      `{"metric":"data_received","type":"Point","data":{"time":"${ts}","value":${4000 + Math.floor(rand() * 9000)},"tags":${itags}}}\n` +
      `{"metric":"iteration_duration","type":"Point","data":{"time":"${ts}","value":${Math.round(iterMs * 1e6) / 1e6},"tags":${itags}}}\n` +
      `{"metric":"iterations","type":"Point","data":{"time":"${ts}","value":1,"tags":${itags}}}\n`;
    const sec = Math.floor(t / 1e6);
    if (sec !== lastVuSecond) {
      lastVuSecond = sec;
      buf += `{"metric":"vus","type":"Point","data":{"time":"${ts}","value":50,"tags":{}}}\n`;
    }
    if (buf.length > 1 << 20) await flush();
  }
  await flush();
  await new Promise((r) => out.end(r));
  return { bytes: written, requests, failed, durations, durationMs: t / 1000 - start };
}
