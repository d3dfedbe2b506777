import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, TEMPLATES, type Simulator } from "../../sim";
import { failureOf, login, ok, post, successValue, xmlCall } from "./raw";

describe("simulator XML-RPC wire (POST /)", () => {
  let sim: Simulator;
  let session: string;
  let template: string;

  beforeAll(async () => {
    sim = await startSimulator({ guests: false, latency: { scale: 0 } });
    session = await login(sim);
    [template] = await ok(sim.url, "VM.get_by_name_label", [session, TEMPLATES.cloneReady]);
  });
  afterAll(() => sim.stop());

  it("answers login with a one-line Success envelope, untyped ref, text/xml, HTTP 200", async () => {
    const reply = await xmlCall(sim.url, "session.login_with_password", [sim.username, sim.password]);
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe("text/xml");
    expect(reply.body).not.toMatch(/\n|>\s+</);
    expect(reply.body).toMatch(
      /^<\?xml version="1.0"\?><methodResponse><params><param><value><struct><member><name>Status<\/name><value>Success<\/value><\/member><member><name>Value<\/name><value>OpaqueRef:[0-9a-f-]{36}<\/value><\/member><\/struct><\/value><\/param><\/params><\/methodResponse>$/,
    );
    expect(reply.body).not.toContain("<string>");
  });

  it("emits int64 untyped, floats as <double>, dates compact, booleans 1/0, enums in datamodel spelling", async () => {
    const { body } = await xmlCall(sim.url, "VM.get_record", [session, template]);
    expect(body).toContain("<member><name>memory_static_max</name><value>536870912</value></member>");
    expect(body).toContain("<member><name>HVM_shadow_multiplier</name><value><double>1</double></value></member>");
    expect(body).toMatch(/<member><name>snapshot_time<\/name><value><dateTime.iso8601>\d{8}T\d\d:\d\d:\d\dZ<\/dateTime.iso8601><\/value><\/member>/);
    expect(body).toContain("<member><name>is_a_template</name><value><boolean>1</boolean></value></member>");
    expect(body).toContain("<member><name>power_state</name><value>Halted</value></member>");
    expect(body).toContain("<member><name>VIFs</name><value><array><data></data></array></value></member>");
    expect(body).not.toMatch(/<i4>|<int>|<i8>|<string>/);
  });

  it("answers system.listMethods with the bare array, no session needed", async () => {
    const { status, body } = await xmlCall(sim.url, "system.listMethods", []);
    expect(status).toBe(200);
    expect(body).toMatch(/^<\?xml version="1.0"\?><methodResponse><params><param><value><array><data><value>/);
    expect(body).not.toContain("<name>Status</name>");
    for (const name of ["VM.get_all_records", "pool.get_all_records", "event.from", "VM.clone", "session.login_with_password"]) {
      expect(body).toContain(`<value>${name}</value>`);
    }
    // xapi lists sync wire names only, and generates no get_all_records for sessions, no get_by_name_label for pool.
    for (const name of ["session.get_all_records", "Async.VM.clone", "pool.get_by_name_label"]) expect(body).not.toContain(`<value>${name}</value>`);
  });

  it("answers a malformed request with HTTP 500 and HTML", async () => {
    const reply = await post(sim.url, "/", "<methodCall><oops");
    expect(reply.status).toBe(500);
    expect(reply.contentType).toMatch(/^text\/html/);
  });

  it("serves /RPC2 and any other POST path as XML-RPC", async () => {
    for (const path of ["/RPC2", "/some/where"]) {
      const reply = await post(sim.url, path, `<?xml version="1.0"?><methodCall><methodName>session.get_this_host</methodName><params><param><value>${session}</value></param><param><value>${session}</value></param></params></methodCall>`);
      expect(successValue(reply.body)).toMatch(/^OpaqueRef:/);
    }
  });

  it("reports unknown methods, wrong parameter counts, bad refs, bad uuids and bad sessions with xapi's codes", async () => {
    expect(failureOf((await xmlCall(sim.url, "VM.fly", [session])).body)).toEqual(["MESSAGE_METHOD_UNKNOWN", "VM.fly"]);
    expect(failureOf((await xmlCall(sim.url, "VM.clone", [session, template])).body)).toEqual(["MESSAGE_PARAMETER_COUNT_MISMATCH", "VM.clone", "2", "1"]);
    expect(failureOf((await xmlCall(sim.url, "VM.get_record", [session, "OpaqueRef:nope"])).body)).toEqual(["HANDLE_INVALID", "VM", "OpaqueRef:nope"]);
    expect(failureOf((await xmlCall(sim.url, "VM.get_by_uuid", [session, "not-a-uuid"])).body)).toEqual(["UUID_INVALID", "VM", "not-a-uuid"]);
    expect(failureOf((await xmlCall(sim.url, "VM.get_all", ["OpaqueRef:stale"])).body)).toEqual(["SESSION_INVALID", "OpaqueRef:stale"]);
  });

  it("accepts int64 as <int>, <i8> or decimal string, enums in any case, booleans only as <boolean>", async () => {
    const vm = successValue((await xmlCall(sim.url, "VM.clone", [session, template, "wire-typing"])).body);
    const asString = await xmlCall(sim.url, "VM.set_VCPUs_max", [session, vm, "4"]);
    expect(successValue(asString.body)).toBe("");
    const asI8 = await xmlCall(sim.url, "VM.set_VCPUs_at_startup", [session, vm, { xml: "<i8>2</i8>" }]);
    expect(successValue(asI8.body)).toBe("");
    expect(await ok(sim.url, "VM.get_VCPUs_at_startup", [session, vm])).toBe(2);
    const lowerEnum = await xmlCall(sim.url, "VM.set_actions_after_crash", [session, vm, "DESTROY"]);
    expect(successValue(lowerEnum.body)).toBe("");
    expect(await ok(sim.url, "VM.get_actions_after_crash", [session, vm])).toBe("destroy");
    await xmlCall(sim.url, "VM.set_is_a_template", [session, vm, { xml: "<boolean>0</boolean>" }]);
    expect(await ok(sim.url, "VM.get_is_a_template", [session, vm])).toBe(false);
    // ocaml-rpc's unmarshallers fail with an OCaml Failure, which xapi answers as INTERNAL_ERROR
    // (failureOf reads the raw XML text: `"` stays &quot;).
    const badEnum = await xmlCall(sim.url, "VM.set_actions_after_crash", [session, vm, "explode"]);
    expect(failureOf(badEnum.body)).toEqual(["INTERNAL_ERROR", 'Failure(&quot;Unknown tag/contents&quot;)']);
    const badInt = await xmlCall(sim.url, "VM.set_VCPUs_max", [session, vm, "four"]);
    expect(failureOf(badInt.body)).toEqual(["INTERNAL_ERROR", 'Failure(&quot;Int64.of_string&quot;)']);
    const stringBool = await xmlCall(sim.url, "VM.set_is_a_template", [session, vm, "true"]);
    expect(failureOf(stringBool.body)).toEqual(["INTERNAL_ERROR", "Failure(&quot;Expected bool, got 'S(true)'&quot;)"]);
  });

  it("lets trailing defaulted parameters be omitted (and, like xapi's pattern match, ignores extra ones)", async () => {
    const reply = await xmlCall(sim.url, "session.login_with_password", [sim.username, sim.password]);
    const other = await xmlCall(sim.url, "session.login_with_password", [sim.username, sim.password, "1.1", "tests"]);
    expect(successValue(reply.body)).toMatch(/^OpaqueRef:/);
    expect(successValue(other.body)).toMatch(/^OpaqueRef:/);
    const extra = await xmlCall(sim.url, "session.login_with_password", [sim.username, sim.password, "1.1", "tests", "extra"]);
    expect(successValue(extra.body)).toMatch(/^OpaqueRef:/);
    const tooFew = await xmlCall(sim.url, "session.login_with_password", [sim.username]);
    expect(failureOf(tooFew.body)).toEqual(["MESSAGE_PARAMETER_COUNT_MISMATCH", "session.login_with_password", "2", "1"]);
  });

  it("escapes text and keeps it one line", async () => {
    const vm = await ok(sim.url, "VM.clone", [session, template, `a<b>&"c"`]);
    const { body } = await xmlCall(sim.url, "VM.get_name_label", [session, vm]);
    expect(successValue(body)).toBe("a&lt;b&gt;&amp;&quot;c&quot;");
  });
});
