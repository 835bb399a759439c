import type { AggregateExpr } from '../../contract/core/ast.ts';
import { suggest } from '../../diagnostics/suggest.ts';
import { didYouMean, type CheckState } from './state.ts';
import { expectBoolean } from './check-operators.ts';
import { eventProperties } from './check-paths.ts';
import { scopeWords } from './check-calls.ts';
import { BOOLEAN, NUMBER, UNKNOWN, describeType, fieldRuleType, type RuleType } from './types.ts';
import { own } from '../../contract/core/own.ts';

/**
 * `count(ev ...)`, `exists(ev ...)`: number / boolean, no property.
 * `sum|avg(ev.p ...)`: number property. `min|max(ev.p ...)`: number, timestamp or string property.
 * `first|last(ev ...).p`: the property of the earliest / latest matching event.
 */
export function checkAggregate(state: CheckState, expr: AggregateExpr): RuleType {
  const fallback = expr.fn === 'count' ? NUMBER : expr.fn === 'exists' ? BOOLEAN : UNKNOWN;
  if (!state.customerScope) {
    state.error('HL329', `aggregates are not available here: this rule sees ${scopeWords(state)}`, expr.span);
    return UNKNOWN;
  }
  checkWindow(state, expr);
  const properties = eventProperties(state, expr.event);
  if (properties === undefined) {
    state.error('HL323', `unknown event type \`${expr.event}\``, expr.eventSpan, didYouMean(suggest(expr.event, Object.keys(state.env.dataModel.events))));
    return fallback;
  }
  if (expr.where) {
    state.eventContext = expr.event;
    state.inFilter = true;
    try {
      expectBoolean(state, expr.where, 'a `where` filter');
    } finally {
      state.eventContext = undefined;
      state.inFilter = false;
    }
  }
  const read = (name: string, span: AggregateExpr['eventSpan']): RuleType => {
    const field = own(properties, name);
    if (field !== undefined) return fieldRuleType(field.type);
    state.error('HL324', `\`${expr.event}\` events have no property \`${name}\``, span, didYouMean(suggest(name, Object.keys(properties))));
    return UNKNOWN;
  };
  switch (expr.fn) {
    case 'count':
    case 'exists': {
      if (expr.property !== undefined) {
        state.error('HL330', `\`${expr.fn}\` counts events and takes no property`, expr.propertySpan!, `write ${expr.fn}(${expr.event} ...)`);
      }
      if (expr.field !== undefined) state.error('HL330', `\`.${expr.field}\` can only follow first(...) or last(...)`, expr.fieldSpan!);
      return fallback;
    }
    case 'sum':
    case 'avg':
    case 'min':
    case 'max': {
      if (expr.field !== undefined) {
        state.error('HL330', `\`.${expr.field}\` can only follow first(...) or last(...)`, expr.fieldSpan!, `write ${expr.fn}(${expr.event}.${expr.field} ...)`);
        return UNKNOWN;
      }
      if (expr.property === undefined) {
        state.error('HL330', `\`${expr.fn}\` needs the property to aggregate`, expr.span, `write ${expr.fn}(${expr.event}.<property> ...), e.g. ${expr.fn}(purchase.amount)`);
        return UNKNOWN;
      }
      const t = read(expr.property, expr.propertySpan!);
      if (t.kind === 'unknown') return UNKNOWN;
      const allowed = expr.fn === 'sum' || expr.fn === 'avg' ? ['number'] : ['number', 'timestamp', 'string'];
      if (!allowed.includes(t.kind)) {
        state.error('HL327', `\`${expr.fn}\` needs a ${allowed.length === 1 ? 'numeric' : 'number, timestamp or string'} property, but \`${expr.event}.${expr.property}\` is ${describeType(t)}`, expr.propertySpan!);
        return UNKNOWN;
      }
      return expr.fn === 'sum' || expr.fn === 'avg' ? NUMBER : t;
    }
    case 'first':
    case 'last': {
      if (expr.property !== undefined) {
        state.error('HL330', `\`${expr.fn}\` picks one event; read the property after the parentheses`, expr.propertySpan!, `write ${expr.fn}(${expr.event}).${expr.property}`);
        return UNKNOWN;
      }
      if (expr.field === undefined) {
        state.error('HL330', `\`${expr.fn}(${expr.event})\` picks one event; say which property to read`, expr.span, `e.g. ${expr.fn}(${expr.event}).at`);
        return UNKNOWN;
      }
      return read(expr.field, expr.fieldSpan!);
    }
  }
}

function checkWindow(state: CheckState, expr: AggregateExpr): void {
  const w = expr.window;
  if (w === undefined) return;
  if (w.kind === 'next' && state.scope !== 'model-label') {
    state.error('HL328', '`within next` looks into the future and is only allowed in a model label', w.span, 'use `within <duration>` for the past');
  } else if (w.kind === 'since_entry' && state.scope !== 'journey') {
    state.error('HL328', '`within since_entry` is only allowed in journey rules', w.span);
  }
  if ((w.kind === 'past' || w.kind === 'next') && w.duration.amount === 0) {
    state.error('HL327', 'an event window cannot be empty', w.duration.span, 'e.g. within 30d');
  }
}
