package io.ecrflow.testbed.ecr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecrflow.testbed.AwsClients;
import io.ecrflow.testbed.EcrTestbed;
import io.ecrflow.testbed.aws.TrustedRole;
import io.ecrflow.testbed.net.TestbedTls;
import io.ecrflow.testbed.registry.RegistryRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/** A second account with a registry of its own: ECR calls go where their registry id (or the caller) points. */
class CrossAccountTest {

    static final String OTHER = "210987654321";

    @RegisterExtension
    static final EcrTestbed bed = EcrTestbed.with(AwsClients.config().withOtherAccount(OTHER)
            .withRole(TrustedRole.of("arn:aws:iam::" + OTHER + ":role/pusher")));

    @Test
    void aRegistryIdSelectsThatAccountsRegistryAndHost() {
        AuthorizationData other = bed.ecr().getAuthorizationToken(r -> r.registryIds(OTHER)).authorizationData().get(0);
        AuthorizationData own = bed.ecr().getAuthorizationToken(r -> { }).authorizationData().get(0);

        assertThat(other.proxyEndpoint()).isEqualTo("https://" + bed.testbed().account(OTHER).registryHost());
        assertThat(own.proxyEndpoint()).isEqualTo("https://" + bed.testbed().registryHost());
        assertThat(bed.testbed().account(OTHER).registryHost()).startsWith("210987654321.dkr.ecr.us-east-1.ecrflow.test:");
        assertThat(bed.testbed().account(OTHER).registryHost()).isNotEqualTo(bed.testbed().registryHost());

        var created = bed.ecr().createRepository(r -> r.registryId(OTHER).repositoryName("shared/app")).repository();

        assertThat(created.registryId()).isEqualTo(OTHER);
        assertThat(created.repositoryUri()).isEqualTo(bed.testbed().account(OTHER).registryHost() + "/shared/app");
        assertThat(bed.testbed().account(OTHER).repository("shared/app")).isPresent();
        assertThat(bed.testbed().repository("shared/app")).isEmpty();
        assertThatThrownBy(() -> bed.ecr().describeRepositories(r -> r.repositoryNames("shared/app")))
                .isInstanceOf(RepositoryNotFoundException.class);
        assertThat(bed.testbed().calls()).last().satisfies(call -> assertThat(call.parameters()).doesNotContainKey("registryId"));
    }

    @Test
    void aRoleAssumedInTheOtherAccountUsesThatAccountsRegistryByDefault() {
        Credentials credentials;
        try (StsClient sts = AwsClients.sts(bed.testbed(), AwsClients.KEY_ID, AwsClients.SECRET)) {
            credentials = sts.assumeRole(r -> r.roleArn("arn:aws:iam::" + OTHER + ":role/pusher").roleSessionName("x1"))
                    .credentials();
        }
        try (EcrClient asRole = AwsClients.ecr(bed.testbed(), AwsSessionCredentials.create(credentials.accessKeyId(),
                credentials.secretAccessKey(), credentials.sessionToken()), Region.US_EAST_1)) {
            var created = asRole.createRepository(r -> r.repositoryName("theirs/app")).repository();

            assertThat(created.registryId()).isEqualTo(OTHER);
            assertThat(asRole.getAuthorizationToken(r -> { }).authorizationData().get(0).proxyEndpoint())
                    .isEqualTo("https://" + bed.testbed().account(OTHER).registryHost());
        }
    }

    @Test
    void theRegistryRequestsOfBothAccountsComeInTheOrderTheyWereMade() throws Exception {
        bed.ecr().createRepository(r -> r.repositoryName("order/own"));
        bed.ecr().createRepository(r -> r.registryId(OTHER).repositoryName("order/other"));
        String own = bed.ecr().getAuthorizationToken(r -> { }).authorizationData().get(0).authorizationToken();
        String other = bed.ecr().getAuthorizationToken(r -> r.registryIds(OTHER)).authorizationData().get(0).authorizationToken();
        int mark = bed.testbed().registryRequests().size();

        listTags(bed.testbed().registryHost(), "order/own", own);
        listTags(bed.testbed().account(OTHER).registryHost(), "order/other", other);
        listTags(bed.testbed().registryHost(), "order/own", own);

        List<RegistryRequest> all = bed.testbed().registryRequests();
        assertThat(all.subList(mark, all.size())).extracting(RegistryRequest::repository)
                .containsExactly("order/own", "order/other", "order/own");
    }

    private static void listTags(String host, String repository, String token) throws Exception {
        HttpResponse<String> answer = TestbedTls.fromEnvironment().httpClient().build().send(HttpRequest.newBuilder(
                URI.create("https://" + host + "/v2/" + repository + "/tags/list")).header("Authorization", "Basic " + token)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        // the empty repository is unknown to the registry behind the front (404): what counts is that it got there
        assertThat(answer.statusCode()).as(answer.body()).isIn(200, 404);
    }
}
