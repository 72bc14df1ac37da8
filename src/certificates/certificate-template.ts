// The look of an organisation's certificates: its stored template with the platform's defaults filled in.

/** Everything the PDF needs to know about who issues it and how it should look. */
export interface CertificateTemplate {
  issuerName: string;
  issuerKind: 'association' | 'office';
  signatoryName: string;
  signatoryRole: string;
  /** #rrggbb */
  accentColour: string;
  /** PNG bytes of the organisation's herb or logo; absent (and no SVG) = a drawn emblem with the issuer's initials. */
  logoPng?: Buffer;
  /** The herb as sanitised SVG text (organisations/office-emblem.ts), drawn as vectors; wins over logoPng. */
  logoSvg?: string;
  /** Adds an English line under each Polish line. */
  englishLine: boolean;
}

/** A deep, sober blue that prints well in black and white too. */
export const DEFAULT_ACCENT_COLOUR = '#1d3f72';

interface StoredTemplate {
  signatoryName?: string | null;
  signatoryRole?: string | null;
  accentColour?: string | null;
  logoPngBase64?: string | null;
  logoSvg?: string | null;
  englishLine?: boolean | null;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Decodes a stored base64 logo; anything that is not a PNG is ignored rather than breaking every certificate. */
export function decodeLogo(base64: string | null | undefined): Buffer | undefined {
  if (!base64) return undefined;
  const bytes = Buffer.from(base64, 'base64');
  return bytes.subarray(0, 8).equals(PNG_SIGNATURE) ? bytes : undefined;
}

/** Combines an organisation (name, kind, stored certificateTemplate) with the defaults. */
export function resolveTemplate(organisation: {
  name: string;
  /** The full official name (office settings), printed instead of `name` when set. */
  officialName?: string | null;
  /** 'association' or 'office'; a string because the sample script passes its --kind unchecked: anything else is an office. */
  kind: string;
  certificateTemplate?: StoredTemplate | null;
}): CertificateTemplate {
  const stored = organisation.certificateTemplate ?? {};
  const issuerName = organisation.officialName?.trim() || organisation.name;
  return {
    issuerName,
    issuerKind: organisation.kind === 'association' ? 'association' : 'office',
    // An office without a configured signatory still issues a valid document: the head of the office signs by default.
    signatoryName: stored.signatoryName?.trim() || issuerName,
    signatoryRole: stored.signatoryRole?.trim() || (organisation.kind === 'association' ? 'Zarząd' : 'Kierownik jednostki'),
    accentColour: stored.accentColour && /^#[0-9a-fA-F]{6}$/.test(stored.accentColour) ? stored.accentColour : DEFAULT_ACCENT_COLOUR,
    logoPng: decodeLogo(stored.logoPngBase64),
    logoSvg: stored.logoSvg?.trimStart().startsWith('<svg') ? stored.logoSvg : undefined,
    englishLine: Boolean(stored.englishLine),
  };
}
