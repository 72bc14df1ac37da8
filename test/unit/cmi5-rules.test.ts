// The cmi5 statement rules as a pure function: each rule refuses what it names, and an in-order session passes.
import { expect } from 'chai';
import { checkSessionStatements, CMI5, moveOnMet, type SessionSnapshot } from '../../src/cmi5/cmi5-rules.js';
import { readCourseStructure } from '../../src/cmi5/cmi5-course-structure.js';

const AU = 'https://akademia.test/au/1';
const actor = { objectType: 'Agent' as const, account: { homePage: 'https://akademia.test', name: 'learner-1' } };
const start: SessionSnapshot = {
  sessionId: 's-1',
  registration: '6b4f5d8e-0000-4000-8000-000000000001',
  auIri: AU,
  actor,
  masteryScore: 0.8,
  launchMode: 'Normal',
  state: 'launched',
  passed: false,
  failed: false,
  registrationCompleted: false,
  registrationPassed: false,
};

let counter = 0;
function statement(verb: keyof typeof CMI5.verbs, result?: Record<string, unknown>, categories: string[] = [CMI5.categories.cmi5]) {
  return {
    id: `0d8c6d5e-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
    actor,
    verb: { id: CMI5.verbs[verb] },
    object: { id: AU },
    context: { registration: start.registration, contextActivities: { category: categories.map((id) => ({ id })) }, extensions: { [CMI5.extensions.sessionId]: 's-1' } },
    ...(result ? { result } : {}),
  };
}
const moveOn = [CMI5.categories.cmi5, CMI5.categories.moveOn];

function ruleOf(snapshot: Partial<SessionSnapshot>, statements: Record<string, unknown>[]): string {
  const outcome = checkSessionStatements({ ...start, ...snapshot }, statements);
  return outcome.ok ? 'ok' : outcome.rule;
}

describe('cmi5-rules.ts', () => {
  it('accepts a session in order and reports what it moved', () => {
    const outcome = checkSessionStatements(start, [
      statement('initialized'),
      statement('passed', { success: true, score: { scaled: 0.9 } }, moveOn),
      statement('completed', { completion: true }, moveOn),
      statement('terminated'),
    ]);
    expect(outcome.ok && outcome.session.state).to.equal('terminated');
    expect(outcome.ok && outcome.reports).to.deep.equal([{ verb: 'passed', scoreScaled: 0.9 }, { verb: 'completed' }]);
  });

  it('refuses each statement the rules forbid, naming the rule', () => {
    const initialized = { state: 'initialized' as const };
    expect(ruleOf({}, [statement('passed', { success: true, score: { scaled: 0.9 } }, moveOn)])).to.equal('notInitialized');
    expect(ruleOf({}, [statement('initialized'), statement('initialized')])).to.equal('initializedTwice');
    expect(ruleOf({ state: 'terminated' }, [statement('completed', { completion: true }, moveOn)])).to.equal('afterTerminated');
    expect(ruleOf({ state: 'abandoned' }, [statement('terminated')])).to.equal('abandoned');
    expect(ruleOf(initialized, [{ ...statement('terminated'), actor: { ...actor, account: { ...actor.account, name: 'someone-else' } } }])).to.equal('actor');
    expect(ruleOf(initialized, [{ ...statement('terminated'), context: { ...statement('terminated').context, registration: 'other' } }])).to.equal('registration');
    expect(ruleOf(initialized, [statement('passed', { success: true, score: { scaled: 0.7 } }, moveOn)])).to.equal('masteryScore');
    expect(ruleOf(initialized, [statement('passed', { success: true }, moveOn)])).to.equal('masteryScore');
    expect(ruleOf(initialized, [statement('passed', { success: false, score: { scaled: 0.9 } }, moveOn)])).to.equal('success');
    expect(ruleOf(initialized, [statement('passed', { success: true, score: { scaled: 0.9 } })])).to.equal('moveOnCategory');
    expect(ruleOf(initialized, [statement('passed', { success: true, score: { scaled: 0.9 } }, [])])).to.equal('category');
    expect(ruleOf(initialized, [statement('failed', { success: false, score: { scaled: 0.9 } }, moveOn)])).to.equal('masteryScore');
    expect(ruleOf({ ...initialized, failed: true }, [statement('passed', { success: true, score: { scaled: 0.9 } }, moveOn)])).to.equal('passedAfterFailed');
    expect(ruleOf({ ...initialized, passed: true, registrationPassed: true }, [statement('failed', { success: false, score: { scaled: 0.1 } }, moveOn)])).to.equal(
      'failedAfterPassed',
    );
    expect(ruleOf({ ...initialized, registrationCompleted: true }, [statement('completed', { completion: true }, moveOn)])).to.equal('completedTwice');
    expect(ruleOf({ ...initialized, registrationPassed: true }, [statement('passed', { success: true, score: { scaled: 0.9 } }, moveOn)])).to.equal('passedTwice');
    expect(ruleOf(initialized, [statement('completed', {}, moveOn)])).to.equal('completion');
    expect(ruleOf({ ...initialized, launchMode: 'Browse' }, [statement('completed', { completion: true }, moveOn)])).to.equal('launchMode');
    expect(ruleOf(initialized, [statement('satisfied', undefined, [])])).to.equal('lmsVerb');
    expect(ruleOf(initialized, [{ ...statement('terminated'), verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' } }])).to.equal('categoryReserved');
    const { id: _id, ...withoutId } = statement('terminated');
    expect(ruleOf(initialized, [withoutId])).to.equal('statementId');
    // One bad statement refuses the whole batch.
    expect(ruleOf({}, [statement('initialized'), statement('initialized')])).to.equal('initializedTwice');
  });

  it('meets moveOn as the course structure says', () => {
    expect(moveOnMet('CompletedAndPassed', { completed: true, passed: false })).to.equal(false);
    expect(moveOnMet('CompletedOrPassed', { completed: false, passed: true })).to.equal(true);
    expect(moveOnMet('Completed', { completed: true, passed: false })).to.equal(true);
    expect(moveOnMet('Passed', { completed: true, passed: false })).to.equal(false);
    expect(moveOnMet('NotApplicable', { completed: false, passed: false })).to.equal(true);
  });
});

describe('cmi5-course-structure.ts', () => {
  it('reads blocks and AUs in document order, with an absolute AU kept as it is', () => {
    const xml = `<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
      <course id="https://k/c"><title><langstring lang="en-US">Course</langstring><langstring lang="pl-PL">Kurs</langstring></title></course>
      <au id="https://k/a1"><title><langstring lang="pl">A1</langstring></title><url>a1/index.html?x=1</url></au>
      <block id="https://k/b1"><title><langstring lang="pl">B1</langstring></title>
        <au id="https://k/a2" moveOn="Passed" masteryScore="0.5"><title><langstring lang="pl">A2</langstring></title><url>https://cdn.example/a2</url></au>
      </block></courseStructure>`;
    const read = readCourseStructure(xml, new Set(['a1/index.html']));
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    expect(read.structure.title).to.equal('Kurs');
    expect(read.structure.aus.map((au) => [au.iri, au.url, au.query, au.absolute, au.moveOn, au.blockIris])).to.deep.equal([
      ['https://k/a1', 'a1/index.html', '?x=1', false, 'NotApplicable', []],
      ['https://k/a2', 'https://cdn.example/a2', '', true, 'Passed', ['https://k/b1']],
    ]);
    expect(read.structure.blocks).to.deep.equal([{ iri: 'https://k/b1', title: 'B1', parentIri: undefined, auIris: ['https://k/a2'] }]);
  });

  it('lists every problem of a broken structure', () => {
    const read = readCourseStructure('<courseStructure><course id="x"/><block id="https://k/b"><title><langstring>B</langstring></title></block></courseStructure>', new Set());
    expect(read.ok).to.equal(false);
    expect(!read.ok && read.problems.map((problem) => problem.code)).to.deep.equal(['courseIdInvalid', 'courseTitleMissing', 'blockEmpty', 'noAu']);
    expect(!readCourseStructure('<courseStructure><course', new Set()).ok).to.equal(true);
  });
});
