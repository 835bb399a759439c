import type { AggregateExpr } from '../../contract/core/ast.ts';
import { suggest } from '../../diagnostics/suggest.ts';
import { didYouMean, type CheckState } from './state.ts';
import { expectBoolean } from './check-operators.ts';
import { eventProperties } from './check-paths.ts';
import { scopeWords } from './check-calls.ts';
import { BOOLEAN, NUMBER, UNKNOWN, describeType, fieldRuleType, type RuleType } from './types.ts';
import { own } from '../../contract/core/own.ts';
import { messageOf } from '../../diagnostics/catalogue/index.ts';

/**
 * `count(ev ...)`, `exists(ev ...)`: number / boolean, no property.
 * `sum|avg(ev.p ...)`: number property. `min|max(ev.p ...)`: number, timestamp or string property.
 * `first|last(ev ...).p`: the property of the earliest / latest matching event.
 */
export function checkAggregate(state: CheckState, expr: AggregateExpr): RuleType {
  const fallback = expr.fn === 'count' ? NUMBER : expr.fn === 'exists' ? BOOLEAN : UNKNOWN;
  if (!state.customerScope) {
    state.error('HL329', messageOf('HL329', { form: 'aggregates-are-not', scopeWords: scopeWords(state) }), expr.span);
    return UNKNOWN;
  }
  checkWindow(state, expr);
  const properties = eventProperties(state, expr.event);
  if (properties === undefined) {
    state.error(
      'HL323',
      messageOf('HL323', { event: expr.event }),
      expr.eventSpan,
      didYouMean(suggest(expr.event, Object.keys(state.env.dataModel.events))),
    );
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
    state.error(
      'HL324',
      messageOf('HL324', { form: 'events-have-property-2', event: expr.event, name }),
      span,
      didYouMean(suggest(name, Object.keys(properties))),
    );
    return UNKNOWN;
  };
  switch (expr.fn) {
    case 'count':
    case 'exists': {
      if (expr.property !== undefined) {
        state.error(
          'HL330',
          messageOf('HL330', { form: 'counts-events-and', fn: expr.fn }),
          expr.propertySpan!,
          `write ${expr.fn}(${expr.event} ...)`,
        );
      }
      if (expr.field !== undefined)
        state.error('HL330', messageOf('HL330', { form: 'can-only-follow', field: expr.field }), expr.fieldSpan!);
      return fallback;
    }
    case 'sum':
    case 'avg':
    case 'min':
    case 'max': {
      if (expr.field !== undefined) {
        state.error(
          'HL330',
          messageOf('HL330', { form: 'can-only-follow', field: expr.field }),
          expr.fieldSpan!,
          `write ${expr.fn}(${expr.event}.${expr.field} ...)`,
        );
        return UNKNOWN;
      }
      if (expr.property === undefined) {
        state.error(
          'HL330',
          messageOf('HL330', { form: 'needs-the-property', fn: expr.fn }),
          expr.span,
          `write ${expr.fn}(${expr.event}.<property> ...), e.g. ${expr.fn}(purchase.amount)`,
        );
        return UNKNOWN;
      }
      const t = read(expr.property, expr.propertySpan!);
      if (t.kind === 'unknown') return UNKNOWN;
      const allowed = expr.fn === 'sum' || expr.fn === 'avg' ? ['number'] : ['number', 'timestamp', 'string'];
      if (!allowed.includes(t.kind)) {
        state.error(
          'HL327',
          messageOf('HL327', {
            form: 'needs-property-but',
            fn: expr.fn,
            value: allowed.length === 1 ? 'numeric' : 'number, timestamp or string',
            event: expr.event,
            property: expr.property,
            describeType: describeType(t),
          }),
          expr.propertySpan!,
        );
        return UNKNOWN;
      }
      return expr.fn === 'sum' || expr.fn === 'avg' ? NUMBER : t;
    }
    case 'first':
    case 'last': {
      if (expr.property !== undefined) {
        state.error(
          'HL330',
          messageOf('HL330', { form: 'picks-one-event', fn: expr.fn }),
          expr.propertySpan!,
          `write ${expr.fn}(${expr.event}).${expr.property}`,
        );
        return UNKNOWN;
      }
      if (expr.field === undefined) {
        state.error(
          'HL330',
          messageOf('HL330', { form: 'picks-one-event-2', fn: expr.fn, event: expr.event }),
          expr.span,
          `e.g. ${expr.fn}(${expr.event}).at`,
        );
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
    state.error('HL328', messageOf('HL328', { form: 'within-next-looks' }), w.span, 'use `within <duration>` for the past');
  } else if (w.kind === 'since_entry' && state.scope !== 'journey') {
    state.error('HL328', messageOf('HL328', { form: 'within-since-entry' }), w.span);
  }
  if ((w.kind === 'past' || w.kind === 'next') && w.duration.amount === 0) {
    state.error('HL327', messageOf('HL327', { form: 'event-window-cannot' }), w.duration.span, 'e.g. within 30d');
  }
}
