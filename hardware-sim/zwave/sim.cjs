// A simulated Z-Wave network of keypad locks behind a real zwave-js server, in one Node process.
//
// The controller and the lock nodes are zwave-js's own mocks (@zwave-js/testing) on an in-memory
// serial port; a real zwave-js Driver runs on that port, wrapped in a real @zwave-js/server.
// What lockgw talks to (the websocket) is exactly what it talks to on a hub.
//
// Lock memory (codes, schedules, bolt) is kept in --state FILE, so killing this process is a
// zwave-js restart, not a factory reset of the locks; zwave-js's own cache is in --cache DIR, so
// deleting it between runs is the "lost cache" case.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { createAndStartDriverWithMockPort, createDefaultMockControllerBehaviors,
  createDefaultMockNodeBehaviors } = require("zwave-js/Testing");
const { MockController, MockNode } = require("@zwave-js/testing");
const { SecurityClass, dskToString, generateECDHKeyPair } = require("@zwave-js/core");
const { AddNodeToNetworkRequest, AddNodeType, RemoveNodeFromNetworkRequest,
  RemoveNodeType } = require("@zwave-js/serial/serialapi");
const { ZwavejsServer } = require("@zwave-js/server");
const { PROFILES } = require("./profiles.cjs");
const { lockBehaviors } = require("./behaviors.cjs");
const { startControl } = require("./control.cjs");

function parseArgs(argv) {
  const args = { port: 3000, controlPort: null, locks: null, state: null, cache: null,
    serverConfig: path.join(__dirname, "..", "..", "systemd", "zwave-js-server.config.js"),
    homeId: 0x7e57c0de };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    if (flag === "--port") args.port = Number(value());
    else if (flag === "--control-port") args.controlPort = Number(value());
    else if (flag === "--locks") args.locks = value();
    else if (flag === "--state") args.state = value();
    else if (flag === "--cache") args.cache = value();
    else if (flag === "--server-config") args.serverConfig = value();
    else if (flag === "--home-id") args.homeId = Number(value());
    else if (flag === "--help" || flag === "-h") {
      console.log("usage: run [--port 3000] [--control-port PORT] [--locks FILE.json] " +
        "[--state FILE.json] [--cache DIR] [--server-config FILE.js]");
      process.exit(0);
    } else throw new Error(`unknown argument ${flag}`);
  }
  if (args.controlPort === null) args.controlPort = args.port + 1;
  return args;
}

const DEFAULT_LOCKS = [
  { id: 2, profile: "schlage-30", name: "Front door" },
  { id: 3, profile: "kwikset-250", name: "Back door" },
];

function loadLocks(file) {
  if (!file) return DEFAULT_LOCKS;
  const locks = JSON.parse(fs.readFileSync(file, "utf8"));
  for (const lock of locks) {
    if (!PROFILES[lock.profile]) throw new Error(`unknown profile ${lock.profile}`);
  }
  return locks;
}

// Lock memory: the parts of each mock node's state a real lock keeps through a power cycle.
const KEPT = /^(UserCode_|UserCredential_|ScheduleEntryLock_|DoorLock_currentMode|Configuration_value_|Sim_)/;

class Memory {
  constructor(file) {
    this.file = file;
    this.nodes = new Map();
    this.saved = file && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
    this.pending = false;
  }
  attach(node) {
    this.nodes.set(node.id, node);
    for (const [key, value] of Object.entries(this.saved[node.id] ?? {})) {
      // A User Credential's data is bytes (saved as {"0": b0, ...} or a Buffer's JSON).
      if (value && typeof value === "object" && value.credentialData) {
        const data = value.credentialData;
        value.credentialData = Uint8Array.from(Array.isArray(data.data) ? data.data
          : Object.values(data));
      }
      node.state.set(key, value);
    }
    const set = node.state.set.bind(node.state);
    const del = node.state.delete.bind(node.state);
    node.state.set = (key, value) => { set(key, value); if (KEPT.test(key)) this.save(); return node.state; };
    node.state.delete = (key) => { const had = del(key); if (KEPT.test(key)) this.save(); return had; };
  }
  save() {
    if (!this.file) return;
    // Written at once (not batched): a kill -9 right after a lock acknowledged a code must not
    // lose the code from the lock's memory.
    const out = {};
    for (const [id, node] of this.nodes) {
      out[id] = {};
      for (const [key, value] of node.state) {
        if (KEPT.test(key) && value !== undefined) out[id][key] = value;
      }
    }
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(out));
    fs.renameSync(tmp, this.file);
  }
}

