/**
 * Email templates in the compiler: gather sources (prepare), check them against the render
 * context (phase 3), compile MJML once and derive the text part (phase 4).
 */
export { prepareTemplate, type PreparedTemplate, type TemplateInput } from './prepare.ts';
export { checkTemplate, type TemplateCheck, type TemplateNames } from './check.ts';
export { buildTemplate, GMAIL_CLIP_BYTES, type BuildResult } from './build.ts';
export { mjmlRunCount, stopMjmlWorker } from './mjml-sync.ts';
export type { CompiledTemplate } from '../../contract/template.ts';
export type { TemplateSpec } from './spec.ts';
