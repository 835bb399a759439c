import type { ModelStore } from './store/types.ts';
import { fail } from './problems.ts';

/**
 * For runtimes that evaluate `score(model)` / `tier(model)` (segments, journeys, render): every
 * model a rule reads must have an active version, otherwise the rule would silently see no score
 * for anyone. Throws a ModelError (HL572) naming the first model that was never trained.
 */
export async function requireTrained(store: ModelStore, models: Iterable<string>): Promise<void> {
  for (const model of new Set(models)) {
    if (await store.active(model)) continue;
    const tried = (await store.versions(model)).length;
    fail(
      model,
      'HL572',
      tried
        ? `rules read score(${model}) or tier(${model}), but none of its ${tried} trained versions met the evaluation bar`
        : `rules read score(${model}) or tier(${model}), but model ${model} has never been trained`,
      `run \`herald train --model ${model}\`, then \`herald score --model ${model}\``,
    );
  }
}
