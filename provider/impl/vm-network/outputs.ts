/** VmNetwork outputs: the normalized inputs plus what XAPI reports about the network and its VIFs. */
import type { Attachment, ObservedNetwork } from "../../../sdk/vm/network";
import { compact } from "../../runtime/inputs";
import type { VmNetworkInputs } from "./inputs";

/** Outputs: the inputs plus the network's uuid, bridge and attachments. */
export interface VmNetworkOutputs extends VmNetworkInputs {
  networkUuid: string;
  bridge: string;
  attachments: Attachment[];
}

/** Outputs: normalized inputs (no `__provider`, which the host adds) + what exists. */
export function outputsOf(inputs: VmNetworkInputs, network: ObservedNetwork, attachments: Attachment[]): VmNetworkOutputs {
  const { __provider: _provider, ...rest } = inputs as VmNetworkInputs & { __provider?: unknown };
  return compact({ ...rest, networkUuid: network.uuid, bridge: network.bridge, attachments }) as VmNetworkOutputs;
}
