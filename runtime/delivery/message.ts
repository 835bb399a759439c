import type { CompiledTemplate } from '../../compiler/contract/template.ts';
import type { RenderInput } from '../render/context.ts';
import { loadTemplate, renderEmail, type LoadedTemplate } from '../render/renderer.ts';
import type { ClaimedSend } from './claim.ts';
import { composeTemplateMime, HeaderError } from '../render/mime.ts';
import type { DeliverySettings } from './settings.ts';
import type { OutgoingMessage } from './types.ts';
import type { LinkSigner } from '../recipient/tokens.ts';
import { applyTracking } from '../recipient/rewrite.ts';
import { providerHeaders } from './provider-headers.ts';

/**
 * Turns a claimed send and its render input into the message a transport hands on: the template
 * rendered for the recipient, wrapped in MIME (render/mime.ts) with the Message-ID derived from the
 * idempotency key, the send's instant as its Date, and a multipart boundary derived from the key, so the
 * same send always produces the same bytes (the file transport's rewrite after a crash is
 * identical, and a test can compare runs byte for byte).
 */
export type Composed = { ok: true; message: OutgoingMessage } | { ok: false; reason: string };

export class MessageComposer {
  /** Each template is compiled once per worker run. */
  private readonly loaded = new Map<string, LoadedTemplate>();

  constructor(
    private readonly templates: ReadonlyMap<string, CompiledTemplate>,
    private readonly settings: DeliverySettings,
    private readonly signer: LinkSigner,
  ) {}

  compose(send: ClaimedSend, input: RenderInput, now: number): Composed {
    const template = this.template(send.template);
    const compiled = template.compiled;
    const to = this.settings.emailField ? input.customer[this.settings.emailField] : undefined;
    if (typeof to !== 'string' || to.trim() === '') return { ok: false, reason: 'the customer has no email address' };
    const outcome = renderEmail(template, input, { timeZone: this.settings.timeZone, asOf: now });
    if (!outcome.ok) return outcome;
    const email = applyTracking(outcome.email, compiled, this.signer, send.key, this.settings.trackingUrl);
    const from = compiled.from ?? this.settings.from;
    const headers = providerHeaders(this.settings.transport, send.messageId);
    let mime: string;
    try {
      mime = composeTemplateMime(email, compiled, input, {
        from,
        to,
        ...(this.settings.replyTo ? { replyTo: this.settings.replyTo } : {}),
        date: new Date(now),
        boundary: `herald-${send.key}`,
        ...(headers ? { headers } : {}),
      });
    } catch (e) {
      // Customer data that would break a header (a line break in an address) fails this send, with why.
      if (e instanceof HeaderError) return { ok: false, reason: e.message };
      throw e;
    }
    return {
      ok: true,
      message: {
        idempotencyKey: send.key,
        messageId: send.messageId,
        from,
        to,
        subject: email.subject,
        html: email.html,
        text: email.text,
        mime,
      },
    };
  }

  private template(name: string): LoadedTemplate {
    let t = this.loaded.get(name);
    if (!t) {
      const compiled = this.templates.get(name);
      if (!compiled) throw new Error(`internal: template ${name} was claimed but is not in the manifest`);
      t = loadTemplate(compiled);
      this.loaded.set(name, t);
    }
    return t;
  }
}
