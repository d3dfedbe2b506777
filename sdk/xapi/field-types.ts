/**
 * Declared types of the numeric fields of the XAPI classes this package uses. XML-RPC carries
 * int64 untyped (as text) while JSON-RPC sends numbers; the client converts by this table so that
 * both transports give callers the same values. Fields not listed pass through as sent.
 */

/** How a field's numbers are declared: scalar, map values, or set members. */
export type NumericFieldKind = "int" | "float" | "int-map" | "float-map" | "int-set";

const VM = {
  user_version: "int",
  memory_overhead: "int",
  memory_target: "int",
  memory_static_max: "int",
  memory_dynamic_max: "int",
  memory_dynamic_min: "int",
  memory_static_min: "int",
  VCPUs_max: "int",
  VCPUs_at_startup: "int",
  HVM_shadow_multiplier: "float",
  domid: "int",
  start_delay: "int",
  shutdown_delay: "int",
  order: "int",
  version: "int",
  hardware_platform_version: "int",
} as const;

const TABLE: Record<string, Record<string, NumericFieldKind>> = {
  vm: VM,
  vm_metrics: {
    memory_actual: "int",
    VCPUs_number: "int",
    VCPUs_utilisation: "float-map",
    VCPUs_CPU: "int-map",
  },
  vm_guest_metrics: {},
  vbd: { status_code: "int" },
  vdi: { virtual_size: "int", physical_utilisation: "int" },
  vif: { MTU: "int", status_code: "int" },
  sr: { virtual_allocation: "int", physical_utilisation: "int", physical_size: "int" },
  network: { MTU: "int" },
  pif: { MTU: "int", VLAN: "int" },
  vlan: { tag: "int" },
  host: {
    memory_overhead: "int",
    API_version_major: "int",
    API_version_minor: "int",
    virtual_hardware_platform_versions: "int-set",
  },
  host_metrics: { memory_total: "int", memory_free: "int" },
  pool: {
    ha_host_failures_to_tolerate: "int",
    ha_plan_exists_for: "int",
    local_auth_max_threads: "int",
    ext_auth_max_threads: "int",
    ext_auth_cache_size: "int",
    ext_auth_cache_expiry: "int",
    update_sync_day: "int",
  },
  task: { progress: "float" },
  // event.from's events carry `id` as a decimal string on both transports; it is left as is.
  event: {},
};

/**
 * The numeric fields of a class.
 * @param className any spelling (`VM`, `vm`, `VM_metrics`)
 * @returns field name → kind; empty for classes without numeric fields or not in the table
 */
export function numericFieldsOf(className: string): Readonly<Record<string, NumericFieldKind>> {
  return TABLE[className.toLowerCase()] ?? {};
}
