/**
 * Appends items to an array in place. `target.push(...items)` passes every item as an argument,
 * and a workspace can hold enough (60,000 tiny YAML documents, each with a diagnostic; a rule with
 * a huge `in` list) to exceed the engine's argument limit with a RangeError.
 */
export function append<T>(target: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) target.push(items[i]!);
}
