import type { Expr } from '../../contract/core/ast.ts';
import type { Definition } from '../../1-load/definition.ts';
import { suggest } from '../../diagnostics/suggest.ts';
import { findRuleSites, ruleRange, type RuleSite } from '../../1-load/rules.ts';
import type { AnalyzeContext, KindAnalyzer } from '../context.ts';
import { suggestTimeZone } from '../../2-validate/time-zone.ts';
import { isTimeZone } from '../../contract/core/zones.ts';
import { append } from '../../util/append.ts';
import { diagnostic } from '../../diagnostics/make.ts';

/** What the Source emitter needs: every rule of the definition, parsed, by its path in the spec. */
export interface SourceFacts {
  rules: Record<string, { text: string; ast: Expr }>;
}

/** The key of a rule in SourceFacts: its path below `spec`, joined with dots. */
export function ruleKey(path: ReadonlyArray<string | number>): string {
  return path.slice(path[0] === 'spec' ? 1 : 0).join('.');
}

interface SourceSpec {
  files?: string | string[];
  csv?: { header?: boolean; columns?: string[] };
  timezone?: string;
  timestamp_format?: string;
  customers?: Record<string, string>;
  events?: { type?: string; customer_id?: string; properties?: Record<string, string> };
  items?: Record<string, string>;
  standardize?: Record<string, Record<string, string>>;
}

/** Functions that need a customer or a clock, which a raw row being loaded does not have. */
const NOT_OVER_A_ROW = new Set(['days_since', 'score', 'tier', 'in_segment', 'subscribed']);

/**
 * Checks a Source against the data model: mapped targets exist (did-you-mean), literal event
 * types are declared, rules only read their row, time settings are valid, files stay inside the
 * workspace. Returns the parsed rules for the emitter.
 */
export const analyzeSource: KindAnalyzer = (def, ctx) => {
  const spec = def.spec as SourceSpec;
  const model = ctx.dataModel;
  const file = def.doc.file.path;
  const keyRange = (path: Array<string | number>) => ctx.rangeOf(def, ['spec', ...path], { key: true });
  const valueRange = (path: Array<string | number>) => ctx.rangeOf(def, ['spec', ...path]);

  const checkTargets = (block: Record<string, string> | undefined, fields: string[], where: string, code: 'HL380' | 'HL383') => {
    for (const field of Object.keys(block ?? {})) {
      if (field === 'id' || fields.includes(field)) continue;
      const hint = suggest(field, fields);
      ctx.report(
        diagnostic(
          code,
          { field },
          {
            file,
            range: keyRange([where, field]),
            help: hint ? `did you mean "${hint}"?` : `declare it in herald.yaml first (known: ${fields.join(', ') || 'none'})`,
          },
        ),
      );
    }
  };
  checkTargets(spec.customers, Object.keys(model.customers.fields), 'customers', 'HL380');
  checkTargets(spec.items, Object.keys(model.items.fields), 'items', 'HL383');
  const allProperties = [...new Set(Object.values(model.events).flatMap((p) => Object.keys(p)))].sort();
  for (const prop of Object.keys(spec.events?.properties ?? {})) {
    if (allProperties.includes(prop)) continue;
    const hint = suggest(prop, allProperties);
    ctx.report(
      diagnostic(
        'HL382',
        { prop },
        {
          file,
          range: keyRange(['events', 'properties', prop]),
          help: hint
            ? `did you mean "${hint}"?`
            : `declare it under an event type in herald.yaml (known: ${allProperties.join(', ') || 'none'})`,
        },
      ),
    );
  }

  if (spec.timezone !== undefined && !isTimeZone(spec.timezone)) {
    const hint = suggestTimeZone(spec.timezone);
    ctx.report(
      diagnostic(
        'HL384',
        { form: 'not-known-time', timezone: spec.timezone },
        {
          file,
          range: valueRange(['timezone']),
          help: hint ? `did you mean "${hint}"?` : 'use an IANA name such as Europe/London',
        },
      ),
    );
  }
  // The year, month and day tokens (YYYY, M/MM, D/DD; upper case, unlike mm for minutes).
  const layout = spec.timestamp_format;
  if (layout !== undefined && !(layout.includes('YYYY') && layout.includes('M') && layout.includes('D'))) {
    ctx.report(
      diagnostic(
        'HL384',
        { form: 'timestamp-format-needs', layout },
        {
          file,
          range: valueRange(['timestamp_format']),
          help: 'e.g. M/D/YYYY H:mm for 12/1/2010 8:26',
        },
      ),
    );
  }
  if (spec.csv?.header === false && !(spec.csv.columns && spec.csv.columns.length > 0)) {
    ctx.report(
      diagnostic('HL386', {}, { file, range: keyRange(['csv', 'header']), help: 'list the column names in file order under csv.columns' }),
    );
  }
  for (const [i, pattern] of (Array.isArray(spec.files) ? spec.files : spec.files ? [spec.files] : []).entries()) {
    if (pattern.startsWith('/') || /^[A-Za-z]:[\\/]/.test(pattern) || pattern.split(/[\\/]/).includes('..')) {
      ctx.report(
        diagnostic(
          'HL388',
          { pattern },
          {
            file,
            range: valueRange(Array.isArray(spec.files) ? ['files', i] : ['files']),
            help: 'write a path relative to the workspace root, e.g. data/orders/*.csv',
          },
        ),
      );
    }
  }
  checkStandardize(def, spec, ctx);

  const sites = findRuleSites(def.doc);
  const facts: SourceFacts = { rules: {} };
  for (const site of sites) {
    if (!site.ast) continue; // syntax errors are already reported by phase 1
    facts.rules[ruleKey(site.path)] = { text: site.text, ast: site.ast };
    checkRowOnly(site, site.ast, ctx);
  }
  const typeSite = sites.find((s) => ruleKey(s.path) === 'events.type');
  if (typeSite?.ast) checkEventTypes(typeSite, typeSite.ast, Object.keys(model.events), ctx);

  const customerId = spec.customers?.id;
  const eventCustomer = spec.events?.customer_id;
  if (customerId !== undefined && eventCustomer !== undefined && customerId.replace(/\s+/g, '') !== eventCustomer.replace(/\s+/g, '')) {
    ctx.report(
      diagnostic(
        'HL389',
        {},
        {
          file,
          range: valueRange(['events', 'customer_id']),
          help: `use the same expression for both (customers.id is \`${customerId}\`)`,
        },
      ),
    );
  }
  return facts;
};

