import { createRequire } from "node:module";
import type * as GrpcJs from "@grpc/grpc-js";
import type * as ProviderGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import type * as PluginPb from "@pulumi/pulumi/proto/plugin_pb";
import type * as StatusPb from "@pulumi/pulumi/proto/status_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import type * as EmptyPb from "google-protobuf/google/protobuf/empty_pb";

/**
 * Require relative to @pulumi/pulumi itself, so the gRPC and protobuf runtimes are the very
 * instances its generated stubs were built with (a second copy of @grpc/grpc-js would make
 * channel credentials and message classes incompatible).
 */
const requireFromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json"));

/** The @grpc/grpc-js that @pulumi/pulumi depends on. */
export const grpc = requireFromPulumi("@grpc/grpc-js") as typeof GrpcJs;
/** Generated gRPC client stubs for pulumirpc.ResourceProvider. */
export const providerGrpc = requireFromPulumi("./proto/provider_grpc_pb") as typeof ProviderGrpc;
/** Generated messages of pulumirpc provider.proto. */
export const providerPb = requireFromPulumi("./proto/provider_pb") as typeof ProviderPb;
/** Generated messages of pulumirpc plugin.proto (PluginInfo). */
export const pluginPb = requireFromPulumi("./proto/plugin_pb") as typeof PluginPb;
/** google.rpc.Status as generated inside @pulumi/pulumi (error details travel in it). */
export const statusPb = requireFromPulumi("./proto/status_pb") as typeof StatusPb;
/** google.protobuf.Struct and Value. */
export const structPb = requireFromPulumi("google-protobuf/google/protobuf/struct_pb") as typeof StructPb;
/** google.protobuf.Empty. */
export const emptyPb = requireFromPulumi("google-protobuf/google/protobuf/empty_pb") as typeof EmptyPb;

/** Absolute path of the dynamic-provider host script that the Pulumi engine runs as a plugin. */
export const dynamicProviderHostScript = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
