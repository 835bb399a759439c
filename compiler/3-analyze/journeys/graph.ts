/**
 * The checks on a journey's step graph: every target exists, every step is reachable from the
 * start, every path can end, and every loop waits. Pure: steps in, problems out (the analyzer
 * turns them into diagnostics at the YAML nodes).
 */
import { EXIT } from '../../contract/journey.ts';
import { stronglyConnected } from '../strongly-connected.ts';

export interface GraphStep {
  name: string;
  /** Where the step can go, with the document path of each target (for error positions). */
  edges: Array<{ target: string; path: ReadonlyArray<string | number> }>;
  /** Time must pass at this step (a `wait` with a duration, a `wait_for` an event). */
  waits: boolean;
}

export type GraphProblem =
  | { kind: 'unknown_target'; step: string; target: string; path: ReadonlyArray<string | number> }
  | { kind: 'unreachable'; step: string }
  | { kind: 'never_ends'; steps: string[] }
  | { kind: 'loop_without_wait'; steps: string[] };

/** `steps` in written order (the order problems are reported in). */
export function checkGraph(steps: readonly GraphStep[], start: string): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const byName = new Map(steps.map((s) => [s.name, s]));
  const order = new Map(steps.map((s, i) => [s.name, i]));
  // Known targets only, from here on: an unknown one is reported once and otherwise ignored.
  const next = new Map<string, string[]>();
  for (const s of steps) {
    const targets: string[] = [];
    for (const e of s.edges) {
      if (e.target === EXIT) continue;
      if (!byName.has(e.target)) problems.push({ kind: 'unknown_target', step: s.name, target: e.target, path: e.path });
      else if (!targets.includes(e.target)) targets.push(e.target);
    }
    next.set(s.name, targets);
  }
  if (!byName.has(start)) return problems;

  const reachable = reach([start], (n) => next.get(n) ?? []);
  for (const s of steps) if (!reachable.has(s.name)) problems.push({ kind: 'unreachable', step: s.name });

  // Steps that can end: walk backwards from every step with an edge to `exit`.
  const previous = new Map<string, string[]>();
  for (const [from, targets] of next) for (const t of targets) previous.set(t, [...(previous.get(t) ?? []), from]);
  // A step with an unknown target counts as one that can end: its one mistake is reported once.
  const exits = steps
    .filter((s) => s.edges.length === 0 || s.edges.some((e) => e.target === EXIT || !byName.has(e.target)))
    .map((s) => s.name);
  const canEnd = reach(exits, (n) => previous.get(n) ?? []);

  const byOrder = (a: string, b: string) => order.get(a)! - order.get(b)!;
  for (const list of stronglyConnected([...reachable], (n) => next.get(n) ?? [])) {
    const component = new Set(list);
    const members = list.sort(byOrder);
    const loops = members.length > 1 || (next.get(members[0]!) ?? []).includes(members[0]!);
    // A trap: a set of steps none of which can end, with no way out to a step that can.
    if (!canEnd.has(members[0]!) && members.every((m) => (next.get(m) ?? []).every((t) => component.has(t)))) {
      problems.push({ kind: 'never_ends', steps: members });
    }
    if (loops && !members.some((m) => byName.get(m)!.waits)) problems.push({ kind: 'loop_without_wait', steps: members });
  }
  return problems;
}

function reach(from: readonly string[], edges: (n: string) => readonly string[]): Set<string> {
  const seen = new Set<string>(from);
  const stack = [...from];
  while (stack.length > 0) {
    for (const t of edges(stack.pop()!)) {
      if (!seen.has(t)) {
        seen.add(t);
        stack.push(t);
      }
    }
  }
  return seen;
}
