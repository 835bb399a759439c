import type { CodeEntry, MessageTable } from './types.ts';

/**
 * Codes HL360–HL369 (journey analysis), HL430–HL439 (campaigns and tests) and HL510–HL529
 * (journeys, campaigns and tests at run time).
 */
export const journeysCodes: CodeEntry[] = [
  {
    code: 'HL360',
    title: 'unknown journey step',
    severity: 'error',
    explanation:
      'A `next`, `on_event`, `on_timeout`, `else` or `start` names a step that the journey does not have. Targets are the names under `steps`, or `exit` to end the journey. The message suggests the closest step name when there is one.',
  },
  {
    code: 'HL361',
    title: 'unreachable journey step',
    severity: 'error',
    explanation:
      "No path from the journey's start leads to this step, so no customer can ever get there: usually a `next` that was renamed, or a step left behind after an edit. The start is the journey's `start`, or the first step written under `steps`. Link the step from another one, or delete it.",
  },
  {
    code: 'HL362',
    title: 'journey path never ends',
    severity: 'error',
    explanation:
      'From these steps no path reaches `exit`: a customer who gets there would stay in the journey for ever (and, with `reentry: after_exit`, could never enter it again). Give the loop a way out, e.g. a `wait_for` whose `on_timeout` goes to `exit`, or a `branch` whose `else` does.',
  },
  {
    code: 'HL363',
    title: 'journey loop without a wait',
    severity: 'error',
    explanation:
      "These steps form a loop in which time never has to pass: a customer could go round it without end in one instant (sending an email on every turn). Every loop must contain a `wait` with a duration (`for`) or a `wait_for` an event: waits until a rule's time or a time of day, and `wait_for` a rule, can end at once, so they do not count.",
  },
  {
    code: 'HL364',
    title: 'unknown event type',
    severity: 'error',
    explanation:
      'Journey entries, `wait_for` steps and Test events name event types; every event type must be declared under `events` in herald.yaml (with its properties), so rules can be type-checked and the runtime knows what to read. The message suggests the closest declared event type.',
  },
  {
    code: 'HL365',
    title: 'template needs what this send cannot give it',
    severity: 'error',
    explanation:
      'The template reads a part of the render context that this send never fills in, so every message would fail to render. `journey.entry` (the event that started the journey: its properties and items) exists only in journeys that start on an event; a journey that starts on a segment entry or a schedule, and a campaign, have no entry event. Use another template, guard the value with `| default(...)` in the template and fill it in another way, or start the journey on an event.',
  },
  {
    code: 'HL366',
    title: 'split weights do not add up to 100',
    severity: 'error',
    explanation:
      "The weights of a `split` are percentages: the variants' weights and the `holdout` must add up to exactly 100, so every customer gets exactly one variant (or the holdout) and the shares are what they say. Adjust one of the weights.",
  },
  {
    code: 'HL367',
    title: 'split variants and their targets disagree',
    severity: 'error',
    explanation:
      'After a `split`, `next` maps each variant to the step its customers go to (`next: { ten_percent: send_10, free_shipping: send_ship }`); a campaign split maps each variant to a template under `templates`. Every variant needs exactly one target, and every target must be a variant. The holdout needs no target: it receives nothing and leaves.',
  },
  {
    code: 'HL368',
    title: 'update cannot set this field',
    severity: 'error',
    explanation:
      "An `update` step sets customer fields: each key must be a field under `customers.fields` in herald.yaml (not `id`), and its value (a rule, a number or true/false) must have the field's type. A text value is a rule too, so it is written with quotes inside: `stage: '\"welcomed\"'`.",
  },
  {
    code: 'HL369',
    title: 'key has no meaning on this step',
    severity: 'error',
    explanation:
      "Each step kind routes with its own keys: `wait`, `send`, `update` and `split` go to `next` (a step name; after a `split`, a map from variant to step); `wait_for` goes to `on_event` or `on_timeout`; `branch` to the first matching case's `next` or to `else`; `exit` goes nowhere. A key of another kind's is a mistake (often a step whose kind was changed): remove it or change the step.",
  },
  {
    code: 'HL430',
    title: 'impossible date or time',
    severity: 'error',
    explanation:
      "A date-time in a journey schedule, a campaign's `send_at` or a Test has the right shape but names a moment that does not exist (a 30 February, hour 24). Write a real date: `2011-12-01T09:00`.",
  },
  {
    code: 'HL431',
    title: 'test data does not fit the data model',
    severity: 'error',
    explanation:
      "A Test's `given` customers and events are loaded into a fresh database with the workspace's data model: every customer field must be declared under `customers.fields`, every event property under its event type, each value must have the declared type (timestamps as `2026-01-01T10:00Z`), and every event must belong to a given customer. The message names the closest field when it looks like a typo.",
  },
  {
    code: 'HL432',
    title: 'test expects what its journey or campaign never does',
    severity: 'error',
    explanation:
      'An expectation names a template the journey or campaign under test never sends, a `step` that is not one of its `send` steps, or a `variant` its splits do not have: it can never be met (or, with `not_sent`, never fail). Check the names against the journey or campaign.',
  },
  {
    code: 'HL433',
    title: 'test has no time span',
    severity: 'error',
    explanation:
      'A Test runs its journey or campaign on a simulated clock from `start` to `until`. Without a `start`, the clock starts at the earliest given event (or, for a campaign, a day before its send time); give `start` when there is no event, and make sure `until` comes after `start`.',
  },
  {
    code: 'HL434',
    title: 'customer has no time zone field',
    severity: 'warning',
    explanation:
      "A time of day or a ` local` send time is read in each customer's own time zone: the customer field `timezone` (an IANA name such as `Europe/London`). The data model has no such field, so every customer is treated as living in the workspace's time zone. Add `timezone: string` under `customers.fields` to send at each customer's local time.",
  },
  {
    code: 'HL510',
    title: 'journey step limit reached',
    severity: 'error',
    explanation:
      'One customer went through more steps in one instant than any journey needs (1,000), which means a loop in which no time passes (for instance a `wait_for` a rule that already holds, looping back to itself). The customer is taken out of the journey (exit reason `step_limit`) so the run can go on; fix the loop.',
  },
  {
    code: 'HL511',
    title: 'journey rule failed at run time',
    severity: 'error',
    explanation:
      "A journey rule could not be evaluated for a customer (for instance a stored value that does not fit its declared type). The customer leaves the journey with exit reason `error` and the run goes on; the message names the journey, the step and the problem, never the customer's personal data.",
  },
  {
    code: 'HL512',
    title: 'run goes back in time',
    severity: 'error',
    explanation:
      'Journeys and campaigns have already been run up to a later time in this database. A run advances a clock that only moves forward: going back would re-decide what has already happened. Run with a later `--until`, or use a fresh database (`herald test` and `herald plan` do so on their own).',
  },
  {
    code: 'HL513',
    title: 'journey removed from the workspace',
    severity: 'warning',
    explanation:
      'The database holds customers inside a journey that is no longer defined in the workspace. They leave it at this run (exit reason `journey_removed`) and get nothing more from it. A journey that is only changed, not removed, keeps its customers on the version they entered with.',
  },
  {
    code: 'HL514',
    title: 'update value does not fit the field',
    severity: 'error',
    explanation:
      'An `update` step computed a value that cannot be stored in the customer field (a missing value, or a number that is not finite). The field is left unchanged and the customer goes on; the message names the journey, the step and the field.',
  },
  {
    code: 'HL515',
    title: 'campaign missed',
    severity: 'warning',
    explanation:
      "The campaign's send time had already passed when this database's run clock reached it (the campaign was added after its time, or the first run started later), so it was not sent: a new database, or a campaign written in the past, never sends last month's newsletter by surprise. It is recorded as missed and stays so. To send it after all, give it a new name and a send time after the clock.",
  },
];

