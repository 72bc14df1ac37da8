// Types shared across the xAPI feature, taken from @xapi/xapi where it has them.
import type { Actor, Statement } from '@xapi/xapi';

export type { Actor, Agent, Group, Statement, Activity, Verb, Result, Context, Attachment } from '@xapi/xapi';

/** A statement as the LRS holds it: id, stored, timestamp, authority and version are always set. */
export type CompleteStatement = Statement & {
  id: string;
  stored: string;
  timestamp: string;
  authority: Actor;
  version: string;
};

/** What projectors receive: the full statement plus the organisation it belongs to. */
export type StoredStatement = CompleteStatement & { organisationId: string };
