import { describe, expect, it } from 'vitest';
import { minMaxDownsample } from '../../report/svg/downsample.js';
import { renderLineChart } from '../../report/svg/line-chart.js';
import { formatOffset, niceDomain, niceTicks, percentileTickLabel, percentileToX, timeTicks, xToPercentile } from '../../report/svg/scale.js';
import { esc } from '../../report/svg/xml.js';
import { polylineValues } from '../fixtures/report/svg-points.js';

describe('min/max downsampling', () => {
  it('keeps short series untouched', () => {
    expect(minMaxDownsample([1, 2, 3], [5, 6, 7], 10)).toEqual({ x: [1, 2, 3], y: [5, 6, 7] });
  });

  it('reduces 8,640 soak windows to at most two points per bucket without losing the peak or the dip', () => {
    const x = Array.from({ length: 8640 }, (_, i) => i * 10_000);
    const y = x.map((_, i) => 20 + Math.sin(i / 50));
    y[4321] = 950; // one stalled window in a 24 h soak
    y[777] = 0.5;
    const ds = minMaxDownsample(x, y, 400);
    expect(ds.x.length).toBeLessThanOrEqual(800);
    expect(Math.max(...ds.y)).toBe(950);
    expect(Math.min(...ds.y)).toBe(0.5);
    expect(ds.x[ds.y.indexOf(950)]).toBe(43_210_000);
    expect([...ds.x].sort((a, b) => a - b)).toEqual(ds.x); // still in time order
  });
});

describe('scales', () => {
  it('puts 0 %, 90 %, 99 % and 99.9 % one step apart on the percentile axis', () => {
    expect(percentileToX(0)).toBe(0);
    expect(percentileToX(90)).toBeCloseTo(1, 9);
    expect(percentileToX(99)).toBeCloseTo(2, 9);
    expect(percentileToX(99.9)).toBeCloseTo(3, 9);
    expect(xToPercentile(2)).toBeCloseTo(99, 9);
    expect([0, 1, 2, 3, 4].map(percentileTickLabel)).toEqual(['0%', '90%', '99%', '99.9%', '99.99%']);
  });

  it('chooses round ticks and round time ticks', () => {
    expect(niceTicks(0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceDomain(0, 1767, 5)).toEqual([0, 2000]);
    expect(timeTicks(0, 86_400_000)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24].map((h) => h * 3_600_000));
    expect(formatOffset(0)).toBe('0s');
    expect(formatOffset(380_000)).toBe('6m20s');
    expect(formatOffset(3_600_000)).toBe('1h');
  });

  it('escapes text for SVG and HTML', () => {
    expect(esc('<a href="x">&\'')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  });
});

describe('line chart', () => {
  const svg = renderLineChart({
    id: 'demo',
    title: 'Demo <chart>',
    description: 'p99 peaks at 300 ms',
    x: { kind: 'time', label: 'time' },
    y: { label: 'ms' },
    series: [{ key: 'p99', label: 'p99', colour: '#D55E00', x: [0, 10_000, 20_000, 30_000], y: [10, 300, 25, 12] }],
    refLines: [{ value: 200, label: 'SLO 200 ms', colour: '#CC79A7' }],
  });

  it('is a standalone accessible SVG with a title and a text alternative', () => {
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-labelledby="demo-title demo-desc"');
    expect(svg).toContain('<title id="demo-title">Demo &lt;chart&gt;</title>');
    expect(svg).toContain('<desc id="demo-desc">p99 peaks at 300 ms</desc>');
  });

  it('draws every point where its value says, within a pixel', () => {
    const pts = polylineValues(svg, 'p99');
    expect(pts).toHaveLength(4);
    [10, 300, 25, 12].forEach((v, i) => expect(Math.abs((pts[i] as { y: number }).y - v)).toBeLessThan(2));
    [0, 10_000, 20_000, 30_000].forEach((v, i) => expect(Math.abs((pts[i] as { x: number }).x - v)).toBeLessThan(100));
  });

  it('draws the SLO threshold line with its label', () => {
    expect(svg).toMatch(/<g class="refline" data-value="200"/);
    expect(svg).toContain('SLO 200 ms');
  });
});

describe('a one-window run', () => {
  it('marks a single point so it is visible, and widens the time axis to the run', () => {
    const svg = renderLineChart({
      id: 'one',
      title: 'one',
      description: 'one window',
      x: { kind: 'time', label: 'time', min: 0, max: 8_000 },
      y: { label: 'ms' },
      series: [{ key: 'p95', label: 'p95', colour: '#E69F00', x: [0], y: [13.2] }],
    });
    expect(svg).toMatch(/<g class="markers" data-series="p95">\s*<circle/);
    expect(svg).toContain('data-x-min="0" data-x-max="8000"');
  });
});
