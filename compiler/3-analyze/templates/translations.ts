import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { posix, resolve, sep } from 'node:path';
import { isMap, isScalar, parseDocument, type Document, type Node } from 'yaml';
import type { Diagnostic } from '../../diagnostics/diagnostic.ts';
import { makeSourceFile, rangeAt, type SourceFile } from '../../1-load/source-file.ts';
import type { TemplateTranslations } from '../../contract/template.ts';
import { baseLanguage, isLanguageTag } from '../../contract/languages.ts';
import { diagnostic } from '../../diagnostics/make.ts';
import type { MessageParams } from '../../diagnostics/catalogue/index.ts';

/**
 * A template's message catalogues: `spec.translations` names a folder (relative to the YAML file)
 * holding one `<language>.yaml` per language (`en.yaml`, `de.yaml`, `pt-BR.yaml`), each a mapping
 * of keys to messages (nested mappings give dotted keys: `cart: { heading: … }` is `cart.heading`).
 * Messages name their placeholders in braces: `Hello {name}`. The template's own language (its
 * `language`, else the language of its `locale`) must have a catalogue: it is the fallback for
 * every key another language lacks. Several templates may share one folder.
 */
export interface LoadedTranslations extends TemplateTranslations {
  /** Where each message is written, for diagnostics: by language, then key. */
  positions: Map<string, { file: SourceFile; keys: Map<string, { start: number; end: number }> }>;
  /** Workspace-relative catalogue files read. */
  files: string[];
  diagnostics: Diagnostic[];
}

/**
 * Several templates usually share one folder of catalogues: each file is parsed once per content
 * (the latest text per file is kept, so `herald dev` re-reads an edited catalogue). The parsed
 * document is only read, never changed.
 */
const parsedCatalogues = new Map<string, { text: string; doc: Document.Parsed }>();

function parsedCatalogue(path: string, text: string): Document.Parsed {
  const cached = parsedCatalogues.get(path);
  if (cached?.text === text) return cached.doc;
  const doc = parseDocument(text, { uniqueKeys: true });
  parsedCatalogues.set(path, { text, doc });
  return doc;
}

/** `{name}` placeholders of a message, in order of first use. */
export function placeholdersOf(message: string): string[] {
  return [...new Set([...message.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!))];
}

export function loadTranslations(options: {
  root: string;
  yamlPath: string;
  folder: string;
  language: string;
  namedAt: { file: SourceFile; offset: number; length: number };
}): LoadedTranslations {
  const out: LoadedTranslations = { default: options.language, messages: {}, positions: new Map(), files: [], diagnostics: [] };
  const at = (params: MessageParams<'HL348'>, help?: string) =>
    out.diagnostics.push(
      diagnostic('HL348', params, {
        file: options.namedAt.file.path,
        range: rangeAt(options.namedAt.file, options.namedAt.offset, options.namedAt.offset + options.namedAt.length),
        ...(help ? { help } : {}),
      }),
    );
  const rel = posix.normalize(posix.join(posix.dirname(options.yamlPath), options.folder));
  const root = realOrSelf(options.root);
  const abs = resolve(options.root, rel);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    at({ form: 'no-folder', folder: rel }, `create ${rel}/${options.language}.yaml with the template's messages`);
    return out;
  }
  const real = realOrSelf(abs);
  if (real !== root && !real.startsWith(root + sep)) {
    at({ form: 'folder-outside', folder: rel });
    return out;
  }
  for (const name of readdirSync(abs).sort()) {
    const m = /^(.+)\.ya?ml$/.exec(name);
    if (!m) continue;
    const path = posix.join(rel, name);
    const fileAbs = resolve(abs, name);
    const fileReal = realOrSelf(fileAbs);
    if (!fileReal.startsWith(root + sep)) {
      at({ form: 'file-outside', file: path });
      continue;
    }
    let text = readFileSync(fileReal, 'utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const file = makeSourceFile(path, fileAbs, text);
    out.files.push(path);
    const problem = (params: MessageParams<'HL348'>, start: number, end: number, help?: string) =>
      out.diagnostics.push(diagnostic('HL348', params, { file: path, range: rangeAt(file, start, end), ...(help ? { help } : {}) }));
    const language = m[1]!;
    if (!isLanguageTag(language)) {
      problem({ form: 'not-a-language', name }, 0, 0, 'name catalogues by BCP 47 language tag: en.yaml, de.yaml, pt-BR.yaml');
      continue;
    }
    const doc = parsedCatalogue(fileReal, text);
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      problem({ form: 'invalid-yaml', file: path, yaml: e.message.split('\n')[0]! }, e.pos[0], e.pos[1]);
      continue;
    }
    const messages: Record<string, string> = Object.create(null);
    const keys = new Map<string, { start: number; end: number }>();
    const walk = (node: Node | null | undefined, prefix: string): void => {
      if (node === null || node === undefined) return;
      if (!isMap(node)) {
        const r = node.range ?? [0, 0];
        problem(
          prefix ? { form: 'not-a-mapping', prefix } : { form: 'not-a-mapping', file: path },
          r[0],
          r[1],
          'e.g. cart: { heading: "Your basket" }',
        );
        return;
      }
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : '';
        const kr = keyNode?.range ?? [0, 0];
        if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) {
          problem({ form: 'bad-key', key }, kr[0], kr[1]);
          continue;
        }
        const full = prefix ? `${prefix}.${key}` : key;
        const value = pair.value as Node | null;
        if (isScalar(value) && (typeof value.value === 'string' || typeof value.value === 'number')) {
          messages[full] = String(value.value);
          const vr = value.range ?? kr;
          keys.set(full, { start: vr[0], end: vr[1] });
        } else if (isMap(value)) {
          walk(value, full);
        } else {
          const vr = (value as Node | null)?.range ?? kr;
          problem({ form: 'not-text', key: full }, vr[0], vr[1]);
        }
      }
    };
    if (doc.contents !== null) walk(doc.contents as Node, '');
    out.messages[language] = messages;
    out.positions.set(language, { file, keys });
  }
  if (!out.messages[options.language]) {
    const base = baseLanguage(options.language);
    if (base !== options.language && out.messages[base]) out.default = base;
    else
      at(
        { form: 'no-own-language', folder: rel, language: options.language },
        'the template language (spec.language, or the language of spec.locale) is the fallback for every message',
      );
  }
  checkLanguagesAgree(out);
  return out;
}

