import { expect } from 'chai';
import { Statement, Timestamp, LanguageTag } from '../../src/xapi/statement.schemas.js';
import { formatStatement, multipartResponse, statementResultJson } from '../../src/xapi/statement.presenter.js';
import { agentKey, statementKeys } from '../../src/xapi/statement-keys.js';

const base = {
  actor: { mbox: 'mailto:a@example.com' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' },
  object: { id: 'http://example.com/a' },
};

describe('xapi/statement.schemas', () => {
  it('accepts ISO 8601 timestamps with Z, offsets or none, and refuses -00:00 and impossible dates', () => {
    for (const ok of ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.123+02:00', '2024-05-01T10:00:00.123456Z', '2024-05-01T10:00:00']) {
      expect(Timestamp.safeParse(ok).success, ok).to.equal(true);
    }
    for (const bad of ['2024-05-01', '2024-05-01T10:00:00-00:00', '2024-02-31T25:00:00Z', 'yesterday']) {
      expect(Timestamp.safeParse(bad).success, bad).to.equal(false);
    }
  });

  it('checks the token lengths of RFC 5646 language tags', () => {
    for (const ok of ['pl', 'pl-PL', 'en-US', 'zh-Hant-TW', 'sr-Latn-RS', 'x-private']) expect(LanguageTag.safeParse(ok).success, ok).to.equal(true);
    for (const bad of ['', 'p', 'english-language-tag', 'pl_PL', 'en-']) expect(LanguageTag.safeParse(bad).success, bad).to.equal(false);
  });

  it('accepts a minimal statement and every object type, and refuses a SubStatement with an id', () => {
    expect(Statement.safeParse(base).success).to.equal(true);
    expect(Statement.safeParse({ ...base, object: { objectType: 'Agent', openid: 'http://example.com/me' } }).success).to.equal(true);
    expect(Statement.safeParse({ ...base, object: { objectType: 'Group', account: { homePage: 'http://example.com', name: 'g' } } }).success).to.equal(true);
    expect(Statement.safeParse({ ...base, object: { objectType: 'StatementRef', id: '0f8fad5b-d9cb-469f-a165-70867728950e' } }).success).to.equal(true);
    const sub = { objectType: 'SubStatement', actor: base.actor, verb: base.verb, object: base.object };
    expect(Statement.safeParse({ ...base, object: sub }).success).to.equal(true);
    expect(Statement.safeParse({ ...base, object: { ...sub, id: '0f8fad5b-d9cb-469f-a165-70867728950e' } }).success).to.equal(false);
  });

  it('accepts any extension values (even null) but only IRI keys', () => {
    expect(Statement.safeParse({ ...base, result: { extensions: { 'http://example.com/e': null } } }).success).to.equal(true);
    expect(Statement.safeParse({ ...base, result: { extensions: { 'not-an-iri': 1 } } }).success).to.equal(false);
  });

  it('requires distinct interaction component ids and an interactionType for interaction properties', () => {
    const definition = (extra: Record<string, unknown>) => ({ ...base, object: { id: 'http://example.com/q', definition: extra } });
    expect(Statement.safeParse(definition({ interactionType: 'choice', choices: [{ id: 'a' }, { id: 'b' }] })).success).to.equal(true);
    expect(Statement.safeParse(definition({ interactionType: 'choice', choices: [{ id: 'a' }, { id: 'a' }] })).success).to.equal(false);
    expect(Statement.safeParse(definition({ choices: [{ id: 'a' }] })).success).to.equal(false);
  });
});

describe('xapi/statement.presenter', () => {
  const stored = JSON.stringify({
    id: '0f8fad5b-d9cb-469f-a165-70867728950e',
    actor: { objectType: 'Group', name: 'Team', member: [{ name: 'A', mbox: 'mailto:a@example.com' }] },
    verb: { id: 'http://adlnet.gov/expapi/verbs/attempted', display: { 'en-US': 'attempted', pl: 'podjął próbę' } },
    object: {
      id: 'http://example.com/a',
      definition: { name: { 'en-US': 'A', pl: 'A po polsku' }, interactionType: 'choice', choices: [{ id: 'x', description: { 'en-US': 'X', pl: 'Iks' } }] },
    },
    context: { contextActivities: { parent: [{ id: 'http://example.com/p', definition: { name: { 'en-US': 'P', de: 'P-de' } } }] } },
  });

  it('returns exact statements verbatim', () => {
    expect(formatStatement(stored, 'exact')).to.equal(stored);
  });

  it("reduces anonymous groups to their members' identifiers in format=ids", () => {
    const ids = JSON.parse(formatStatement(stored, 'ids'));
    expect(ids.actor).to.deep.equal({ objectType: 'Group', member: [{ mbox: 'mailto:a@example.com' }] });
    expect(ids.context.contextActivities.parent).to.deep.equal([{ id: 'http://example.com/p' }]);
  });

  it('keeps one language per map in format=canonical, interaction components and context activities included', () => {
    const canonical = JSON.parse(formatStatement(stored, 'canonical', 'de, pl;q=0.8'));
    expect(canonical.object.definition.name).to.deep.equal({ pl: 'A po polsku' });
    expect(canonical.object.definition.choices[0].description).to.deep.equal({ pl: 'Iks' });
    expect(canonical.context.contextActivities.parent[0].definition.name).to.deep.equal({ de: 'P-de' });
  });

  it('builds StatementResult JSON around stored strings and multipart bodies with hashes', () => {
    expect(JSON.parse(statementResultJson([stored], ''))).to.deep.equal({ statements: [JSON.parse(stored)], more: '' });
    const { contentType, body } = multipartResponse('{}', [{ sha2: 'abc', contentType: 'text/plain', content: Buffer.from('hi') }]);
    const boundary = contentType.split('boundary=')[1];
    expect(body.toString()).to.equal(
      `--${boundary}\r\nContent-Type: application/json\r\n\r\n{}\r\n--${boundary}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: abc\r\n\r\nhi\r\n--${boundary}--\r\n`,
    );
  });
});

describe('xapi/statement-keys', () => {
  it('indexes actor, object agent and group members narrowly, and authority, instructor and sub-statements broadly', () => {
    const keys = statementKeys({
      actor: { objectType: 'Group', member: [{ mbox: 'mailto:m@example.com' }] },
      verb: { id: 'http://example.com/v' },
      object: {
        objectType: 'SubStatement',
        actor: { mbox: 'mailto:sub@example.com' },
        verb: { id: 'http://example.com/v' },
        object: { id: 'http://example.com/sub-activity' },
      },
      context: { instructor: { mbox: 'mailto:teacher@example.com' }, contextActivities: { grouping: [{ id: 'http://example.com/g' }] } },
      authority: { account: { homePage: 'http://example.com', name: 'client' } },
    } as never);
    expect(keys.agentKeys).to.deep.equal(['mbox|mailto:m@example.com']);
    expect(keys.relatedAgentKeys).to.include.members([
      'mbox|mailto:sub@example.com',
      'mbox|mailto:teacher@example.com',
      agentKey({ account: { homePage: 'http://example.com', name: 'client' } })!,
    ]);
    expect(keys.activityIds).to.deep.equal([]);
    expect(keys.relatedActivityIds).to.have.members(['http://example.com/g', 'http://example.com/sub-activity']);
  });
});
