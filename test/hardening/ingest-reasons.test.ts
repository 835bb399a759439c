import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openDatabase } from '../../runtime/db/open.ts';
import { workspaceCopies } from '../support/workspace-copies.ts';

const { base, copy, herald } = workspaceCopies('reasons');

it("an ingest reject's reason never carries the value of a personal field", async () => {
  const root = copy();
  // A personal number field, so a field marked pii (not only emails) is covered.
  const herald_yaml = join(root, 'herald.yaml');
  writeFileSync(
    herald_yaml,
    readFileSync(herald_yaml, 'utf8').replace(/(\n\s+)email_consent:/, '$1shoe_size: { type: number, pii: true }$1email_consent:'),
  );
  const sources = join(root, 'sources.yaml');
  writeFileSync(
    sources,
    readFileSync(sources, 'utf8').replace('email_consent: email_consent }', 'email_consent: email_consent, shoe_size: shoe_size }'),
  );
  const csv = join(root, 'data', 'customers.csv');
  const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
  writeFileSync(
    csv,
    `${lines[0]},shoe_size\n${lines
      .slice(1)
      .map((l) => `${l},42`)
      .join('\n')}\n`,
  );
  appendFileSync(csv, 'q90,zed secret@example.test,Zed,France,2026-01-02 10:00,Europe/Paris,true,42\n');
  appendFileSync(csv, 'q91,ok@example.test,Ok,France,2026-01-02 10:00,Europe/Paris,true,size-forty-two\n');
  const db = `sqlite:${join(base, 'h.db')}`;
  const run = await herald(['ingest', root, '--db', db]);
  expect(run.err + run.out).not.toContain('zed secret');
  const opened = openDatabase(db);
  try {
    const rejects = await opened.kysely.selectFrom('ingest_rejects').select(['reason', 'detail']).orderBy('line').execute();
    expect(rejects).toEqual([
      { reason: 'invalid_email', detail: 'customers.email: a value of 23 characters is not an email address' },
      { reason: 'invalid_number', detail: 'customers.shoe_size: a value of 14 characters is not a number' },
    ]);
  } finally {
    await opened.close();
  }
}, 60_000);
