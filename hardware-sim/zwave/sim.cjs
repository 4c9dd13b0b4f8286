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
const KEPT = /^(UserCode_|ScheduleEntryLock_|DoorLock_currentMode|Configuration_value_|Sim_)/;

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

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const locks = loadLocks(args.locks);
  const serverConfig = require(path.resolve(args.serverConfig));
  const cacheDir = args.cache ?? fs.mkdtempSync(path.join(require("node:os").tmpdir(), "zwsim-"));
  const memory = new Memory(args.state);
  const logger = { error: console.error, warn: console.error, info: () => {}, debug: () => {} };

  const { driver, continueStartup, mockPort, serial } = await createAndStartDriverWithMockPort({
    logConfig: { enabled: false },
    interview: serverConfig.interview ?? {},
    storage: { cacheDir, lockDir: path.join(cacheDir, "locks") },
    securityKeys: {
      S0_Legacy: Buffer.from("0102030405060708090a0b0c0d0e0f10", "hex"),
      S2_Unauthenticated: Buffer.from("11111111111111111111111111111111", "hex"),
      S2_Authenticated: Buffer.from("22222222222222222222222222222222", "hex"),
      S2_AccessControl: Buffer.from("33333333333333333333333333333333", "hex"),
    },
  });
  const controller = await MockController.create({ homeId: args.homeId, ownNodeId: 1,
    mockPort, serial });
  controller.defineBehavior(...createDefaultMockControllerBehaviors());
  const sims = new Map();
  for (const lock of locks) {
    const profile = PROFILES[lock.profile];
    const node = await MockNode.create({
      id: lock.id,
      controller,
      capabilities: {
        genericDeviceClass: 0x40, specificDeviceClass: 0x03,
        manufacturerId: profile.manufacturerId, productType: profile.productType,
        productId: profile.productId, commandClasses: profile.commandClasses,
      },
    });
    controller.addNode(node);
    node.defineBehavior(...createDefaultMockNodeBehaviors());
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
  const control = await startControl(args.controlPort, controller, sims);
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
