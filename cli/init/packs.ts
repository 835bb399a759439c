import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NewFile } from './files.ts';

/** What `herald init` writes into herald.yaml. */
export interface WorkspaceAnswers {
  name: string;
  /** `sqlite:.herald/<name>.db` or a PostgreSQL URL (without a password). */
  database: string;
  timezone: string;
}

export interface StarterPack {
  id: string;
  title: string;
  description: string;
  files(answers: WorkspaceAnswers): NewFile[];
  /** Commands to try next, printed after creating it. */
  nextSteps: string[];
}

const PACKS_DIR = join(import.meta.dirname, 'packs');

/** Files shipped under a leading-dot name are stored without the dot (npm would drop `.gitignore`). */
const DOTTED = new Set(['gitignore']);

/** Every file of a pack folder; herald.yaml's %%NAME%%, %%DATABASE%% and %%TIMEZONE%% filled in. */
function packFiles(folder: string, answers: WorkspaceAnswers): NewFile[] {
  const out: NewFile[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(PACKS_DIR, folder, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        walk(path);
        continue;
      }
      let content = readFileSync(join(PACKS_DIR, folder, path), 'utf8');
      if (path === 'herald.yaml') content = fillWorkspace(content, answers);
      out.push({ path: DOTTED.has(path) ? `.${path}` : path, content });
    }
  };
  walk('');
  return out;
}

function fillWorkspace(text: string, answers: WorkspaceAnswers): string {
  return text
    .replaceAll('%%NAME%%', answers.name)
    .replaceAll('%%DATABASE%%', answers.database)
    .replaceAll('%%TIMEZONE%%', answers.timezone);
}

const EMPTY_WORKSPACE = `# The workspace: where data lives, the time zone, and the data model every rule, template and
# test is checked against. Add definitions with \`herald new <kind> <name>\`.
apiVersion: herald/v1
kind: Workspace
metadata:
  name: %%NAME%%
spec:
  database: %%DATABASE%%
  timezone: %%TIMEZONE%%
  customers:
    fields:
      email: { type: email, pii: true }
      first_name: { type: string, pii: true }
      timezone: string
      email_consent: boolean
  events:
    purchase: { item_id: string, amount: number }
  items:
    fields: { name: string, price: number }
`;

export const STARTER_PACKS: readonly StarterPack[] = [
  {
    id: 'ecommerce',
    title: 'e-commerce lifecycle',
    description:
      'sample shop data and sources, traits, segments, templates with a layout and partials, welcome and cart-recovery journeys, campaigns and tests',
    files: (answers) => packFiles('ecommerce', answers),
    nextSteps: [
      'herald validate',
      'herald test',
      'herald ingest',
      'herald run --from 2026-01-01 --until 2026-01-31 --dry-run',
      'herald dev',
    ],
  },
  {
    id: 'empty',
    title: 'empty',
    description: 'herald.yaml with a small data model, nothing else',
    files: (answers) => [
      { path: 'herald.yaml', content: fillWorkspace(EMPTY_WORKSPACE, answers) },
      { path: '.gitignore', content: readFileSync(join(PACKS_DIR, 'ecommerce', 'gitignore'), 'utf8') },
    ],
    nextSteps: ['herald new Segment reachable', 'herald new Template welcome', 'herald validate', 'herald dev'],
  },
];
