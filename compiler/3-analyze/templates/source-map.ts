/**
 * Offsets through text transformations. Template source is assembled from several files (the
 * layout, the template, its partials) and then rewritten (nunjucks tags swapped for inert tokens)
 * before MJML sees it; an error found in the rewritten text must still point at the right file,
 * line and column. Each piece of output remembers where it came from.
 */
export interface Origin {
  /** Workspace-relative path of the file the text came from. */
  file: string;
  /** 0-based offset in that file (or in the previous stage's text, for a chained map). */
  offset: number;
}

interface Piece {
  outStart: number;
  outEnd: number;
  origin: Origin;
  /** Copied as is: inner offsets map one to one. A synthetic piece maps every inner offset to its start. */
  verbatim: boolean;
}

export class MappedText {
  private parts: string[] = [];
  private pieces: Piece[] = [];
  private length = 0;

  /** Appends text copied from `origin` (offsets inside map one to one). */
  copy(text: string, origin: Origin): this {
    return this.push(text, origin, true);
  }

  /** Appends generated text; every offset inside maps to `origin`. */
  insert(text: string, origin: Origin): this {
    return this.push(text, origin, false);
  }

  private push(text: string, origin: Origin, verbatim: boolean): this {
    if (text.length === 0) return this;
    this.parts.push(text);
    this.pieces.push({ outStart: this.length, outEnd: this.length + text.length, origin, verbatim });
    this.length += text.length;
    return this;
  }

  /** A whole file's text, mapped one to one. */
  static ofFile(text: string, file: string): MappedText {
    return new MappedText().copy(text, { file, offset: 0 });
  }

  /** Appends `src.text[from, to)` keeping each piece's own origin. */
  appendSlice(src: MappedText, from: number, to: number): this {
    const text = src.text;
    for (const p of src.pieces) {
      const a = Math.max(from, p.outStart);
      const b = Math.min(to, p.outEnd);
      if (a >= b) continue;
      const origin = { file: p.origin.file, offset: p.origin.offset + (p.verbatim ? a - p.outStart : 0) };
      this.push(text.slice(a, b), origin, p.verbatim);
    }
    return this;
  }

  get text(): string {
    if (this.parts.length > 1) this.parts = [this.parts.join('')];
    return this.parts[0] ?? '';
  }

  /** Where an output offset came from; undefined only for an empty text. */
  locate(offset: number): Origin | undefined {
    const pieces = this.pieces;
    if (pieces.length === 0) return undefined;
    let lo = 0;
    let hi = pieces.length - 1;
    const target = Math.max(0, Math.min(offset, this.length - 1));
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pieces[mid]!.outStart <= target) lo = mid;
      else hi = mid - 1;
    }
    const p = pieces[lo]!;
    const delta = p.verbatim ? Math.min(offset, p.outEnd) - p.outStart : 0;
    return { file: p.origin.file, offset: p.origin.offset + Math.max(0, delta) };
  }
}

/** 0-based offset of a 1-based line and 0-based column in `text`. */
export function offsetOfLine(text: string, line: number, column = 0): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) return text.length;
    offset = nl + 1;
  }
  return Math.min(text.length, offset + column);
}
