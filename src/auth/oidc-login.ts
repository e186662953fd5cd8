import type * as OpenIdClient from 'openid-client';

/**
 * openid-client 6 is published as ES modules only. This build is CommonJS, where TypeScript would turn `import()`
 * into `require()`; a real dynamic import loads it on every supported Node version (20 and 22), once, at the first
 * login.
 */
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

export interface OidcSettings {
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends the browser back: {PUBLIC_URL}/connexion/retour. */
  redirectUri: string;
  /** Where the provider sends the browser after its logout. */
  postLogoutRedirectUri: string;
}

/** What the login keeps between the redirect to the provider and the way back (sealed in a short-lived cookie). */
export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface LoginOutcome {
  email: string;
  idToken: string | undefined;
}

/** Why a login failed, in words that can be shown (no provider detail). */
export class LoginFailedError extends Error {
  constructor(
    readonly publicReason: string,
    cause?: unknown,
  ) {
    super(publicReason, { cause });
  }
}

/**
 * The authorisation code flow with PKCE as ProConnect runs it: scopes `openid email`, a state and a nonce, the
 * e-mail read from the ID token or, as ProConnect gives it, from the userinfo endpoint.
 */
export class OidcLogin {
  private configuration: Promise<{ client: typeof OpenIdClient; config: OpenIdClient.Configuration }> | null = null;

  constructor(private readonly settings: OidcSettings) {}

  /** Discovery once; a failure is retried at the next login instead of being remembered. */
  private setup(): Promise<{ client: typeof OpenIdClient; config: OpenIdClient.Configuration }> {
    this.configuration ??= (async () => {
      const client = (await importModule('openid-client')) as typeof OpenIdClient;
      const issuer = new URL(this.settings.issuerUrl);
      // Plain http only for a provider on this machine (development, tests); everything else must be https.
      const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
      const config = await client.discovery(
        issuer,
        this.settings.clientId,
        { client_secret: this.settings.clientSecret, id_token_signed_response_alg: 'RS256' },
        undefined,
        loopback && issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined,
      );
      return { client, config };
    })();
    this.configuration.catch(() => {
      this.configuration = null;
    });
    return this.configuration;
  }

  async start(): Promise<{ url: string; pending: PendingLogin }> {
    const { client, config } = await this.provider();
    const pending = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
    };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: 'openid email',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, pending };
  }

  /** Checks the provider's answer (state, nonce, PKCE, ID token) and gives the verified e-mail address. */
  async finish(callbackUrl: URL, pending: PendingLogin): Promise<LoginOutcome> {
    const { client, config } = await this.provider();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      const refused = callbackUrl.searchParams.get('error');
      throw new LoginFailedError(
        refused === 'access_denied'
          ? 'La connexion a été annulée ou refusée par le fournisseur d’identité.'
          : 'La réponse du fournisseur d’identité n’a pas pu être vérifiée.',
        error,
      );
    }
    const claims = tokens.claims();
    let email = typeof claims?.email === 'string' ? claims.email : null;
    if (!email && claims) {
      try {
        const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        email = typeof info.email === 'string' ? info.email : null;
      } catch (error) {
        throw new LoginFailedError(
          'Les informations du compte n’ont pas pu être obtenues du fournisseur d’identité.',
          error,
        );
      }
    }
    if (!email) throw new LoginFailedError('Le fournisseur d’identité n’a pas transmis d’adresse électronique.');
    return { email, idToken: tokens.id_token };
  }

  /** The provider's logout address when it offers one, else null. */
  async logoutUrl(idToken: string | undefined): Promise<string | null> {
    const { client, config } = await this.provider();
    if (!config.serverMetadata().end_session_endpoint) return null;
    const params: Record<string, string> = { post_logout_redirect_uri: this.settings.postLogoutRedirectUri };
    if (idToken) params.id_token_hint = idToken;
    return client.buildEndSessionUrl(config, params).href;
  }

  private async provider(): Promise<{ client: typeof OpenIdClient; config: OpenIdClient.Configuration }> {
    try {
      return await this.setup();
    } catch (error) {
      throw new LoginFailedError(
        'Le fournisseur d’identité est injoignable pour le moment. Réessayez plus tard.',
        error,
      );
    }
  }
}
