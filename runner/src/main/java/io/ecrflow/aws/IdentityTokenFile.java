package io.ecrflow.aws;

import io.ecrflow.Secret;
import io.ecrflow.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A web identity token in a file, as GitHub Actions steps, EKS, GitLab and others provide it
 * ({@code AWS_WEB_IDENTITY_TOKEN_FILE}). Read again on every exchange: such files are rotated.
 */
record IdentityTokenFile(Path file) implements IdentityToken {

    @Override
    public String describe() {
        return "the web identity token file " + file;
    }

    @Override
    public Secret fetch() {
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (token.isEmpty()) {
                throw new UserError("The web identity token file " + file + " is empty. Check the step that writes it.",
                        "webIdentityTokenFile");
            }
            return Secret.of(token);
        } catch (NoSuchFileException e) {
            throw new UserError("The web identity token file " + file + " does not exist. Check webIdentityTokenFile "
                    + "(or AWS_WEB_IDENTITY_TOKEN_FILE) and the step that writes the token.", "webIdentityTokenFile", e);
        } catch (IOException e) {
            throw new UserError("Could not read the web identity token file " + file + ": " + e.getMessage(),
                    "webIdentityTokenFile", e);
        }
    }
}
