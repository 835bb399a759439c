import type { Definition } from '../1-load/definition.ts';
import type { AnalyzeContext } from './context.ts';
import { suggest } from '../diagnostics/suggest.ts';
import { diagnostic } from '../diagnostics/make.ts';

/**
 * Subscription topics: the Workspace declares them (`topics:`), a Template or Campaign names one
 * (`topic:`), and the name must be declared (HL313), since the preferences page lists declared
 * topics only and a customer could never leave an undeclared one.
 */
export function declaredTopics(ctx: AnalyzeContext): string[] {
  const workspace = ctx.byKind('Workspace')[0];
  const topics = (workspace?.spec as { topics?: Record<string, unknown> } | undefined)?.topics;
  return topics && typeof topics === 'object' ? Object.keys(topics) : [];
}

export function checkTopic(def: Definition, ctx: AnalyzeContext): void {
  const topic = (def.spec as { topic?: unknown }).topic;
  if (typeof topic !== 'string') return;
  const declared = declaredTopics(ctx);
  if (declared.includes(topic)) return;
  ctx.report(
    diagnostic(
      'HL313',
      { form: 'names-topic-which', kind: def.kind.toLowerCase(), name: def.name, topic },
      {
        file: def.doc.file.path,
        ...rangeOf(def, ctx),
        help: unknownTopicHelp(topic, declared),
      },
    ),
  );
}

/** HL313's help: the nearest declared topic, else the declared ones, else how to declare one. */
export function unknownTopicHelp(topic: string, declared: readonly string[]): string {
  const near = suggest(topic, declared);
  if (near) return `did you mean "${near}"?`;
  return declared.length > 0
    ? `declared topics: ${declared.join(', ')}`
    : 'declare it under `topics:` in herald.yaml, e.g. `topics: { newsletter: { title: Weekly newsletter } }`';
}

function rangeOf(def: Definition, ctx: AnalyzeContext): { range?: NonNullable<ReturnType<AnalyzeContext['rangeOf']>> } {
  const range = ctx.rangeOf(def, ['spec', 'topic']);
  return range ? { range } : {};
}
