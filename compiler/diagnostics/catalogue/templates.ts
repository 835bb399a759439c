import type { CodeEntry, MessageTable } from './types.ts';

/** Codes HL344–HL349 and HL35x (template analysis) and HL42x (MJML compilation, HL425 loop bounds). */
export const templatesCodes: CodeEntry[] = [
  {
    code: 'HL344',
    title: 'loop without an empty case',
    severity: 'warning',
    explanation:
      "A template loops over a list from the render context (`journey.entry.items`, `recommendations`, a list trait) and says nothing when the list is empty, so the email can promise a basket or a selection and show none. Say what an empty list shows with the loop's `{% else %}` branch (`{% for item in journey.entry.items %}…{% else %}Your basket is saved.{% endfor %}`), or put the block, with the sentence that announces it, inside `{% if journey.entry.items %}…{% endif %}`.",
  },
  {
    code: 'HL345',
    title: 'unknown message key',
    severity: 'error',
    explanation:
      "A template calls `t('key')` for a message its translations do not have in the template's own language (the fallback for every other language), or calls `t()` in a template without `translations`. The key must be a string literal, so it can be checked: `{{ t('cart.heading', name=customer.first_name) }}`. Add the message to `<translations>/<language>.yaml`, or fix the key (the message suggests the closest one).",
  },
  {
    code: 'HL346',
    title: 'translation missing in a language',
    severity: 'warning',
    explanation:
      "A language's catalogue lacks a message the template's own language has (customers of that language would read that sentence in the fallback language), or has a message the template's own language does not (it is never shown). Translate the message in the named file, or remove the stray one.",
  },
  {
    code: 'HL347',
    title: 'message placeholder mismatch',
    severity: 'error',
    explanation:
      "A message names a placeholder (`{name}`) that the call does not pass (`t('greeting')` for `Hello {name}`), or a translation names a placeholder its message in the template's own language does not have. The placeholder would be printed as written. Pass it, `{{ t('greeting', name=customer.first_name | default('there')) }}`, or correct the translation.",
  },
  {
    code: 'HL348',
    title: 'translation catalogue problem',
    severity: 'error',
    explanation:
      "The template's `translations` folder is missing or outside the workspace, lacks the catalogue of the template's own language (`language`, else the language of `locale`), or a catalogue is not a YAML mapping of message keys to text, or its file is not named after a language (`de.yaml`, `pt-BR.yaml`).",
  },
  {
    code: 'HL349',
    title: 'invalid rule() in a template',
    severity: 'error',
    explanation:
      'A template can show content on a rule-DSL condition: `{% if rule("rfm.monetary >= 4 and in_segment(\"vip\")") %}`. The rule is checked when the template compiles: it must parse, name customer fields and traits of the workspace, and use `score()`, `tier()` and `in_segment()` with the names of its models and segments. A template has no events in its context, so event aggregates (`count(purchase within 30d)`) cannot be used there: compute them in a Trait and read the trait. The argument of `rule()` must be a string literal, so that it can be checked.',
  },
  {
    code: 'HL350',
    title: 'unknown template variable',
    severity: 'error',
    explanation:
      'A template reads a name the render context does not have. The context holds `customer` (the fields of the workspace data model), `traits` (Trait definitions), `segments` (the names of the segments the customer is in), `scores` and `tiers` (by Model name), `recommendations` (items), `journey` (name, step, entry), `unsubscribe_url`, `preferences_url` and `message_id`. A typo here would otherwise fail every recipient at send time, so it is caught when the template is compiled. Check the spelling (the message suggests the closest name), or add the field to the data model in herald.yaml.',
  },
  {
    code: 'HL351',
    title: 'template file, partial or layout problem',
    severity: 'error',
    explanation:
      'A file a template names (its `mjml` file, its `layout`, or a partial in `<mj-include path="…" />`) does not exist, lies outside the workspace, or includes itself; or a layout does not have exactly one `<herald-content />` element (where the body of each template using it goes). Paths are relative to the file that names them: the YAML file for `mjml` and `layout`, the including .mjml file for partials.',
  },
  {
    code: 'HL352',
    title: 'loop over a value that is not a list',
    severity: 'error',
    explanation:
      'A `{% for %}` loop iterates over a value that is never a list, such as a customer field, a score, a tier or a URL. nunjucks would silently render nothing (or loop over the characters of a string). Loop over `recommendations`, `segments`, `journey.entry.items`, or a list-valued trait.',
  },
  {
    code: 'HL353',
    title: 'nunjucks syntax error',
    severity: 'error',
    explanation:
      'The nunjucks inside a template (subject, preheader or MJML) does not parse: a tag left open (`{% if %}` without `{% endif %}`, `{{` without `}}`), an unknown tag, or a malformed expression. The position points at the tag that is not closed, or where the parser stopped.',
  },
  {
    code: 'HL354',
    title: 'unknown filter',
    severity: 'error',
    explanation:
      "A template uses a filter that neither nunjucks nor Herald defines. Herald adds `default` (also for empty values), `date` and `currency` and `number` (formatted in the customer's locale and time zone), `percent`, `initial` and `track_link`, to the nunjucks built-ins (`upper`, `title`, `truncate`, `join`, `length`…).",
  },
  {
    code: 'HL355',
    title: 'marketing email without an unsubscribe link',
    severity: 'error',
    explanation:
      "Every marketing email must let the recipient unsubscribe in one click (and the law in most countries requires it). Add a link whose href is `{{ unsubscribe_url }}`, for example in the layout's footer; or mark the template `category: transactional` if it is a receipt, password reset or similar message that the recipient cannot opt out of.",
  },
  {
    code: 'HL356',
    title: 'image without alt text',
    severity: 'warning',
    explanation:
      'Many email clients block images by default and screen readers read the alt text aloud: an image without `alt` shows as an empty box and says nothing. Give every `<mj-image>` and `<img>` an `alt` attribute (use `alt=""` for purely decorative images).',
  },
  {
    code: 'HL357',
    title: 'link without a target',
    severity: 'warning',
    explanation: 'A link (`<a>` or `<mj-button>`) has no `href`, or an empty one: it renders as a link or button that goes nowhere.',
  },
  {
    code: 'HL358',
    title: 'name blocked in templates',
    severity: 'error',
    explanation:
      "Templates run in a sandbox: they can read the render context and call Herald's filters, and nothing else. Names such as `constructor`, `__proto__` and `prototype` are how template code escapes a sandbox to run arbitrary JavaScript, so they are refused when the template is compiled (and blocked again at render time).",
  },
  {
    code: 'HL359',
    title: 'unsupported nunjucks tag',
    severity: 'error',
    explanation:
      'Templates are compiled one by one into self-contained HTML, so nunjucks tags that load other templates at render time (`include`, `extends`, `import`, `from`) are not available. Share markup with a `layout` or with `<mj-include path="partials/footer.mjml" />`, which Herald resolves before MJML runs.',
  },
  {
    code: 'HL420',
    title: 'invalid MJML',
    severity: 'error',
    explanation:
      "MJML's strict validation rejected the template: an unknown element, an element in a place it is not allowed (an `<mj-text>` directly in `<mj-section>`), or an attribute with an invalid value. Herald compiles MJML once per template at build time, so these are compile errors with the position in the .mjml file (or in the YAML file for inline MJML).",
  },
  {
    code: 'HL421',
    title: 'malformed MJML markup',
    severity: 'error',
    explanation:
      "An MJML element is opened and never closed, closed without being opened, or closed in the wrong order. MJML's parser guesses in these cases and the output is not what was written, so Herald refuses them.",
  },
  {
    code: 'HL422',
    title: 'nunjucks lost by MJML',
    severity: 'error',
    explanation:
      'A nunjucks placeholder or tag sits where MJML drops or repeats content (for example an attribute MJML does not copy to the HTML), so the compiled template would not do what the source says. Move it into text, an attribute MJML keeps (`href`, `src`, `alt`), or between components.',
  },
  {
    code: 'HL423',
    title: 'compiled HTML over 102 KB',
    severity: 'warning',
    explanation:
      'Gmail clips messages whose HTML is larger than 102 KB and hides the rest (including the unsubscribe link) behind "View entire message". Reduce the markup: fewer nested sections, shorter inline styles, fewer items in loops.',
  },
  {
    code: 'HL424',
    title: 'MJML failed',
    severity: 'error',
    explanation:
      'MJML could not process the template at all, usually because it is not an `<mjml>` document with an `<mj-body>` (or, with a layout, because the layout is not).',
  },
  {
    code: 'HL425',
    title: 'loop too long',
    severity: 'error',
    explanation:
      "A template calls `range()` with bounds written in the template that yield more than 10,000 values (`{% for i in range(0, 10000000) %}`), or nested `range()` loops that run more than 10,000 times in all. Every recipient would get an email of megabytes or gigabytes, and rendering would stall the run. Loop over the list itself (`recommendations`, `journey.entry.items`), or use a range of at most 10,000 values. Render time also caps each email's HTML, for loops whose length is only known from the data.",
  },
];

