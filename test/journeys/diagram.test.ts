import { describe, expect, it } from 'vitest';
import { targetsOf } from '../../compiler/contract/journey.ts';
import { printRule } from '../../compiler/dsl/print.ts';
import { journeyDiagram } from '../../runtime/journeys/index.ts';
import { compileJourneys } from './machine-support.ts';

const { journeys } = compileJourneys(`
apiVersion: herald/v1
kind: Journey
metadata: { name: cart }
spec:
  entry: { event: added_to_cart, once_per: 7d }
  exit_when: exists(purchase within since_entry)
  steps:
    wait_1h: { wait: 1h, next: remind }
    remind: { send: cart_reminder, next: end }
    end:
      wait_for: { event: purchase, timeout: 48h }
      on_event: exit
      on_timeout: check
    check:
      branch:
        - { when: 'stage = "vip"', next: offer }
      else: test
    test:
      split: { name: offer_test, variants: { a: 45, b: 45 }, holdout: 10 }
      next: { a: offer, b: exit }
    offer: { send: offer, next: done }
    done: { exit: true }
`);
const cart = journeys.cart!;

describe('journey diagrams', () => {
  it('draw every step and every route, starting from the entry', () => {
    const d = journeyDiagram(cart);
    expect(d.startsWith('flowchart TD\n  entry_(["on added_to_cart (once per 1w)"]) --> s_wait_1h\n')).toBe(true);
    for (const [name, step] of Object.entries(cart.steps)) {
      expect(d).toContain(`  s_${name}`);
      for (const target of targetsOf(step))
        expect(d).toMatch(new RegExp(`s_${name} (-- "[^"]*" )?--> ${target === 'exit' ? 'exit_' : `s_${target}`}\\n`));
    }
    expect(d).toContain('s_test -- "a 45%" --> s_offer');
    expect(d).toContain('s_end -- "timeout" --> s_check');
    expect(d).toContain('s_remind[/"remind: send cart_reminder"/]');
    expect(d).toContain('s_end{{"end: wait for purchase, up to 2d"}}');
    expect(d).toContain('  exit_((exit))');
  });

  it('show counts, mark changed steps, and print rules through the given printer', () => {
    const d = journeyDiagram(cart, {
      counts: { remind: 120, offer: 7 },
      changed: ['offer', 'nope'],
      describeRule: (ast) => printRule(ast),
    });
    expect(d).toContain('s_remind[/"remind: send cart_reminder (120)"/]');
    expect(d).toContain('  class s_offer changed\n');
    expect(d).not.toContain('s_nope');
    expect(d).toContain('s_check -- "stage = #quot;vip#quot;" --> s_offer');
    expect(d).toContain('exit_when_>"leaves when exists(purchase within since_entry)"]');
  });

  it('is a pure function of the compiled block', () => {
    expect(journeyDiagram(structuredClone(cart))).toBe(journeyDiagram(cart));
  });
});
