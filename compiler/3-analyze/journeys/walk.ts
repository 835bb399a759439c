import { EXIT, targetsOf, type CompiledStep } from '../../contract/journey.ts';

/** The template of the first `send` reached from `from` (breadth first), if any. */
export function firstSendFrom(steps: Readonly<Record<string, CompiledStep>>, from: string): string | undefined {
  const seen = new Set<string>();
  const queue = [from];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (name === EXIT || seen.has(name)) continue;
    seen.add(name);
    const step = steps[name];
    if (!step) continue;
    if (step.kind === 'send') return step.template;
    queue.push(...targetsOf(step));
  }
  return undefined;
}
