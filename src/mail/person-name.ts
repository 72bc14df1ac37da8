// What a person's name may carry into an e-mail: no line breaks or invisible characters, nothing a mail client makes a link.
//
// Names are typed by anyone at registration and then greet the owner of whatever address was typed, so a name
// like "Kliknij www.oszust.pl" or one with a line break and a fake paragraph would be a phishing line sent
// under our name. Registration refuses such names (auth.schemas.ts); mails greet without a name that has one
// anyway (accounts made before the rule).

// Control and format characters (newlines, tabs, zero-width, bidi overrides) and the line/paragraph separators.
const INVISIBLE_OR_BREAKING = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

// What mail clients turn into links: a scheme or "//", "www.", an "@" (an address), or a dot between two
// letters or digits with no space ("oszust.pl", "J.Kowalski" too: write initials as "J. Kowalski").
// Each alternative is a fixed short sequence, so the test is linear in the name's length.
const LINK_LIKE = /https?|:\/\/|www\.|@|[\p{L}\p{N}]\.[\p{L}\p{N}]/iu;

/** Why `name` cannot go into a mail: 'characters' (control or invisible ones), 'link', or undefined when it can. */
export function nameProblem(name: string): 'characters' | 'link' | undefined {
  if (INVISIBLE_OR_BREAKING.test(name)) return 'characters';
  if (LINK_LIKE.test(name)) return 'link';
  return undefined;
}

/** The name to greet someone with in a mail, or undefined (greet without a name) when it could carry a link. */
export function nameForMail(name: string | undefined | null): string | undefined {
  if (!name) return undefined;
  return nameProblem(name) ? undefined : name;
}
