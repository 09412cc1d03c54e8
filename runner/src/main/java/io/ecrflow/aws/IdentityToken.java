package io.ecrflow.aws;

import io.ecrflow.Secret;

/**
 * Where a web identity (OIDC) token comes from: a file the CI keeps fresh, or the Azure Pipelines OIDC
 * token API. Each call hands out a current token, so a long run exchanges a fresh one when the AWS
 * credentials it bought run out.
 */
interface IdentityToken {

    /** How messages name the token's origin, e.g. "the web identity token file token.jwt". */
    String describe();

    Secret fetch();
}