/** Messages of the journeys codes raised while analyzing definitions (compiler/3-analyze). */
export const journeysAnalyzeMessages = {
  HL360: (p: { start: string }) => `unknown step "${p.start}"`,
  HL361: (p: { step: string }) => `step "${p.step}" is never reached from the start`,
  HL362: (p: { describeSteps: string }) => `${p.describeSteps} never reach \`exit\`: a customer there would stay in the journey for ever`,
  HL363: (p: { describeSteps: string }) => `${p.describeSteps} form a loop in which no time passes`,
  HL364: (p: { event: string }) => `unknown event type "${p.event}"`,
  HL365: (p: { template: string; what: string }) =>
    `template "${p.template}" reads journey.entry (the event that started the journey), but ${p.what}: there is no entry event`,
  HL366: (p: { round: string; parts: string }) => `the split's weights add up to ${p.round}, not 100 (${p.parts})`,
  HL367: (
    p:
      | { form: 'variant-has'; v: string; what: string }
      | { form: 'after-split-next' }
      | { form: 'holdout-target'; what: string }
      | { form: 'not-a-variant'; key: string },
  ) => {
    switch (p.form) {
      case 'holdout-target':
        return `the holdout receives nothing, so it has no ${p.what}`;
      case 'not-a-variant':
        return `"${p.key}" is not a variant of the split`;
      case 'variant-has':
        return `variant "${p.v}" has no ${p.what}`;
      case 'after-split-next':
        return `after a split, \`next\` maps each variant to a step`;
    }
  },
  HL368: (
    p: { form: 'id' } | { form: 'unknown-field'; field: string } | { form: 'wrong-type'; field: string; type: string; value: string },
  ) => {
    switch (p.form) {
      case 'id':
        return "a customer's `id` cannot be updated";
      case 'unknown-field':
        return `unknown customer field "${p.field}"`;
      case 'wrong-type':
        return `\`${p.field}\` is a ${p.type} field, but the value is ${p.value}`;
    }
  },
  HL369: (p: { form: 'has-meaning-step'; key: string; value: string; kind: string } | { form: 'next-step-one'; kind: string }) => {
    switch (p.form) {
      case 'has-meaning-step':
        return `\`${p.key}\` has no meaning on ${p.value} \`${p.kind}\` step`;
      case 'next-step-one':
        return `\`next\` of a \`${p.kind}\` step is one step name, not a map`;
    }
  },
  HL430: (p: { form: 'not-real-date'; value: string } | { form: 'not-real-instant'; raw: string }) => {
    switch (p.form) {
      case 'not-real-date':
        return `"${p.value}" is not a real date and time`;
      case 'not-real-instant':
        return `"${p.raw}" is not a real instant`;
    }
  },
  HL431: (
    p:
      | { form: 'not-given'; id: string }
      | { form: 'given-twice'; id: string }
      | { form: 'unknown-field'; name: string }
      | { form: 'field-type'; name: string; type: string; value: string; article: string }
      | { form: 'event-customer'; customer: string }
      | { form: 'not-an-instant'; at: string }
      | { form: 'unknown-property'; type: string; name: string }
      | { form: 'property-type'; name: string; type: string; fieldType: string; value: string; article: string },
  ) => {
    switch (p.form) {
      case 'not-given':
        return `"${p.id}" is not among the given customers`;
      case 'given-twice':
        return `customer "${p.id}" is given twice`;
      case 'unknown-field':
        return `unknown customer field "${p.name}"`;
      case 'field-type':
        return `"${p.name}" is a ${p.type} field; ${p.value} is not ${p.article}`;
      case 'event-customer':
        return `event for customer "${p.customer}", who is not among the given customers`;
      case 'not-an-instant':
        return `"${p.at}" is not a real instant`;
      case 'unknown-property':
        return `event "${p.type}" has no property "${p.name}"`;
      case 'property-type':
        return `property "${p.name}" of "${p.type}" is a ${p.fieldType}; ${p.value} is not ${p.article}`;
    }
  },
  HL432: (
    p:
      | { form: 'reason-only-checked' }
      | { form: 'template-never-sent'; template: string; target: 'journey' | 'campaign' }
      | { form: 'not-a-send-step'; step: string }
      | { form: 'campaign-steps' }
      | { form: 'variant-the-under'; variant: string; target: string },
  ) => {
    switch (p.form) {
      case 'reason-only-checked':
        return '`reason` is only checked on `suppressed` expectations';
      case 'template-never-sent':
        return `template "${p.template}" is never sent by the ${p.target} under test`;
      case 'not-a-send-step':
        return `"${p.step}" is not a send step of the journey under test`;
      case 'campaign-steps':
        return 'a campaign has no steps';
      case 'variant-the-under':
        return `"${p.variant}" is no variant of the ${p.target} under test`;
    }
  },
  HL433: (p: { form: 'the-test-has' } | { form: 'the-test-ends'; until: string; start: string }) => {
    switch (p.form) {
      case 'the-test-has':
        return 'the test has no `start` and no given event to start the clock at';
      case 'the-test-ends':
        return `the test ends (${p.until}) before it starts (${p.start})`;
    }
  },
  HL434: () => "customers have no `timezone` field, so this time is read in the workspace's time zone for everyone",
} satisfies MessageTable;
