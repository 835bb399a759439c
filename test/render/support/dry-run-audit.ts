import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Database } from '../../../runtime/db/database.ts';

/**
 * Reads every email a flagship dry run wrote (`<out>/<key>.html` and `.txt`, one per sent outbox
 * row) the way a recipient would, and counts what a recipient would notice:
 *
 * - a list announced with nothing under it: the basket intro ("Here is what is waiting for you:")
 *   must be followed by one product line per basket item of the journey's entry, and a picks
 *   intro by products or by the template's words for an empty list;
 * - the wrong language: `<html lang>` must be the language the customer's locale picks among the
 *   translations (its base language when there is a catalogue for it, else the templates' own),
 *   and the email's words (the unsubscribe link, a basket intro) must be that language's.
 *
 * The expected language is worked out here from the catalogue files, not by the renderer's code,
 * so the two are checked against each other.
 */
export interface DryRunAudit {
  emails: number;
  byTemplate: Record<string, number>;
  byLanguage: Record<string, number>;
  /** Emails of the cart templates, and those showing a basket intro. */
  cartEmails: number;
  basketsShown: number;
  /** Emails announcing product picks (each followed by products or the words for none). */
  picksShown: number;
  /** Each a line saying which email and what is wrong. */
  emptyLists: string[];
  wrongLanguage: string[];
  missingFiles: string[];
}

type Catalogue = Map<string, string>;

const CART_TEMPLATES = new Set(['cart_reminder', 'cart_offer_10', 'cart_offer_ship']);
/** Messages that announce a list of products (the flagship's catalogue keys). */
const PICKS_INTROS = [
  'welcome.bestsellers',
  'recommendations.regular',
  'recommendations.favourites',
  'december_news.picked',
  'december_news.most_given',
];
const PRODUCT_LINE = /^\S.*\(https:\/\/shop\.example\/p\/[^)\s]+\)$/;

/** The flagship's catalogues (`templates/translations/<language>.yaml`), keys flattened (`basket.intro`). */
export function readCatalogues(workspace: string): Map<string, Catalogue> {
  const dir = join(workspace, 'templates', 'translations');
  const out = new Map<string, Catalogue>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const flat: Catalogue = new Map();
    const walk = (value: unknown, prefix: string) => {
      if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}.${k}` : k);
      else flat.set(prefix, String(value));
    };
    walk(parse(readFileSync(join(dir, file), 'utf8')), '');
    out.set(file.replace(/\.yaml$/, ''), flat);
  }
  return out;
}

/** The language a locale picks: its base language when there is a catalogue for it, else the default. */
export function expectedLanguage(locale: unknown, catalogues: ReadonlyMap<string, Catalogue>, fallback: string): string {
  const base = typeof locale === 'string' ? locale.trim().split(/[-_]/)[0]!.toLowerCase() : '';
  return catalogues.has(base) ? base : fallback;
}

export async function auditDryRun(
  db: Database,
  outDir: string,
  catalogues: ReadonlyMap<string, Catalogue>,
  fallback: string,
): Promise<DryRunAudit> {
  const rows = await db.kysely
    .selectFrom('delivery_outbox as o')
    .leftJoin('customers as c', 'c.id', 'o.customer_id')
    .select(['o.message_id', 'o.template', 'o.customer_id', 'o.journey_context', 'c.locale'])
    .where('o.status', '=', 'sent')
    .orderBy('o.message_id')
    .execute();
  const audit: DryRunAudit = {
    emails: 0,
    byTemplate: {},
    byLanguage: {},
    cartEmails: 0,
    basketsShown: 0,
    picksShown: 0,
    emptyLists: [],
    wrongLanguage: [],
    missingFiles: [],
  };
  const languages = [...catalogues.keys()];
  const message = (language: string, key: string) => catalogues.get(language)?.get(key) ?? catalogues.get(fallback)!.get(key)!;
  for (const row of rows) {
    const stem = String(row.message_id).split('@')[0]!;
    const htmlPath = join(outDir, `${stem}.html`);
    const textPath = join(outDir, `${stem}.txt`);
    if (!existsSync(htmlPath) || !existsSync(textPath)) {
      audit.missingFiles.push(stem);
      continue;
    }
    const template = String(row.template);
    const where = `${template} ${stem}`;
    const html = readFileSync(htmlPath, 'utf8');
    const lines = readFileSync(textPath, 'utf8')
      .split('\n')
      .map((l) => l.trim());
    audit.emails++;
    audit.byTemplate[template] = (audit.byTemplate[template] ?? 0) + 1;

    // The language.
    const language = expectedLanguage(row.locale, catalogues, fallback);
    audit.byLanguage[language] = (audit.byLanguage[language] ?? 0) + 1;
    const lang = /<html\b[^>]*\blang="([^"]*)"/.exec(html)?.[1];
    if (!lang || lang.split('-')[0]!.toLowerCase() !== language)
      audit.wrongLanguage.push(`${where}: lang="${lang ?? ''}" for locale ${String(row.locale)} (expected ${language})`);
    const unsubscribe = lines.find((l) => l.includes('(https://shop.example/email/unsubscribe/'));
    if (!unsubscribe?.startsWith(`${message(language, 'common.unsubscribe')} (`))
      audit.wrongLanguage.push(`${where}: unsubscribe line "${unsubscribe?.split(' (')[0] ?? ''}" is not ${language}`);
    for (const other of languages) {
      if (
        other !== language &&
        message(other, 'basket.intro') !== message(language, 'basket.intro') &&
        lines.includes(message(other, 'basket.intro'))
      )
        audit.wrongLanguage.push(`${where}: the basket intro is in ${other}, not ${language}`);
    }

    // Lists: the basket.
    if (CART_TEMPLATES.has(template)) {
      audit.cartEmails++;
      const items = basketItems(row.journey_context);
      const intro = lines.indexOf(message(language, 'basket.intro'));
      const empty = lines.includes(message(language, 'basket.empty'));
      if (intro >= 0) {
        audit.basketsShown++;
        const end = lines.findIndex((l, i) => i > intro && l.includes('(https://shop.example/basket'));
        const products = lines.slice(intro + 1, end < 0 ? undefined : end).filter((l) => PRODUCT_LINE.test(l));
        if (products.length === 0) audit.emptyLists.push(`${where}: "${lines[intro]}" with no product under it`);
        else if (products.length !== items) audit.emptyLists.push(`${where}: ${products.length} products shown for ${items} basket items`);
      } else if (!empty) audit.emptyLists.push(`${where}: neither the basket nor the words for an empty one`);
      else if (items > 0) audit.emptyLists.push(`${where}: says the basket is empty, but it holds ${items} items`);
    }
    // Lists: product picks.
    for (const key of PICKS_INTROS) {
      const intro = lines.indexOf(message(language, key));
      if (intro < 0) continue;
      audit.picksShown++;
      const next = lines.slice(intro + 1).find((l) => l !== '') ?? '';
      if (!PRODUCT_LINE.test(next) && !next.startsWith(message(language, 'picks.empty')))
        audit.emptyLists.push(`${where}: "${lines[intro]}" followed by "${next.slice(0, 60)}"`);
    }
  }
  return audit;
}

function basketItems(context: unknown): number {
  if (typeof context !== 'string') return 0;
  const parsed = JSON.parse(context) as { entry?: { items?: unknown[] } };
  return parsed.entry?.items?.length ?? 0;
}
