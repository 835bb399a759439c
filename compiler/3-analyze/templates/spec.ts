/** A Template definition's spec as the schema (schemas/kinds/template.schema.json) admits it. */
export interface TemplateSpec {
  subject: string;
  preheader?: string;
  /** A path to an .mjml file relative to the YAML file, or inline MJML. */
  mjml: string;
  layout?: string;
  category?: 'marketing' | 'transactional';
  from?: string;
  reply_to?: string;
  locale?: string;
  currency?: string;
  timezone?: string;
  utm?: UtmSettings;
  topic?: string;
  tracking?: { clicks?: boolean; opens?: boolean };
  sample_customers?: string[];
  sample_data?: string;
  recommendations?: { model?: string; count?: number };
}

export interface UtmSettings {
  source?: string;
  medium?: string;
  campaign?: string;
  content?: string;
  term?: string;
  domains?: string[];
}

/** Inline MJML is told apart from a file path by markup: a path never holds `<`. */
export function isInlineMjml(value: string): boolean {
  return value.includes('<');
}
