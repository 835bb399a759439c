import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { addressOf } from '../settings.ts';
import { PermanentDeliveryError, type OutgoingMessage, type Transport } from '../types.ts';

/**
 * SMTP through nodemailer. The message goes as the exact MIME the composer built (`raw`), so what
 * the server receives carries the Message-ID derived from the idempotency key, byte for byte
 * what the file transport would have written. A 5xx reply is permanent (PermanentDeliveryError:
 * the worker records `failed` at once); anything else (4xx, a refused or dropped connection, a
 * timeout) is temporary and the worker retries it with backoff. Connections are pooled.
 */
export interface SmtpOptions {
  host: string;
  port: number;
  secure: boolean;
  auth?: { user: string; pass: string };
  /** Connection, greeting and socket inactivity timeout, in milliseconds. */
  timeoutMs: number;
  /** Accept self-signed certificates (tests against a local server only). */
  allowSelfSigned?: boolean;
  /** Parallel connections (default 2). */
  maxConnections?: number;
}

export class SmtpTransport implements Transport {
  readonly name = 'smtp';
  private readonly transporter: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(options: SmtpOptions) {
    const config: SMTPTransport.Options & { pool: true; maxConnections: number } = {
      pool: true,
      maxConnections: options.maxConnections ?? 2,
      host: options.host,
      port: options.port,
      secure: options.secure,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
      ...(options.auth ? { auth: options.auth } : {}),
      ...(options.allowSelfSigned ? { tls: { rejectUnauthorized: false } } : {}),
    };
    this.transporter = nodemailer.createTransport(config as SMTPTransport.Options);
  }

  async send(message: OutgoingMessage): Promise<{ accepted: true; response: string }> {
    const from = addressOf(message.from) ?? message.from;
    try {
      const info = await this.transporter.sendMail({ envelope: { from, to: [message.to] }, raw: message.mime });
      if (info.rejected.length > 0) throw new PermanentDeliveryError(`the server rejected the recipient: ${info.response ?? 'no reply'}`);
      return { accepted: true, response: info.response };
    } catch (e) {
      throw classify(e);
    }
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}

/** 5xx replies are permanent; everything else may pass on a later try. */
function classify(e: unknown): Error {
  if (e instanceof PermanentDeliveryError) return e;
  const err = e as Error & { responseCode?: number; code?: string; response?: string };
  const code = typeof err.responseCode === 'number' ? err.responseCode : undefined;
  const text = err.response ?? err.message ?? String(e);
  if (code !== undefined && code >= 500 && code < 600) return new PermanentDeliveryError(`${text}`);
  const out = new Error(code !== undefined ? text : `${err.code ? `${err.code}: ` : ''}${err.message ?? String(e)}`);
  return out;
}