/**
 * Every language should have every key the template's own language has (a missing one falls
 * back to it, so a German email would show an English sentence: a warning), and no placeholder
 * the default message lacks (it would print as written: an error, HL347).
 */
function checkLanguagesAgree(out: LoadedTranslations): void {
  const base = out.messages[out.default];
  if (!base) return;
  for (const [language, messages] of Object.entries(out.messages)) {
    if (language === out.default) continue;
    const where = out.positions.get(language)!;
    const missing = Object.keys(base).filter((k) => messages[k] === undefined);
    if (missing.length > 0) {
      out.diagnostics.push(
        diagnostic(
          'HL346',
          {
            form: 'lacks-shown-instead',
            language,
            value: missing.length === 1 ? 'message' : `${missing.length} messages`,
            missing: missing
              .slice(0, 5)
              .map((k) => `"${k}"`)
              .join(', '),
            value2: missing.length > 5 ? ', …' : '',
            default: out.default,
          },
          {
            file: where.file.path,
            range: rangeAt(where.file, 0, 0),
            help: `translate ${missing.length === 1 ? 'it' : 'them'} in ${where.file.path}`,
          },
        ),
      );
    }
    for (const [key, message] of Object.entries(messages)) {
      const pos = where.keys.get(key)!;
      if (base[key] === undefined) {
        out.diagnostics.push(
          diagnostic(
            'HL346',
            { form: 'not-message-the', key, default: out.default },
            {
              file: where.file.path,
              range: rangeAt(where.file, pos.start, pos.end),
              help: `add it to the ${out.default} catalogue, or remove it here`,
            },
          ),
        );
        continue;
      }
      const allowed = new Set(placeholdersOf(base[key]));
      for (const p of placeholdersOf(message)) {
        if (!allowed.has(p)) {
          const offset = pos.start + Math.max(0, where.file.text.slice(pos.start, pos.end).indexOf(`{${p}}`));
          out.diagnostics.push(
            diagnostic(
              'HL347',
              { form: 'placeholder-not-the', p, key, language, default: out.default },
              {
                file: where.file.path,
                range: rangeAt(where.file, offset, offset + p.length + 2),
                help:
                  allowed.size > 0
                    ? `its placeholders are ${[...allowed].map((a) => `{${a}}`).join(', ')}`
                    : 'the message has no placeholders',
              },
            ),
          );
        }
      }
    }
  }
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
