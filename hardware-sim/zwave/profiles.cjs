// Lock profiles for the simulated Z-Wave network: what each simulated node says it is.
// Manufacturer ids are real (so zwave-js names the brand); product ids are our own, so no
// device configuration file from the zwave-js database applies to them.
"use strict";

const CC = { USER_CODE: 0x63, DOOR_LOCK: 0x62, NOTIFICATION: 0x71, BATTERY: 0x80,
  SCHEDULE_ENTRY_LOCK: 0x4e, CONFIGURATION: 0x70, SUPERVISION: 0x6c, VERSION: 0x86,
  MANUFACTURER_SPECIFIC: 0x72, USER_CREDENTIAL: 0x83 };

// Access Control notification events (Notification type 6).
const ACCESS_CONTROL_EVENTS = [1, 2, 3, 4, 5, 6, 0x0d, 0x0e, 0x0f, 0x10];

function lockClasses(userCode, extra = [], doorLock = {}) {
  return [
    { ccId: CC.VERSION, version: 3 },
    { ccId: CC.MANUFACTURER_SPECIFIC, version: 2 },
    { ccId: CC.USER_CODE, ...userCode },
    {
      ccId: CC.DOOR_LOCK, version: 2,
      supportedOperationTypes: [1], supportedDoorLockModes: [0x00, 0xff],
      ...doorLock,
    },
    {
      ccId: CC.NOTIFICATION, version: 8,
      supportsV1Alarm: false, notificationTypesAndEvents: { 6: ACCESS_CONTROL_EVENTS },
    },
    { ccId: CC.BATTERY, version: 1 },
    ...extra,
  ];
}

// User Credential CC (Z-Wave 2024 locks): users, each with credentials; capabilities as
// zwave-js's own mock behaviours for the CC read them (mockCCBehaviors/UserCredential.js):
// one PIN credential type, single-credential users, checksums, an admin code.
const PIN_CODE = 1;
function userCredential({ users, pinSlots = users, minLength = 4, maxLength = 8, nameLength = 16,
  schedules = false, checksums = true }) {
  return {
    ccId: CC.USER_CREDENTIAL, version: 1,
    numberOfSupportedUsers: users,
    supportedCredentialRules: [1],
    maxUserNameLength: nameLength,
    supportsUserSchedule: schedules,
    supportsAllUsersChecksum: checksums,
    supportsUserChecksum: checksums,
    supportsCredentialChecksum: checksums,
    supportedUserNameEncodings: [0],
    supportedUserTypes: [0, 3, 4, 5, 6, 9],
    supportsAdminCode: true,
    supportsAdminCodeDeactivation: true,
    supportedCredentialTypes: new Map([[PIN_CODE, {
      numberOfCredentialSlots: pinSlots, minCredentialLength: minLength,
      maxCredentialLength: maxLength, maxCredentialHashLength: 0, supportsCredentialLearn: false,
    }]]),
  };
}

function credentialLockClasses(uc, userCode = null) {
  const classes = lockClasses(userCode ?? { version: 1, numUsers: 0 });
  const withoutUserCode = userCode ? classes : classes.filter((c) => c.ccId !== CC.USER_CODE);
  return [...withoutUserCode, userCredential(uc)];
}

