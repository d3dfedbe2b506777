/**
 * Masks the credentials a URL-like text may carry (`https://user:token@host/…`), so a refused
 * URL can be shown in an error: everything before its last `@` after the scheme becomes `***`.
 * A text without `@` comes back unchanged.
 * @param text a URL or anything a user gave where a URL was expected
 */
export function maskUrlCredentials(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, "$1***@");
}
