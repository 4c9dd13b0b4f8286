// The simulator's control API (127.0.0.1 only): what a person does at a lock, and faults.
//
//   GET  /nodes                         every lock: profile, codes and windows in its memory,
//                                       time offset, faults, battery
//   GET  /nodes/:id                     one lock
//   POST /nodes/:id/keypad/set          {slot, code, report: "none"|"report"|"notification"|"both"}
//   POST /nodes/:id/keypad/delete       {slot, report}
//   POST /nodes/:id/keypad/unlock       {slot} (400 when the lock refuses: empty, outside window)
//   POST /nodes/:id/dead                the lock stops answering (no ACKs)
//   POST /nodes/:id/alive               it answers again ({announce: true}: and says so)
//   POST /nodes/:id/time-offset         {minutes} the lock's time offset (Schedule Entry Lock)
//   POST /nodes/:id/delay               {ms} added before each answer
//   POST /nodes/:id/battery             {level} (percent), reported unsolicited
//   POST /nodes/:id/counts/reset        zero the received-command counters
//   POST /nodes/:id/reset               empty memory, no faults, full battery (test isolation)
//   POST /controller/include            {id, profile, name, security: "S2_AccessControl" |
//                                       "S0_Legacy" | absent (none)}: a lock in inclusion mode,
//                                       added by the controller's next inclusion
//   GET  /controller                    {pending: {id, name, security, included, pin, dsk}}:
//                                       pin: its DSK's first 5 digits (the label's)
"use strict";

const http = require("node:http");
const { keypad, codes, windows, offsetMinutes, numUsers } = require("./behaviors.cjs");

function describe(sim) {
  return {
    id: sim.node.id, profile: sim.lock.profile, name: sim.lock.name ?? null,
    codes: codes(sim.node, numUsers(sim)), faults: sim.faults, battery: sim.battery,
    counts: sim.counts, door_mode: sim.node.state.get("DoorLock_currentMode") ?? 0,
    windows: windows(sim.node, numUsers(sim)), time_offset_minutes: offsetMinutes(sim.node),
    auto_relock_time: sim.node.state.get("DoorLock_autoRelockTime") ?? null,
  };
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    let data = "";
    request.on("data", (chunk) => { data += chunk; });
    request.on("end", () => {
      try { resolve(data ? JSON.parse(data) : {}); } catch (error) { reject(error); }
    });
  });
}

const REPORTS = new Set(["none", "report", "notification", "both"]);

async function act(sim, action, body) {
  const report = body.report ?? "none";
  if (!REPORTS.has(report)) throw new Error(`report must be one of ${[...REPORTS]}`);
  switch (action) {
    case "keypad/set":
      if (!Number.isInteger(body.slot) || typeof body.code !== "string") {
        throw new Error("slot (integer) and code (string) are required");
      }
      return keypad.set(sim, body.slot, body.code, report);
    case "keypad/delete":
      return keypad.remove(sim, body.slot, report);
    case "keypad/unlock":
      if (!(await keypad.unlock(sim, body.slot))) throw new Error("refused: no code or outside its window");
      return undefined;
    case "dead":
      sim.faults.dead = true;
      sim.node.autoAckControllerFrames = false;
      return undefined;
    case "alive":
      sim.faults.dead = false;
      sim.node.autoAckControllerFrames = true;
      if (body.announce) await keypad.battery(sim, sim.battery);
      return undefined;
    case "time-offset":
      // The lock's own idea of its time zone (e.g. set by another controller, or by hand).
      sim.node.state.set("ScheduleEntryLock_standardOffset", Number(body.minutes ?? 0));
      sim.node.state.set("ScheduleEntryLock_dstOffset", 0);
      return undefined;
    case "delay":
      sim.faults.delayMs = Number(body.ms ?? 0);
      return undefined;
    case "battery":
      return keypad.battery(sim, Number(body.level));
    case "reset":
      for (const slot of Object.keys(codes(sim.node, numUsers(sim)))) {
        await keypad.remove(sim, Number(slot), "none");
      }
      for (let slot = 1; slot <= numUsers(sim); slot++) {
        sim.node.state.set(`ScheduleEntryLock_schedule_${slot}_1_1`, undefined);
        sim.node.state.set(`Sim_scheduleEnabled_${slot}`, undefined);
      }
      sim.node.state.set("ScheduleEntryLock_standardOffset", undefined);
      sim.node.state.set("ScheduleEntryLock_dstOffset", undefined);
      sim.faults.dead = false;
      sim.faults.delayMs = 0;
      sim.node.autoAckControllerFrames = true;
      sim.battery = 90;
      sim.node.state.set("Sim_battery", 90);
      sim.counts.received = 0;
      sim.counts.byCommand = {};
      return undefined;
    case "counts/reset":
      sim.counts.received = 0;
      sim.counts.byCommand = {};
      return undefined;
    default:
      throw new Error(`unknown action ${action}`);
  }
}

function describeController(controller, pending) {
  if (!pending) return { pending: null };
  const { lock } = pending;
  return { pending: { id: lock.id, name: lock.name ?? null, security: lock.security ?? null,
    included: controller.nodes.has(lock.id), pin: pending.pin, dsk: pending.dsk } };
}

function startControl(port, controller, sims, include) {
  let pending = null;
  const server = http.createServer(async (request, response) => {
    const reply = (status, body) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    try {
      const url = new URL(request.url, "http://localhost");
      const parts = url.pathname.split("/").filter(Boolean);
      if (parts[0] === "controller" && parts.length === 1 && request.method === "GET") {
        return reply(200, describeController(controller, pending));
      }
      if (parts[0] === "controller" && parts[1] === "include" && request.method === "POST") {
        pending = await include(await readBody(request));
        return reply(200, describeController(controller, pending));
      }
      if (parts[0] !== "nodes") return reply(404, { error: "not found" });
      if (parts.length === 1) return reply(200, [...sims.values()].map(describe));
      const sim = sims.get(Number(parts[1]));
      if (!sim) return reply(404, { error: `no node ${parts[1]}` });
      if (parts.length === 2 && request.method === "GET") return reply(200, describe(sim));
      if (request.method !== "POST") return reply(405, { error: "POST only" });
      await act(sim, parts.slice(2).join("/"), await readBody(request));
      return reply(200, describe(sim));
    } catch (error) {
      return reply(400, { error: String(error.message ?? error) });
    }
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

module.exports = { startControl };