/** What is wrong with a rule("…") inside a template (HL349). */
export type RuleInTemplateProblem =
  | { form: 'not-a-literal' | 'no-data-model' | 'subscribed' }
  | { form: 'syntax'; reason: string }
  | { form: 'reads-events'; fn: string; event: string }
  | { form: 'unknown-name' | 'unknown-function'; name: string }
  | { form: 'needs-name'; fn: string; what: 'segment' | 'model'; value?: string };

function ruleInTemplate(p: RuleInTemplateProblem): string {
  switch (p.form) {
    case 'not-a-literal':
      return 'rule() takes one rule written as a string literal';
    case 'no-data-model':
      return 'rule() needs the workspace data model, which this compile does not have';
    case 'subscribed':
      return "subscribed() reads the customer's subscriptions, which a template's context does not hold";
    case 'syntax':
      return p.reason;
    case 'reads-events':
      return `${p.fn}(${p.event} …) reads events, which a template's context does not hold`;
    case 'unknown-name':
      return `\`${p.name}\` is neither a customer field nor a trait`;
    case 'unknown-function':
      return `unknown function \`${p.name}\``;
    case 'needs-name':
      return `${p.fn}() needs the name of a ${p.what} of this workspace${p.value === undefined ? '' : `, not "${p.value}"`}`;
  }
}

