// The session store: connect-mongo, with the one read every signed-in request makes turned into an `_id` look-up.
import MongoStore from 'connect-mongo';
import type { Collection, MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import type { SessionData } from 'express-session';
import { SESSION_COLLECTION } from './session-cleanup.js';

interface StoredSession {
  _id: string;
  session: SessionData;
  expires?: Date;
}

/**
 * connect-mongo reads a session with `{_id, $or: [no expiry, expires > now]}`: on FerretDB's SQLite backend only a
 * filter of `_id` alone reaches the index, so that read decoded every stored session of every office on every
 * signed-in request (issue 17). This store reads by `_id` and checks the expiry here; writes were `_id`-only already.
 * Sessions are stored unstringified and unencrypted (app.ts), which is all `get` has to undo.
 */
class SessionStore extends MongoStore {
  override get(sid: string, callback: (error: unknown, session?: SessionData | null) => void): void {
    const collection = (this as unknown as { collectionP: Promise<Collection<StoredSession>> }).collectionP;
    collection
      .then((sessions) => sessions.findOne({ _id: sid }))
      .then((stored) => {
        const live = stored && (!stored.expires || stored.expires > new Date());
        this.emit('get', sid);
        callback(null, live ? stored.session : null);
      }, callback);
  }
}

/** The store of the app's sessions, on mongoose's connection. */
export function createSessionStore(): MongoStore {
  return new SessionStore({
    // connect-mongo ships its own copy of the driver types; the client object is compatible at run time.
    client: mongoose.connection.getClient() as unknown as MongoClient,
    dbName: mongoose.connection.db?.databaseName,
    collectionName: SESSION_COLLECTION,
    // Never 'interval': it deletes with w: 0, which crosses the replies of a pooled FerretDB connection.
    // Expired sessions are removed by our acknowledged job (auth/session-cleanup.ts, SESSION_CLEANUP_CRON);
    // not 'native' either: FerretDB has no TTL indexes.
    autoRemove: 'disabled',
    stringify: false,
  });
}