// Each profile: the node's capabilities, plus `quirks` the simulator's behaviors act on.
const PROFILES = {
  // Schlage BE469-like: User Code v1, 30 slots, every code must have the length set in
  // configuration parameter 16 (a wrong length is acknowledged and silently dropped).
  "schlage-30": {
    manufacturerId: 0x003b, productType: 0x7a01, productId: 0x0030,
    commandClasses: lockClasses({ version: 1, numUsers: 30 }, [
      { ccId: CC.CONFIGURATION, version: 1,
        parameters: [{ "#": 16, valueSize: 1, minValue: 4, maxValue: 8, defaultValue: 4 }] },
    ]),
    quirks: { exactLengthParam: 16, defaultLength: 4 },
  },
  // Kwikset-like: User Code v2, 250 slots, checksum, 4-8 digits.
  "kwikset-250": {
    manufacturerId: 0x0090, productType: 0x7a02, productId: 0x0250,
    commandClasses: lockClasses({ version: 2, numUsers: 250, supportsUserCodeChecksum: true }),
    quirks: { lengths: [4, 8] },
  },
  // Yale-like: User Code v1 with Schedule Entry Lock year-day slots (one per user).
  "yale-schedule": {
    manufacturerId: 0x0129, productType: 0x7a03, productId: 0x0020,
    commandClasses: lockClasses({ version: 1, numUsers: 20 }, [
      { ccId: CC.SCHEDULE_ENTRY_LOCK, version: 2,
        numWeekDaySlots: 0, numYearDaySlots: 1, numDailyRepeatingSlots: 0 },
    ]),
    quirks: { lengths: [4, 8] },
  },
  // Masks read-back: occupied slots read as "**********".
  "masked-30": {
    manufacturerId: 0x003b, productType: 0x7a04, productId: 0x0031,
    commandClasses: lockClasses({ version: 1, numUsers: 30 }),
    quirks: { masked: true, lengths: [4, 8] },
  },
  // Refuses a PIN that another slot holds (Access Control notification event 15).
  "duplicate-rejecting": {
    manufacturerId: 0x0090, productType: 0x7a05, productId: 0x0030,
    commandClasses: lockClasses({ version: 1, numUsers: 30 }),
    quirks: { rejectDuplicates: true, lengths: [4, 8] },
  },
  // Takes its time answering (reports arrive ~400 ms late, within zwave-js's report timeout).
  "slow": {
    manufacturerId: 0x003b, productType: 0x7a06, productId: 0x0032,
    commandClasses: lockClasses({ version: 1, numUsers: 10 }),
    quirks: { delayMs: 400, lengths: [4, 8] },
  },
  // Door Lock CC v4 with auto-relock (Yale-like): its relock time is a Door Lock
  // configuration field, kept by zwave-js's mock Door Lock behaviors.
  "auto-relock": {
    manufacturerId: 0x0129, productType: 0x7a07, productId: 0x0040,
    commandClasses: lockClasses({ version: 1, numUsers: 20 }, [],
      { version: 4, autoRelockSupported: true }),
    quirks: { lengths: [4, 8] },
  },
  // User Credential locks (zwave-js's mock behaviours for the CC).
  // Small: 10 users, PINs of 4-8 digits, checksums, no user schedules.
  "uc-small": {
    manufacturerId: 0x0129, productType: 0x7a10, productId: 0x0010,
    commandClasses: credentialLockClasses({ users: 10 }),
    quirks: { userCredential: true },
  },
  // Large: 250 users, PINs of 6-10 digits, names up to 32 characters, user schedules
  // announced (zwave-js offers no API for them: the hub keeps the time).
  "uc-large": {
    manufacturerId: 0x0090, productType: 0x7a11, productId: 0x0250,
    commandClasses: credentialLockClasses({ users: 250, minLength: 6, maxLength: 10,
      nameLength: 32, schedules: true }),
    quirks: { userCredential: true },
  },
  // A transitional lock: the User Credential CC and the old User Code CC side by side.
  "uc-and-user-code": {
    manufacturerId: 0x003b, productType: 0x7a12, productId: 0x0030,
    commandClasses: credentialLockClasses({ users: 30 }, { version: 2, numUsers: 30,
      supportsUserCodeChecksum: true }),
    quirks: { userCredential: true, lengths: [4, 8] },
  },
  // No checksums: the drift check reads every user.
  "uc-no-checksum": {
    manufacturerId: 0x0129, productType: 0x7a13, productId: 0x0011,
    commandClasses: credentialLockClasses({ users: 8, checksums: false }),
    quirks: { userCredential: true },
  },
};

module.exports = { PROFILES, CC };
