/**
 * The registration captcha: form action {@code merchant-captcha} ({@link com.merchantsupport.keycloak.captcha.MerchantCaptchaFormAction}),
 * one {@link com.merchantsupport.keycloak.captcha.CaptchaProvider} per vendor (ALTCHA by default; reCAPTCHA v2/v3,
 * hCaptcha, Turnstile), the ALTCHA challenge a page carries ({@link com.merchantsupport.keycloak.captcha.AltchaPageChallenge})
 * and the ALTCHA challenge endpoint {@code GET /realms/{realm}/altcha/challenge}
 * ({@link com.merchantsupport.keycloak.captcha.AltchaChallengeResource}), for the widget's next challenges; both
 * issued by {@code AltchaCaptchaProvider.issue}.
 *
 * <h2>Content-Security-Policy</h2>
 * The page side is {@code captcha.ftl} plus external files of the login theme: {@code js/merchant-captcha.js}
 * (glue, an ES module) and the ALTCHA widget {@code js/altcha/}, which the build takes from npm {@code altcha} (the
 * version pinned in the parent pom, docs/CAPTCHA.md): its {@code dist/external} build as {@code altcha.js}, its SHA
 * worker as {@code worker.js}, {@code altcha.css}, and its licence. That build neither inlines a worker as a
 * {@code blob:} URL nor injects styles: the glue registers {@code worker.js} for the one algorithm the server issues
 * and the page links {@code altcha.css}. Nothing uses {@code eval}, inline script or inline style attributes, and
 * the widget is served from the Keycloak origin.
 *
 * <p>ALTCHA therefore works under
 * <pre>
 * default-src 'self'; script-src 'self'; style-src 'self'; worker-src 'self'; connect-src 'self'; img-src 'self' data:
 * </pre>
 * ({@code AltchaBrowserTest} runs the registration under that policy and checks the captcha causes no violation).
 * Note that keycloak.v2's own {@code template.ftl} has inline scripts (import map, dark mode, session polling): a
 * policy this strict blocks those, which costs dark-mode switching and the "signed in another tab" check, not the
 * registration. Keycloak's default realm header ({@code frame-src 'self'; frame-ancestors 'self'; object-src 'none';})
 * needs no change for ALTCHA. The widget needs Web Crypto, i.e. a secure context (HTTPS, or http://localhost).
 *
 * <p>Remote vendors load their script and frames from their own domains; add to the realm's CSP (Realm settings →
 * Security defenses) when it restricts them:
 * <ul>
 *   <li>reCAPTCHA: {@code script-src https://www.google.com/recaptcha/ https://www.gstatic.com/recaptcha/; frame-src https://www.google.com/recaptcha/ https://recaptcha.google.com/recaptcha/}</li>
 *   <li>hCaptcha: {@code script-src https://hcaptcha.com https://*.hcaptcha.com; frame-src https://hcaptcha.com https://*.hcaptcha.com;
 *       style-src https://hcaptcha.com https://*.hcaptcha.com; connect-src https://hcaptcha.com https://*.hcaptcha.com}</li>
 *   <li>Turnstile: {@code script-src https://challenges.cloudflare.com; frame-src https://challenges.cloudflare.com}</li>
 * </ul>
 * The server side calls the vendor's siteverify URL through Keycloak's outgoing HTTP client
 * ({@link com.merchantsupport.keycloak.captcha.SiteverifyHttp} over {@code SimpleHttp}): the deployer's proxy and
 * truststore settings apply, the step's timeouts are set per request.
 */
package com.merchantsupport.keycloak.captcha;
