import { pathToFileURL } from 'node:url';
import type { BenchSuite } from './types.ts';
import { parseRule } from '../compiler/dsl/parse.ts';
import { tokenize } from '../compiler/dsl/lexer.ts';
import { printRule } from '../compiler/dsl/print.ts';
import type { Expr } from '../compiler/contract/core/ast.ts';

/**
 * Rule DSL parsing throughput. Target: at least 20,000 typical rules per second on one core.
 * Baseline: JSON.parse of a JSON document of the same length per rule (the cheapest structured
 * parse there is), so the ratio says what the grammar costs beyond reading the characters.
 */
const TYPICAL = [
  'rfm.monetary >= 4 and days_since(last(purchase).at) > 90 and email_consent',
  'exists(added_to_cart where price > 50 within 48h) and not exists(purchase within 48h)',
  'count(purchase within 30d) >= 3 or sum(purchase.amount within 365d) > 1000',
  'country in ["United Kingdom", "France", "Germany"] and signup_at >= 2011-01-01',
  'lifecycle = "lapsed" and tier(repurchase_90d) = "high" and in_segment(newsletter_optin)',
  'if(InvoiceNo starts with "C", "refund", "purchase")',
  'Quantity * UnitPrice',
  'first_name is not null and lower(country) != "united kingdom" and avg(purchase.amount) between 10 and 200',
  'exists(purchase within next 90d)',
  'days_since(first(purchase).at) < 30 and count(page_view within 7d) > 5',
];
const RULES = Array.from({ length: 2000 }, (_, i) => TYPICAL[i % TYPICAL.length]!);
/** A JSON text as long as each rule: an array of its words. */
const JSON_TWINS = RULES.map((rule) => {
  const words = rule.split(' ');
  let json = JSON.stringify(words);
  while (json.length < rule.length) json = JSON.stringify([...JSON.parse(json), 'x']);
  return json;
});
const ASTS: Expr[] = RULES.map((rule) => {
  const r = parseRule(rule);
  if (!r.ok) throw new Error(`bench rule does not parse: ${rule}`);
  return r.ast;
});

let sink = 0;

const suite: BenchSuite = {
  name: 'dsl-parse',
  runs: 9,
  warmup: 2,
  cases: [
    {
      name: 'JSON.parse, same length (baseline)',
      baseline: true,
      units: RULES.length,
      unitName: 'rules',
      run: () => {
        for (const text of JSON_TWINS) sink += (JSON.parse(text) as unknown[]).length;
      },
    },
    {
      name: 'tokenize typical rules',
      units: RULES.length,
      unitName: 'rules',
      run: () => {
        for (const rule of RULES) sink += tokenize(rule).tokens.length;
      },
    },
    {
      name: 'parse typical rules',
      units: RULES.length,
      unitName: 'rules',
      run: () => {
        for (const rule of RULES) sink += parseRule(rule).ok ? 1 : 0;
      },
    },
    {
      name: 'print typical rules',
      units: RULES.length,
      unitName: 'rules',
      run: () => {
        for (const ast of ASTS) sink += printRule(ast).length;
      },
    },
  ],
  targets: [
    {
      description: 'parse >= 20,000 typical rules/s on one core',
      check: (medians) => RULES.length / ((medians['parse typical rules'] ?? Infinity) / 1000) >= 20_000,
    },
  ],
};

export default suite;

/** `npx tsx bench/dsl-parse.bench.ts` prints the throughput without the suite runner. */
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const c of suite.cases) {
    for (let i = 0; i < 3; i++) c.run();
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t0 = performance.now();
      c.run();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const median = times[4]!;
    console.log(
      `${c.name.padEnd(38)} ${median.toFixed(2).padStart(8)} ms  ${Math.round((c.units! / median) * 1000)
        .toLocaleString('en-US')
        .padStart(10)} ${c.unitName}/s`,
    );
  }
  if (sink < 0) console.log(sink);
}
