import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server (the smtp-server package) on a local port, whose behaviour per message is
 * chosen by the test: accept, reply with an error code, hang (never answer the end of DATA), or
 * drop the connection in the middle of the message. Only accepted messages are `received`.
 */
export type Fault = { reply: number; message: string } | 'hang' | 'drop';

export interface Received {
  messageId: string;
  to: string[];
  raw: string;
}

export interface SmtpHarness {
  port: number;
  received: Received[];
  /** Decides, per message attempt (1-based per Message-ID), what the server does. */
  behave(fn: (messageId: string, attempt: number) => Fault | 'accept'): void;
  /** Attempts seen per Message-ID (accepted or not). */
  attempts: Map<string, number>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<SmtpHarness> {
  const received: Received[] = [];
  const attempts = new Map<string, number>();
  let decide: (messageId: string, attempt: number) => Fault | 'accept' = () => 'accept';
  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let fault: Fault | 'accept' | undefined;
      let messageId = '';
      stream.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (fault !== undefined) return;
        const head = Buffer.concat(chunks).toString('utf8');
        const m = /^Message-ID:\s*<([^>]+)>/im.exec(head);
        if (!m) return;
        messageId = m[1]!;
        const attempt = (attempts.get(messageId) ?? 0) + 1;
        attempts.set(messageId, attempt);
        fault = decide(messageId, attempt);
        if (fault === 'drop') {
          // Cut the TCP connection in the middle of DATA, as a crashing server or a network fault would.
          for (const connection of (server as unknown as { connections: Set<{ _socket: { destroy(): void } }> }).connections)
            connection._socket.destroy();
        }
      });
      stream.on('end', () => {
        if (fault === 'hang' || fault === 'drop') return; // no reply at all
        if (fault && fault !== 'accept') {
          const err = Object.assign(new Error(fault.message), { responseCode: fault.reply });
          callback(err);
          return;
        }
        received.push({ messageId, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback(null, `queued as ${messageId}`);
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    attempts,
    behave(fn) {
      decide = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of (server as unknown as { connections: Set<{ _socket: { destroy(): void } }> }).connections)
          connection._socket.destroy();
        server.close(() => resolve());
      }),
  };
}
