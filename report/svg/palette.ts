/**
 * Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. Every series also
 * differs by dash pattern or marker shape, and statuses carry a word and a symbol, never colour alone.
 */
export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
} as const;

/** Series colours in order of use (yellow left out: too light on white). */
export const SERIES_COLOURS = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.vermillion,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.skyBlue,
  OKABE_ITO.black,
] as const;

/** Dash patterns paired with the series colours, so lines differ in print and greyscale too. */
export const SERIES_DASHES = ['', '8 4', '2 3', '12 3 2 3', '4 4', '1 2', '10 2'] as const;

export type MarkerShape = 'circle' | 'square' | 'triangle' | 'diamond' | 'cross';
