/** Pool-level classes: pool, host, host_metrics, session, task, console. */
import { fields, ro, rw } from "./dsl";
import { consoleProtocol, taskStatus } from "./enums";
import { T, type ClassDef } from "./types";

/** `pool`. */
export const poolClass: ClassDef = {
  name: "pool",
  fields: fields({
    uuid: ro(T.string),
    name_label: rw(T.string),
    name_description: rw(T.string),
    master: ro(T.ref("host")),
    default_SR: rw(T.ref("SR")),
    suspend_image_SR: rw(T.ref("SR")),
    crash_dump_SR: rw(T.ref("SR")),
    other_config: rw(T.stringMap),
    ha_enabled: ro(T.bool),
    ha_configuration: ro(T.stringMap),
    ha_statefiles: ro(T.stringSet),
    ha_host_failures_to_tolerate: ro(T.int),
    ha_plan_exists_for: ro(T.int),
    ha_allow_overcommit: rw(T.bool),
    ha_overcommitted: ro(T.bool),
    blobs: ro(T.map(T.string, T.ref("blob"))),
    tags: rw(T.stringSet),
    gui_config: rw(T.stringMap),
    wlb_enabled: rw(T.bool),
    redo_log_enabled: ro(T.bool),
    restrictions: ro(T.stringMap),
    allowed_operations: ro(T.stringSet),
    current_operations: ro(T.stringMap),
    cpu_info: ro(T.stringMap),
    tls_verification_enabled: ro(T.bool),
    migration_compression: rw(T.bool),
  }),
};

/** `host`. */
export const hostClass: ClassDef = {
  name: "host",
  fields: fields({
    uuid: ro(T.string),
    name_label: rw(T.string),
    name_description: rw(T.string),
    memory_overhead: ro(T.int),
    allowed_operations: ro(T.stringSet),
    current_operations: ro(T.stringMap),
    API_version_major: ro(T.int, 2),
    API_version_minor: ro(T.int, 21),
    API_version_vendor: ro(T.string, "XenSource"),
    API_version_vendor_implementation: ro(T.stringMap),
    enabled: ro(T.bool, true),
    software_version: ro(T.stringMap),
    other_config: rw(T.stringMap),
    capabilities: ro(T.stringSet),
    cpu_configuration: ro(T.stringMap),
    sched_policy: ro(T.string, "credit"),
    supported_bootloaders: ro(T.stringSet),
    resident_VMs: ro(T.set(T.ref("VM"))),
    logging: rw(T.stringMap),
    PIFs: ro(T.set(T.ref("PIF"))),
    suspend_image_sr: rw(T.ref("SR")),
    crash_dump_sr: rw(T.ref("SR")),
    crashdumps: ro(T.set(T.ref("host_crashdump"))),
    patches: ro(T.set(T.ref("host_patch"))),
    updates: ro(T.set(T.ref("pool_update"))),
    PBDs: ro(T.set(T.ref("PBD"))),
    host_CPUs: ro(T.set(T.ref("host_cpu"))),
    cpu_info: ro(T.stringMap),
    hostname: rw(T.string),
    address: rw(T.string),
    metrics: ro(T.ref("host_metrics")),
    license_params: ro(T.stringMap),
    tags: rw(T.stringSet),
    edition: ro(T.string, "xcp-ng"),
    license_server: rw(T.stringMap),
    bios_strings: ro(T.stringMap),
    power_on_mode: ro(T.string),
    power_on_config: ro(T.stringMap),
    local_cache_sr: ro(T.ref("SR")),
    chipset_info: ro(T.stringMap),
    control_domain: ro(T.ref("VM")),
    ssl_legacy: ro(T.bool),
    guest_VCPUs_params: rw(T.stringMap),
    display: rw(T.enumOf("host_display", ["enabled", "disable_on_reboot", "disabled", "enable_on_reboot"]), "enabled"),
    virtual_hardware_platform_versions: ro(T.set(T.int)),
    iscsi_iqn: ro(T.string),
    multipathing: ro(T.bool),
    uefi_certificates: ro(T.string),
    tls_verification_enabled: ro(T.bool),
    last_software_update: ro(T.datetime),
    https_only: ro(T.bool),
  }),
};

/** `host_metrics`. */
export const hostMetricsClass: ClassDef = {
  name: "host_metrics",
  fields: fields({
    uuid: ro(T.string),
    memory_total: ro(T.int),
    memory_free: ro(T.int),
    live: ro(T.bool, true),
    last_updated: ro(T.datetime),
    other_config: rw(T.stringMap),
  }),
};

/** `session`. */
export const sessionClass: ClassDef = {
  name: "session",
  fields: fields({
    uuid: ro(T.string),
    this_host: ro(T.ref("host")),
    this_user: ro(T.ref("user")),
    last_active: ro(T.datetime),
    pool: ro(T.bool),
    other_config: rw(T.stringMap),
    is_local_superuser: ro(T.bool, true),
    subject: ro(T.ref("subject")),
    validation_time: ro(T.datetime),
    auth_user_sid: ro(T.string),
    auth_user_name: ro(T.string),
    rbac_permissions: ro(T.stringSet),
    tasks: ro(T.set(T.ref("task"))),
    parent: ro(T.ref("session")),
    originator: ro(T.string),
    client_certificate: ro(T.bool),
  }),
};

/** `task`: the handle of an `Async.*` call. */
export const taskClass: ClassDef = {
  name: "task",
  fields: fields({
    uuid: ro(T.string),
    name_label: ro(T.string),
    name_description: ro(T.string),
    allowed_operations: ro(T.stringSet),
    current_operations: ro(T.stringMap),
    created: ro(T.datetime),
    finished: ro(T.datetime),
    status: ro(taskStatus, "pending"),
    resident_on: ro(T.ref("host")),
    progress: ro(T.float),
    type: ro(T.string),
    result: ro(T.string),
    error_info: ro(T.stringSet),
    other_config: rw(T.stringMap),
    subtask_of: ro(T.ref("task")),
    subtasks: ro(T.set(T.ref("task"))),
    backtrace: ro(T.string, "()"),
  }),
};

/** `console`. */
export const consoleClass: ClassDef = {
  name: "console",
  fields: fields({
    uuid: ro(T.string),
    protocol: ro(consoleProtocol, "rfb"),
    location: ro(T.string),
    VM: ro(T.ref("VM")),
    other_config: rw(T.stringMap),
  }),
};
