import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { AUDIT_ACTIONS } from '../../src/audit/audit-trail.js';
import { presentAuditEntry } from '../../src/audit/audit.presenter.js';

type Tree = { [key: string]: string | Tree };

function labelOf(tree: Tree, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Tree)[key] : undefined), tree);
}

describe('audit.presenter and locales/*/audit.json', () => {
  for (const language of ['pl', 'en']) {
    it(`labels every action of AUDIT_ACTIONS in ${language}`, () => {
      const tree = JSON.parse(readFileSync(`locales/${language}/audit.json`, 'utf8')) as Tree;
      for (const action of AUDIT_ACTIONS)
        expect(labelOf(tree, `actions.${action}`), action)
          .to.be.a('string')
          .and.not.equal('');
    });
  }

  it('puts details in plain words: before → after, lists, yes/no, and leaves internal ids out', () => {
    const t = (key: string, options?: Record<string, unknown>) =>
      key.startsWith('audit:values.') ? key.slice('audit:values.'.length) : typeof options?.defaultValue === 'string' ? options.defaultValue : key;
    const view = presentAuditEntry(
      {
        id: 'x',
        at: new Date('2026-11-20T08:30:00Z'),
        actorName: 'Adam Admin',
        action: 'person.rolesChanged',
        subject: { kind: 'person', id: '0123456789abcdef01234567', label: 'Anna Alfa' },
        details: { roles: { before: ['learner'], after: ['learner', 'hr'] }, notify: true, grantId: 'abc', empty: '' },
      },
      t,
      'pl',
    );
    expect(view.at).to.equal('20.11.2026, 09:30');
    expect(view.subjectUrl).to.equal('/kadry/osoby/0123456789abcdef01234567');
    expect(view.details).to.deep.equal([
      { label: 'roles', value: 'learner → learner, hr' },
      { label: 'notify', value: 'yes' },
    ]);
  });
});
