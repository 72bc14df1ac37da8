// Every pattern that sees LRS client input runs in linear time, and the length caps stop huge strings before any pattern.
import { expect } from 'chai';
import { Agent, Iri, LIMITS, LanguageTag, PATTERNS, Statement } from '../../src/xapi/statement.schemas.js';
import { StatementsGetParams } from '../../src/xapi/lrs.schemas.js';

const SIZE = 150 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

/** Inputs built to make backtracking patterns explode: long runs of what one quantifier and the next both accept. */
const ADVERSARIAL = [
  fill('a'),
  fill('.'),
  fill('1'),
  fill('a-'),
  fill('-a'),
  fill('1.'),
  fill('x-a1'),
  `mailto:a@${fill('.')}@`,
  `mailto:a@${fill('a.')} `,
  `mailto:${fill('a')}`,
  `a:${fill('a')} `,
  `P${fill('1')}X`,
  `PT${fill('1.1')}`,
  `2024-05-01T10:00:00.${fill('1')}X`,
  `en-${fill('a-')}!`,
  `x-${fill('a-')}!`,
];

describe('xapi/statement.schemas patterns and limits', () => {
  // A linear pattern needs milliseconds for 150 KB; the old quadratic mbox pattern needed about 20 s per input,
  // so it fails here by the timeout rather than by a measured speed.
  it('matches every client-facing pattern against 150 KB adversarial strings to completion', function () {
    this.timeout(5000);
    let runs = 0;
    for (const pattern of Object.values(PATTERNS)) {
      for (const input of ADVERSARIAL) {
        pattern.test(input);
        runs += 1;
      }
    }
    expect(runs).to.equal(Object.keys(PATTERNS).length * ADVERSARIAL.length);
  });

  it('still accepts ordinary mboxes and refuses ones without a dotted domain', () => {
    for (const ok of ['mailto:a@example.com', 'mailto:jan.kowalski@gmina.waw.pl', 'mailto:x+y@sub.example.co.uk']) expect(PATTERNS.mailto.test(ok), ok).to.equal(true);
    for (const bad of ['mailto:a@example', 'mailto:a@.com', 'mailto:a@example.', 'mailto:a@b@c.d', 'a@example.com']) expect(PATTERNS.mailto.test(bad), bad).to.equal(false);
  });

  it('refuses a 150 KB mbox by its length cap alone, so the pattern never runs', () => {
    const result = Agent.safeParse({ mbox: `mailto:a@${fill('.')}` });
    expect(result.success).to.equal(false);
    const messages = result.error!.issues.map((issue) => issue.message);
    expect(messages).to.deep.equal([`an mbox may be at most ${LIMITS.mbox} characters long`]);
  });

  it('caps IRIs, language tags and names before their patterns', () => {
    expect(Iri.safeParse(`http://e.com/${'a'.repeat(LIMITS.iri)}`).error!.issues.map((i) => i.message)).to.deep.equal([`an IRI may be at most ${LIMITS.iri} characters long`]);
    expect(Iri.safeParse(`http://e.com/${'a'.repeat(LIMITS.iri - 13)}`).success).to.equal(true);
    expect(LanguageTag.safeParse(fill('a-')).error!.issues.map((i) => i.message)).to.deep.equal([`a language tag may be at most ${LIMITS.languageTag} characters long`]);
    const named = Statement.safeParse({
      actor: { name: 'n'.repeat(LIMITS.name + 1), mbox: 'mailto:a@example.com' },
      verb: { id: 'http://adlnet.gov/expapi/verbs/attempted', display: { [fill('x-a1')]: 'long key' } },
      object: { id: 'http://example.com/a' },
    });
    expect(named.success).to.equal(false);
    expect(JSON.stringify(named.error!.issues)).to.include(`at most ${LIMITS.name} characters`).and.include(`at most ${LIMITS.languageTag} characters`);
  });

  it('caps the agent parameter of GET statements before parsing its JSON', () => {
    const result = StatementsGetParams.safeParse({ agent: JSON.stringify({ mbox: `mailto:a@${fill('.')}` }) });
    expect(result.success).to.equal(false);
    expect(result.error!.issues[0].message).to.match(/agent may be at most \d+ characters long/);
  });
});
