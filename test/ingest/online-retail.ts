import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Database } from '../../runtime/db/database.ts';

export const CAMPAIGNS = join(import.meta.dirname, '..', '..', 'campaigns');
export const RETAIL_DIR = join(CAMPAIGNS, 'data', 'online-retail');

/** The daily files, sorted by date. */
export function retailFiles(): string[] {
  return readdirSync(RETAIL_DIR)
    .filter((f) => f.endsWith('.csv'))
    .sort();
}

/** A workspace with the flagship data model and Online Retail Source, over some of the daily files. */
export function retailWorkspace(dir: string, files: string[]): string {
  cpSync(join(CAMPAIGNS, 'herald.yaml'), join(dir, 'herald.yaml'));
  mkdirSync(join(dir, 'sources'), { recursive: true });
  cpSync(join(CAMPAIGNS, 'sources', 'online-retail.yaml'), join(dir, 'sources', 'online-retail.yaml'));
  mkdirSync(join(dir, 'data', 'online-retail'), { recursive: true });
  for (const f of files) cpSync(join(RETAIL_DIR, f), join(dir, 'data', 'online-retail', f));
  return dir;
}

export interface RetailFacts {
  lines: number;
  customers: number;
  invoices: number;
  withoutCustomer: number;
  cancellations: number;
  /** Lines with a customer identical to an earlier one in every field the event keeps. */
  duplicates: number;
}

/**
 * The facts of the README table, computed straight from the raw CSV with another parser
 * (csv-parse), independently of Herald's reader and mappings.
 */
export function factsFromCsv(paths: string[]): RetailFacts {
  const facts: RetailFacts = { lines: 0, customers: 0, invoices: 0, withoutCustomer: 0, cancellations: 0, duplicates: 0 };
  const customers = new Set<string>();
  const invoices = new Set<string>();
  const seen = new Set<string>();
  for (const path of paths) {
    const rows = parse(readFileSync(path), { columns: true, bom: true }) as Array<Record<string, string>>;
    for (const r of rows) {
      facts.lines++;
      invoices.add(r.InvoiceNo!);
      if (r.InvoiceNo!.startsWith('C')) facts.cancellations++;
      if (r.CustomerID === '') {
        facts.withoutCustomer++;
        continue;
      }
      customers.add(r.CustomerID!);
      // The event keeps invoice, item, quantity, price, customer and time (not the description).
      const key = [r.InvoiceNo, r.StockCode, r.Quantity, r.UnitPrice, r.CustomerID, r.InvoiceDate].join('\u0001');
      if (seen.has(key)) facts.duplicates++;
      else seen.add(key);
    }
  }
  facts.customers = customers.size;
  facts.invoices = invoices.size;
  return facts;
}

/** The same facts, from what Herald loaded plus what it rejected (nothing else). */
export async function factsFromDatabase(db: Database): Promise<RetailFacts & { loaded: number; rejected: number }> {
  const k = db.kysely;
  const events = await k.selectFrom('events').select(['invoice', 'customer_id']).execute();
  const rejects = await k.selectFrom('ingest_rejects').select(['reason', 'raw']).execute();
  const invoices = new Set<string>();
  let cancellations = 0;
  for (const e of events) {
    invoices.add(e.invoice as string);
    if ((e.invoice as string).startsWith('C')) cancellations++;
  }
  let withoutCustomer = 0;
  let duplicates = 0;
  for (const r of rejects) {
    // The Source maps no personal data, so the rejects table keeps each row's text as in the file.
    const [fields] = parse(r.raw as string) as string[][];
    invoices.add(fields![0]!);
    if (fields![0]!.startsWith('C')) cancellations++;
    if (r.reason === 'missing_customer') withoutCustomer++;
    if (r.reason === 'duplicate_event') duplicates++;
  }
  const customers = await k
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return {
    lines: events.length + rejects.length,
    loaded: events.length,
    rejected: rejects.length,
    customers: Number(customers.n),
    invoices: invoices.size,
    withoutCustomer,
    cancellations,
    duplicates,
  };
}
