// A real OpenID provider on loopback for the browser tests (oidc-provider is ES modules only: run as a child
// process). Its development login form accepts any login, used as the account's e-mail address.
import Provider from 'oidc-provider';

const { OIDC_PORT, CLIENT_ID, CLIENT_SECRET, APP_URL } = process.env;
const issuer = `http://127.0.0.1:${OIDC_PORT}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [`${APP_URL}/connexion/retour`],
      post_logout_redirect_uris: [`${APP_URL}/connexion`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  scopes: ['openid', 'email'],
  async findAccount(_ctx, id) {
    return { accountId: id, claims: () => ({ sub: id, email: id, email_verified: true }) };
  },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => true },
  cookies: { keys: ['test-only-cookie-key-0123456789'] },
});
provider.listen(Number(OIDC_PORT), '127.0.0.1', () => process.stdout.write(`oidc listening on ${issuer}\n`));
