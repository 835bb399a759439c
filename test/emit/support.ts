import { load } from '../../compiler/1-load/index.ts';
import { analyze } from '../../compiler/3-analyze/index.ts';
import { emit, type EmitResult } from '../../compiler/4-emit/index.ts';
import type { KindEmitter } from '../../compiler/4-emit/context.ts';
import type { Kind } from '../../compiler/contract/definition.ts';
import { testSchemaOf, trustingValidate, writeWorkspace } from '../analyze/support.ts';

/**
 * Load, trusting validation, the generic analysis, and emit with the given kind emitters only:
 * phase 4's generic part on its own, whatever the kinds' schemas, analyzers and emitters do.
 */
export function emitWorkspace(files: Record<string, string>, kindEmitters: Partial<Record<Kind, KindEmitter>> = {}): EmitResult {
  const loaded = load(writeWorkspace(files));
  if (loaded.diagnostics.length > 0) throw new Error(JSON.stringify(loaded.diagnostics));
  const validated = trustingValidate(loaded);
  const analyzed = analyze(loaded, validated, { specSchemaOf: testSchemaOf, kindAnalyzers: [] });
  if (analyzed.diagnostics.some((d) => d.severity === 'error')) throw new Error(JSON.stringify(analyzed.diagnostics));
  return emit(loaded, validated, analyzed, { specSchemaOf: testSchemaOf, kindEmitters });
}

export const SHOP = {
  'herald.yaml': `apiVersion: herald/v1
kind: Workspace
metadata:
  name: shop
spec: {}
`,
  'segments.yaml': `apiVersion: herald/v1
kind: Segment
metadata:
  name: base
  description: Everyone who can be emailed
  labels:
    team: lifecycle
    channel: email
spec:
  where: email_consent
---
apiVersion: herald/v1
kind: Segment
metadata:
  name: narrower
spec:
  include:
    - base
  where: country = "United Kingdom" and days_since(signup_at) < 30
`,
  'campaign.yaml': `apiVersion: herald/v1
kind: Template
metadata:
  name: hello
spec:
  subject: "Hello {{ customer.first_name | default('there') }}"
  sample_customers: [c1, c2]
---
apiVersion: herald/v1
kind: Campaign
metadata:
  name: hello_all
spec:
  audience: narrower
  template: hello
  send_at: 2011-12-01T09:00 local
`,
};

/** The same workspace, reformatted: flow vs block style, key order, indentation, quoting, comments. */
export const SHOP_REFORMATTED = {
  'herald.yaml': `# The workspace.
kind: Workspace
apiVersion: "herald/v1"
spec:   {}
metadata: { name: shop }
`,
  'segments.yaml': `# Segments of the shop.
kind: Segment
metadata:
    labels: { channel: email, team: lifecycle }   # flow style
    description: "Everyone who can be emailed"
    name: base
apiVersion: herald/v1
spec: { where: email_consent }
---
spec:
    where: >-
        country = "United Kingdom" and days_since(signup_at) < 30
    include: [ base ]
apiVersion: herald/v1
metadata: {name: narrower}
kind: Segment
`,
  'campaign.yaml': `kind: Template
apiVersion: herald/v1
metadata:
  name: 'hello'
spec:
  sample_customers:
    - c1
    - c2
  subject: 'Hello {{ customer.first_name | default(''there'') }}'
---
# A broadcast.
{ kind: Campaign, apiVersion: herald/v1, metadata: { name: hello_all },
  spec: { template: hello, audience: narrower, send_at: "2011-12-01T09:00 local" } }
`,
};
