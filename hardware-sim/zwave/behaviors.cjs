// How the simulated locks differ from zwave-js's generic mocks: real locks' quirks and faults.
// Behaviors defined later run first (zwave-js's MockNode.defineBehavior prepends them).
"use strict";

const cc = require("@zwave-js/cc");
const { createMockZWaveRequestFrame } = require("@zwave-js/testing");

const AVAILABLE = 0;
const ENABLED = 1;
const ACCESS_CONTROL = 6;
const EVENT = { KEYPAD_LOCK: 5, KEYPAD_UNLOCK: 6, CODE_DELETED: 0x0d, CODE_ADDED: 0x0e,
  DUPLICATE: 0x0f };
const MASK = "**********";

const codeKey = (slot) => `UserCode_userCode_${slot}`;
const statusKey = (slot) => `UserCode_userIdStatus_${slot}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// User Credential CC locks keep a PIN as credential (type 1, slot) of user `slot` (the state
// keys of zwave-js's mock behaviours for the CC).
const PIN_CODE = 1;
const ucUserKey = (slot) => `UserCredential_user_${slot}`;
const ucPinKey = (slot) => `UserCredential_cred_${PIN_CODE}_${slot}`;

const asciiBytes = (text) => Uint8Array.from(Buffer.from(text, "ascii"));

function credentialCodeOf(node, slot) {
  const credential = node.state.get(ucPinKey(slot));
  if (!credential || !credential.credentialData) return null;
  return Buffer.from(credential.credentialData).toString("ascii");
}

function codeOf(node, slot) {
  const credential = credentialCodeOf(node, slot);
  if (credential !== null) return credential;
  const status = node.state.get(statusKey(slot));
  const code = node.state.get(codeKey(slot));
  if (status === undefined || status === AVAILABLE || !code) return null;
  return typeof code === "string" ? code : Buffer.from(code).toString("ascii");
}

function codes(node, numUsers) {
  const out = {};
  for (let slot = 1; slot <= numUsers; slot++) {
    const code = codeOf(node, slot);
    if (code !== null) out[slot] = code;
  }
  return out;
}

function numUsers(sim) {
  const userCode = sim.profile.commandClasses.find((c) => c.ccId === 0x63);
  if (userCode) return userCode.numUsers;
  return sim.profile.commandClasses.find((c) => c.ccId === 0x83).numberOfSupportedUsers;
}

function lengthOk(sim, code) {
  const { quirks, node } = sim;
  if (quirks.exactLengthParam) {
    const length = node.state.get(`Configuration_value_${quirks.exactLengthParam}`) ??
      quirks.defaultLength;
    return code.length === length;
  }
  const [min, max] = quirks.lengths ?? [4, 10];
  return code.length >= min && code.length <= max;
}

async function send(sim, command) {
  if (sim.faults.dead) return;
  await sim.node.sendToController(createMockZWaveRequestFrame(command, { ackRequested: false }));
}

function notification(sim, event, userId) {
  return send(sim, new cc.NotificationCCReport({
    nodeId: sim.node.id, notificationType: ACCESS_CONTROL, notificationEvent: event,
    ...(userId === undefined ? {} : { eventParameters: Uint8Array.from([userId]) }),
  }));
}

function userCodeReport(sim, slot) {
  const code = codeOf(sim.node, slot);
  return send(sim, new cc.UserCodeCCReport({
    nodeId: sim.node.id, userId: slot,
    userIdStatus: code === null ? AVAILABLE : ENABLED,
    userCode: code === null ? "" : (sim.quirks.masked ? MASK : code),
  }));
}

// One code arriving over the radio: kept, dropped (wrong length) or refused (duplicate).
function programFromRadio(sim, { userId, userIdStatus, userCode }) {
  const node = sim.node;
  if (userId === 0 && userIdStatus === AVAILABLE) {
    // User id 0 means every user: the lock forgets all its codes (User Code CC).
    for (let slot = 1; slot <= numUsers(sim); slot++) {
      node.state.set(statusKey(slot), AVAILABLE);
      node.state.set(codeKey(slot), undefined);
    }
    return;
  }
  if (userIdStatus === AVAILABLE || userCode === undefined) {
    node.state.set(statusKey(userId), AVAILABLE);
    node.state.set(codeKey(userId), undefined);
    return;
  }
  const code = typeof userCode === "string" ? userCode : Buffer.from(userCode).toString("ascii");
  if (!lengthOk(sim, code)) return; // acknowledged, and silently not kept (Schlage)
  if (sim.quirks.rejectDuplicates) {
    const holder = Object.entries(codes(node, numUsers(sim)))
      .find(([slot, held]) => held === code && Number(slot) !== userId);
    if (holder) {
      setImmediate(() => void notification(sim, EVENT.DUPLICATE, userId));
      return;
    }
  }
  node.state.set(statusKey(userId), userIdStatus);
  node.state.set(codeKey(userId), code);
}

// Schedule Entry Lock year-day windows as the lock keeps them: wall-clock fields in the lock's
// local time (UTC + its time offset), enforced only while the user's schedule is enabled.
const YEAR_DAY = 1;
const enabledKey = (slot) => `Sim_scheduleEnabled_${slot}`;

function windowOf(node, slot) {
  const fields = node.state.get(`ScheduleEntryLock_schedule_${slot}_1_${YEAR_DAY}`);
  if (!fields || fields.startYear === undefined) return null;
  // The CC's years are 0-99, meaning 2000-2099.
  const at = (y, mo, d, h, mi) => Date.UTC(2000 + y, mo - 1, d, h, mi) -
    offsetMinutes(node) * 60000;
  return {
    starts_at: new Date(at(fields.startYear, fields.startMonth, fields.startDay,
      fields.startHour, fields.startMinute)).toISOString(),
    ends_at: new Date(at(fields.stopYear, fields.stopMonth, fields.stopDay,
      fields.stopHour, fields.stopMinute)).toISOString(),
    enabled: node.state.get(enabledKey(slot)) === true,
  };
}

function offsetMinutes(node) {
  return (node.state.get("ScheduleEntryLock_standardOffset") ?? 0) +
    (node.state.get("ScheduleEntryLock_dstOffset") ?? 0);
}

function windows(node, numUsers) {
  const out = {};
  for (let slot = 1; slot <= numUsers; slot++) {
    const window = windowOf(node, slot);
    if (window !== null) out[slot] = window;
  }
  return out;
}

// Whether the lock lets `slot`'s code open the door at `now` (outside an enabled window: no).
function opens(node, slot, now) {
  if (codeOf(node, slot) === null) return false;
  const window = windowOf(node, slot);
  if (window === null || !window.enabled) return true;
  return Date.parse(window.starts_at) <= now && now < Date.parse(window.ends_at);
}

function lockBehaviors(sim) {
  const quirks = sim.quirks;
  const counting = {
    // Counts every command the lock receives (the bench's "frames per code").
    handleCC(controller, self, received) {
      sim.counts.received += 1;
      const name = received.constructor.name;
      sim.counts.byCommand[name] = (sim.counts.byCommand[name] ?? 0) + 1;
      return undefined;
    },
  };
  const faults = {
    async handleCC() {
      if (sim.faults.dead) return { action: "stop" };
      const delay = sim.faults.delayMs || quirks.delayMs || 0;
      if (delay > 0) await sleep(delay);
      return undefined;
    },
  };
  const battery = {
    handleCC(controller, self, received) {
      if (received instanceof cc.BatteryCCGet) {
        return { action: "sendCC",
          cc: new cc.BatteryCCReport({ nodeId: controller.ownNodeId, level: sim.battery }) };
      }
      return undefined;
    },
  };
  const userCodes = {
    handleCC(controller, self, received) {
      if (received instanceof cc.UserCodeCCSet) {
        if (received.userId > numUsers(sim)) return { action: "fail" };
        programFromRadio(sim, received);
        return { action: "ok" };
      }
      if (received instanceof cc.UserCodeCCExtendedUserCodeSet) {
        for (const entry of received.userCodes) {
          if (entry.userId === 0 || entry.userId > numUsers(sim)) return undefined;
          programFromRadio(sim, entry);
        }
        return { action: "ok" };
      }
      if (quirks.masked && received instanceof cc.UserCodeCCGet && received.userId <= numUsers(sim)) {
        const code = codeOf(self, received.userId);
        return { action: "sendCC", cc: new cc.UserCodeCCReport({
          nodeId: controller.ownNodeId, userId: received.userId,
          userIdStatus: code === null ? AVAILABLE : ENABLED, userCode: code === null ? "" : MASK,
        }) };
      }
      return undefined;
    },
  };
  const schedules = {
    // zwave-js's mock acknowledges Enable Set without keeping it; a real lock keeps it.
    handleCC(controller, self, received) {
      if (received instanceof cc.ScheduleEntryLockCCEnableSet) {
        self.state.set(enabledKey(received.userId), received.enabled);
        return { action: "ok" };
      }
      return undefined;
    },
  };
  return [counting, faults, battery, userCodes, schedules];
}

function credentialReport(sim, slot, reportType) {
  const credential = sim.node.state.get(ucPinKey(slot));
  return send(sim, new cc.UserCredentialCCCredentialReport({
    nodeId: sim.node.id, reportType, userId: credential?.userId ?? slot,
    credentialType: PIN_CODE, credentialSlot: slot, credentialReadBack: true,
    credentialData: credential?.credentialData ?? new Uint8Array(),
    modifierType: cc.UserCredentialModifierType.Locally, modifierNodeId: 0,
  }));
}

// At the keypad of a User Credential lock: a user with one PIN, or none.
const credentialKeypad = {
  async set(sim, slot, code, report) {
    const added = sim.node.state.get(ucUserKey(slot)) === undefined;
    if (added) {
      sim.node.state.set(ucUserKey(slot), { userType: 0, active: true, credentialRule: 1,
        expiringTimeoutMinutes: 0, nameEncoding: 0, userName: `User-${slot}`,
        modifierType: cc.UserCredentialModifierType.Locally, modifierNodeId: 0 });
    }
    const had = sim.node.state.get(ucPinKey(slot)) !== undefined;
    sim.node.state.set(ucPinKey(slot), { userId: slot, credentialData: asciiBytes(code),
      modifierType: cc.UserCredentialModifierType.Locally, modifierNodeId: 0 });
    const type = had ? cc.UserCredentialCredentialReportType.CredentialModified
      : cc.UserCredentialCredentialReportType.CredentialAdded;
    if (report === "report" || report === "both") await credentialReport(sim, slot, type);
    if (report === "notification" || report === "both") {
      await notification(sim, EVENT.CODE_ADDED, slot);
    }
  },
  async remove(sim, slot, report) {
    const had = sim.node.state.get(ucPinKey(slot)) !== undefined;
    if ((report === "report" || report === "both") && had) {
      const credential = sim.node.state.get(ucPinKey(slot));
      sim.node.state.delete(ucPinKey(slot));
      sim.node.state.delete(ucUserKey(slot));
      await send(sim, new cc.UserCredentialCCCredentialReport({
        nodeId: sim.node.id, reportType: cc.UserCredentialCredentialReportType.CredentialDeleted,
        userId: credential.userId, credentialType: PIN_CODE, credentialSlot: slot,
        credentialReadBack: true, credentialData: new Uint8Array(),
        modifierType: cc.UserCredentialModifierType.Locally, modifierNodeId: 0,
      }));
    } else {
      sim.node.state.delete(ucPinKey(slot));
      sim.node.state.delete(ucUserKey(slot));
    }
    if (report === "notification" || report === "both") {
      await notification(sim, EVENT.CODE_DELETED, slot);
    }
  },
};

// What a person does at the lock (the control API calls these).
const keypad = {
  async set(sim, slot, code, report) {
    if (sim.quirks.userCredential) return credentialKeypad.set(sim, slot, code, report);
    sim.node.state.set(statusKey(slot), ENABLED);
    sim.node.state.set(codeKey(slot), code);
    if (report === "report" || report === "both") await userCodeReport(sim, slot);
    if (report === "notification" || report === "both") {
      await notification(sim, EVENT.CODE_ADDED, slot);
    }
  },
  async remove(sim, slot, report) {
    sim.node.state.set(statusKey(slot), AVAILABLE);
    sim.node.state.set(codeKey(slot), undefined);
    if (sim.quirks.userCredential) return credentialKeypad.remove(sim, slot, report);
    if (report === "report" || report === "both") await userCodeReport(sim, slot);
    if (report === "notification" || report === "both") {
      await notification(sim, EVENT.CODE_DELETED, slot);
    }
  },
  async unlock(sim, slot) {
    if (!opens(sim.node, slot, Date.now())) return false;
    sim.node.state.set("DoorLock_currentMode", 0x00);
    await send(sim, new cc.DoorLockCCOperationReport({
      nodeId: sim.node.id, currentMode: 0x00, outsideHandlesCanOpenDoor: [false, false, false,
        false], insideHandlesCanOpenDoor: [false, false, false, false],
    }));
    await notification(sim, EVENT.KEYPAD_UNLOCK, slot);
    return true;
  },
  async battery(sim, level) {
    sim.battery = level;
    sim.node.state.set("Sim_battery", level);
    await send(sim, new cc.BatteryCCReport({ nodeId: sim.node.id, level }));
  },
};

module.exports = { lockBehaviors, keypad, codes, windows, offsetMinutes, numUsers, MASK };
