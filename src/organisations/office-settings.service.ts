// An office's identity settings: name, herb, signatory, accent colour, contacts, accessibility coordinator.
import type { AuditActor, AuditTrail } from '../audit/audit-trail.js';
import { resolveTemplate, type CertificateTemplate } from '../certificates/certificate-template.js';
import { NotFoundError } from '../http/errors.js';
import type { Emblem } from './office-emblem.js';
import { displayNameOf, Organisation, type OrganisationDoc } from './organisation.model.js';
import type { OfficeSettingsInput } from './organisation.schemas.js';

/** The settings as the form shows them (strings, blank when unset), and the herb as a data URI for the preview image. */
export interface OfficeSettingsView {
  name: string;
  kind: string;
  values: Record<string, string>;
  logo?: { dataUri: string; kind: 'png' | 'svg' };
}

/** The text settings, each with where it lives in the organisation document. */
const FIELDS: Record<Exclude<keyof OfficeSettingsInput, 'removeLogo'>, string> = {
  officialName: 'officialName',
  signatoryName: 'certificateTemplate.signatoryName',
  signatoryRole: 'certificateTemplate.signatoryRole',
  accentColour: 'certificateTemplate.accentColour',
  contactEmail: 'contactEmail',
  contactPhone: 'contactPhone',
  coordinatorName: 'accessibilityCoordinator.name',
  coordinatorEmail: 'accessibilityCoordinator.email',
  coordinatorPhone: 'accessibilityCoordinator.phone',
};

function valueAt(organisation: OrganisationDoc, path: string): string | undefined {
  let value: unknown = organisation;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

async function organisationOf(organisationId: string): Promise<OrganisationDoc> {
  const organisation = await Organisation.findById(organisationId).lean<OrganisationDoc>();
  if (!organisation) throw new NotFoundError();
  return organisation;
}

/** The office's settings for its form. */
export async function officeSettings(organisationId: string): Promise<OfficeSettingsView> {
  const organisation = await organisationOf(organisationId);
  const values = Object.fromEntries(Object.entries(FIELDS).map(([field, path]) => [field, valueAt(organisation, path) ?? '']));
  values.officialName ||= displayNameOf(organisation);
  const template = organisation.certificateTemplate;
  const logo = template?.logoSvg
    ? { kind: 'svg' as const, dataUri: `data:image/svg+xml;base64,${Buffer.from(template.logoSvg).toString('base64')}` }
    : template?.logoPngBase64
      ? { kind: 'png' as const, dataUri: `data:image/png;base64,${template.logoPngBase64}` }
      : undefined;
  return { name: organisation.name, kind: organisation.kind, values, logo };
}

/** What the herb does on save: stays, is replaced by a checked upload, or is removed. */
export type EmblemChange = { action: 'keep' } | { action: 'replace'; emblem: Emblem } | { action: 'remove' };

/**
 * Stores the settings and writes organisation.settingsChanged with the fields that changed (before and after; the
 * herb as "replaced"/"removed", not its bytes). Returns the changed field names (empty: nothing to record).
 */
export async function updateOfficeSettings(
  deps: { audit: AuditTrail },
  organisationId: string,
  input: OfficeSettingsInput,
  emblem: EmblemChange,
  actor: AuditActor,
): Promise<string[]> {
  const organisation = await organisationOf(organisationId);
  const $set: Record<string, unknown> = {};
  const $unset: Record<string, ''> = {};
  const changes: Record<string, { before?: string; after?: string } | string> = {};
  for (const [field, path] of Object.entries(FIELDS) as [keyof typeof FIELDS, string][]) {
    const before = valueAt(organisation, path);
    const after = input[field];
    if (before === after) continue;
    if (after === undefined) $unset[path] = '';
    else $set[path] = after;
    changes[field] = { before, after };
  }
  if (emblem.action === 'replace') {
    if (emblem.emblem.kind === 'png') {
      $set['certificateTemplate.logoPngBase64'] = emblem.emblem.base64;
      $unset['certificateTemplate.logoSvg'] = '';
    } else {
      $set['certificateTemplate.logoSvg'] = emblem.emblem.svg;
      $unset['certificateTemplate.logoPngBase64'] = '';
    }
    changes.logo = `replaced (${emblem.emblem.kind})`;
  } else if (emblem.action === 'remove' && (organisation.certificateTemplate?.logoPngBase64 || organisation.certificateTemplate?.logoSvg)) {
    $unset['certificateTemplate.logoPngBase64'] = '';
    $unset['certificateTemplate.logoSvg'] = '';
    changes.logo = 'removed';
  }
  const changed = Object.keys(changes);
  if (!changed.length) return [];
  await Organisation.updateOne({ _id: organisation._id }, { ...(Object.keys($set).length ? { $set } : {}), ...(Object.keys($unset).length ? { $unset } : {}) });
  await deps.audit.record({
    organisationId,
    actor,
    action: 'organisation.settingsChanged',
    subject: { kind: 'organisation', id: organisationId, label: input.officialName },
    details: { changed, changes },
  });
  return changed;
}

/** The certificate template the settings would give, without storing them (the preview). */
export async function previewTemplate(organisationId: string, input: OfficeSettingsInput, emblem: EmblemChange): Promise<CertificateTemplate> {
  const organisation = await organisationOf(organisationId);
  const stored = organisation.certificateTemplate ?? {};
  const logo =
    emblem.action === 'replace'
      ? emblem.emblem.kind === 'png'
        ? { logoPngBase64: emblem.emblem.base64 }
        : { logoSvg: emblem.emblem.svg }
      : emblem.action === 'remove'
        ? {}
        : { logoPngBase64: stored.logoPngBase64, logoSvg: stored.logoSvg };
  return resolveTemplate({
    name: organisation.name,
    officialName: input.officialName,
    kind: organisation.kind,
    certificateTemplate: { signatoryName: input.signatoryName, signatoryRole: input.signatoryRole, accentColour: input.accentColour, englishLine: stored.englishLine, ...logo },
  });
}