/** Messages of the templates codes raised while analyzing definitions (compiler/3-analyze). */
export const templatesAnalyzeMessages = {
  /** `rule` is the rule's text once it was read from the call. */
  HL349: (p: { rule?: string; problem: RuleInTemplateProblem }) =>
    `${p.rule === undefined ? '' : `rule("${p.rule}"): `}${ruleInTemplate(p.problem)}`,
  HL353: (
    p:
      | { form: 'parser'; reason: string }
      | { form: 'delimiter-open'; opener: string; closer: string }
      | { form: 'closes-nothing' | 'block-open'; tag: string }
      | { form: 'wrong-end'; tag: string; found: string },
  ) => {
    switch (p.form) {
      case 'parser':
        return p.reason;
      case 'delimiter-open':
        return `${p.opener} is never closed: expected ${p.closer}`;
      case 'closes-nothing':
        return `{% ${p.tag} %} closes nothing`;
      case 'wrong-end':
        return `{% ${p.tag} %} is closed by {% ${p.found} %}; expected {% end${p.tag} %}`;
      case 'block-open':
        return `{% ${p.tag} %} is never closed: expected {% end${p.tag} %}`;
    }
  },
  /** The MJML library's own words for the problem. */
  HL420: (p: { mjml: string }) => p.mjml,
  HL421: (p: { form: 'never-opened' | 'never-closed'; tag: string } | { form: 'closed-by-other'; tag: string; found: string }) => {
    switch (p.form) {
      case 'never-opened':
        return `</${p.tag}> closes an element that was never opened`;
      case 'closed-by-other':
        return `<${p.tag}> is not closed (found </${p.found}> first)`;
      case 'never-closed':
        return `<${p.tag}> is never closed`;
    }
  },
  HL424: (p: { fatal: string }) => `MJML failed: ${p.fatal}`,
  HL348: (
    p:
      | { form: 'no-folder' | 'folder-outside'; folder: string }
      | { form: 'no-own-language'; folder: string; language: string }
      | { form: 'file-outside'; file: string }
      | { form: 'not-a-language'; name: string }
      | { form: 'invalid-yaml'; file: string; yaml: string }
      | { form: 'not-a-mapping'; prefix: string }
      | { form: 'not-a-mapping'; file: string }
      | { form: 'bad-key' | 'not-text'; key: string },
  ) => {
    switch (p.form) {
      case 'no-folder':
        return `translations folder ${p.folder} does not exist`;
      case 'folder-outside':
        return `translations folder ${p.folder} is outside the workspace`;
      case 'no-own-language':
        return `translations folder ${p.folder} has no ${p.language}.yaml, the template's own language`;
      case 'file-outside':
        return `translation file ${p.file} is outside the workspace (a link)`;
      case 'not-a-language':
        return `${p.name} is not named after a language`;
      case 'invalid-yaml':
        return `${p.file} is not valid YAML: ${p.yaml}`;
      case 'not-a-mapping':
        return `${'prefix' in p ? `"${p.prefix}"` : p.file} must be a mapping of message keys`;
      case 'bad-key':
        return `"${p.key}" is not a message key (letters, digits, _ and -)`;
      case 'not-text':
        return `message "${p.key}" must be text`;
    }
  },
  HL344: (p: { iterated: string }) => `the loop over ${p.iterated} shows nothing when ${p.iterated} is empty`,
  HL345: (
    p:
      | { form: 'takes-the-message' }
      | { form: 'template-without-translations'; value: string }
      | { form: 'message'; value: string; default: string },
  ) => {
    switch (p.form) {
      case 'takes-the-message':
        return 't() takes the message key as a string literal';
      case 'template-without-translations':
        return `t("${p.value}") in a template without translations`;
      case 'message':
        return `no message "${p.value}" in ${p.default}`;
    }
  },
  HL346: (
    p:
      | { form: 'lacks-shown-instead'; language: string; value: string; missing: string; value2: string; default: string }
      | { form: 'not-message-the'; key: string; default: string },
  ) => {
    switch (p.form) {
      case 'lacks-shown-instead':
        return `${p.language} lacks ${p.value} ${p.missing}${p.value2}: ${p.default} is shown instead`;
      case 'not-message-the':
        return `"${p.key}" is not a message of ${p.default}, the template's own language`;
    }
  },
  HL347: (
    p:
      | { form: 'placeholder-not-the'; p: string; key: string; language: string; default: string }
      | { form: 'needs-which-this'; value: string; p: string },
  ) => {
    switch (p.form) {
      case 'placeholder-not-the':
        return `placeholder {${p.p}} of "${p.key}" (${p.language}) is not in the ${p.default} message`;
      case 'needs-which-this':
        return `"${p.value}" needs {${p.p}}, which this call does not pass`;
    }
  },
  HL350: (
    p:
      | { form: 'unknown'; what: string; name: string }
      | { form: 'unknown-variable'; rootName: string }
      | { form: 'string-has'; rootName: string; name: string }
      | { form: 'unknown-segment'; value: string },
  ) => {
    switch (p.form) {
      case 'unknown':
        return `unknown ${p.what} "${p.name}"`;
      case 'unknown-variable':
        return `unknown variable "${p.rootName}"`;
      case 'string-has':
        return `${p.rootName} is a string; it has no "${p.name}"`;
      case 'unknown-segment':
        return `unknown segment "${p.value}"`;
    }
  },
  HL351: (
    p:
      | { form: 'partial-includes-itself'; rel: string; value: string }
      | { form: 'partials-nested-more'; MAX_DEPTH: number }
      | { form: 'layout-slots'; layout: string; slots: number }
      | { form: 'unreadable'; reason: string },
  ) => {
    switch (p.form) {
      case 'layout-slots':
        return p.slots === 0
          ? `layout ${p.layout} has no <herald-content /> slot`
          : `layout ${p.layout} has ${p.slots} <herald-content /> slots; a layout holds exactly one`;
      case 'unreadable':
        return p.reason;
      case 'partial-includes-itself':
        return `partial ${p.rel} includes itself (${p.value})`;
      case 'partials-nested-more':
        return `partials nested more than ${p.MAX_DEPTH} deep`;
    }
  },
  HL352: (p: { path: string }) => `${p.path} is not a list`,
  HL354: (p: { filter: string }) => `unknown filter "${p.filter}"`,
  HL355: () => 'marketing template has no unsubscribe link',
  HL356: (p: { name: string }) => `<${p.name}> without alt text`,
  HL357: (p: { name: string }) => `<${p.name}> without an href`,
  HL358: (p: { name: string }) => `"${p.name}" cannot be used in a template`,
  HL359: (p: { tag: string }) => `{% ${p.tag} %} is not available in templates`,
  HL422: (p: { form: 'mjml'; value: string; originals: string } | { form: 'the-compiled-does'; what: string; message: string }) => {
    switch (p.form) {
      case 'mjml':
        return `MJML ${p.value} ${p.originals}`;
      case 'the-compiled-does':
        return `the compiled ${p.what} does not parse: ${p.message}`;
    }
  },
  HL423: (p: { value: string }) => `compiled HTML is ${p.value} KB; Gmail clips messages over 102 KB`,
  HL425: (p: { count: number; nested: string; MAX_RANGE_ITERATIONS: number }) =>
    `range() yields ${p.count}${p.nested}; a template loop may run at most ${p.MAX_RANGE_ITERATIONS} times`,
} satisfies MessageTable;
