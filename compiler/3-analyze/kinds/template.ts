import type { AnalyzeContext, KindAnalyzer } from '../context.ts';
import { checkTemplate, prepareTemplate, type PreparedTemplate, type TemplateNames } from '../templates/index.ts';
import { templateInput, templateNames } from '../templates/from-definition.ts';
import { checkTopic } from '../topics.ts';

/** What the template emitter needs from analysis: the gathered sources and the variables read. */
export interface TemplateFacts {
  prepared: PreparedTemplate;
  variables: string[];
}

/**
 * Template checks: layout and partials exist, nunjucks parses, every variable exists in the
 * render context and data model, filters exist, and compliance (unsubscribe link for marketing
 * email, alt text, link targets). A recommendations model, when named, is a reference.
 */
export const analyzeTemplate: KindAnalyzer = (def, ctx): TemplateFacts => {
  const prepared = prepareTemplate(templateInput(def));
  for (const d of prepared.diagnostics) ctx.report(d);
  const model = (def.spec as { recommendations?: { model?: unknown } }).recommendations?.model;
  if (typeof model === 'string') ctx.reference(def, 'Model', model, ['spec', 'recommendations', 'model']);
  checkTopic(def, ctx);
  const check = checkTemplate(prepared, namesOf(ctx));
  for (const d of check.diagnostics) ctx.report(d);
  return { prepared, variables: check.variables };
};

const namesByContext = new WeakMap<AnalyzeContext, TemplateNames>();

/** The names templates may use, gathered once per analyze run rather than once per template. */
function namesOf(ctx: AnalyzeContext): TemplateNames {
  let names = namesByContext.get(ctx);
  if (!names) {
    names = templateNames(ctx.dataModel, (k) => ctx.byKind(k));
    namesByContext.set(ctx, names);
  }
  return names;
}
