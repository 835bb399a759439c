import { isScalar, type Document } from 'yaml';
import { MappedText } from './source-map.ts';

/**
 * A string value of a YAML document as text whose offsets map back into the YAML file, so an
 * error inside inline MJML or a subject line points at the right line and column of the file.
 *
 * Block literals (`|`) map line by line (the indentation is added back); quoted and plain
 * single-line scalars map character by character from after the opening quote. Escapes and folded
 * scalars map approximately (to the line, or to the value's start), which is as close as a
 * folded value allows.
 */
export function mappedYamlString(
  doc: Document.Parsed,
  fileText: string,
  file: string,
  path: ReadonlyArray<string | number>,
): MappedText | undefined {
  const node = doc.getIn(path, true);
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
  const value = node.value;
  const [start, valueEnd] = node.range;
  const out = new MappedText();
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    const raw = fileText.slice(start, valueEnd);
    const headerEnd = raw.indexOf('\n');
    if (headerEnd === -1) return out.copy(value, { file, offset: start });
    const body = raw.slice(headerEnd + 1);
    const lines = body.split('\n');
    const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
    const valueLines = value.split('\n');
    let lineStart = start + headerEnd + 1;
    for (let k = 0; k < valueLines.length; k++) {
      const srcLine = lines[k];
      const text = valueLines[k]!;
      const origin = { file, offset: srcLine === undefined ? start : lineStart + Math.min(indent, srcLine.length) };
      if (node.type === 'BLOCK_LITERAL' && srcLine !== undefined) out.copy(text, origin);
      else out.insert(text, origin);
      if (k < valueLines.length - 1) out.insert('\n', origin);
      if (srcLine !== undefined) lineStart += srcLine.length + 1;
    }
    return out;
  }
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  const first = start + (quoted ? 1 : 0);
  // Only a one-line value without escapes maps exactly; anything else maps to its start.
  const rawInner = fileText.slice(first, quoted ? valueEnd - 1 : valueEnd);
  if (rawInner === value) return out.copy(value, { file, offset: first });
  return out.insert(value, { file, offset: first });
}
