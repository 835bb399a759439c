/** Per-recipient email rendering: compiled nunjucks, sandboxed, plus MIME and preview helpers. */
export { loadTemplate, renderEmail, type LoadedTemplate, type RenderedEmail, type RenderOutcome, type RenderOptions } from './renderer.ts';
export { buildRenderContext, type RenderContext, type RenderInput } from './context.ts';
export { composeMime, composeTemplateMime, HeaderError, type MimeOptions } from './mime.ts';
export { writeEmailFiles, type WrittenEmail } from './files.ts';
export { popularItems, type PopularItemsSource } from './popularity.ts';
export { readSampleData, SampleDataError, type SampleData } from './sample-data.ts';
export { sampleRenderInput, messageToken, previewLinks, PREVIEW_LINKS, type LinkSettings } from './preview.ts';
export { MissingValueError } from './missing.ts';
export { databaseRenderInput, renderInputCache, popularItemIds, type RenderInputCache } from './from-database.ts';
export { writeRecipientEmail, type DryRunOptions, type DryRunOutcome } from './dry-run.ts';
export { renderAllCustomers, STREAM_PAGE, type StreamOptions, type StreamedEmail } from './stream.ts';
