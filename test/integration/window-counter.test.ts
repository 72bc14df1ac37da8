import { expect } from 'chai';
import { WindowCount, WindowCounters, removeEndedCounts } from '../../src/db/window-counter.js';
import { useTestDatabase } from '../helpers/database.js';

describe('db/window-counter', () => {
  useTestDatabase(import.meta.url);
  const counters = new WindowCounters();

  it('counts hits in a window that starts at the first hit, and starts over once it ended', async () => {
    const start = new Date('2030-01-01T10:00:00Z');
    expect((await counters.countHit('k1', 60_000, start)).hits).to.equal(1);
    const second = await counters.countHit('k1', 60_000, new Date(start.getTime() + 59_000));
    expect(second).to.deep.equal({ hits: 2, resetAt: new Date(start.getTime() + 60_000) });
    const next = await counters.countHit('k1', 60_000, new Date(start.getTime() + 61_000));
    expect(next).to.deep.equal({ hits: 1, resetAt: new Date(start.getTime() + 121_000) });
  });

  it('loses no hit when many arrive at once (one counter, many requests)', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, () => counters.countHit('busy', 60_000)));
    expect(results.map((r) => r.hits).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 30 }, (_, i) => i + 1));
    expect((await counters.peekHits('busy'))?.hits).to.equal(30);
  });

  it('takes hits back without going below zero, holds a window until a time, and removes ended ones', async () => {
    await counters.countHit('k2', 60_000);
    await counters.uncountHit('k2');
    await counters.uncountHit('k2');
    expect((await counters.peekHits('k2'))?.hits).to.equal(0);
    await counters.holdUntil('lock', new Date(Date.now() + 60_000));
    expect(await counters.peekHits('lock')).to.not.equal(undefined);
    await counters.holdUntil('old', new Date(Date.now() - 1000));
    expect(await counters.peekHits('old')).to.equal(undefined);
    expect(await removeEndedCounts()).to.be.at.least(1);
    expect(await WindowCount.findById('old').lean()).to.equal(null);
    expect(await WindowCount.findById('lock').lean()).to.not.equal(null);
  });
});
