/**
 * Outcome texts (transport errors, server responses) are stored in the outbox and printed by
 * `herald report`; mail servers like to quote the recipient (`550 5.1.1 <ada@example.com>: no
 * such user`). Addresses are replaced before anything is stored, so no personal data leaves
 * delivery through its records.
 */
const ADDRESS = /[^\s<>()[\]{},;:"']+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*/g;

export function redactAddresses(text: string): string {
  // Herald's own Message-IDs (`<key>@<domain>`) name no person and stay readable.
  return text.replace(ADDRESS, (match) => (/^[0-9a-f]{32}@/.test(match) ? match : '<address>'));
}

/** One line, addresses redacted, at most 500 characters. */
export function outcomeText(text: string): string {
  const line = redactAddresses(text.replace(/\s+/g, ' ').trim());
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}
