import type { NewFile } from '../files.ts';
import { envelope, type NewDefinition } from './kind.ts';

const FORMATS = ['csv', 'jsonl'] as const;

export const newSource: NewDefinition = {
  kind: 'Source',
  folder: 'sources',
  flags: { format: 'csv or jsonl; default csv', files: 'the files it loads, a path or glob; default data/<name>.<format>' },
  async ask(prompter, _info, flags) {
    const format = await prompter.choose({
      flag: 'format',
      message: 'File format',
      given: flags.format,
      default: 'csv',
      optional: true,
      choices: FORMATS.map((f) => ({ value: f, name: f })),
    });
    return {
      format,
      files: await prompter.text({
        flag: 'files',
        message: 'Files to load (path or glob)',
        given: flags.files,
        default: '',
        optional: true,
      }),
    };
  },
  files(name, d, info) {
    const fields = Object.keys(info.dataModel?.customers.fields ?? {});
    const files = d.files || `data/${name}.${d.format}`;
    const mapping = ['id', ...fields].map((f) => `    ${f}: ${f}`).join('\n');
    const out: NewFile[] = [
      {
        path: `sources/${name}.yaml`,
        content:
          `# Loads ${files} into the customers table (\`herald ingest\`); each mapping is a rule over the file's\n` +
          `# columns. Add \`events:\` and \`items:\` mappings for files that hold those.\n` +
          `${envelope('Source', name, d.description)}  format: ${d.format}\n  files: ${files}\n  customers:\n${mapping}\n`,
      },
    ];
    // An example file with the mapped columns, so the source loads (nothing) right away.
    if (!d.files) out.push({ path: files, content: d.format === 'csv' ? `${['id', ...fields].join(',')}\n` : '' });
    return out;
  },
};
