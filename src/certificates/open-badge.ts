// The certificate as an Open Badges 3.0 credential (W3C VC 2.0), signed as a VC-JWT with the platform's key.
import { SignJWT, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { SIGNING_ALGORITHM, type PlatformSigningKey } from './signing-key.service.js';
import { verificationPath } from './certificate-code.js';

export const OPEN_BADGES_CONTEXT = ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'];

/** The facts of one certificate the credential states (a subset of the Certificate record). */
export interface BadgeFacts {
  code: string;
  organisationId: string;
  learnerName: string;
  courseId: string;
  courseVersion: string;
  courseTitle: string;
  legalStateDate: string;
  durationMinutes: number;
  completedAt: Date;
  issuedAt: Date;
  validUntil?: Date;
  issuerName: string;
  /** The completion rule that was met, in Polish and English (absent on certificates issued before the rules). */
  completionRule?: string;
  completionRuleEn?: string;
}

/** Before completion rules a certificate could only say this much. */
const GENERIC_CRITERIA = 'Ukończenie lekcji szkolenia i zaliczenie testu końcowego z wynikiem pozytywnym.';

/** The criteria narrative: the rule that was met, in Polish, then in English. */
function criteriaOf(facts: BadgeFacts): string {
  if (!facts.completionRule) return GENERIC_CRITERIA;
  return facts.completionRuleEn ? `${facts.completionRule}.\n\n${facts.completionRuleEn}.` : `${facts.completionRule}.`;
}

/** An OpenBadgeCredential: the members the signer turns into JWT claims are typed, the rest is carried as is. */
export interface OpenBadgeCredential extends Record<string, unknown> {
  id: string;
  issuer: { id: string; type: string[]; name: string };
  /** ISO 8601 instants. */
  validFrom: string;
  validUntil?: string;
}

/** The URL of a certificate's public verification page, which is also the credential's id. */
export function verificationUrl(baseUrl: string, code: string): string {
  return `${baseUrl}${verificationPath(code)}`;
}

/** Builds the OpenBadgeCredential JSON (unsigned). */
export function buildOpenBadgeCredential(facts: BadgeFacts, baseUrl: string): OpenBadgeCredential {
  const id = verificationUrl(baseUrl, facts.code);
  return {
    '@context': OPEN_BADGES_CONTEXT,
    id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: `Zaświadczenie o ukończeniu szkolenia: ${facts.courseTitle}`,
    issuer: {
      id: `${baseUrl}/organisations/${facts.organisationId}`,
      type: ['Profile'],
      name: facts.issuerName,
    },
    validFrom: facts.issuedAt.toISOString(),
    ...(facts.validUntil ? { validUntil: facts.validUntil.toISOString() } : {}),
    credentialSubject: {
      type: ['AchievementSubject'],
      // The learner is named, not identified by e-mail: the credential may be shown to anyone.
      identifier: [{ type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: facts.learnerName }],
      activityEndDate: facts.completedAt.toISOString(),
      creditsEarned: Math.round((facts.durationMinutes / 60) * 10) / 10,
      achievement: {
        id: `${baseUrl}/szkolenia/${encodeURIComponent(facts.courseId)}#wersja-${facts.courseVersion}`,
        type: ['Achievement'],
        achievementType: 'Certificate',
        name: facts.courseTitle,
        description: `Szkolenie „${facts.courseTitle}” (wersja ${facts.courseVersion}, stan prawny na ${facts.legalStateDate}).`,
        criteria: { narrative: criteriaOf(facts) },
        creditsAvailable: Math.round((facts.durationMinutes / 60) * 10) / 10,
        version: facts.courseVersion,
        inLanguage: 'pl',
      },
    },
  };
}

/** Signs the credential as a VC-JWT (Open Badges 3.0 §8.2): the credential is the payload, with iss/jti/nbf/exp. */
export async function signOpenBadgeCredential(credential: OpenBadgeCredential, key: Pick<PlatformSigningKey, 'kid' | 'privateKey'>): Promise<string> {
  const jwt = new SignJWT(credential)
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setIssuer(credential.issuer.id)
    .setJti(credential.id)
    .setNotBefore(Math.floor(Date.parse(credential.validFrom) / 1000));
  if (credential.validUntil) jwt.setExpirationTime(Math.floor(Date.parse(credential.validUntil) / 1000));
  return jwt.sign(key.privateKey);
}

/** Wraps a VC-JWT as JSON (a VC 2.0 EnvelopedVerifiableCredential): the downloadable .json form. */
export function envelopeOf(jwt: string): Record<string, unknown> {
  return {
    '@context': 'https://www.w3.org/ns/credentials/v2',
    id: `data:application/vc+jwt,${jwt}`,
    type: 'EnvelopedVerifiableCredential',
  };
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Finds the VC-JWT in what a visitor uploaded: the bare JWT, or the envelope JSON (or a JSON string of the JWT). */
export function extractCredentialJwt(text: string): string | undefined {
  const trimmed = text.trim();
  if (COMPACT_JWS.test(trimmed)) return trimmed;
  try {
    const parsed = JSON.parse(trimmed) as unknown;
    if (typeof parsed === 'string' && COMPACT_JWS.test(parsed)) return parsed;
    const id = (parsed as { id?: unknown })?.id;
    if (typeof id === 'string' && id.startsWith('data:application/vc+jwt,')) {
      const jwt = id.slice('data:application/vc+jwt,'.length);
      return COMPACT_JWS.test(jwt) ? jwt : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export type CredentialCheck = { signatureValid: true; credentialId: string; payload: JWTPayload } | { signatureValid: false };

/**
 * Checks the signature against the platform's key (`key`). Expiry is not judged here (an expired certificate is
 * still authentic; the record's status says it expired), so exp/nbf are not enforced.
 */
export async function verifyCredentialSignature(jwt: string, key: Pick<PlatformSigningKey, 'kid' | 'publicKey'>): Promise<CredentialCheck> {
  try {
    const header = decodeProtectedHeader(jwt);
    if (header.alg !== SIGNING_ALGORITHM || (header.kid && header.kid !== key.kid)) return { signatureValid: false };
    const { payload } = await jwtVerify(jwt, key.publicKey, {
      algorithms: [SIGNING_ALGORITHM],
      // nbf/exp are not a question of authenticity: a far clock tolerance leaves them to the record's status.
      clockTolerance: 100 * 365 * 24 * 3600,
    });
    if (typeof payload.jti !== 'string') return { signatureValid: false };
    return { signatureValid: true, credentialId: payload.jti, payload };
  } catch {
    return { signatureValid: false };
  }
}
