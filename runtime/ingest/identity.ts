import type { Row, StoreTx } from './store/types.ts';

/**
 * Who a row is about. Customers are merged by id; when the data model says `merge_by_email`,
 * also by normalized e-mail: a new id arriving with the e-mail of a stored customer becomes an
 * alias of that customer (recorded in `herald_customer_aliases`), and every later row with the
 * alias id, in any source, lands on the same customer. The first id seen for an e-mail wins.
 */
export class Identity {
  private readonly byEmail = new Map<string, string>();

  private constructor(
    private readonly aliases: Map<string, string>,
    private readonly emailField: string | undefined,
  ) {}

  static async load(tx: StoreTx, emailField: string | undefined): Promise<Identity> {
    return new Identity(emailField ? await tx.aliases() : new Map(), emailField);
  }

  /** The customer an id stands for (itself unless merged). */
  resolve(id: string): string {
    return this.aliases.get(id) ?? id;
  }

  /**
   * The id a mapped customer row belongs to, merging by e-mail when enabled. Synchronous unless
   * the database must be asked about an e-mail seen for the first time.
   */
  canonicalFor(tx: StoreTx, customer: Row): string | Promise<string> {
    const id = this.resolve(customer.id as string);
    const field = this.emailField;
    const email = field ? customer[field] : undefined;
    if (!field || typeof email !== 'string') return id;
    const owner = this.byEmail.get(email);
    if (owner === id) return id;
    return this.merge(tx, customer, id, field, email);
  }

  private async merge(tx: StoreTx, customer: Row, id: string, field: string, email: string): Promise<string> {
    let owner = this.byEmail.get(email);
    if (owner === undefined) {
      owner = (await tx.customerByEmail(field, email)) ?? id;
      this.byEmail.set(email, owner);
    }
    if (owner !== id) {
      this.aliases.set(customer.id as string, owner);
      await tx.addAlias(customer.id as string, owner);
    }
    return owner;
  }
}
