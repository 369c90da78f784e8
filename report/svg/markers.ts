import type { MarkerShape } from './palette.js';
import { px } from './xml.js';

/** One marker as SVG at (x, y); shapes differ so status does not depend on colour. */
export function marker(shape: MarkerShape, x: number, y: number, colour: string, r = 4.5): string {
  switch (shape) {
    case 'circle':
      return `<circle cx="${px(x)}" cy="${px(y)}" r="${r}" fill="${colour}"/>`;
    case 'square':
      return `<rect x="${px(x - r)}" y="${px(y - r)}" width="${2 * r}" height="${2 * r}" fill="${colour}"/>`;
    case 'triangle':
      return `<path d="M${px(x)},${px(y - r * 1.2)}L${px(x + r * 1.1)},${px(y + r * 0.8)}L${px(x - r * 1.1)},${px(y + r * 0.8)}Z" fill="${colour}"/>`;
    case 'diamond':
      return `<path d="M${px(x)},${px(y - r * 1.3)}L${px(x + r)},${px(y)}L${px(x)},${px(y + r * 1.3)}L${px(x - r)},${px(y)}Z" fill="${colour}"/>`;
    case 'cross':
      return `<path d="M${px(x - r)},${px(y - r)}L${px(x + r)},${px(y + r)}M${px(x + r)},${px(y - r)}L${px(x - r)},${px(y + r)}" stroke="${colour}" stroke-width="2.5" fill="none"/>`;
  }
}
