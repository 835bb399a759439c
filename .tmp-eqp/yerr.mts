import { parseAllDocuments } from 'yaml';
for (const t of ['a:\n  include: [reachable\n', 'a: {b: 1\nc: 2\n', 'a: "unterminated\nb: 1\n', "a: [1, 2\n", "x:\n  - [a, b\n  - c\n"]) {
  const docs = parseAllDocuments(t, { prettyErrors: false });
  for (const d of docs as any[]) for (const e of d.errors) console.log(JSON.stringify(t), e.code, e.pos, e.message.split('\n')[0]);
}
