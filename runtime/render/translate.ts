import type { CompiledTemplate } from '../../compiler/contract/template.ts';
import { baseLanguage, chooseLanguage, isLanguageTag, textDirection } from '../../compiler/contract/languages.ts';
import { currentSettings } from './settings.ts';
import { own } from '../../compiler/contract/core/own.ts';
import { MissingValueError } from './missing.ts';

/**
 * The language of one email and what follows from it: which catalogues `t()` reads (the chosen
 * language, its base language, the template's own), the locale dates and money are formatted in
 * (the customer's when it is of that language, else the template's, so an English email never
 * shows Dutch dates), and the `lang`/`dir` of the HTML.
 */
export interface EmailLanguage {
  language: string;
  /** The locale formats use, and the `lang` of the HTML. */
  locale: string;
  dir: 'ltr' | 'rtl';
  messages?: ReadonlyArray<Readonly<Record<string, string>>>;
}

/** By template, then customer locale: a send renders thousands of customers of a few locales. */
const chosen = new WeakMap<CompiledTemplate, Map<string, EmailLanguage>>();

export function emailLanguage(compiled: CompiledTemplate, customerLocale: unknown): EmailLanguage {
  const key = typeof customerLocale === 'string' ? customerLocale : '';
  let byLocale = chosen.get(compiled);
  if (!byLocale) chosen.set(compiled, (byLocale = new Map()));
  let found = byLocale.get(key);
  if (!found) {
    found = chooseEmailLanguage(compiled, key);
    if (byLocale.size < 1000) byLocale.set(key, found);
  }
  return found;
}

function chooseEmailLanguage(compiled: CompiledTemplate, customerLocale: string): EmailLanguage {
  const fallback = compiled.translations?.default ?? compiled.language ?? baseLanguage(compiled.locale);
  const available = compiled.translations ? Object.keys(compiled.translations.messages) : [fallback];
  const language = chooseLanguage(customerLocale, available, fallback);
  const wanted = customerLocale.trim().replace(/_/g, '-');
  const locale =
    wanted !== '' && isLanguageTag(wanted) && baseLanguage(wanted) === baseLanguage(language) && isSupportedLocale(wanted)
      ? wanted
      : baseLanguage(compiled.locale) === baseLanguage(language)
        ? compiled.locale
        : language;
  const out: EmailLanguage = { language, locale, dir: textDirection(language) };
  if (compiled.translations) {
    const m = compiled.translations.messages;
    const chain = [language, baseLanguage(language), compiled.translations.default].filter(
      (l, i, all) => own(m, l) !== undefined && all.indexOf(l) === i,
    );
    out.messages = chain.map((l) => own(m, l)!);
  }
  return out;
}

const supported = new Map<string, boolean>();

/** Whether Intl knows the locale (an odd tag in customer data must not change formats or fail). */
function isSupportedLocale(tag: string): boolean {
  let ok = supported.get(tag);
  if (ok === undefined) {
    try {
      ok = Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0;
    } catch {
      ok = false;
    }
    if (supported.size < 1000) supported.set(tag, ok);
  }
  return ok;
}

/** `t('key', name=value)`: the message in the email's language, its `{name}` placeholders filled. */
export function translate(key: unknown, ...rest: unknown[]): string {
  const chain = currentSettings().messages;
  const k = String(key);
  let message: string | undefined;
  // Message keys are the catalogue's: `t('constructor')` finds a message so named, never Object's.
  if (chain) for (const m of chain) if ((message = own(m, k)) !== undefined) break;
  if (message === undefined) throw new MissingValueError(`no message "${k}" in the template's translations`);
  const last = rest[rest.length - 1] as Record<string, unknown> | undefined;
  const values = last && typeof last === 'object' && (last as { __keywords?: boolean }).__keywords ? last : undefined;
  if (!message.includes('{')) return message;
  return message.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => {
    const v = own(values as Record<string, unknown> | undefined, name);
    if (v === undefined || v === null || v === '') throw new MissingValueError(`missing value for {${name}} in message "${k}"`);
    return String(v);
  });
}

/**
 * The HTML's `lang` and `dir` set to the email's language: MJML writes `lang="und" dir="auto"` on
 * `<html>` and on the body's article wrapper, which screen readers and translators read.
 */
export function withHtmlLanguage(html: string, lang: string, dir: 'ltr' | 'rtl'): string {
  return html.replace(UNDETERMINED, `lang="${lang}" dir="${dir}"`);
}

const UNDETERMINED = /lang="und" dir="auto"/g;
