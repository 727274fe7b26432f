/** The plain, server-rendered login page of /oauth2/authorize. No scripts; every value escaped. */
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

const STYLE = `body{font-family:system-ui,sans-serif;background:#f4f5f7;display:flex;justify-content:center;padding-top:10vh;margin:0}
main{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002;width:min(22rem,90vw)}
h1{font-size:1.3rem;margin:0 0 1rem}label{display:block;margin:.8rem 0 .3rem}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}
button{margin-top:1.2rem;width:100%;padding:.6rem;font-size:1rem;background:#1c5fb8;color:#fff;border:0;border-radius:4px}
.who{color:#444;font-size:.9rem}code{background:#eef;padding:0 .2rem}
.error{color:#a40000;background:#fde8e8;padding:.5rem;border-radius:4px}`;

export interface LoginPageOptions {
  clientName: string;
  /** Who registered the client: users should know whom they are signing in for. */
  clientOwner: string;
  /** The scopes the client asks for. */
  scopes: string[];
  /** The authorization request's parameters, carried through the form. */
  hidden: Record<string, string>;
  error?: string;
  username?: string;
}

export function loginPage(options: LoginPageOptions): string {
  const hidden = Object.entries(options.hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Sign in · Portcullis</title>
<style>${STYLE}</style></head><body><main>
<h1>Sign in to ${escapeHtml(options.clientName)}</h1>
<p class="who">An application registered by <strong>${escapeHtml(options.clientOwner)}</strong>${
    options.scopes.length > 0
      ? `, asking for: ${options.scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(' ')}`
      : ''
  }.</p>
${options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : ''}
<form method="post" action="/oauth2/authorize">${hidden}
<label for="username">Username</label><input id="username" name="username" type="text" autocomplete="username" required value="${escapeHtml(options.username ?? '')}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form></main></body></html>`;
}

export function errorPage(message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error · Portcullis</title>
<style>${STYLE}</style></head><body><main><h1>This sign-in request cannot be completed</h1>
<p class="error" role="alert">${escapeHtml(message)}</p></main></body></html>`;
}

export function signedOutPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed out · Portcullis</title>
<style>${STYLE}</style></head><body><main><h1>You are signed out</h1>
<p class="who">You can close this window.</p></main></body></html>`;
}
