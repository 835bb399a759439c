import type { CodeEntry, MessageTable } from './types.ts';

/**
 * Codes HL13x–HL14x (rule syntax, phase 1) and HL32x–HL34x (rule types, traits and segments,
 * phase 3). Every rule diagnostic points at the exact span inside the YAML file.
 */
export const dslCodes: CodeEntry[] = [
  {
    code: 'HL130',
    title: 'unexpected character in a rule',
    severity: 'error',
    explanation:
      'The rule contains a character that is not part of the rule language, such as `@`, `;`, `%` or a ' +
      'single quote. Strings are written in double quotes (`country = "UK"`). Names are ASCII letters, ' +
      'digits and `_`; a name with spaces, accents or other characters (a CSV column called `Unit Price`) ' +
      'is written in backticks: `` `Unit Price` * Quantity ``. Inside backticks, \\` is a backtick and \\\\ a ' +
      'backslash.',
  },
  {
    code: 'HL131',
    title: 'unterminated string',
    severity: 'error',
    explanation:
      'A string (`"...`) or a quoted name (`` `... ``) is not closed before the end of its line. Close it ' +
      'on the same line. A double quote inside a string is written `\\"`. Remember that YAML processes a ' +
      'value first: a rule that starts with `"` must itself be quoted in YAML, e.g. ' +
      '`where: \'"UK" = country\'`, or better written the other way round (`where: country = "UK"`).',
  },
  {
    code: 'HL132',
    title: 'invalid literal',
    severity: 'error',
    explanation:
      'A literal could not be read: an unknown escape in a string (the escapes are \\" \\\\ \\/ \\n \\t ' +
      '\\r \\b \\f and \\uXXXX), an impossible date (`2011-02-30`), a timestamp without a time zone ' +
      '(write `2011-12-09T12:00Z` or `2011-12-09T12:00+01:00` so the rule means the same instant ' +
      'everywhere), or a number too large to represent.',
  },
  {
    code: 'HL133',
    title: 'unknown operator',
    severity: 'error',
    explanation:
      'The rule uses an operator from another language. Rules use `=` and `!=` to compare (not `==`, ' +
      '`===` or `<>`), and the words `and`, `or` and `not` (not `&&`, `||` or `!`).',
  },
  {
    code: 'HL134',
    title: 'rule syntax error',
    severity: 'error',
    explanation:
      'The rule does not follow the grammar; the message says what was expected where. Operators bind ' +
      'from loosest to tightest: `or`, `and`, `not`, comparisons (`=`, `!=`, `<`, `<=`, `>`, `>=`, `in`, ' +
      '`not in`, `between ... and ...`, `is null`, `is not null`, `starts with`, `contains`), `+ -`, ' +
      '`* /`, unary `-`. Comparisons do not chain: write `a < b and b < c`. Aggregates take an event ' +
      'type: `count(purchase where amount > 10 within 30d)`, `sum(purchase.amount within 365d)`, ' +
      '`last(purchase).at`. Reserved words (and, or, not, in, between, is, null, true, false, starts, ' +
      'with, contains, where, within, next, since_entry) name a field only in backticks.',
  },
  {
    code: 'HL135',
    title: 'rule nested too deeply',
    severity: 'error',
    explanation:
      'A rule may nest at most 64 levels (parentheses, lists, function arguments, aggregates and ' +
      'prefix `not`/`-` each open a level), and its expression tree may be at most 500 levels deep ' +
      '(a chain of `+ - * /` adds one level per term; long `and`/`or` chains do not count, they are ' +
      'balanced). Such a rule is unreadable anyway: move parts of it into traits or segments and ' +
      'refer to them by name.',
  },
  {
    code: 'HL137',
    title: 'empty rule',
    severity: 'error',
    explanation: 'A field that holds a rule is empty. Write the rule, or remove the field if it is optional.',
  },
  {
    code: 'HL320',
    title: 'operand types do not match',
    severity: 'error',
    explanation:
      'An operator was given values of types it does not combine. Comparisons need two values of the ' +
      'same type (a string is never compared with a number: write `quantity > 5`, not `quantity > "5"`). ' +
      'Arithmetic: number with number; `timestamp - timestamp` is a duration; `timestamp ± duration` ' +
      'is a timestamp; `duration ± duration` a duration; `duration * number` and `duration / number` a ' +
      'duration; `duration / duration` a number; `string + string` joins strings. To compare a time ' +
      'span with a number of days use `days_since(t) > 90` or a duration literal: `now_gap > 90d`.',
  },
  {
    code: 'HL321',
    title: 'condition is not true/false',
    severity: 'error',
    explanation:
      "`and`, `or`, `not`, the condition of `if(...)` and an aggregate's `where` filter need a boolean " +
      '(true/false) value, such as a comparison or a boolean field. A number or string is not treated as ' +
      'true or false: compare it (`count(purchase) > 0`).',
  },
  {
    code: 'HL322',
    title: 'unknown name',
    severity: 'error',
    explanation:
      'A name in the rule is not a customer field, a trait (or trait output such as `rfm.monetary`) or, ' +
      'in a Source mapping, a column. Fields come from the Workspace data model (`herald.yaml`, ' +
      '`customers.fields`), traits from `Trait` definitions. Names are case-sensitive.',
  },
  {
    code: 'HL323',
    title: 'unknown event type',
    severity: 'error',
    explanation:
      'An aggregate (`count`, `exists`, `sum`, `avg`, `min`, `max`, `first`, `last`) names an event type ' +
      'the data model does not declare. Event types are listed under `events:` in `herald.yaml`.',
  },
  {
    code: 'HL324',
    title: 'unknown event property',
    severity: 'error',
    explanation:
      'A property read from an event (`sum(purchase.amount)`, `last(purchase).at`, or a name inside ' +
      '`where`) is not declared for that event type. Every event has `at`, `type` and `customer_id`; ' +
      'the others are declared per event type in `herald.yaml`. Inside `where`, names refer to the ' +
      "event's properties only.",
  },
  {
    code: 'HL325',
    title: 'unknown function',
    severity: 'error',
    explanation:
      'The rule calls a function that does not exist. The functions are: if(c, a, b), coalesce(a, b, ...), ' +
      'days_since(t), lower(s), upper(s), abs(n), round(n) or round(n, digits), score(model), ' +
      'tier(model), in_segment(segment); the aggregates are count, exists, sum, avg, min, max, first, last.',
  },
  {
    code: 'HL326',
    title: 'wrong number of arguments',
    severity: 'error',
    explanation: 'A function was called with too few or too many arguments; the message gives the expected form.',
  },
  {
    code: 'HL327',
    title: 'argument of the wrong type',
    severity: 'error',
    explanation:
      'A function or aggregate was given a value of the wrong type, e.g. `days_since(country)` (needs a ' +
      'timestamp), `lower(5)` (needs a string), `sum(purchase.item_id)` (needs a numeric property), or ' +
      'a duration where a number is expected (`abs(30d)`).',
  },
  {
    code: 'HL328',
    title: 'event window not allowed here',
    severity: 'error',
    explanation:
      '`within next <duration>` looks into the future and is allowed only in a Model `label` (evaluated ' +
      'after the training cut-off, so features never see it). `within since_entry` is allowed only in ' +
      "journey rules, where the customer's entry into the journey is known.",
  },
  {
    code: 'HL329',
    title: 'not available in this kind of rule',
    severity: 'error',
    explanation:
      'Some rules are evaluated over a single row or event, not over a customer: Source mappings see ' +
      'only the raw row, and event filters only the event. Aggregates over events, traits and ' +
      '`score`/`tier`/`in_segment` are not available there.',
  },
  {
    code: 'HL330',
    title: 'aggregate used the wrong way',
    severity: 'error',
    explanation:
      '`count(ev)` and `exists(ev)` take an event type without a property; `sum`, `avg`, `min` and `max` ' +
      'need one (`sum(purchase.amount)`); `first(ev)` and `last(ev)` pick one event and read a property ' +
      'from it after the parentheses (`last(purchase).at`), and only they take a property there.',
  },
  {
    code: 'HL331',
    title: 'invalid list',
    severity: 'error',
    explanation:
      'A list literal must hold values of one type (`["UK", "FR"]` or `[1, 2, 3]`), without nested lists ' +
      'or nulls, and `in` needs a list on its right.',
  },
  {
    code: 'HL332',
    title: 'rule has the wrong type for its place',
    severity: 'error',
    explanation:
      'The value a rule computes does not fit where it is used: a segment `where` or a lifecycle `when` ' +
      'must be true/false; a Trait `expression` must have the declared `type`.',
  },
  {
    code: 'HL333',
    title: 'comparison with null',
    severity: 'error',
    explanation:
      'Comparing with `null` (`x = null`) is never true, because a comparison with a missing value is ' +
      'false. Test for a missing value with `x is null` or `x is not null`.',
  },
  {
    code: 'HL334',
    title: 'argument must be a name',
    severity: 'error',
    explanation:
      '`in_segment(...)`, `score(...)` and `tier(...)` take the name of a Segment or Model, and ' +
      '`subscribed(...)` the name of a subscription topic, written bare (`in_segment(vip)`) or as a ' +
      'string (`subscribed("newsletter")`), not an expression.',
  },
  {
    code: 'HL340',
    title: 'trait hides a customer field',
    severity: 'error',
    explanation: 'A Trait has the same name as a customer field, so a rule naming it would be ambiguous. Rename the ' + 'trait.',
  },
  {
    code: 'HL341',
    title: 'duplicate lifecycle stage',
    severity: 'error',
    explanation:
      'Two stages of a lifecycle trait (or a stage and `else`) have the same name; every stage needs its ' +
      'own name, otherwise the later one can never be told apart.',
  },
  {
    code: 'HL342',
    title: 'invalid RFM configuration',
    severity: 'error',
    explanation:
      'The `rfm` trait names an event type the data model does not declare, or an `amount` that is not a ' +
      'numeric property of that event.',
  },
  {
    code: 'HL343',
    title: 'RFM cut points not ascending',
    severity: 'error',
    explanation: 'Fixed RFM cut points (`quintiles`) must be four strictly ascending numbers, e.g. [14, 30, 90, 180].',
  },
];

