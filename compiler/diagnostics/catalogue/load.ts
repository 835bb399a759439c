import type { CodeEntry, MessageTable } from './types.ts';

/** HL10x–HL12x: discovering and reading workspace files. (HL13x–HL14x belong to the rule DSL parser.) */
export const loadCodes: CodeEntry[] = [
  {
    code: 'HL101',
    title: 'workspace not found',
    severity: 'error',
    explanation:
      'The path given to the command does not exist or is not a directory. Pass the folder that ' +
      'holds `herald.yaml` (the default is the current directory).',
  },
  {
    code: 'HL102',
    title: 'missing herald.yaml',
    severity: 'error',
    explanation:
      'Every workspace has a `herald.yaml` at its root holding the `Workspace` document: the ' +
      'database, the time zone and the data model that rules are type-checked against. Create one ' +
      'with `herald init`, or point the command at the folder that has it.',
  },
  {
    code: 'HL103',
    title: 'YAML syntax error',
    severity: 'error',
    explanation:
      'The file is not valid YAML. The diagnostic points at the first character the parser could ' +
      'not accept. Common causes: a missing space after `:`, unbalanced quotes or brackets, and ' +
      'inconsistent indentation.',
  },
  {
    code: 'HL104',
    title: 'tab used for indentation',
    severity: 'error',
    explanation:
      'YAML forbids tab characters in indentation. Replace the tab with spaces (two per level is the ' +
      'convention in Herald workspaces).',
  },
  {
    code: 'HL105',
    title: 'duplicate key',
    severity: 'error',
    explanation:
      'A mapping has the same key twice. YAML parsers disagree about which value wins, so Herald ' +
      'rejects the file. Remove or rename one of them.',
  },
  {
    code: 'HL106',
    title: 'empty file',
    severity: 'warning',
    explanation:
      'The file holds no YAML document (or only comments). It is ignored. Delete it, or add it to ' +
      '`.heraldignore` if it is a placeholder.',
  },
  {
    code: 'HL107',
    title: 'file is not UTF-8 text',
    severity: 'error',
    explanation:
      'Workspace files must be UTF-8 encoded text. The file holds bytes that are not valid UTF-8 ' +
      '(for example Latin-1 accents) or looks binary (NUL bytes). Re-save it as UTF-8, or add it to ' +
      '`.heraldignore` if it is not a definition file.',
  },
  {
    code: 'HL108',
    title: 'file too large',
    severity: 'error',
    explanation:
      'The file is larger than the limit for a definition file (10 MB). Definitions are small; data ' +
      'belongs in files loaded by a `Source`, which streams them. Move the data out of the YAML file.',
  },
  {
    code: 'HL109',
    title: 'empty document',
    severity: 'warning',
    explanation: 'A `---` separator is followed by an empty document. It is ignored; remove the extra separator.',
  },
  {
    code: 'HL110',
    title: 'unreadable file',
    severity: 'error',
    explanation:
      'The file could not be read: permissions, it vanished while loading, it is not a regular file ' +
      '(a device such as /dev/zero, a pipe or a socket), or it is a link that resolves outside the ' +
      'workspace. A workspace is read from inside its folder only, so a link to /etc or /proc never ' +
      'puts the content of another file into a plan or an email.',
  },
  {
    code: 'HL112',
    title: 'folder link not followed',
    severity: 'warning',
    explanation:
      'A symbolic link to a folder leads outside the workspace (such as `ln -s / root`), or back into a ' +
      'folder already read (a loop such as `ln -s . loop`). Herald reads each real folder of the ' +
      'workspace once and nothing outside it, so the link is skipped. Replace it with the files it ' +
      'should hold, or list it in .heraldignore.',
  },
  {
    code: 'HL111',
    title: 'YAML warning',
    severity: 'warning',
    explanation:
      'The YAML parser accepted the file but reported something suspicious, such as an unresolved ' + 'tag. The message says what.',
  },
];

/** Messages of the load codes. `yaml` is the YAML parser's own message, cleaned. */
export const loadMessages = {
  HL101: (p: { dir: string }) => `workspace ${p.dir} does not exist or is not a directory`,
  HL102: (p: { file: string; dir: string }) => `no ${p.file} in ${p.dir}`,
  HL103: (p: { yaml: string } | { nestedDeeperThan: number } | { parserGaveUp: string }) =>
    'yaml' in p
      ? p.yaml
      : 'nestedDeeperThan' in p
        ? `collections are nested more than ${p.nestedDeeperThan} levels deep`
        : `the YAML parser gave up: ${p.parserGaveUp}`,
  HL104: (p: { yaml: string }) => p.yaml,
  HL105: (p: { yaml: string } | { key: string }) =>
    'yaml' in p ? p.yaml : `duplicate key ${p.key.startsWith('"') || p.key.startsWith("'") ? p.key : JSON.stringify(p.key)}`,
  HL106: (p: { file: string }) => `${p.file} holds no YAML document`,
  HL107: (p: { file: string; nulAt: number } | { badByte: number; at: number }) =>
    'nulAt' in p
      ? `${p.file} looks binary (NUL byte at byte ${p.nulAt})`
      : `invalid UTF-8 byte 0x${p.badByte.toString(16).padStart(2, '0')} at byte ${p.at}`,
  HL108: (p: { file: string; mb: string; limitMb: number }) => `${p.file} is ${p.mb} MB; definition files are limited to ${p.limitMb} MB`,
  HL109: (p: { document: number; file: string }) => `document ${p.document} of ${p.file} is empty`,
  HL110: (p: { file: string; why: string }) => `cannot read ${p.file}: ${p.why}`,
  HL111: (p: { yaml: string }) => p.yaml,
  /** `reason`: what file discovery says about the link it skipped. */
  HL112: (p: { reason: string }) => p.reason,
} satisfies MessageTable;
