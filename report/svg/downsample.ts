/**
 * Min/max bucket downsampling for long series (a 24 h soak has 8,640 windows; an SVG needs a few
 * hundred x positions). Each bucket keeps its lowest and its highest point in time order, so peaks
 * and dips survive — an average would flatten exactly the spikes people look for.
 */
export interface Downsampled {
  x: number[];
  y: number[];
}

export function minMaxDownsample(x: readonly number[], y: readonly number[], buckets: number): Downsampled {
  const n = Math.min(x.length, y.length);
  if (n <= buckets * 2 || buckets < 1) return { x: x.slice(0, n), y: y.slice(0, n) };
  const outX: number[] = [];
  const outY: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let iMin = -1;
    let iMax = -1;
    for (let i = from; i < to; i++) {
      const v = y[i] as number;
      if (!Number.isFinite(v)) continue;
      if (iMin < 0 || v < (y[iMin] as number)) iMin = i;
      if (iMax < 0 || v > (y[iMax] as number)) iMax = i;
    }
    if (iMin < 0) continue;
    const first = Math.min(iMin, iMax);
    const second = Math.max(iMin, iMax);
    outX.push(x[first] as number);
    outY.push(y[first] as number);
    if (second !== first) {
      outX.push(x[second] as number);
      outY.push(y[second] as number);
    }
  }
  return { x: outX, y: outY };
}
