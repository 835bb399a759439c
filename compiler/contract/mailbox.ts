/**
 * Mailboxes as delivery settings and templates write them: `news@acme.example` or
 * `Acme Shop <news@acme.example>`. Shared by the compiler (which checks them) and the runtime
 * (which needs the bare address for the SMTP envelope and the Message-ID domain).
 */
export function mailboxAddress(value: string): string | undefined {
  const m = /^(?:[^<>]*<([^<>\s]+)>|([^<>\s]+))$/.exec(value.trim());
  const address = m?.[1] ?? m?.[2];
  return address !== undefined && /^[^\s@"<>]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(address) ? address : undefined;
}
