import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPipeline } from '../../../compiler/index.ts';
import type { CompiledJourney, CompiledTest } from '../../../compiler/contract/journey.ts';
import type { FieldDef } from '../../../compiler/contract/data-model.ts';
import { runTest } from '../../../runtime/journeys/tests/run-test.ts';
import type { DeliveryRecord } from '../../../runtime/delivery/types.ts';
import { UsageError } from '../../command.ts';
import { withSchemaHeader } from '../schema-header.ts';
import { envelope, type NewDefinition } from './kind.ts';
import { customerField, namesOf, type WorkspaceInfo } from './workspace-info.ts';

/** When the test's story starts: the entry event, or the clock for other entries. */
const T0 = '2026-01-05T10:00Z';
const UNTIL = '2026-01-19T10:00Z';

/**
 * A time-travel test of a journey or campaign. Its given data is a customer who agreed to email
 * (and one who did not, when the data model has `email_consent`), with the journey's entry event;
 * its expectations are recorded from what the journey does with them now, so the new test passes
 * and documents today's behaviour: edit it into what should happen.
 */
export const newTest: NewDefinition = {
  kind: 'Test',
  folder: 'tests',
  flags: { journey: 'the journey it tests; default: the first one', campaign: 'or the campaign it tests' },
  async ask(prompter, info, flags) {
    if (flags.journey !== undefined && flags.campaign !== undefined) throw new UsageError('give --journey or --campaign, not both');
    const options = [
      ...namesOf(info, 'Journey').map((j) => ({ value: `journey/${j}`, name: `journey ${j}` })),
      ...namesOf(info, 'Campaign').map((c) => ({ value: `campaign/${c}`, name: `campaign ${c}` })),
    ];
    if (options.length === 0) throw new UsageError('a test runs a journey or a campaign, and the workspace has neither yet');
    const flag = flags.campaign !== undefined ? 'campaign' : 'journey';
    const given =
      flags.journey !== undefined ? `journey/${flags.journey}` : flags.campaign !== undefined ? `campaign/${flags.campaign}` : undefined;
    if (given !== undefined && !options.some((o) => o.value === given))
      throw new UsageError(`--${flag}: the workspace has no ${flag} named "${given.slice(flag.length + 1)}"`);
    const target = await prompter.choose({
      flag,
      message: 'What it tests',
      given,
      default: options[0]!.value,
      optional: true,
      choices: options,
    });
    return { target };
  },
  files: (name, d, info) => [{ path: `tests/${name}.yaml`, content: testYaml(name, d, info, ['    - { not_sent: { customer: t1 } }']) }],
  async afterWrite({ root, name, details, info, schema }) {
    const recorded = await record(root, name);
    if (!recorded) return undefined;
    const path = join(root, 'tests', `${name}.yaml`);
    writeFileSync(path, withSchemaHeader(testYaml(name, details, info, recorded.lines), path, schema));
    return `recorded ${recorded.sent} send${recorded.sent === 1 ? '' : 's'} and ${recorded.suppressed} suppression${recorded.suppressed === 1 ? '' : 's'} as its expectations`;
  },
};

function testYaml(name: string, d: Record<string, string>, info: WorkspaceInfo, expect: string[]): string {
  const [kind, target] = d.target!.split('/') as ['journey' | 'campaign', string];
  const journey =
    kind === 'journey' ? (info.manifest()?.definitions[`Journey/${target}`]?.compiled as CompiledJourney | undefined) : undefined;
  const entryEvent = journey?.entry.kind === 'event' ? journey.entry.event : undefined;
  const consent = customerField(info, 'email_consent')?.type === 'boolean';
  const customers = ['t1', ...(consent ? ['t2'] : [])].map((id) => `      - ${flow(customerOf(id, info, id === 't1'))}`);
  const events = entryEvent
    ? ['t1', ...(consent ? ['t2'] : [])].map(
        (id) => `      - ${flow({ customer: id, type: entryEvent, at: T0, ...eventProperties(info.dataModel?.events[entryEvent] ?? {}) })}`,
      )
    : [];
  return (
    `# A time-travel test: a fresh database with only the given data, the ${kind} on a simulated clock,\n` +
    `# and what must (not) be sent. The expectations were recorded from what the ${kind} does now.\n` +
    envelope('Test', name, d.description) +
    `  ${kind}: ${target}\n` +
    (kind === 'journey' && !entryEvent ? `  start: "${T0}"\n` : '') +
    (kind === 'journey' ? `  until: "${UNTIL}"\n` : '') +
    `  given:\n    customers:\n${customers.join('\n')}\n` +
    (events.length > 0 ? `    events:\n${events.join('\n')}\n` : '') +
    `  expect:\n${expect.join('\n')}\n`
  );
}

function customerOf(id: string, info: WorkspaceInfo, consents: boolean): Record<string, string | boolean> {
  const c: Record<string, string | boolean> = { id };
  if (customerField(info, 'email')) c.email = `${id}@example.test`;
  if (customerField(info, 'first_name')?.type === 'string') c.first_name = id === 't1' ? 'Ada' : 'Bo';
  if (customerField(info, 'email_consent')?.type === 'boolean') c.email_consent = consents;
  return c;
}

function eventProperties(props: Record<string, FieldDef>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [name, f] of Object.entries(props)) {
    out[name] =
      f.type === 'number' || f.type === 'integer'
        ? 1
        : f.type === 'boolean'
          ? true
          : f.type === 'timestamp' || f.type === 'date'
            ? T0
            : f.type === 'email'
              ? 'x@example.test'
              : `${name}_1`;
  }
  return out;
}

/** `{ a: 1, b: "x" }`: a YAML flow mapping (JSON values are YAML). */
function flow(value: Record<string, string | number | boolean>): string {
  return `{ ${Object.entries(value)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ')} }`;
}

/** Runs the drafted test and turns what was sent and suppressed into expectations. */
async function record(root: string, name: string): Promise<{ lines: string[]; sent: number; suppressed: number } | undefined> {
  const compiled = runPipeline(root, { emit: true }).emitted?.manifest;
  const test = compiled?.definitions[`Test/${name}`]?.compiled as CompiledTest | undefined;
  if (!compiled || !test) return undefined;
  const result = await runTest(compiled, test);
  const lines: string[] = [];
  const iso = (ms: number) => new Date(ms).toISOString().replace(':00.000Z', 'Z');
  const records = [...result.records].sort((a, b) => a.dueAt - b.dueAt || (a.customerId < b.customerId ? -1 : 1));
  const sent = records.filter((r) => r.status === 'sent');
  const suppressed = records.filter((r: DeliveryRecord) => r.status === 'suppressed');
  for (const r of sent)
    lines.push(
      `    - { sent: { customer: ${r.customerId}, template: ${r.template}${r.sentAt !== undefined ? `, sent_at: "${iso(r.sentAt)}"` : ''} } }`,
    );
  for (const r of suppressed)
    lines.push(`    - { suppressed: { customer: ${r.customerId}, template: ${r.template}${r.reason ? `, reason: ${r.reason}` : ''} } }`);
  for (const id of ['t1', 't2']) {
    if (test.given.customers.some((c) => c.id === id) && !records.some((r) => r.customerId === id))
      lines.push(`    - { not_sent: { customer: ${id} } }`);
  }
  return { lines, sent: sent.length, suppressed: suppressed.length };
}
