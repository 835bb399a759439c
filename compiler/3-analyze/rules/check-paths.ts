import type { PathExpr } from '../../contract/core/ast.ts';
import { BUILTIN_CUSTOMER_FIELDS, BUILTIN_EVENT_FIELDS, type FieldDef } from '../../contract/data-model.ts';
import { suggest } from '../../diagnostics/suggest.ts';
import { printRule } from '../../dsl/print.ts';
import { didYouMean, type CheckState } from './state.ts';
import { fieldRuleType, UNKNOWN, type RuleType } from './types.ts';
import { own } from '../../contract/core/own.ts';
import { messageOf } from '../../diagnostics/catalogue/index.ts';

/** Resolves a path to a customer field, a trait (output), an event property or a source column. */
export function checkPath(state: CheckState, expr: PathExpr): RuleType {
  if (state.eventContext !== undefined || state.scope === 'event') return eventProperty(state, expr);
  if (state.scope === 'source-row') return sourceColumn(state, expr);
  return customerName(state, expr);
}

export function eventProperties(state: CheckState, event: string): Record<string, FieldDef> | undefined {
  const declared = own(state.env.dataModel.events, event);
  return declared === undefined ? undefined : { ...BUILTIN_EVENT_FIELDS, ...declared };
}

function eventProperty(state: CheckState, expr: PathExpr): RuleType {
  const event = state.eventContext ?? state.env.event;
  if (event === undefined) return UNKNOWN;
  const properties = eventProperties(state, event);
  if (properties === undefined) return UNKNOWN;
  const [name] = expr.segments;
  const field = own(properties, name!);
  if (field === undefined || expr.segments.length > 1) {
    if (field !== undefined) {
      state.error('HL324', messageOf('HL324', { form: 'event-property-has', name, segments: expr.segments[1] }), expr.span);
      return UNKNOWN;
    }
    const hint = state.inFilter ? ` (inside \`where\`, names are properties of \`${event}\`)` : '';
    state.error(
      'HL324',
      messageOf('HL324', { form: 'events-have-property', event, name, hint }),
      expr.span,
      didYouMean(suggest(name!, Object.keys(properties))),
    );
    return UNKNOWN;
  }
  state.targets.set(expr, { kind: 'event_property', event, property: name! });
  return fieldRuleType(field.type);
}

function sourceColumn(state: CheckState, expr: PathExpr): RuleType {
  const column = expr.segments.join('.');
  const columns = state.env.sourceColumns;
  if (expr.segments.length > 1 && !(columns ?? []).includes(column)) {
    state.error(
      'HL322',
      messageOf('HL322', { form: 'source-column-one', printRule: printRule(expr) }),
      expr.span,
      'quote a column name containing dots in backticks: `a.b`',
    );
    return UNKNOWN;
  }
  if (columns !== undefined && !columns.includes(column)) {
    state.error('HL322', messageOf('HL322', { form: 'the-source-has', column }), expr.span, didYouMean(suggest(column, columns)));
    return UNKNOWN;
  }
  state.targets.set(expr, { kind: 'source_column', column });
  // Raw columns are text until mapped; their type is whatever the mapping makes of them.
  return UNKNOWN;
}

function customerName(state: CheckState, expr: PathExpr): RuleType {
  const { dataModel, traits } = state.env;
  const fields = { ...BUILTIN_CUSTOMER_FIELDS, ...dataModel.customers.fields };
  const [first, second] = expr.segments as [string, string | undefined];
  const field = own(fields, first);
  if (field !== undefined) {
    if (second !== undefined) {
      state.error('HL322', messageOf('HL322', { form: 'customer-field-has', first, second }), expr.span);
      return UNKNOWN;
    }
    state.targets.set(expr, { kind: 'customer_field', field: first });
    return fieldRuleType(field.type);
  }
  const outputs = traits.get(first);
  if (outputs !== undefined) {
    const wanted = second ?? '';
    const output = outputs.find((o) => o.output === wanted);
    if (output === undefined || expr.segments.length > 2) {
      const names = outputs.filter((o) => o.output !== '').map((o) => `${first}.${o.output}`);
      if (second === undefined) {
        state.error(
          'HL322',
          messageOf('HL322', { form: 'trait-has-several', first }),
          expr.span,
          `use one of ${names.map((n) => '`' + n + '`').join(', ')}`,
        );
      } else if (names.length === 0) {
        state.error('HL322', messageOf('HL322', { form: 'trait-has-single', first }), expr.span);
      } else {
        const close = suggest(
          second,
          outputs.map((o) => o.output),
        );
        state.error(
          'HL322',
          messageOf('HL322', { form: 'trait-has-value', first, segments: expr.segments.slice(1).join('.') }),
          expr.span,
          didYouMean(close === undefined ? undefined : `${first}.${close}`) ?? `use one of ${names.map((n) => '`' + n + '`').join(', ')}`,
        );
      }
      return UNKNOWN;
    }
    state.reference('Trait', first, expr.span);
    state.targets.set(expr, { kind: 'trait', trait: first, output: wanted });
    return output.type;
  }
  const candidates = [...Object.keys(fields)];
  for (const [name, outs] of traits) for (const o of outs) candidates.push(o.output === '' ? name : `${name}.${o.output}`);
  const written = expr.segments.join('.');
  let help = didYouMean(suggest(written, candidates));
  if (help === undefined && first === 'customer' && second !== undefined && own(fields, second) !== undefined) {
    help = `rules name customer fields directly: write \`${expr.segments.slice(1).join('.')}\``;
  }
  if (help === undefined && own(state.env.dataModel.events, first) !== undefined) {
    help = `\`${first}\` is an event type: use an aggregate such as count(${first}) or last(${first}).at`;
  }
  const what = expr.segments.length > 1 ? 'trait' : 'customer field or trait';
  state.error('HL322', messageOf('HL322', { form: 'unknown', what, written }), expr.span, help);
  return UNKNOWN;
}
