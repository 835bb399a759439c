/** The rule DSL: parse, print, and the shared facts about the language. */
export { parseRule, type ParseResult, type RuleSyntaxError } from './parse.ts';
export { printRule, quoteName, quoteString } from './print.ts';
export { stripSpans } from './strip-spans.ts';
export { AGGREGATE_FNS, MAX_NESTING, PRECEDENCE } from './grammar.ts';
export { RULE_SCOPES, type RuleScope } from './scope.ts';
