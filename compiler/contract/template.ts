/**
 * What compiled templates and the renderer agree on: the render context's names, the filters and
 * globals templates may use, and the compiled block a Template gets in the manifest. The runtime
 * imports this file (types and constants only), never the compiler's phases.
 */
import type { Expr } from './core/ast.ts';
import type { RuleSchema } from './core/rule-paths.ts';

/** Top-level names of the render context (DESIGN.md, "Render"). */
export const CONTEXT_ROOTS = [
  'customer',
  'traits',
  'segments',
  'scores',
  'tiers',
  'recommendations',
  'journey',
  'unsubscribe_url',
  'preferences_url',
  'message_id',
] as const;
export type ContextRoot = (typeof CONTEXT_ROOTS)[number];

/** Keys of `journey` and of `journey.entry` (the event that started the journey). */
export const JOURNEY_KEYS = ['name', 'step', 'entry'] as const;
export const JOURNEY_ENTRY_KEYS = ['event', 'at', 'properties', 'items'] as const;

/** Fields every recommended item has besides the workspace's item fields. */
export const RECOMMENDATION_EXTRA_FIELDS = ['id', 'score'] as const;

/** Filters Herald adds to nunjucks' built-in ones (see runtime/render/filters.ts). */
export const HERALD_FILTERS = ['default', 'd', 'date', 'currency', 'number', 'percent', 'track_link', 'initial'] as const;

/**
 * Global functions available in templates. `rule("…")` evaluates a rule-DSL condition for the
 * recipient; `t("key", name=value)` is the message `key` in the recipient's language.
 */
export const HERALD_GLOBALS = ['range', 'cycler', 'joiner', 'rule', 't'] as const;

/** A template's message catalogues (compiler/3-analyze/templates/translations.ts). */
export interface TemplateTranslations {
  /** The template's own language: the fallback for every message. */
  default: string;
  /** By language tag, then message key: the message, `{name}` placeholders intact. */
  messages: Record<string, Record<string, string>>;
}

/** Names a template may never read: the classic ways out of a template sandbox. */
export const BLOCKED_NAMES = new Set([
  'constructor',
  '__proto__',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'caller',
  'callee',
  'arguments',
  'process',
  'global',
  'globalThis',
  'require',
  'import',
  'eval',
  'Function',
]);

export interface UtmParameters {
  /** The query string added to tracked links, e.g. `utm_source=herald&utm_medium=email`. */
  query: string;
  /** Hosts whose links are tracked; empty: every http(s) link. */
  domains: string[];
}

/** A `rule("…")` condition of a template, parsed and checked at compile time. */
export interface TemplateRule {
  /** The rule as written (the key the template's `rule()` call looks it up by). */
  text: string;
  ast: Expr;
  /** Customer fields and traits it reads. */
  fields: string[];
  traits: string[];
}

/** The `compiled` block of a Template in the manifest. */
export interface CompiledTemplate {
  name: string;
  category: 'marketing' | 'transactional';
  /** nunjucks sources, compiled once per process by the renderer. */
  subject: string;
  preheader?: string;
  /** The HTML MJML produced (once, at build time), nunjucks tags intact. */
  html: string;
  /** The plain-text part derived from the HTML at build time (links kept as `text (url)`). */
  text: string;
  locale: string;
  currency: string;
  timezone?: string;
  from?: string;
  reply_to?: string;
  utm?: UtmParameters;
  /** The subscription topic its email belongs to (a workspace `topics` name). */
  topic?: string;
  /**
   * Click and open tracking. `links` maps each tracked link's id (a short digest of its URL) to
   * the URL as the compiled HTML has it: the redirect reads its target here, never from a request.
   */
  tracking?: { clicks: boolean; opens: boolean; links: Record<string, string> };
  sample_customers: string[];
  /** Workspace-relative path of the template's sample data file. */
  sample_data?: string;
  recommendations: { model?: string; count: number };
  /** Context paths the template reads, e.g. `customer.first_name` (sorted). */
  variables: string[];
  /** Workspace-relative source files (YAML, MJML, layout, partials), sorted. */
  files: string[];
  /** Size of the compiled HTML in bytes (Gmail clips messages over 102 KB). */
  html_bytes: number;
  /** Its `rule("…")` conditions, and the part of the rule schema they read (absent when none). */
  rules?: TemplateRule[];
  rule_schema?: RuleSchema;
  /** The template's own language (`language`, else the language of `locale`). */
  language?: string;
  /** Its message catalogues, when it has translations. */
  translations?: TemplateTranslations;
}

/**
 * An href as a browser reads it: the entities MJML and authors write in attributes decoded. The
 * compiler keys tracked links (`tracking.links`) by the decoded URL and the renderer's rewrite
 * compares decoded hrefs with them, so both sides must decode alike.
 */
export function decodeHref(value: string): string {
  return value
    .replace(/&amp;/g, '&')
    .replace(/&#38;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}
