/**
 * "Forgot my password": step {@code merchant-reset-choose-user}
 * ({@link com.merchantsupport.keycloak.reset.ResetChooseUserAuthenticator}), Keycloak's "Choose user" with the
 * registration's captcha and the pack's reset limits, in the realm's reset-credentials flow
 * {@code merchant reset credentials}. Keycloak's own steps send the email and set the new password.
 */
package com.merchantsupport.keycloak.reset;
