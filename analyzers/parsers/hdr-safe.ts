/**
 * The histogram decoder and encoder live in analyzers/histogram.ts (one home); these names remain for
 * the readers that import them from here.
 */
export { decodeHistogram as decodeHistogramSafe, encodeHistogram as encodeHistogramFast, MAX_TRACKABLE } from '../histogram.js';
