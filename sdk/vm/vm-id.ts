/** What a VM id may look like: it names directories and XCP-ng VMs, so it stays a plain token. */
export const VM_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * Returns `id` when it is a valid VM id (letters, digits, `.`, `_`, `-`; 1–63 characters, not
 * starting with punctuation), and throws an error saying what is allowed otherwise.
 */
export function validateVmId(id: string): string {
  if (typeof id !== "string" || !VM_ID_PATTERN.test(id)) {
    throw new Error(`VM id ${JSON.stringify(id)} is invalid: use 1–63 letters, digits, ".", "_" or "-", starting with a letter or digit`);
  }
  return id;
}
