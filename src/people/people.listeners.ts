// What the people feature does when others announce something: a merged department's staff move to its target.
import { Types } from 'mongoose';
import type { AuditTrail } from '../audit/audit-trail.js';
import { User } from '../auth/user.model.js';
import type { PlatformEvents } from '../events/platform-events.js';
import { peopleOfOffice } from './people.directory.js';
import { movedDepartment } from './people.service.js';

/**
 * Moves everyone of a merged department into the department it was merged into, closing their period in the old
 * one and opening one in the new (at the merge's time), each audited as person.moved. Safe to run again: a second
 * run finds nobody left in the merged department.
 */
export function listenForMergedDepartments(deps: { events: PlatformEvents; audit: AuditTrail }): void {
  deps.events.on('department.merged', async (merged) => {
    const into = new Types.ObjectId(merged.intoDepartmentId);
    const staff = (await peopleOfOffice(merged.organisationId)).filter((person) => String(person.departmentId ?? '') === merged.fromDepartmentId);
    for (const person of staff) {
      await User.updateOne({ _id: person._id, organisationId: person.organisationId }, { $set: movedDepartment(person, into, merged.at) });
      await deps.audit.record({
        organisationId: merged.organisationId,
        actor: merged.actor,
        action: 'person.moved',
        subject: { kind: 'person', id: String(person._id), label: person.fullName },
        reason: 'department.merged',
        details: { fromDepartmentId: merged.fromDepartmentId, toDepartmentId: merged.intoDepartmentId, merged: true },
      });
      await deps.events.emit('person.changed', {
        organisationId: merged.organisationId,
        userId: String(person._id),
        departmentId: merged.intoDepartmentId,
        status: person.status ?? 'active',
        change: 'moved',
      });
    }
  });
}
