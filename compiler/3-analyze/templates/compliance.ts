import type { Protected } from './protect.ts';
import { attribute, scanTags } from './markup.ts';
import { messageOf } from '../../diagnostics/catalogue/index.ts';

/**
 * Deliverability and accessibility checks on a template's MJML: marketing email must carry an
 * unsubscribe link; images need alt text; links need a target.
 */
export interface ComplianceProblem {
  code: 'HL355' | 'HL356' | 'HL357';
  message: string;
  /** Offsets in the protected text. */
  start: number;
  end: number;
  help?: string;
}

const UNSUBSCRIBE = /\{\{-?\s*unsubscribe_url\b[^}]*-?\}\}/;
const LINK_TAGS = new Set(['a', 'mj-button']);
const IMAGE_TAGS = new Set(['img', 'mj-image']);

export function checkCompliance(p: Protected, category: 'marketing' | 'transactional'): ComplianceProblem[] {
  const text = p.text.text;
  const problems: ComplianceProblem[] = [];
  const tokenRe = new RegExp(`${p.prefix}(\\d+)X`, 'g');
  const original = (value: string) => value.replace(tokenRe, (_m, n: string) => p.originals[Number(n)] ?? '');
  let hasUnsubscribe = false;
  let bodyStart = -1;
  let inHead = false;
  for (const tag of scanTags(text)) {
    // mj-head holds default attributes (<mj-button … /> in mj-attributes), not content.
    if (tag.name === 'mj-head') inHead = !tag.closing && !tag.selfClosing;
    if (tag.closing || inHead) continue;
    if (tag.name === 'mj-body' && bodyStart === -1) bodyStart = tag.start;
    const href = attribute(tag.source, 'href');
    if (href !== undefined && UNSUBSCRIBE.test(original(href))) hasUnsubscribe = true;
    if (LINK_TAGS.has(tag.name) && (href === undefined || href.trim() === '')) {
      problems.push({
        code: 'HL357',
        message: messageOf('HL357', { name: tag.name }),
        start: tag.start,
        end: tag.end,
        help: 'add href="…", or use text instead of a link',
      });
    }
    if (IMAGE_TAGS.has(tag.name) && attribute(tag.source, 'alt') === undefined) {
      problems.push({
        code: 'HL356',
        message: messageOf('HL356', { name: tag.name }),
        start: tag.start,
        end: tag.end,
        help: 'add alt="…" (alt="" for a decorative image)',
      });
    }
  }
  if (category === 'marketing' && !hasUnsubscribe) {
    const at = bodyStart === -1 ? 0 : bodyStart;
    problems.push({
      code: 'HL355',
      message: messageOf('HL355', {}),
      start: at,
      end: at,
      help: 'add <a href="{{ unsubscribe_url }}">Unsubscribe</a> (e.g. in the footer), or set category: transactional',
    });
  }
  return problems;
}
