/** The one error type of sdk/cloud-init: bad input, refused before anything is built. */
export class CloudInitError extends Error {
  override readonly name = "CloudInitError";
  /**
   * @param field the input that is wrong, as the caller wrote it (e.g. `networkConfig[1].addresses[0]`)
   * @param message what is wrong and what to give instead; never contains a private key
   */
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`cloud-init ${field}: ${message}`);
  }
}
