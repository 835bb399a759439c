import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RenderedEmail } from './renderer.ts';

export interface WrittenEmail {
  html: string;
  text: string;
  eml: string;
}

/**
 * Writes one rendered email as `<name>.html`, `<name>.txt` and `<name>.eml` (the `file`
 * transport of dry runs, and `herald render --out`). `name` must be a safe file stem.
 */
export function writeEmailFiles(dir: string, name: string, email: RenderedEmail, mime: string | Buffer): WrittenEmail {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.')) throw new Error(`unsafe email file name "${name}"`);
  mkdirSync(dir, { recursive: true });
  const paths = { html: join(dir, `${name}.html`), text: join(dir, `${name}.txt`), eml: join(dir, `${name}.eml`) };
  writeFileSync(paths.html, email.html);
  writeFileSync(paths.text, email.text);
  writeFileSync(paths.eml, mime);
  return paths;
}
