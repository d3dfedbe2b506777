/** The simulator CLI's command line (sim/cli.ts optionsFromArgv): what each flag sets, and what it refuses. */
import { describe, expect, it } from "vitest";
import { optionsFromArgv } from "../../sim/cli";

describe("bioxen-luavm-sim options", () => {
  it("--forward-to makes fake guests whose addresses lead to that sshd (IPv4, name or [IPv6])", () => {
    expect(optionsFromArgv(["--forward-to", "127.0.0.1:22", "--address-base", "127.98"])).toMatchObject({
      guests: false,
      fakeGuests: { forwardTo: { host: "127.0.0.1", port: 22 }, addressBase: "127.98" },
    });
    expect(optionsFromArgv(["--forward-to", "guest-image.lan:2222"]).fakeGuests?.forwardTo).toEqual({ host: "guest-image.lan", port: 2222 });
    expect(optionsFromArgv(["--forward-to", "[::1]:22"]).fakeGuests?.forwardTo).toEqual({ host: "::1", port: 22 });
  });

  it("without --forward-to or --fake-guests, guests are real sshd (the default) and fake guests forward nowhere", () => {
    const options = optionsFromArgv(["--address-base", "127.91"]);
    expect(options.guests).toBeUndefined();
    expect(options.fakeGuests?.forwardTo).toBeUndefined();
    expect(options.guest?.addressBase).toBe("127.91");
    expect(optionsFromArgv(["--fake-guests"]).guests).toBe(false);
  });

  it("--session-timeout sets the database GC's inactive-session timeout; absent, xapi's defaults hold", () => {
    expect(optionsFromArgv(["--session-timeout", "5000"]).databaseGc).toEqual({ inactiveSessionTimeoutMs: 5000 });
    expect(optionsFromArgv([]).databaseGc).toBeUndefined();
  });

  it.each([
    [["--forward-to", "127.0.0.1"], /--forward-to needs HOST:PORT/],
    [["--forward-to", "127.0.0.1:0"], /--forward-to needs HOST:PORT/],
    [["--forward-to", "127.0.0.1:70000"], /--forward-to needs HOST:PORT/],
    [["--forward-to", "a b:22"], /--forward-to needs HOST:PORT/],
    [["--session-timeout", "0"], /--session-timeout needs at least 1 ms/],
    [["--session-timeout", "5s"], /--session-timeout needs a non-negative integer/],
    [["--address-base", "10.1"], /--address-base needs two octets of 127\.0\.0\.0\/8/],
    [["--address-base", "127.300"], /--address-base needs two octets/],
    [["--forward-to"], /argument missing/],
  ])("refuses %j", (argv, message) => {
    expect(() => optionsFromArgv(argv)).toThrow(message);
  });
});
