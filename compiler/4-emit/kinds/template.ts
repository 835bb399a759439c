import type { KindEmitter } from '../context.ts';
import { definitionKey } from '../../contract/definition.ts';
import { buildTemplate, prepareTemplate } from '../../3-analyze/templates/index.ts';
import { templateInput } from '../../3-analyze/templates/from-definition.ts';
import type { TemplateFacts } from '../../3-analyze/kinds/template.ts';

/**
 * A Template's compiled block: MJML compiled to HTML once (nunjucks intact), the text part, the
 * subject and preheader, for the renderer to compile once per process. Also writes
 * `templates/<name>.html` and `.txt` under build/ for inspection.
 */
export const emitTemplate: KindEmitter = (def, ctx) => {
  const facts = ctx.factsOf<TemplateFacts>(definitionKey('Template', def.name));
  const prepared = facts?.prepared ?? prepareTemplate(templateInput(def));
  const built = buildTemplate(prepared, facts?.variables ?? []);
  for (const d of built.diagnostics) ctx.report(d);
  if (!built.compiled) return undefined;
  ctx.writeFile(`templates/${def.name}.html`, built.compiled.html);
  ctx.writeFile(`templates/${def.name}.txt`, built.compiled.text);
  return built.compiled;
};
