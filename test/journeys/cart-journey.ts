/**
 * The cart-recovery journey most journey tests run, in its variations: on `added_to_cart`, leave
 * on a purchase, a reminder after an hour, then wait for a purchase and, on the timeout, an offer
 * (one template, or an experiment between two with a holdout).
 */
export interface CartJourneyOptions {
  timeout?: string;
  /** `a/b/holdout` weights of the offer experiment; absent: one offer, no experiment. */
  split?: [number, number, number];
  oncePer?: string;
}

export function cartJourneyYaml(o: CartJourneyOptions = {}): string {
  const entry = o.oncePer ? `{ event: added_to_cart, once_per: ${o.oncePer} }` : '{ event: added_to_cart }';
  const offer = o.split
    ? `    offer:
      split: { name: offer_test, variants: { a: ${o.split[0]}, b: ${o.split[1]} }, holdout: ${o.split[2]} }
      next: { a: send_a, b: send_b }
    send_a: { send: offer, next: exit }
    send_b: { send: welcome, next: exit }`
    : '    offer: { send: offer, next: exit }';
  return `
apiVersion: herald/v1
kind: Journey
metadata: { name: cart }
spec:
  entry: ${entry}
  exit_when: exists(purchase within since_entry)
  steps:
    wait_1h: { wait: 1h, next: remind }
    remind: { send: cart_reminder, next: watch }
    watch:
      wait_for: { event: purchase, timeout: ${o.timeout ?? '48h'} }
      on_event: exit
      on_timeout: offer
${offer}
`;
}
