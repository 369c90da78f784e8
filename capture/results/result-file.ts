/**
 * Opening a result file to find its format: its head, and for whole-document formats the parsed
 * document (returned, so the file is read once). The detection itself is pure (analyzers/parsers/detect.ts).
 */
import { readFile } from 'node:fs/promises';
import { checkDocumentSize, detectedDocument, formatOfHead, HEAD_BYTES, parseJsonDocument, type Detected } from '../../analyzers/parsers/detect.js';
import { assertReadableFile } from './file-lines.js';
import { openHead } from './file-lines.js';

/** Detects a result file's format from its content: NDJSON from the first line, without reading the rest. */
export async function detectFormat(file: string): Promise<Detected> {
  const size = await assertReadableFile(file);
  const shown = formatOfHead(await openHead(file, HEAD_BYTES), size, file);
  if (shown !== 'document') return { format: shown };
  return detectedDocument(await readJsonDocument(file), file);
}

/** Reads and parses a whole JSON document; a parse error names the line. */
export async function readJsonDocument(file: string): Promise<unknown> {
  checkDocumentSize(await assertReadableFile(file), file);
  return parseJsonDocument(await readFile(file, 'utf8'), file);
}
