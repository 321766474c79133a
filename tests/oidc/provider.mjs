// A real OpenID Connect provider for the tests, on a loopback port (oidc-provider, dev mode).
//
// Configured by the environment:
//   PORT      the port to listen on, on 127.0.0.1 (required)
//   ISSUER    the issuer identifier (default http://127.0.0.1:PORT)
//   CLIENTS   JSON list of clients: {client_id, client_secret, redirect_uris, ...}; any other
//             oidc-provider client metadata passes through. token_endpoint_auth_method is
//             client_secret_basic unless given (client_secret_post is the other one allowed).
//   ACCOUNTS  JSON object: account id -> claims, e.g.
//             {"asha": {"email": "asha@example.org", "tracker_side": "india", ...}}
//
// Sign-in is oidc-provider's own development form: any password is accepted, and the login
// typed is the account id (a login not in ACCOUNTS signs in with a `sub` claim only). Consent is
// granted without asking. Prints "listening <issuer>" on stdout once it accepts connections.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const port = Number.parseInt(process.env.PORT ?? '', 10);
if (!Number.isInteger(port) || port <= 0) {
  console.error('PORT must be a port number');
  process.exit(2);
}
const issuer = process.env.ISSUER || `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.CLIENTS || '[]');
const accounts = JSON.parse(process.env.ACCOUNTS || '{}');

// A signing key of this run's own, never written anywhere.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };

// The tracker's own claims come with the `tracker` scope.
const TRACKER_CLAIMS = ['tracker_role', 'tracker_pillars', 'tracker_side'];

async function findAccount(_ctx, id) {
  return {
    accountId: id,
    // oidc-provider keeps only the claims that the granted scopes allow.
    async claims() {
      return { ...accounts[id], sub: id };
    },
  };
}

// Consent without asking: the grant of the session's account and client (a new one at first)
// is given whatever scopes and claims this request asks for, so no consent page is shown.
async function loadExistingGrant(ctx) {
  const { provider, client, session, result } = ctx.oidc;
  const grantId = result?.consent?.grantId || session.grantIdFor(client.clientId);
  const grant = (grantId && (await provider.Grant.find(grantId)))
    || new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
  grant.addOIDCClaims([...ctx.oidc.requestParamClaims]);
  await grant.save();
  return grant;
}

const provider = new Provider(issuer, {
  clients: clients.map((client) => ({ token_endpoint_auth_method: 'client_secret_basic', ...client })),
  clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  findAccount,
  loadExistingGrant,
  scopes: ['openid', 'offline_access', 'profile', 'email', 'tracker'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username', 'locale', 'zoneinfo'],
    email: ['email', 'email_verified'],
    tracker: TRACKER_CLAIMS,
  },
  // The scopes' claims go into the ID token too, not only to the userinfo endpoint.
  conformIdTokenClaims: false,
  pkce: { required: () => false },
  features: { devInteractions: { enabled: true } },
});

// The development pages load a web font from outside with a CSS @import; this machine reaches
// nothing outside, and a browser under test should not try, so the import is taken out.
provider.use(async (ctx, next) => {
  await next();
  if (typeof ctx.body === 'string' && ctx.response.is('html')) {
    ctx.body = ctx.body.replace(/@import url\(https?:[^)]*\);?/g, '');
  }
});

// A browser asks every site for its icon; the provider has none, and says so without a 404.
provider.use(async (ctx, next) => {
  if (ctx.path === '/favicon.ico') {
    ctx.status = 204;
    return;
  }
  await next();
});

const server = createServer(provider.callback());
server.listen(port, '127.0.0.1', () => {
  console.log(`listening ${issuer}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
