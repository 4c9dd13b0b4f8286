// Z-Wave JS server settings for lockgw (installed as /etc/zwave-js-server/config.js).
// queryAllUserCodes MUST stay true: a first interview without it (a lost cache, a new
// controller) makes zwave-js delete every user code on the lock.
module.exports = {
  logConfig: { enabled: true, level: "info" },
  storage: { cacheDir: "/var/lib/zwave-js-server" },
  interview: { queryAllUserCodes: true },
  securityKeys: {
    // From /etc/zwave-js-server/keys.env (the unit's EnvironmentFile), generated once by
    // scripts/install-hub: 16 random bytes each, in hex. Back that file up.
    S0_Legacy: process.env.ZWAVE_S0_KEY,
    S2_Unauthenticated: process.env.ZWAVE_S2_UNAUTHENTICATED_KEY,
    S2_Authenticated: process.env.ZWAVE_S2_AUTHENTICATED_KEY,
    S2_AccessControl: process.env.ZWAVE_S2_ACCESS_CONTROL_KEY,
  },
};