const SECURITY_KEYS = {
  S0_Legacy: Buffer.from("0102030405060708090a0b0c0d0e0f10", "hex"),
  S2_Unauthenticated: Buffer.from("11111111111111111111111111111111", "hex"),
  S2_Authenticated: Buffer.from("22222222222222222222222222222222", "hex"),
  S2_AccessControl: Buffer.from("33333333333333333333333333333333", "hex"),
};
const NODE_NAMING = 0x77;
const SECURITY_CC = { S2_AccessControl: 0x9f, S0_Legacy: 0x98 };

// What a simulated node says it is. A lock with a `name` also has the Node Naming and Location
// CC, so zwave-js's interview reads its name ("Front door") as a real named node's, and lockgw
// names the device after it. `security` ("S2_AccessControl", "S0_Legacy"; only for locks
// included at run time: the nodes present at start are in the network without security) adds
// the security CC and marks the lock's CCs as secure.
function nodeCapabilities(lock, profile) {
  const commandClasses = profile.commandClasses.map((cc) => (
    lock.security ? { ...cc, secure: true } : cc));
  if (lock.name) {
    commandClasses.push({ ccId: NODE_NAMING, version: 1, name: lock.name,
      location: lock.location ?? "" });
  }
  const capabilities = { genericDeviceClass: 0x40, specificDeviceClass: 0x03,
    manufacturerId: profile.manufacturerId, productType: profile.productType,
    productId: profile.productId, commandClasses };
  if (lock.security) {
    if (!SECURITY_CC[lock.security]) throw new Error(`security must be one of ${Object.keys(SECURITY_CC)}`);
    commandClasses.push({ ccId: SECURITY_CC[lock.security], version: 1 });
    capabilities.securityClasses = new Set([SecurityClass[lock.security]]);
  }
  return capabilities;
}

// A lock waiting to be included: zwave-js's mock controller makes its node and adds it when the
// next inclusion starts (S2/S0 key exchange included). What the mock cannot do: a node leaving
// (it enters exclusion mode but no node ever leaves), rebuilding routes, SmartStart, NVM backup
// and restore, and resending after a nonce resync (so the DSK PIN must reach zwave-js at once,
// where a real lock waits while a person types it).
async function pendingInclusion(controller, lock, adopt) {
  const profile = PROFILES[lock.profile];
  if (!profile) throw new Error(`unknown profile ${lock.profile}`);
  if (!Number.isInteger(lock.id) || controller.nodes.has(lock.id)) {
    throw new Error(`id must be a node id not in use (${[...controller.nodes.keys()]})`);
  }
  // The lock's key pair exists before inclusion (its DSK is on its label): the DSK is the first
  // 16 bytes of its public key, the PIN their first five digits, as zwave-js checks them
  // (MockNode's own s2Pin/dsk start one byte later).
  const keyPair = await generateECDHKeyPair();
  const dsk = dskToString(keyPair.publicKey.subarray(0, 16));
  const pending = { lock, pin: dsk.slice(0, 5), dsk };
  controller.nodePendingInclusion = {
    id: lock.id,
    capabilities: nodeCapabilities(lock, profile),
    setup: (node) => {
      node.ecdhKeyPair = keyPair;
      adopt(node, lock, profile);
    },
  };
  return pending;
}