function checkStandardize(def: Definition, spec: SourceSpec, ctx: AnalyzeContext): void {
  const mapped: Record<string, string[]> = {
    customers: Object.keys(spec.customers ?? {}),
    events: Object.keys(spec.events?.properties ?? {}),
    items: Object.keys(spec.items ?? {}),
  };
  for (const [target, fields] of Object.entries(spec.standardize ?? {})) {
    for (const field of Object.keys(fields)) {
      if (mapped[target]?.includes(field)) continue;
      const hint = suggest(field, mapped[target] ?? []);
      ctx.report(
        diagnostic(
          'HL385',
          { target, field, value: target === 'events' ? 'event property' : `${target.slice(0, -1)} field` },
          {
            file: def.doc.file.path,
            range: ctx.rangeOf(def, ['spec', 'standardize', target, field], { key: true }),
            help: hint
              ? `did you mean "${hint}"?`
              : `map it under ${target === 'events' ? 'events.properties' : target}, or remove this line`,
          },
        ),
      );
    }
  }
}

/** Aggregates and customer/clock functions have no meaning over one raw row. */
function checkRowOnly(site: RuleSite, expr: Expr, ctx: AnalyzeContext): void {
  walk(expr, (node) => {
    if (node.kind === 'aggregate' || (node.kind === 'call' && NOT_OVER_A_ROW.has(node.name))) {
      const name = node.kind === 'aggregate' ? `${node.fn}(...)` : `${node.name}(...)`;
      ctx.report(
        diagnostic(
          'HL387',
          { name },
          {
            file: site.doc.file.path,
            range: ruleRange(site, node.span),
            help: 'compute it in a Trait or a Segment instead',
          },
        ),
      );
      return false;
    }
    return true;
  });
}

/** Every string literal `events.type` can produce must be a declared event type. */
function checkEventTypes(site: RuleSite, expr: Expr, types: string[], ctx: AnalyzeContext): void {
  const results: Expr[] = [];
  const collect = (e: Expr) => {
    if (e.kind === 'call' && e.name === 'if' && e.args.length === 3) {
      collect(e.args[1]!);
      collect(e.args[2]!);
    } else if (e.kind === 'call' && e.name === 'coalesce') e.args.forEach(collect);
    else results.push(e);
  };
  collect(expr);
  for (const r of results) {
    if (r.kind !== 'string' || types.includes(r.value)) continue;
    const hint = suggest(r.value, types);
    ctx.report(
      diagnostic(
        'HL381',
        { value: r.value },
        {
          file: site.doc.file.path,
          range: ruleRange(site, r.span),
          help: hint ? `did you mean "${hint}"?` : `declare it under spec.events in herald.yaml (known: ${types.join(', ') || 'none'})`,
        },
      ),
    );
  }
}

function walk(expr: Expr, visit: (e: Expr) => boolean): void {
  if (!visit(expr)) return;
  const children: Expr[] = [];
  switch (expr.kind) {
    case 'list':
      append(children, expr.items);
      break;
    case 'unary':
      children.push(expr.operand);
      break;
    case 'binary':
      children.push(expr.left, expr.right);
      break;
    case 'in':
      children.push(expr.value, expr.list);
      break;
    case 'between':
      children.push(expr.value, expr.low, expr.high);
      break;
    case 'is_null':
      children.push(expr.value);
      break;
    case 'string_match':
      children.push(expr.value, expr.pattern);
      break;
    case 'call':
      append(children, expr.args);
      break;
    case 'aggregate':
      if (expr.where) children.push(expr.where);
      break;
    default:
      break;
  }
  for (const c of children) walk(c, visit);
}
