/**
 * Label placement for the SVG charts: a text label is drawn only where it overlaps no other label;
 * one that finds no free place among its candidates is dropped (the chart's legend names every
 * reference line, so nothing is lost, and nothing is overprinted). Pure geometry, estimated text
 * widths (no font metrics server-side; the estimate errs wide).
 */

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Estimated width of a text of `chars` characters at `fontSize` px (system-ui averages ~0.55 em; 0.6 errs wide). */
export function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.6 + 2;
}

/** A text's box for an anchor point (SVG text: y is the baseline). */
export function textBox(x: number, y: number, text: string, fontSize: number, anchor: 'start' | 'end' | 'middle' = 'start'): Box {
  const w = textWidth(text, fontSize);
  const x0 = anchor === 'start' ? x : anchor === 'end' ? x - w : x - w / 2;
  return { x0, y0: y - fontSize, x1: x0 + w, y1: y + fontSize * 0.25 };
}

export function overlaps(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/** The boxes labels have taken so far; `place` returns the first candidate that is free, and takes it. */
export class LabelSpace {
  private readonly taken: Box[] = [];

  constructor(private readonly bounds?: Box) {}

  /** Marks a box as used (a label drawn without choice, e.g. a legend). */
  take(b: Box): void {
    this.taken.push(b);
  }

  place(candidates: readonly Box[]): number {
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i] as Box;
      if (this.bounds && (c.y0 < this.bounds.y0 || c.y1 > this.bounds.y1 || c.x0 < this.bounds.x0 || c.x1 > this.bounds.x1)) continue;
      if (this.taken.some((t) => overlaps(t, c))) continue;
      this.taken.push(c);
      return i;
    }
    return -1;
  }
}
