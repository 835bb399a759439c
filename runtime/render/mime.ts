import MailComposer from 'nodemailer/lib/mail-composer';
import type { RenderedEmail } from './renderer.ts';

/**
 * The full message: From/To/Subject/Date/Message-ID, multipart/alternative with the text and HTML
 * parts, and one-click unsubscribe headers (RFC 8058) for marketing email. Deterministic when a
 * date and boundary are given, which tests and dry runs rely on.
 */
export interface MimeOptions {
  from: string;
  to: string;
  replyTo?: string;
  /** Without angle brackets, e.g. `cart_reminder.c_1001.3f2a@shop.example`. */
  messageId: string;
  date: Date;
  /** Adds List-Unsubscribe and List-Unsubscribe-Post headers (marketing email). */
  unsubscribeUrl?: string;
  /** Fixed multipart boundary base (tests); random otherwise. */
  boundary?: string;
  headers?: Record<string, string>;
}

export async function buildMime(email: RenderedEmail, options: MimeOptions): Promise<Buffer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.unsubscribeUrl) {
    headers['List-Unsubscribe'] = `<${options.unsubscribeUrl}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  const mail: ConstructorParameters<typeof MailComposer>[0] & { baseBoundary?: string } = {
    from: options.from,
    to: options.to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    messageId: `<${options.messageId}>`,
    date: options.date,
    headers,
    // Rendered content never names files or URLs to fetch; refuse them outright.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  if (options.replyTo) mail.replyTo = options.replyTo;
  if (options.boundary) mail.baseBoundary = options.boundary;
  const node = new MailComposer(mail).compile();
  return await new Promise<Buffer>((resolve, reject) => node.build((err, message) => (err ? reject(err) : resolve(message))));
}
