/**
 * Importing a network by uuid alone (`pulumi import`): the network as it is, and — when its own
 * marker proves a VmNetwork of ours made it — that claim and the VIFs of that claim with their
 * VMs. A network not made by us comes back without a claim and without attachments: it is
 * observed, never changed or destroyed.
 */
import type { XapiClient } from "../../xapi";
import { XapiRecipeError, ownClaimOf, type Claim } from "../../xapi/recipes";
import { findNetwork, observeNetwork, type ObservedNetwork } from "./network";
import type { AttachSpec, Attachment } from "./types";
import { currentAttachments, ownedVifs } from "./vifs";

/** An imported network: what it is, whose (if ours), which VMs our VIFs attach. */
export interface ImportedNetwork {
  observed: ObservedNetwork;
  /** present when the network's own marker proves a VmNetwork of ours made it */
  claim?: Claim;
  attach: AttachSpec[];
  attachments: Attachment[];
}

/**
 * The network `uuid` as an import sees it, or undefined when no such network exists.
 * @throws XapiRecipeError when XAPI cannot be read
 */
export async function importNetwork(client: XapiClient, uuid: string): Promise<ImportedNetwork | undefined> {
  const ref = await findNetwork(client, uuid);
  if (!ref) return undefined;
  let record: Record<string, unknown>;
  try {
    record = (await client.call("network.get_record", ref)) as Record<string, unknown>;
  } catch (error) {
    throw new XapiRecipeError({ step: "read network to import", object: uuid }, "failed", error);
  }
  const claim = ownClaimOf("network", record);
  const observed = await observeNetwork(client, ref);
  if (!claim) return { observed, attach: [], attachments: [] };
  const vifs = await ownedVifs(client, ref, claim);
  const attach = vifs.map((vif) => ({ vmUuid: vif.vmUuid }));
  return { observed, claim, attach, attachments: await currentAttachments(client, vifs, attach) };
}
