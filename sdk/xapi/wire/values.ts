/**
 * Values that travel over the XAPI wire (XML-RPC and JSON-RPC), with tagged wrappers so that a
 * sender can choose exactly which XML-RPC type a number or date is emitted as.
 */

/** A number that must be emitted as `<double>` (xapi's `float`), formatted like C `%.16g`. */
export class XmlRpcDouble {
  /** @param value the floating-point value */
  constructor(readonly value: number) {}
}

/** A number that must be emitted as `<i4>` (xapi uses it only in `event.from`'s `valid_ref_counts`). */
export class XmlRpcInt32 {
  /** @param value a 32-bit signed integer */
  constructor(readonly value: number) {}
}

/** A datetime emitted as `<dateTime.iso8601>`, in xapi's compact form such as `"20250319T04:16:24Z"`. */
export class XmlRpcDateTime {
  /** @param value the compact ISO 8601 text, sent as is */
  constructor(readonly value: string) {}
}

/**
 * Anything the codecs can serialise. Plain JS numbers are xapi `int` (int64) values; use the
 * wrappers for floats, int32 and datetimes; a `Buffer` is `<base64>`.
 */
export type WireValue =
  | string
  | number
  | boolean
  | null
  | WireValue[]
  | { [key: string]: WireValue }
  | XmlRpcDouble
  | XmlRpcInt32
  | XmlRpcDateTime
  | Buffer;