// zwave-js ends an inclusion with two "stop" requests, the second without a callback. The mock
// controller takes a stop that finds it idle for a start, and is left "adding" (so the next
// inclusion fails). A real controller ignores it; so does this behavior (it runs first).
const ignoreStopWhenIdle = {
  async onHostMessage(controller, msg) {
    const stop = (msg instanceof AddNodeToNetworkRequest && msg.addNodeType === AddNodeType.Stop)
      || (msg instanceof RemoveNodeFromNetworkRequest
        && msg.removeNodeType === RemoveNodeType.Stop);
    return stop && msg.callbackId === 0 && !controller.state.get("inclusionState");
  },
};

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const locks = loadLocks(args.locks);
  const serverConfig = require(path.resolve(args.serverConfig));
  const cacheDir = args.cache ?? fs.mkdtempSync(path.join(require("node:os").tmpdir(), "zwsim-"));
  const memory = new Memory(args.state);
  const logger = { error: console.error, warn: console.error, info: () => {}, debug: () => {} };

  const { driver, continueStartup, mockPort, serial } = await createAndStartDriverWithMockPort({
    // ZWAVE_SIM_LOG=debug: zwave-js's own log on stderr (what the driver and the mock say).
    logConfig: process.env.ZWAVE_SIM_LOG
      ? { enabled: true, level: process.env.ZWAVE_SIM_LOG, forceConsole: true }
      : { enabled: false },
    interview: serverConfig.interview ?? {},
    storage: { cacheDir, lockDir: path.join(cacheDir, "locks") },
    securityKeys: SECURITY_KEYS,
  });
  // The mock controller holds the same keys, so a lock included at run time (control API
  // POST /controller/include) goes through zwave-js's real S2 (or S0) key exchange.
  const controller = await MockController.create({ homeId: args.homeId, ownNodeId: 1,
    mockPort, serial, securityKeys: SECURITY_KEYS });
  controller.defineBehavior(...createDefaultMockControllerBehaviors());
  controller.defineBehavior(ignoreStopWhenIdle); // defined last: asked first
  const sims = new Map();
  const adopt = (node, lock, profile) => {
    const sim = { node, lock, profile, quirks: profile.quirks, faults: { dead: false, delayMs: 0 },
      battery: 90, counts: { received: 0, byCommand: {} } };
    memory.attach(node);
    if (node.state.get("Sim_battery") !== undefined) sim.battery = node.state.get("Sim_battery");
    for (const preset of lock.codes ?? []) {
      if (memory.saved[node.id]) break; // the lock's memory wins over the presets
      node.state.set(`UserCode_userIdStatus_${preset.slot}`, 1);
      node.state.set(`UserCode_userCode_${preset.slot}`, preset.code);
    }
    node.defineBehavior(...lockBehaviors(sim));
    sims.set(node.id, sim);
    return sim;
  };
  for (const lock of locks) {
    const profile = PROFILES[lock.profile];
    const node = await MockNode.create({ id: lock.id, controller,
      capabilities: nodeCapabilities(lock, profile) });
    controller.addNode(node);
    node.defineBehavior(...createDefaultMockNodeBehaviors());
    adopt(node, lock, profile);
  }
  // Mock frames are recorded for assertions in zwave-js's own tests; a long `make run` would
  // keep them forever.
  setInterval(() => {
    for (const { node } of sims.values()) {
      node.receivedControllerFrames.length = 0;
      node.sentControllerFrames.length = 0;
    }
  }, 10_000).unref();

  const ready = new Promise((resolve) => driver.once("driver ready", resolve));
  continueStartup();
  await ready;
  const server = new ZwavejsServer(driver, { port: args.port, host: "127.0.0.1", logger,
    enableDNSServiceDiscovery: false });
  await server.start(true);
  const control = await startControl(args.controlPort, controller, sims,
    (lock) => pendingInclusion(controller, lock, adopt));
  console.log(`lockgw-zwave-sim: ready ws://127.0.0.1:${args.port} ` +
    `control http://127.0.0.1:${args.controlPort} locks ${[...sims.keys()].join(",")}`);

  const stop = async () => {
    control.close();
    await server.destroy();
    await driver.destroy();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error) => {
  console.error(`lockgw-zwave-sim: ${error.stack ?? error}`);
  process.exit(1);
});
