import nunjucks from 'nunjucks';
import { HERALD_FILTER_FUNCTIONS } from './filters.ts';
import { isMissing, MissingValueError } from './missing.ts';
import { evaluateTemplateRule } from './template-rules.ts';
import { translate } from './translate.ts';
import { hardenNunjucks } from './sandbox.ts';
import { speedUpEscape, speedUpFrames } from './fast-frame.ts';

/** Filters that exist to handle a missing value; every other filter refuses one. */
const MISSING_AWARE = new Set(['default', 'd', 'length', 'list', 'string', 'dump', 'safe', 'escape', 'e', 'forceescape']);

export interface Environments {
  /** Autoescaping environment for HTML. */
  html: nunjucks.Environment;
  /** Plain text (subject, preheader, text part): nothing is HTML-escaped. */
  text: nunjucks.Environment;
}

let shared: Environments | undefined;

/**
 * The two nunjucks environments every render uses, built once per process. No loaders (templates
 * are self-contained), `throwOnUndefined` so a missing value fails the recipient instead of
 * printing "undefined", and every filter but `default` refusing a missing input, so that
 * `{{ customer.first_name | upper }}` does not quietly render an empty greeting.
 */
export function environments(): Environments {
  if (shared) return shared;
  hardenNunjucks();
  speedUpFrames();
  speedUpEscape();
  shared = {
    html: make({ autoescape: true, throwOnUndefined: true }),
    text: make({ autoescape: false, throwOnUndefined: true, trimBlocks: true, lstripBlocks: true }),
  };
  return shared;
}

function make(options: nunjucks.ConfigureOptions): nunjucks.Environment {
  const env = new nunjucks.Environment([], options);
  for (const [name, fn] of Object.entries(HERALD_FILTER_FUNCTIONS)) env.addFilter(name, fn as (...args: unknown[]) => unknown);
  const filters = (env as unknown as { filters: Record<string, (...args: unknown[]) => unknown> }).filters;
  for (const [name, fn] of Object.entries(filters)) {
    if (MISSING_AWARE.has(name)) continue;
    filters[name] = function guarded(this: unknown) {
      // `arguments` rather than rest parameters: filters run per value, and this allocates nothing.
      // eslint-disable-next-line prefer-rest-params
      const value: unknown = arguments[0];
      if (value === undefined || value === null) throw new MissingValueError(`the ${name} filter got a missing value`);
      // eslint-disable-next-line prefer-rest-params
      return fn.apply(this, arguments as unknown as unknown[]);
    };
  }
  env.addGlobal('rule', function rule(this: { ctx: Record<string, unknown> }, expression: string) {
    return evaluateTemplateRule(String(expression), this.ctx);
  });
  env.addGlobal('t', translate);
  return env;
}

export { isMissing };
