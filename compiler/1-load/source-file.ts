import { LineCounter } from 'yaml';
import type { Position, Range } from '../diagnostics/diagnostic.ts';

/** A workspace file as read from disk, with what is needed to turn offsets into line:column. */
export interface SourceFile {
  /** Relative to the workspace root, forward slashes: what diagnostics print. */
  path: string;
  absPath: string;
  text: string;
  lineCounter: LineCounter;
}

export function makeSourceFile(path: string, absPath: string, text: string): SourceFile {
  const lineCounter = new LineCounter();
  // Register every line start so positions work even for files the YAML parser rejects early.
  lineCounter.addNewLine(0);
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) lineCounter.addNewLine(i + 1);
  }
  return { path, absPath, text, lineCounter };
}

export function positionAt(file: SourceFile, offset: number): Position {
  const clamped = Math.max(0, Math.min(offset, file.text.length));
  const { line, col } = file.lineCounter.linePos(clamped);
  return { line, column: col, offset: clamped };
}

export function rangeAt(file: SourceFile, start: number, end: number): Range {
  return { start: positionAt(file, start), end: positionAt(file, Math.max(start, end)) };
}
