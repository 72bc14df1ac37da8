// Unit tests of the one status vocabulary (learning/training-status.ts) and the clock tests move (calendar/clock.ts).
import { expect } from 'chai';
import { addDays, addMonths, endOfWarsawDay } from '../../src/calendar/calendar.js';
import { MovableClock } from '../../src/calendar/clock.js';
import { dueForLegalChange, hasValidCompletion, trainingStatus, trainingStatusKey, type TrainingFacts } from '../../src/learning/training-status.js';

const now = new Date('2027-03-10T10:00:00Z');
const facts = (over: Partial<TrainingFacts>): TrainingFacts => ({ started: false, ...over });

describe('training-status', () => {
  it('names progress before any completion', () => {
    expect(trainingStatus(facts({}), now)).to.equal('not_started');
    expect(trainingStatus(facts({ started: true }), now)).to.equal('in_progress');
    expect(trainingStatus(facts({ started: true, dueDate: endOfWarsawDay('2027-03-11') }), now)).to.equal('in_progress');
    expect(trainingStatus(facts({ started: true, dueDate: endOfWarsawDay('2027-03-09') }), now)).to.equal('overdue');
  });

  it('counts a completion only while it is valid and not revoked', () => {
    const completedAt = addMonths(now, -2);
    expect(trainingStatus(facts({ started: true, completedAt }), now)).to.equal('completed');
    expect(trainingStatus(facts({ started: true, completedAt, validUntil: addMonths(completedAt, 12) }), now)).to.equal('completed');
    expect(trainingStatus(facts({ started: true, completedAt, revoked: true }), now)).to.equal('revoked');
    expect(hasValidCompletion(facts({ completedAt, revoked: true }), now)).to.equal(false);
    const expired = addMonths(now, -13);
    expect(trainingStatus(facts({ started: true, completedAt: expired, validUntil: addMonths(expired, 12) }), now)).to.equal('expired');
    expect(hasValidCompletion(facts({ completedAt: expired, validUntil: addMonths(expired, 12) }), now)).to.equal(false);
  });

  it('says "do odnowienia" within 30 days of the end, and for a reopened refresher still ahead; a late refresher is overdue', () => {
    const completedAt = addDays(addMonths(now, -12), 20);
    const validUntil = addMonths(completedAt, 12);
    expect(trainingStatus(facts({ started: true, completedAt, validUntil }), now)).to.equal('renewal_due');
    const old = addMonths(now, -13);
    const reopened = facts({ started: true, completedAt: old, validUntil: addMonths(old, 12), dueDate: addDays(now, 10) });
    expect(trainingStatus(reopened, now)).to.equal('renewal_due');
    expect(trainingStatus({ ...reopened, dueDate: addDays(now, -1) }, now)).to.equal('overdue');
    // A due date from before the completion is spent: it does not make a valid completion, or its expiry, late.
    expect(trainingStatus(facts({ started: true, completedAt: old, validUntil: addMonths(old, 12), dueDate: addDays(old, -5) }), now)).to.equal('expired');
  });

  it('says "do odnowienia (zmiana prawa)" for a valid completion a later version of the law calls to renew, and only then', () => {
    const completedAt = addMonths(now, -2);
    const recertification = { requiredSince: addDays(now, -1), byVersion: '1.1.0', note: 'Nowelizacja' };
    const marked = facts({ started: true, completedAt, validUntil: addMonths(completedAt, 12), recertification });
    expect(trainingStatus(marked, now)).to.equal('renewal_due');
    // Still a completion that counts (the certificate stays valid), so the percentages keep it.
    expect(hasValidCompletion(marked, now)).to.equal(true);
    expect(dueForLegalChange(marked, now)).to.equal(true);
    expect(trainingStatusKey('renewal_due', dueForLegalChange(marked, now))).to.equal('common:trainingStatusLegalChange');
    // Expired or revoked since: that is what the status says, not the change of law.
    const expired = { ...marked, completedAt: addMonths(now, -13), validUntil: addMonths(now, -1) };
    expect(trainingStatus(expired, now)).to.equal('expired');
    expect(dueForLegalChange(expired, now)).to.equal(false);
    expect(dueForLegalChange({ ...marked, revoked: true }, now)).to.equal(false);
    expect(trainingStatusKey('completed', true)).to.equal('common:trainingStatus.completed');
  });

  it('a movable clock runs on from where it was set and moves by calendar months', () => {
    const clock = new MovableClock(new Date('2026-12-02T09:00:00Z'));
    expect(Math.abs(clock.now().getTime() - Date.parse('2026-12-02T09:00:00Z'))).to.be.below(1000);
    const later = clock.advance({ months: 12 });
    expect(later.toISOString().slice(0, 10)).to.equal('2027-12-02');
    expect(clock.now().getTime()).to.be.at.least(later.getTime());
  });
});
