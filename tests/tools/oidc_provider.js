// An independent OpenID provider for the tests: npm's certified oidc-provider on 127.0.0.1.
//
//   node tests/tools/oidc_provider.js '{"port": 5123, "client_id": "...", "client_secret": "...",
//     "redirect_uris": ["http://localhost/login/sso/callback"],
//     "post_logout_redirect_uris": ["http://localhost/login"], "id_token_ttl": 120}'
//
// It prints "ready <issuer>" when it listens. Its own login page (any password) and consent
// page are plain HTML forms. A few /test/ addresses let the test that started it set:
//   POST /test/accounts  {"<login>": {"email": ..., "email_verified": ..., "name": ..., "amr": [...]}}
//   POST /test/clock     {"now": <epoch seconds>}: the provider's clock, to match the site's
//   POST /test/tamper    {"mode": "wrong-key" | "wrong-audience" | "wrong-nonce" | null}: the
//                        next ID tokens from /token are changed and signed again, with a key the
//                        provider does not publish (wrong-key) or with its own key (the others).
'use strict';

const crypto = require('node:crypto');
const http = require('node:http');

const settings = JSON.parse(process.argv[2] || '{}');
const port = settings.port;
const issuer = `http://127.0.0.1:${port}`;
let accounts = {};
let clockOffsetMs = 0;
let tamperMode = null;

const realNow = Date.now.bind(Date);
Date.now = () => realNow() + clockOffsetMs;

function rsaKey(kid) {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, jwk: { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' } };
}

const signingKey = rsaKey('provider-key');
const rogueKey = rsaKey('provider-key'); // the same key id, a key nobody published

function b64(data) {
  return Buffer.from(data).toString('base64url');
}

function resign(idToken, change, key) {
  const [headerPart, payloadPart] = idToken.split('.');
  const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString());
  const payload = { ...JSON.parse(Buffer.from(payloadPart, 'base64url').toString()), ...change };
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  const signature = crypto.sign('sha256', Buffer.from(input), key.privateKey);
  return `${input}.${b64(signature)}`;
}

function tampered(idToken) {
  switch (tamperMode) {
    case 'wrong-key': return resign(idToken, {}, rogueKey);
    case 'wrong-audience': return resign(idToken, { aud: 'another-site' }, signingKey);
    case 'wrong-nonce': return resign(idToken, { nonce: 'a-nonce-from-another-sign-in' }, signingKey);
    default: return idToken;
  }
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res, title, body) {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><title>${escapeHtml(title)}</title></head>`
    + `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}

async function main() {
  const { default: Provider } = await import('oidc-provider');
  const provider = new Provider(issuer, {
    clients: [{
      client_id: settings.client_id,
      client_secret: settings.client_secret,
      redirect_uris: settings.redirect_uris,
      post_logout_redirect_uris: settings.post_logout_redirect_uris || [],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    jwks: { keys: [signingKey.jwk] },
    cookies: { keys: ['a cookie key for the test provider'] },
    claims: { openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    ttl: { IdToken: settings.id_token_ttl || 120 },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, id) {
      const account = accounts[id];
      if (!account) return undefined;
      const { amr, ...claims } = account; // amr comes from the sign-in, not the account
      return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
    },
  });
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && tamperMode && ctx.body && ctx.body.id_token) {
      ctx.body = { ...ctx.body, id_token: tampered(ctx.body.id_token) };
    }
  });
  const oidc = provider.callback();

  async function interaction(req, res, uid, action) {
    const details = await provider.interactionDetails(req, res);
    const { prompt, params, session } = details;
    if (req.method === 'GET') {
      if (prompt.name === 'login') {
        return page(res, 'Sign in to the test provider', `<form method="post" action="/interaction/${uid}/login">`
          + '<label>Login <input name="login"></label> <label>Password <input name="password" type="password"></label>'
          + '<button type="submit">Sign in</button></form>');
      }
      return page(res, 'Allow the course site to know who you are', `<form method="post" action="/interaction/${uid}/confirm">`
        + `<p>${escapeHtml(params.client_id)} asks for: ${escapeHtml(params.scope)}</p><button type="submit">Allow</button></form>`);
    }
    const form = new URLSearchParams(await readBody(req));
    if (action === 'login') {
      const login = form.get('login') || '';
      if (!accounts[login]) {
        return page(res, 'Sign in to the test provider', '<p>No such account.</p>');
      }
      const amr = accounts[login].amr;
      return provider.interactionFinished(req, res, {
        login: { accountId: login, ...(amr ? { amr } : {}) },
      }, { mergeWithLastSubmission: false });
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  async function control(req, res, what) {
    const body = JSON.parse((await readBody(req)) || '{}');
    if (what === 'accounts') accounts = body;
    else if (what === 'clock') clockOffsetMs = body.now * 1000 - realNow();
    else if (what === 'tamper') tamperMode = body.mode || null;
    res.writeHead(204);
    res.end();
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, issuer);
    const inter = url.pathname.match(/^\/interaction\/([\w-]+)(?:\/(login|confirm))?$/);
    const test = url.pathname.match(/^\/test\/(accounts|clock|tamper)$/);
    let handled;
    if (inter) handled = interaction(req, res, inter[1], inter[2]);
    else if (test && req.method === 'POST') handled = control(req, res, test[1]);
    else return oidc(req, res);
    return handled.catch((error) => {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end(`The test provider could not go on: ${error.message}\n`);
    });
  });
  server.listen(port, '127.0.0.1', () => {
    process.stdout.write(`ready ${issuer}\n`);
  });
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
