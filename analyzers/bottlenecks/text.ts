/** The few words and figures every finding's text is written with. */
export const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
export const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
export const ms = (x: number): string => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`;