/** Messages of the rule syntax codes HL13x (in the contract, where the rule parser can reach them). */
export { ruleSyntaxMessages } from '../../contract/messages/rule-syntax.ts';

/** Messages of the dsl codes raised while analyzing definitions (compiler/3-analyze). */
export const dslAnalyzeMessages = {
  HL320: (
    p:
      | { form: 'cannot-negate'; describeType: string }
      | { form: 'cannot-compare-with'; describeType: string; describeType2: string }
      | { form: 'does-not-order'; op: string; formatPlural: string }
      | { form: 'lists-cannot-compared' }
      | { form: 'cannot-apply-and'; op: string; describeType: string; describeType2: string }
      | { form: 'cannot-look-for'; describeType: string; elementType: string }
      | { form: 'between-does-not'; formatPlural: string }
      | { form: 'works-strings-but'; word: string; describeType: string },
  ) => {
    switch (p.form) {
      case 'cannot-negate':
        return `cannot negate ${p.describeType}`;
      case 'cannot-compare-with':
        return `cannot compare ${p.describeType} with ${p.describeType2}`;
      case 'does-not-order':
        return `\`${p.op}\` does not order ${p.formatPlural}`;
      case 'lists-cannot-compared':
        return 'lists cannot be compared; use `in` to test membership';
      case 'cannot-apply-and':
        return `cannot apply \`${p.op}\` to ${p.describeType} and ${p.describeType2}`;
      case 'cannot-look-for':
        return `cannot look for ${p.describeType} in a list of ${p.elementType}s`;
      case 'between-does-not':
        return `\`between\` does not order ${p.formatPlural}`;
      case 'works-strings-but':
        return `${p.word} works on strings, but this is ${p.describeType}`;
    }
  },
  HL321: (p: { role: string; describeType: string }) => `${p.role} must be true or false, but this is ${p.describeType}`,
  HL322: (
    p:
      | { form: 'source-column-one'; printRule: string }
      | { form: 'the-source-has'; column: string }
      | { form: 'customer-field-has'; first: string; second: string }
      | { form: 'trait-has-several'; first: string }
      | { form: 'trait-has-single'; first: string }
      | { form: 'trait-has-value'; first: string; segments: string }
      | { form: 'unknown'; what: string; written: string },
  ) => {
    switch (p.form) {
      case 'source-column-one':
        return `\`${p.printRule}\`: a source column is one name`;
      case 'the-source-has':
        return `the source has no column \`${p.column}\``;
      case 'customer-field-has':
        return `customer field \`${p.first}\` has no \`.${p.second}\``;
      case 'trait-has-several':
        return `trait \`${p.first}\` has several values; name one`;
      case 'trait-has-single':
        return `trait \`${p.first}\` has a single value; write \`${p.first}\``;
      case 'trait-has-value':
        return `trait \`${p.first}\` has no value \`${p.segments}\``;
      case 'unknown':
        return `unknown ${p.what} \`${p.written}\``;
    }
  },
  HL323: (p: { event: string }) => `unknown event type \`${p.event}\``,
  HL324: (
    p:
      | { form: 'event-property-has'; name: string; segments: string }
      | { form: 'events-have-property'; event: string; name: string; hint: string }
      | { form: 'events-have-property-2'; event: string; name: string },
  ) => {
    switch (p.form) {
      case 'event-property-has':
        return `event property \`${p.name}\` has no \`.${p.segments}\``;
      case 'events-have-property':
        return `\`${p.event}\` events have no property \`${p.name}\`${p.hint}`;
      case 'events-have-property-2':
        return `\`${p.event}\` events have no property \`${p.name}\``;
    }
  },
  HL325: (p: { name: string }) => `unknown function \`${p.name}\``,
  HL326: (p: { name: string; expected: string; value: string; n: number }) =>
    `\`${p.name}\` takes ${p.expected} argument${p.value}, not ${p.n}`,
  HL327: (
    p:
      | { form: 'needs-but-this'; name: string; describeType: string; describeType2: string }
      | { form: 'must-have-one'; what: string; describeType: string; describeType2: string }
      | { form: 'needs-property-but'; fn: string; value: string; event: string; property: string; describeType: string }
      | { form: 'event-window-cannot' },
  ) => {
    switch (p.form) {
      case 'needs-but-this':
        return `\`${p.name}\` needs ${p.describeType}, but this is ${p.describeType2}`;
      case 'must-have-one':
        return `${p.what} must have one type: ${p.describeType} and ${p.describeType2}`;
      case 'needs-property-but':
        return `\`${p.fn}\` needs a ${p.value} property, but \`${p.event}.${p.property}\` is ${p.describeType}`;
      case 'event-window-cannot':
        return 'an event window cannot be empty';
    }
  },
  HL328: (p: { form: 'within-next-looks' } | { form: 'within-since-entry' }) => {
    switch (p.form) {
      case 'within-next-looks':
        return '`within next` looks into the future and is only allowed in a model label';
      case 'within-since-entry':
        return '`within since_entry` is only allowed in journey rules';
    }
  },
  HL329: (
    p:
      | { form: 'not-available-here'; name: string; scopeWords: string }
      | { form: 'subscribed-not-available'; scopeWords: string }
      | { form: 'aggregates-are-not'; scopeWords: string },
  ) => {
    switch (p.form) {
      case 'not-available-here':
        return `\`${p.name}\` is not available here: this rule sees ${p.scopeWords}`;
      case 'subscribed-not-available':
        return `\`subscribed\` is not available here: this rule sees ${p.scopeWords}`;
      case 'aggregates-are-not':
        return `aggregates are not available here: this rule sees ${p.scopeWords}`;
    }
  },
  HL330: (
    p:
      | { form: 'counts-events-and'; fn: string }
      | { form: 'can-only-follow'; field: string }
      | { form: 'needs-the-property'; fn: string }
      | { form: 'picks-one-event'; fn: string }
      | { form: 'picks-one-event-2'; fn: string; event: string },
  ) => {
    switch (p.form) {
      case 'counts-events-and':
        return `\`${p.fn}\` counts events and takes no property`;
      case 'can-only-follow':
        return `\`.${p.field}\` can only follow first(...) or last(...)`;
      case 'needs-the-property':
        return `\`${p.fn}\` needs the property to aggregate`;
      case 'picks-one-event':
        return `\`${p.fn}\` picks one event; read the property after the parentheses`;
      case 'picks-one-event-2':
        return `\`${p.fn}(${p.event})\` picks one event; say which property to read`;
    }
  },
  HL331: (
    p:
      | { form: 'needs-list-but'; value: string; describeType: string }
      | { form: 'lists-cannot-nested' }
      | { form: 'list-cannot-hold' }
      | { form: 'list-holds-values'; describeType: string; elementType: string },
  ) => {
    switch (p.form) {
      case 'needs-list-but':
        return `\`${p.value}\` needs a list, but this is ${p.describeType}`;
      case 'lists-cannot-nested':
        return 'lists cannot be nested';
      case 'list-cannot-hold':
        return 'a list cannot hold null';
      case 'list-holds-values':
        return `a list holds values of one type: this is ${p.describeType}, the list holds ${p.elementType}s`;
    }
  },
  HL332: (p: { place: string; describeType: string; describeType2: string }) =>
    `${p.place} must be ${p.describeType}, but this rule is ${p.describeType2}`,
  HL333: (p: { form: 'null-never-true'; op: string } | { form: 'null-never-true-2' } | { form: 'between-bound-cannot' }) => {
    switch (p.form) {
      case 'null-never-true':
        return `\`${p.op} null\` is never true`;
      case 'null-never-true-2':
        return '`null in [...]` is never true';
      case 'between-bound-cannot':
        return 'a `between` bound cannot be null';
    }
  },
  HL334: (p: { form: 'takes-the-name'; name: string; kind: string } | { form: 'subscribed-takes-the'; describeType: string }) => {
    switch (p.form) {
      case 'takes-the-name':
        return `\`${p.name}\` takes the name of a ${p.kind}`;
      case 'subscribed-takes-the':
        return `\`subscribed\` takes the name of a subscription topic, not ${p.describeType}`;
    }
  },
  HL340: (p: { name: string }) => `trait \`${p.name}\` has the same name as a customer field, so rules could not tell them apart`,
  HL341: (p: { form: 'lifecycle-stage-defined'; name: string } | { form: 'else-repeats-stage'; else: string }) => {
    switch (p.form) {
      case 'lifecycle-stage-defined':
        return `lifecycle stage \`${p.name}\` is defined twice`;
      case 'else-repeats-stage':
        return `\`else: ${p.else}\` repeats a stage name; the stage would be unreachable as a fallback`;
    }
  },
  HL342: (
    p:
      | { form: 'unknown-event-type'; event: string }
      | { form: 'events-have-property'; event: string; amount: string }
      | { form: 'the-rfm-amount'; event: string; amount: string; kind: string },
  ) => {
    switch (p.form) {
      case 'unknown-event-type':
        return `unknown event type \`${p.event}\``;
      case 'events-have-property':
        return `\`${p.event}\` events have no property \`${p.amount}\``;
      case 'the-rfm-amount':
        return `the RFM amount must be a number, but \`${p.event}.${p.amount}\` is a ${p.kind}`;
    }
  },
  HL343: (p: { dimension: string; points: string }) => `the ${p.dimension} cut points must be strictly ascending: [${p.points}]`,
} satisfies MessageTable;
