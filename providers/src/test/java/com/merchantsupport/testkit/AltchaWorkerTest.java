package com.merchantsupport.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.merchantsupport.keycloak.captcha.AltchaChallenges;
import com.merchantsupport.keycloak.captcha.AltchaKeys;
import com.merchantsupport.keycloak.captcha.CaptchaResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The tests and the benchmarks sign up through this solver: the form must accept what it posts. */
class AltchaWorkerTest {

    private static final String REALM = "merchant-support";
    private static final String KEY = AltchaKeys.derive("a-realm-secret-for-the-worker-test".getBytes(StandardCharsets.UTF_8), "realm-id");

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void theFormAcceptsTheSolutionOfAChallengeAsTheEndpointAnswersIt() throws Exception {
        Map<String, Object> challenge = AltchaChallenges.create(KEY, REALM, 5_000, now() + 600);
        String endpointJson = new ObjectMapper().writeValueAsString(challenge);

        CaptchaResult result = AltchaChallenges.verify(AltchaWorker.solve(endpointJson), REALM, List.of(KEY), now(), (signature, lifespan) -> true);

        assertTrue(result.success(), () -> "refused: " + result.failure() + " " + result.detail());
    }
}
