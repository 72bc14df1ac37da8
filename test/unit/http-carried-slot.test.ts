// Unit tests of http/flash's carried slots: a value left for the next page is taken once, and never kept for long.
import { expect } from 'chai';
import type { NextFunction, Request, Response } from 'express';
import { carriedSlot, flashLocals } from '../../src/http/flash.js';

function requestWithSession(): Request {
  return { session: {} } as unknown as Request;
}

describe('http/flash carried slots', () => {
  const secret = carriedSlot<{ key: string }>('test-secret');

  it('gives the value left to the first page that takes it, and nothing to the next', () => {
    const req = requestWithSession();
    secret.leave(req, { key: 'abc' });
    expect(secret.take(req)).to.deep.equal({ key: 'abc' });
    expect(secret.take(req)).to.equal(undefined);
    expect(req.session.carried).to.equal(undefined);
  });

  it('drops a value whose page never came, on the next request of that session, whatever it shows', () => {
    const req = requestWithSession();
    secret.leave(req, { key: 'left behind' });
    req.session.carried!['test-secret'].until = Date.now() - 1;
    let called = false;
    flashLocals(req, { redirect: () => undefined, render: () => undefined } as unknown as Response, (() => (called = true)) as NextFunction);
    expect(called).to.equal(true);
    expect(req.session.carried).to.equal(undefined);
    expect(secret.take(req)).to.equal(undefined);
  });
});
