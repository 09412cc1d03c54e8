package io.ecrflow.registry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AuthChallengeTest {

    @Test
    void aBearerChallengeNamesTheTokenServiceAndAScopeThatMayHoldCommas() {
        AuthChallenge challenge = AuthChallenge.parse("Bearer realm=\"https://auth.docker.io/token\","
                + "service=\"registry.docker.io\",scope=\"repository:library/ubuntu:pull,push\"").orElseThrow();

        assertThat(challenge.isBearer()).isTrue();
        assertThat(challenge.parameter("realm")).hasValue("https://auth.docker.io/token");
        assertThat(challenge.parameter("service")).hasValue("registry.docker.io");
        assertThat(challenge.parameter("scope")).hasValue("repository:library/ubuntu:pull,push");
    }

    @Test
    void ecrAsksForBasicAuth() {
        AuthChallenge challenge = AuthChallenge.parse(
                "Basic realm=\"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/\",service=\"ecr.amazonaws.com\"").orElseThrow();

        assertThat(challenge.isBasic()).isTrue();
        assertThat(challenge.parameter("service")).hasValue("ecr.amazonaws.com");
    }

    @Test
    void unquotedValuesAndMissingHeadersAreHandled() {
        assertThat(AuthChallenge.parse("Bearer realm=https://r/token,service=s").orElseThrow().parameter("service")).hasValue("s");
        assertThat(AuthChallenge.parse("")).isEmpty();
        assertThat(AuthChallenge.parse(null)).isEmpty();
    }
}
