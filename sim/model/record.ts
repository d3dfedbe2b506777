/** The shape of stored records. */

/**
 * A stored object's fields by datamodel name. The datamodel is data-driven (sim/schema), so
 * records are loosely typed; each class's schema is what checks values on the way in and out.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type XRecord = Record<string, any>;
